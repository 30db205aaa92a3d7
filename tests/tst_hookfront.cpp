// The Qt-free front of `interlockctl hook claude-code`: whatever the full hook does (crash, fail,
// print garbage, hang), Claude Code gets one JSON answer and exit status 0, and only an answer
// the full hook printed and exited 0 with is passed on.
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <csignal>

namespace {
const QString kScripts = QStringLiteral(SOURCE_DIR "/tests/data/hookfront/");

QByteArray input(const QString &tool, const QString &session = "front-session")
{
    return QJsonDocument(QJsonObject{{"session_id", session},
                                     {"cwd", "/tmp"},
                                     {"hook_event_name", "PreToolUse"},
                                     {"tool_name", tool},
                                     {"tool_input", QJsonObject{{"command", "ls"}}},
                                     {"tool_use_id", "toolu_f"}})
        .toJson(QJsonDocument::Compact);
}

bool alive(qint64 pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return false;
    const QByteArray line = stat.readAll();
    return line.mid(line.lastIndexOf(')') + 2, 1) != "Z";
}
} // namespace

class TestHookFront : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    QProcessEnvironment env(const QString &full)
    {
        QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
        e.insert("PROBE_FULL", full);
        e.insert("PROBE_PIDFILE", m_dir.filePath("pid"));
        e.insert("PROBE_ARGSFILE", m_dir.filePath("args"));
        e.insert("PROBE_INPUTFILE", m_dir.filePath("input"));
        e.insert("XDG_RUNTIME_DIR", m_dir.path());
        return e;
    }

    QJsonObject run(const QString &full, const QByteArray &in, const QStringList &options = {},
                    int timeoutMs = 10000)
    {
        QProcess p;
        p.setProcessEnvironment(env(full));
        p.start(QStringLiteral(HOOKFRONT_PROBE), QStringList{"hook", "claude-code"} + options);
        p.write(in);
        p.closeWriteChannel();
        [&] { QVERIFY(p.waitForFinished(timeoutMs)); }();
        const QByteArray out = p.readAllStandardOutput();
        [&] {
            QCOMPARE(p.exitCode(), 0);
            QVERIFY2(out.endsWith('\n') && out.count('\n') == 1, out.constData());
        }();
        return QJsonDocument::fromJson(out).object().value("hookSpecificOutput").toObject();
    }

private Q_SLOTS:
    void failuresOfTheFullHookDeny_data()
    {
        QTest::addColumn<QString>("full");
        QTest::addColumn<QString>("reason");
        QTest::newRow("crash") << kScripts + "crash.sh"
                               << "crashed (signal 11)";
        QTest::newRow("exit 1 after an allow") << kScripts + "exit1.sh"
                                               << "exit status 1";
        QTest::newRow("not JSON") << kScripts + "garbage.sh"
                                  << "not a JSON object";
        QTest::newRow("no answer") << kScripts + "silent.sh"
                                   << "not a JSON object";
        QTest::newRow("missing program") << "/nonexistent/interlockctl-full"
                                         << "exit status 127";
    }
    void failuresOfTheFullHookDeny()
    {
        QFETCH(QString, full);
        QFETCH(QString, reason);
        const QJsonObject a = run(full, input("Bash"));
        QCOMPARE(a.value("permissionDecision").toString(), QStringLiteral("deny"));
        QVERIFY2(a.value("permissionDecisionReason").toString().contains(reason),
                 qPrintable(a.value("permissionDecisionReason").toString()));
    }

    void theFullHookGetsTheInputAndArguments()
    {
        const QByteArray in = input("Bash");
        const QJsonObject a =
            run(kScripts + "echo.sh", in, {"--deadline", "30", "--agent", "dev-claude"});
        QCOMPARE(a.value("permissionDecision").toString(), QStringLiteral("allow"));
        QCOMPARE(a.value("permissionDecisionReason").toString(),
                 QStringLiteral("from the full hook"));
        QFile input(m_dir.filePath("input")), args(m_dir.filePath("args"));
        QVERIFY(input.open(QIODevice::ReadOnly) && args.open(QIODevice::ReadOnly));
        QCOMPARE(input.readAll(), in);
        QCOMPARE(args.readAll().trimmed(),
                 QByteArray("hook claude-code --deadline 30 --agent dev-claude"));
    }

    void readOnlyToolsAreAnsweredHere()
    {
        // The full hook would crash: a read-only tool never reaches it.
        const QJsonObject a = run(kScripts + "crash.sh", input("Grep"));
        QCOMPARE(a.value("permissionDecision").toString(), QStringLiteral("allow"));
        // The user's own list replaces the default one.
        const QJsonObject b = run(kScripts + "crash.sh", input("Grep"), {"--read-only-tools=Read"});
        QCOMPARE(b.value("permissionDecision").toString(), QStringLiteral("deny"));
        // An escaped tool name is the same name.
        const QByteArray escaped = input("Grep").replace("\"Grep\"", "\"Gr\\u0065p\"");
        QCOMPARE(run(kScripts + "crash.sh", escaped).value("permissionDecision").toString(),
                 QStringLiteral("allow"));
        // After a kill of this Claude session, read-only tools go to the full hook too.
        QDir().mkpath(m_dir.filePath("interlock/claude-code"));
        QFile marker(m_dir.filePath("interlock/claude-code/killed-one.killed"));
        QVERIFY(marker.open(QIODevice::WriteOnly));
        QCOMPARE(run(kScripts + "crash.sh", input("Grep", "killed-one"))
                     .value("permissionDecision")
                     .toString(),
                 QStringLiteral("deny"));
    }

    void aHangingFullHookIsKilledAtTheBackstop()
    {
        QElapsedTimer t;
        t.start();
        QFile::remove(m_dir.filePath("pid"));
        const QJsonObject a = run(kScripts + "slow.sh", input("Bash"), {"--deadline", "1"}, 30000);
        QCOMPARE(a.value("permissionDecision").toString(), QStringLiteral("deny"));
        QVERIFY(a.value("permissionDecisionReason").toString().contains("deadline of 1 s"));
        QVERIFY(t.elapsed() >= 1000 && t.elapsed() < 20000);
        QFile pid(m_dir.filePath("pid"));
        QVERIFY(pid.open(QIODevice::ReadOnly));
        QTRY_VERIFY(!alive(pid.readAll().trimmed().toLongLong()));
    }

    void theFullHookDiesWithTheFront()
    {
        // Claude Code gives up on a hook by killing it: the full hook must not wait on.
        QFile::remove(m_dir.filePath("pid"));
        QProcess p;
        p.setProcessEnvironment(env(kScripts + "slow.sh"));
        p.start(QStringLiteral(HOOKFRONT_PROBE), {"hook", "claude-code"});
        p.write(input("Bash"));
        p.closeWriteChannel();
        QTRY_VERIFY(QFile(m_dir.filePath("pid")).size() > 0);
        QFile pidFile(m_dir.filePath("pid"));
        QVERIFY(pidFile.open(QIODevice::ReadOnly));
        const qint64 full = pidFile.readAll().trimmed().toLongLong();
        QVERIFY(alive(full));
        ::kill(pid_t(p.processId()), SIGKILL);
        QVERIFY(p.waitForFinished(5000));
        QTRY_VERIFY(!alive(full));
    }

    void installAndHelpAreNotHookCalls()
    {
        QProcess p;
        p.setProcessEnvironment(env(kScripts + "crash.sh"));
        p.start(QStringLiteral(HOOKFRONT_PROBE), {"hook", "claude-code", "--install"});
        QVERIFY(p.waitForFinished(5000));
        QCOMPARE(p.exitCode(), 2); // the probe's "not mine": interlockctl runs the full program
        QVERIFY(p.readAllStandardOutput().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestHookFront)
#include "tst_hookfront.moc"
