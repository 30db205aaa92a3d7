// The breakers' counters on their own (app/server/CircuitBreakers): windows that take another
// server's submissions in time order, however late they arrive, and a resume that forgets what
// came before it, also when another server's event of it arrives afterwards, but not what came
// after it. The same for runs of rejections. What the breakers count of one action (the
// shipped "destructive" section), however the action is spelled. Server-level behaviour:
// tst_breakers, tst_sharedbreakers.
#include "server/CircuitBreakers.h"
#include "server/RiskEngine.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest>

using namespace interlock;

namespace {
constexpr qint64 kMinute = 60 * 1000;
const QString kSession = QStringLiteral("ses_1");
const QString kAgent = QStringLiteral("mail-cleaner");
const QString kKind = QStringLiteral("email.delete");

std::shared_ptr<const BreakerRules> rules()
{
    const QByteArray text = R"({"breakers": [
        {"id": "burst", "measure": "submissions", "more_than": 3, "window_seconds": 60,
         "action": "freeze"},
        {"id": "streak", "measure": "rejections_in_a_row", "more_than": 2, "action": "freeze"}]})";
    QString error;
    auto r = BreakerRules::read(QJsonDocument::fromJson(text).object(), text, &error);
    if (!r)
        qFatal("rules: %s", qPrintable(error));
    return r;
}

qint64 countOf(const CircuitBreakers &b, const QString &breaker, qint64 now)
{
    for (const QJsonValue &c : b.counts(kSession, kAgent, now)) {
        if (c.toObject().value(QStringLiteral("breaker")).toString() == breaker)
            return c.toObject().value(QStringLiteral("count")).toInteger();
    }
    return 0;
}

std::shared_ptr<const BreakerRules> shippedRules()
{
    static const std::shared_ptr<const BreakerRules> shipped = [] {
        QFile f(QStringLiteral(":/risk/rules.json"));
        const QByteArray text = f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
        QString error;
        auto r = BreakerRules::read(QJsonDocument::fromJson(text).object(), text, &error);
        if (!r)
            qFatal("shipped rules: %s", qPrintable(error));
        return r;
    }();
    return shipped;
}

ActionFacts factsOf(const QString &kind, const QJsonObject &payload)
{
    // With the shipped risk engine's reasons, as the server stores them with the action.
    static const std::unique_ptr<RiskEngine> engine = RiskEngine::builtIn();
    RiskInput in;
    in.kind = kind;
    in.payload = payload;
    return shippedRules()->factsOf({{QStringLiteral("kind"), kind},
                                    {QStringLiteral("payload"), payload},
                                    {QStringLiteral("risk"), engine->assess(in).toJson()}});
}

QJsonArray messageIds(int n)
{
    QJsonArray a;
    for (int i = 0; i < n; ++i)
        a.append(QStringLiteral("m%1").arg(i));
    return a;
}

void submitted(CircuitBreakers &b, qint64 at, qint64 now)
{
    b.record(kSession, kAgent, kKind, ActionFacts{}, at, now);
}
} // namespace

class TestCircuitBreakers : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // Another server's submission, delivered after later ones here, leaves the window when its
    // own time says so: not held back by the newer ones behind it.
    void aLateSubmissionLeavesTheWindowOnTime()
    {
        CircuitBreakers b(rules());
        const qint64 t0 = 10 * kMinute;
        submitted(b, t0 + 20000, t0 + 20000);
        submitted(b, t0 + 30000, t0 + 30000);
        submitted(b, t0 + 5000, t0 + 30000); // made elsewhere at +5 s, heard of at +30 s
        QCOMPARE(countOf(b, QStringLiteral("burst"), t0 + 30000), 3);
        QCOMPARE(b.check(kSession, kAgent, kKind, {}, t0 + 30000).size(), 1); // a 4th: 4 > 3
        // At +65 s the one from +5 s is out (it was not stuck behind the newer two): two left,
        // and a third is allowed.
        QCOMPARE(countOf(b, QStringLiteral("burst"), t0 + 65000), 2);
        QCOMPARE(b.check(kSession, kAgent, kKind, {}, t0 + 65000).size(), 0);
        submitted(b, t0 + 65000, t0 + 65000);
        QCOMPARE(countOf(b, QStringLiteral("burst"), t0 + 65000), 3);
        // One older than the window when it arrives is not counted at all.
        submitted(b, t0 + 1000, t0 + 65000);
        QCOMPARE(countOf(b, QStringLiteral("burst"), t0 + 65000), 3);
    }

    // People resumed the session at +40 s: what was made before no longer counts, including a
    // submission made elsewhere at +35 s that arrives later; one made at +45 s, delivered in the
    // same batch as the resume, still counts.
    void aResumeForgetsWhatCameBeforeItOnly()
    {
        CircuitBreakers b(rules());
        const qint64 t0 = 10 * kMinute;
        for (qint64 at : {t0 + 10000, t0 + 20000, t0 + 30000})
            submitted(b, at, at);
        submitted(b, t0 + 45000, t0 + 46000); // after the resume, heard of before it is applied
        b.forget(kSession, kAgent, t0 + 40000);
        QCOMPARE(countOf(b, QStringLiteral("burst"), t0 + 46000), 1);
        submitted(b, t0 + 35000, t0 + 47000); // before the resume, heard of after it
        QCOMPARE(countOf(b, QStringLiteral("burst"), t0 + 47000), 1);
        // A window left empty by the resume keeps its floor through pruning while the floor is
        // inside the window.
        CircuitBreakers c(rules());
        submitted(c, t0 + 30000, t0 + 30000);
        c.forget(kSession, kAgent, t0 + 40000);
        c.prune(t0 + 50000);
        submitted(c, t0 + 35000, t0 + 50000);
        QCOMPARE(countOf(c, QStringLiteral("burst"), t0 + 50000), 0);
    }

    // Runs of rejections: the same floor.
    void aResumeEndsTheRunsBeforeItOnly()
    {
        CircuitBreakers b(rules());
        const qint64 t0 = 10 * kMinute;
        QVERIFY(b.decided(kSession, kAgent, kKind, true, t0 + 1000).isEmpty());
        QVERIFY(b.decided(kSession, kAgent, kKind, true, t0 + 2000).isEmpty());
        b.forget(kSession, kAgent, t0 + 3000);
        QCOMPARE(countOf(b, QStringLiteral("streak"), t0 + 3000), 0);
        // Elsewhere, before the resume, heard of now: neither extends nor ends the run.
        QVERIFY(b.decided(kSession, kAgent, kKind, true, t0 + 2500).isEmpty());
        QCOMPARE(countOf(b, QStringLiteral("streak"), t0 + 4000), 0);
        QVERIFY(b.decided(kSession, kAgent, kKind, true, t0 + 4000).isEmpty());
        QVERIFY(b.decided(kSession, kAgent, kKind, true, t0 + 5000).isEmpty());
        QCOMPARE(b.decided(kSession, kAgent, kKind, true, t0 + 6000).size(), 1); // 3 > 2
        QVERIFY(b.decided(kSession, kAgent, kKind, false, t0 + 7000).isEmpty());
        QCOMPARE(countOf(b, QStringLiteral("streak"), t0 + 7000), 0);
    }

    // Deleted items however the list is written (attack report F5): an array, one string of
    // ids separated by commas, semicolons or spaces, an object, nested arrays.
    void deletedItemsHoweverTheListIsWritten_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QJsonObject>("payload");
        QTest::addColumn<qint64>("items");
        const QString mail = QStringLiteral("email.delete");
        const QString ids = QStringLiteral("message_ids");
        QStringList list;
        for (const QJsonValue &id : messageIds(1500))
            list.append(id.toString());
        QJsonObject keys;
        for (const QString &id : std::as_const(list))
            keys.insert(id, true);
        QTest::newRow("array") << mail << QJsonObject{{ids, messageIds(1500)}} << qint64(1500);
        QTest::newRow("comma string")
            << mail << QJsonObject{{ids, list.join(QLatin1Char(','))}} << qint64(1500);
        QTest::newRow("semicolons and spaces")
            << mail << QJsonObject{{ids, list.join(QStringLiteral("; "))}} << qint64(1500);
        QTest::newRow("object keys") << mail << QJsonObject{{ids, keys}} << qint64(1500);
        QTest::newRow("nested arrays")
            << mail << QJsonObject{{ids, QJsonArray{messageIds(1000), QJsonArray{messageIds(500)}}}}
            << qint64(1500);
        QTest::newRow("paths as one string")
            << QStringLiteral("fs.delete")
            << QJsonObject{{QStringLiteral("paths"), QStringLiteral("/srv/a /srv/b /srv/c")}}
            << qint64(3);
    }
    void deletedItemsHoweverTheListIsWritten()
    {
        QFETCH(QString, kind);
        QFETCH(QJsonObject, payload);
        QFETCH(qint64, items);
        const ActionFacts f = factsOf(kind, payload);
        QCOMPARE(f.deletedItems, items);
        QVERIFY(f.destructive);
    }

    // Shell commands ShellWords refuses are still read: their listed programs are destructive
    // and delete their operands. Other commands are not destructive.
    void shellCommandsAreReadHoweverSpelled_data()
    {
        QTest::addColumn<QString>("command");
        QTest::addColumn<bool>("destructive");
        QTest::addColumn<qint64>("items");
        const auto row = [](const char *c, bool destructive, qint64 items) {
            QTest::newRow(c) << QString::fromUtf8(c) << destructive << items;
        };
        row("rm -f a b c", true, 3);
        row("rm -f -r /home; true", true, 1);
        row("rm -f /var/mail/*", true, 1);
        row("\"rm\" -f a b", true, 2);
        row("sudo -u root rm -f -- -a b", true, 2);
        row("find . -name x | xargs rm -f", true, 0);
        row("bash -c 'rm -f a b'", true, 2);
        row("cd /tmp && rm x && rm y z", true, 3);
        // Destructive by their risk reasons (the "destructive" section lists them).
        row("git reset --hard HEAD~3", true, 0);
        row("git clean -fdx", true, 0);
        row("git push --force origin main", true, 0);
        row("git push origin :release", true, 0);
        row("psql -c 'DROP TABLE users'", true, 0);
        row("git reset --soft HEAD~1", false, 0);
        row("echo rm -f a; ls", false, 0);
        row("ls -la *.txt", false, 0);
        // Commands that only mention a destructive one (docs/risk-rules.md "Mentions").
        row("grep -rn \"rm -rf /\" .", false, 0);
        // git's text is never a mention: a commit message is stored where an editor, a pager or
        // git log --output reaches it (the second attack on mentions, stop 33).
        row("git log --oneline --grep 'git reset --hard'", true, 0);
        row("git commit -m \"remove rm -rf from the build script\"", true, 0);
        row("echo 'never run rm -rf ~'", false, 0);
        row("echo 'rm -rf /' | sh", true, 0);
        row("grep -o 'rm -rf a b' notes | bash", true, 0);
    }
    void shellCommandsAreReadHoweverSpelled()
    {
        QFETCH(QString, command);
        QFETCH(bool, destructive);
        QFETCH(qint64, items);
        const ActionFacts f =
            factsOf(QStringLiteral("shell.exec"), {{QStringLiteral("command"), command}});
        QCOMPARE(f.destructive, destructive);
        QCOMPARE(f.deletedItems, items);
    }

    // An agent searching its logs for "rm -rf" 30 times in a minute is not a burst of
    // destructive actions: the shipped destructive-burst breaker (more than 20 in 60 s) does not
    // trip. 30 real rm -rf in the same minute trip it at the 21st.
    void mentionsDoNotTripTheDestructiveBurst_data()
    {
        QTest::addColumn<QString>("command");
        QTest::addColumn<int>("trippedAt"); // the submission that trips it; 0: none
        QTest::newRow("grep for rm -rf") << QStringLiteral("grep -rn \"rm -rf /\" .") << 0;
        QTest::newRow("git log --grep") << QStringLiteral("git log --grep 'git reset --hard'")
                                        << 21; // git's text is never a mention
        QTest::newRow("rm -rf") << QStringLiteral("rm -rf /srv/build/cache") << 21;
        QTest::newRow("echo piped into sh") << QStringLiteral("echo 'rm -rf /' | sh") << 21;
    }
    void mentionsDoNotTripTheDestructiveBurst()
    {
        QFETCH(QString, command);
        QFETCH(int, trippedAt);
        const QString kind = QStringLiteral("shell.exec");
        const ActionFacts facts = factsOf(kind, {{QStringLiteral("command"), command}});
        CircuitBreakers b(shippedRules());
        const qint64 t0 = 10 * kMinute;
        int tripped = 0;
        for (int i = 1; i <= 30 && tripped == 0; ++i) {
            const qint64 now = t0 + i * 2000; // 30 in 60 s, on the test's own clock
            for (const BreakerTrip &t : b.check(kSession, kAgent, kind, facts, now)) {
                if (t.rule->id == QLatin1String("destructive-burst"))
                    tripped = i;
            }
            if (tripped == 0)
                b.record(kSession, kAgent, kind, facts, now, now);
        }
        QCOMPARE(tripped, trippedAt);
    }

    // An MCP tool is destructive for the breakers exactly when the risk rule mcp.destructive
    // says so (missing hints take the MCP defaults: not read-only, destructive), and also when
    // it claims both readOnlyHint and destructiveHint true.
    void mcpHintsFailClosed_data()
    {
        QTest::addColumn<QJsonValue>("annotations");
        QTest::addColumn<bool>("destructive");
        const auto hints = [](std::initializer_list<std::pair<const char *, bool>> claims) {
            QJsonObject o;
            for (const auto &[k, v] : claims)
                o.insert(QLatin1String(k), v);
            return QJsonValue(o);
        };
        QTest::newRow("no annotations") << QJsonValue(QJsonValue::Undefined) << true;
        QTest::newRow("empty annotations") << hints({}) << true;
        QTest::newRow("not an object") << QJsonValue(QStringLiteral("safe")) << true;
        QTest::newRow("readOnlyHint false") << hints({{"readOnlyHint", false}}) << true;
        QTest::newRow("destructiveHint true") << hints({{"destructiveHint", true}}) << true;
        QTest::newRow("both claimed true")
            << hints({{"readOnlyHint", true}, {"destructiveHint", true}}) << true;
        QTest::newRow("readOnlyHint true") << hints({{"readOnlyHint", true}}) << false;
        QTest::newRow("destructiveHint false") << hints({{"destructiveHint", false}}) << false;
        QTest::newRow("destructiveHint as a string")
            << QJsonValue(QJsonObject{{QStringLiteral("destructiveHint"), QStringLiteral("false")}})
            << true;
    }
    void mcpHintsFailClosed()
    {
        QFETCH(QJsonValue, annotations);
        QFETCH(bool, destructive);
        QJsonObject payload{{QStringLiteral("server"), QStringLiteral("files")},
                            {QStringLiteral("tool"), QStringLiteral("write_file")}};
        if (!annotations.isUndefined())
            payload.insert(QStringLiteral("annotations"), annotations);
        QCOMPARE(factsOf(QStringLiteral("mcp.tool_call"), payload).destructive, destructive);
    }
};

QTEST_GUILESS_MAIN(TestCircuitBreakers)
#include "tst_circuitbreakers.moc"
