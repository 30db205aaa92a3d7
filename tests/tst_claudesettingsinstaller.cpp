// `interlockctl hook claude-code --install`: the settings entry merged, everything else kept.
#include "integrations/ClaudeSettingsInstaller.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

using namespace interlock::integrations;

namespace {
ClaudeSettingsInstaller::Entry entry()
{
    return {QStringLiteral("/usr/bin/interlockctl"),
            {QStringLiteral("hook"), QStringLiteral("claude-code")},
            3600};
}

QJsonObject read(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QJsonDocument::fromJson(f.readAll()).object()
                                       : QJsonObject();
}

void write(const QString &path, const QByteArray &data)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(data);
}
} // namespace

class TestClaudeSettingsInstaller : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void addsToEmptySettings()
    {
        const auto out = ClaudeSettingsInstaller::merge({}, entry());
        QVERIFY(out.error.isEmpty());
        QVERIFY(out.changed);
        const QJsonObject expected =
            QJsonDocument::fromJson(
                R"({"hooks":{"PreToolUse":[{"matcher":"*","hooks":[{"type":"command","command":"/usr/bin/interlockctl","args":["hook","claude-code"],"timeout":3600}]}]}})")
                .object();
        QCOMPARE(out.settings, expected);
        QCOMPARE(out.report.size(), 1);
        QVERIFY(out.report.first().startsWith(QStringLiteral("added hooks.PreToolUse[0]")));
    }

    void keepsEverythingElseAndIsIdempotent()
    {
        const QJsonObject before = QJsonDocument::fromJson(R"json({
            "model": "opus", "permissions": {"allow": ["Bash(ls:*)"]},
            "hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "/opt/lint.sh"}]}],
                      "PostToolUse": [{"matcher": "*", "hooks": [{"type": "command", "command": "/opt/log.sh"}]}]}})json")
                                       .object();
        const auto once = ClaudeSettingsInstaller::merge(before, entry());
        QVERIFY(once.changed);
        QCOMPARE(once.settings.value("model"), before.value("model"));
        QCOMPARE(once.settings.value("permissions"), before.value("permissions"));
        const QJsonObject hooks = once.settings.value("hooks").toObject();
        QCOMPARE(hooks.value("PostToolUse"), before.value("hooks").toObject().value("PostToolUse"));
        const QJsonArray pre = hooks.value("PreToolUse").toArray();
        QCOMPARE(pre.size(), 2);
        QCOMPARE(pre.first(),
                 before.value("hooks").toObject().value("PreToolUse").toArray().first());
        const auto twice = ClaudeSettingsInstaller::merge(once.settings, entry());
        QVERIFY(!twice.changed);
        QCOMPARE(twice.settings, once.settings);
    }

    void updatesAnOldEntryInPlace()
    {
        const QJsonObject old =
            QJsonDocument::fromJson(
                R"({"hooks":{"PreToolUse":[{"matcher":"Bash|Write","hooks":[{"type":"command","command":"/usr/local/bin/interlockctl hook claude-code","timeout":60}]},{"matcher":"*","hooks":[{"type":"command","command":"/old/interlockctl","args":["hook","claude-code"]}]}]}})")
                .object();
        const auto out = ClaudeSettingsInstaller::merge(old, entry());
        QVERIFY(out.changed);
        const QJsonArray pre = out.settings.value("hooks").toObject().value("PreToolUse").toArray();
        // The first Interlock hook is updated (shell form becomes exec form, matcher "*"); the
        // second, a duplicate, goes with its group.
        QCOMPARE(pre.size(), 1);
        const QJsonObject group = pre.first().toObject();
        QCOMPARE(group.value("matcher").toString(), QStringLiteral("*"));
        const QJsonObject hook = group.value("hooks").toArray().first().toObject();
        QCOMPARE(hook.value("command").toString(), QStringLiteral("/usr/bin/interlockctl"));
        QCOMPARE(hook.value("args").toArray().size(), 2);
        QCOMPARE(hook.value("timeout").toInt(), 3600);
        QVERIFY(out.report.join('\n').contains(QStringLiteral("timeout: 60 -> 3600")));
        QVERIFY(out.report.join('\n').contains(QStringLiteral("removed a second")));
    }

    void neverWidensSomeoneElsesMatcher()
    {
        const QJsonObject shared =
            QJsonDocument::fromJson(
                R"({"hooks":{"PreToolUse":[{"matcher":"Bash","hooks":[{"type":"command","command":"/opt/lint.sh"},{"type":"command","command":"/usr/bin/interlockctl","args":["hook","claude-code"],"timeout":3600}]}]}})")
                .object();
        const auto out = ClaudeSettingsInstaller::merge(shared, entry());
        const QJsonArray pre = out.settings.value("hooks").toObject().value("PreToolUse").toArray();
        QCOMPARE(pre.size(), 2);
        QCOMPARE(pre.at(0).toObject().value("matcher").toString(), QStringLiteral("Bash"));
        QCOMPARE(pre.at(0).toObject().value("hooks").toArray().size(), 1);
        QCOMPARE(pre.at(1).toObject().value("matcher").toString(), QStringLiteral("*"));
        QVERIFY(ClaudeSettingsInstaller::isInterlockHook(
            pre.at(1).toObject().value("hooks").toArray().first().toObject()));
    }

    void removes()
    {
        const auto installed = ClaudeSettingsInstaller::merge({{"model", "x"}}, entry());
        const auto removed = ClaudeSettingsInstaller::remove(installed.settings);
        QVERIFY(removed.changed);
        QCOMPARE(removed.settings, (QJsonObject{{"model", "x"}}));
        QVERIFY(!ClaudeSettingsInstaller::remove(removed.settings).changed);
    }

    void refusesWhatItCannotMerge()
    {
        QVERIFY(!ClaudeSettingsInstaller::merge({{"hooks", 3}}, entry()).error.isEmpty());
        QVERIFY(
            !ClaudeSettingsInstaller::merge({{"hooks", QJsonObject{{"PreToolUse", "x"}}}}, entry())
                 .error.isEmpty());
        QTemporaryDir dir;
        const QString path = dir.filePath(".claude/settings.json");
        write(path, "{ not json");
        const auto out = ClaudeSettingsInstaller::apply(path, entry(), false, false);
        QVERIFY(out.error.contains(QStringLiteral("not a JSON object")));
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), QByteArray("{ not json")); // untouched
    }

    void commandLineInstallsPrintsAndKeepsABackup()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(".claude/settings.json");
        write(path, R"({"env":{"FOO":"1"}})");
        QProcess ctl;
        ctl.start(
            QStringLiteral(INTERLOCKCTL_PATH),
            {"hook", "claude-code", "--install", "--project", dir.path(), "--deadline", "600"});
        QVERIFY(ctl.waitForFinished(20000));
        QCOMPARE(ctl.exitCode(), 0);
        const QString printed = QString::fromUtf8(ctl.readAllStandardOutput());
        QVERIFY2(printed.contains(path) && printed.contains("added hooks.PreToolUse[0]"),
                 qPrintable(printed));
        const QJsonObject settings = read(path);
        QCOMPARE(settings.value("env").toObject().value("FOO").toString(), QStringLiteral("1"));
        const QJsonObject hook = settings.value("hooks")
                                     .toObject()
                                     .value("PreToolUse")
                                     .toArray()
                                     .first()
                                     .toObject()
                                     .value("hooks")
                                     .toArray()
                                     .first()
                                     .toObject();
        // The interlockctl beside the test's own, with the deadline and a timeout above it.
        QCOMPARE(hook.value("command").toString(), QStringLiteral(INTERLOCKCTL_PATH));
        QCOMPARE(hook.value("args").toArray(),
                 (QJsonArray{"hook", "claude-code", "--deadline", "600"}));
        QCOMPARE(hook.value("timeout").toInt(), 700);
        QVERIFY(QFile::exists(path + ".bak"));

        ctl.start(
            QStringLiteral(INTERLOCKCTL_PATH),
            {"hook", "claude-code", "--install", "--project", dir.path(), "--deadline", "600"});
        QVERIFY(ctl.waitForFinished(20000));
        QVERIFY(ctl.readAllStandardOutput().contains("already installed; nothing changed"));

        // A timeout that would let Claude Code give up before the hook answers is refused.
        ctl.start(QStringLiteral(INTERLOCKCTL_PATH),
                  {"hook", "claude-code", "--install", "--project", dir.path(), "--timeout", "60"});
        QVERIFY(ctl.waitForFinished(20000));
        QCOMPARE(ctl.exitCode(), 2);
    }
};

QTEST_GUILESS_MAIN(TestClaudeSettingsInstaller)
#include "tst_claudesettingsinstaller.moc"
