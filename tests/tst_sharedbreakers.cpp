// The circuit breakers on several servers sharing one PostgreSQL database (docs/safety.md): each
// server counts the submissions and people's decisions made on every server (the change feed
// carries them), so an agent spread over two servers behind HAProxy trips a rule at its count,
// not at twice it, and a server never counts its own submissions twice. PostgreSQL only: ctest
// runs it as pg_sharedbreakers.
#include "support/TestServer.h"

#include <QSqlQuery>
#include <QtTest>

using namespace interlock;
using namespace interlock::test;

namespace {
QJsonObject windowed(const QString &id, const QString &scope, int moreThan,
                     const QJsonArray &kinds = {})
{
    QJsonObject rule{{QStringLiteral("id"), id},
                     {QStringLiteral("scope"), scope},
                     {QStringLiteral("measure"), QStringLiteral("submissions")},
                     {QStringLiteral("more_than"), moreThan},
                     {QStringLiteral("window_seconds"), 600},
                     {QStringLiteral("action"), QStringLiteral("freeze")}};
    if (!kinds.isEmpty())
        rule.insert(QStringLiteral("kinds"), kinds);
    return rule;
}

TestServer::Options withRules(const QByteArray &rules)
{
    TestServer::Options o;
    o.manualClock = true;
    o.riskRules = rules;
    return o;
}

// What counts toward `breaker` for the session on `s` now (GET /v1/sessions/{id}:
// breaker_counts); 0 when nothing does.
qint64 countOn(TestServer &s, const QString &sessionId, const QString &breaker)
{
    const QJsonArray counts =
        s.sessionView(sessionId).value(QStringLiteral("breaker_counts")).toArray();
    for (const QJsonValue &c : counts) {
        if (c.toObject().value(QStringLiteral("breaker")).toString() == breaker)
            return c.toObject().value(QStringLiteral("count")).toInteger();
    }
    return 0;
}

QJsonValue frozenOn(TestServer &s, const QString &sessionId)
{
    return s.sessionView(sessionId).value(QStringLiteral("frozen"));
}

ApiResult decide(TestServer &s, const QString &actionId, const QString &decision)
{
    return s.call(s.token(Role::Reviewer), "POST",
                  QStringLiteral("/v1/actions/%1/decision").arg(actionId),
                  QJsonObject{{QStringLiteral("decision"), decision},
                              {QStringLiteral("comment"), QStringLiteral("checked")}});
}

// Another program appends an event to the log without a NOTIFY. The next commit a server is
// told of no longer follows what it has read, so its feed reads the log from there: the
// server's own events come back to it through the feed, as they do when several servers commit
// at once.
void silentOutsideEvent(const QString &db)
{
    withOutsideConnection(db, [](QSqlDatabase &d) {
        QVERIFY(d.transaction());
        QSqlQuery q(d);
        QVERIFY(q.exec(QStringLiteral(
            "UPDATE chain_head SET event_seq = event_seq + 1 WHERE id = 1 RETURNING event_seq")));
        QVERIFY(q.next());
        const qint64 seq = q.value(0).toLongLong();
        q.finish();
        QVERIFY(q.prepare(QStringLiteral("INSERT INTO events(seq, type, at, data) VALUES "
                                         "(?, 'test.silent', 0, '{}')")));
        q.addBindValue(seq);
        QVERIFY(q.exec());
        QVERIFY(d.commit());
    });
}
} // namespace

class TestSharedBreakers : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        if (!testingPostgres())
            QSKIP("needs INTERLOCK_TEST_STORE=postgresql://… (ctest runs it as pg_sharedbreakers)");
    }

    void submissionsOnEveryServerCountTowardOneBreaker_data()
    {
        QTest::addColumn<QString>("scope");
        QTest::newRow("one session on both servers") << QStringLiteral("session");
        QTest::newRow("one agent, a session on each server") << QStringLiteral("agent");
    }

    // "More than 3 submissions" and the agent alternates servers (HAProxy): two on A, one on B,
    // and the fourth, on A, trips it; both servers show the same count on the way.
    void submissionsOnEveryServerCountTowardOneBreaker()
    {
        QFETCH(QString, scope);
        const QByteArray rules = rulesWithBreakers({windowed(QStringLiteral("burst"), scope, 3)});
        TestServer a(withRules(rules));
        TestServer b(sharingDatabaseOf(a, rules));
        const auto [sidA, tokenA] = a.openSession(QStringLiteral("mail-cleaner"));
        auto [sidB, tokenB] = std::pair{sidA, tokenA};
        if (scope == QLatin1String("agent"))
            std::tie(sidB, tokenB) = b.openSession(QStringLiteral("mail-cleaner"));

        QVERIFY(!a.submit(tokenA, sampleAction()).isEmpty());
        QVERIFY(!a.submit(tokenA, sampleAction()).isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(countOn(b, sidB, QStringLiteral("burst")), 2, 5000);
        QVERIFY(!b.submit(tokenB, sampleAction()).isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(countOn(a, sidA, QStringLiteral("burst")), 3, 5000);

        const ApiResult fourth =
            a.call(tokenA, "POST", QStringLiteral("/v1/actions"), sampleAction());
        QCOMPARE(fourth.status, 423);
        QCOMPARE(fourth.error().code, QStringLiteral("session_frozen"));
        QTRY_VERIFY_WITH_TIMEOUT(frozenOn(b, sidB).isObject(), 5000);
        QCOMPARE(b.call(tokenB, "POST", QStringLiteral("/v1/actions"), sampleAction()).status, 423);
    }

    // "More than 2 rejections in a row": an approval on B ends the run A counted; then two
    // rejections on A and one on B trip it, on B.
    void rejectionsOnEveryServerCountTowardOneRun()
    {
        const QByteArray rules = rulesWithBreakers(
            {QJsonObject{{QStringLiteral("id"), QStringLiteral("streak")},
                         {QStringLiteral("measure"), QStringLiteral("rejections_in_a_row")},
                         {QStringLiteral("more_than"), 2},
                         {QStringLiteral("action"), QStringLiteral("freeze")}}});
        TestServer a(withRules(rules));
        TestServer b(sharingDatabaseOf(a, rules));
        const auto [sid, token] = a.openSession(QStringLiteral("forum-bot"));
        QStringList ids;
        for (int i = 0; i < 5; ++i)
            ids.append(a.submit(token, sampleAction(QStringLiteral("message.post"))));
        QVERIFY(!ids.contains(QString()));

        QCOMPARE(decide(a, ids[0], QStringLiteral("reject")).status, 200);
        QTRY_COMPARE_WITH_TIMEOUT(countOn(b, sid, QStringLiteral("streak")), 1, 5000);
        QCOMPARE(decide(b, ids[1], QStringLiteral("approve")).status, 200);
        QTRY_COMPARE_WITH_TIMEOUT(countOn(a, sid, QStringLiteral("streak")), 0, 5000);

        QCOMPARE(decide(a, ids[2], QStringLiteral("reject")).status, 200);
        QCOMPARE(decide(a, ids[3], QStringLiteral("reject")).status, 200);
        QTRY_COMPARE_WITH_TIMEOUT(countOn(b, sid, QStringLiteral("streak")), 2, 5000);
        QVERIFY(frozenOn(b, sid).isNull());
        QCOMPARE(decide(b, ids[4], QStringLiteral("reject")).status, 200);
        QVERIFY(frozenOn(b, sid).isObject());
        QTRY_VERIFY_WITH_TIMEOUT(frozenOn(a, sid).isObject(), 5000);
    }

    // A's own submissions come back to it through the feed (another commit came in between):
    // counted once. A marker counted by a rule of its own, submitted on B last, shows that A's
    // feed has read everything before it.
    void aServersOwnSubmissionsCountOnce()
    {
        const QByteArray rules =
            rulesWithBreakers({windowed(QStringLiteral("commands"), QStringLiteral("session"), 100,
                                        {QStringLiteral("shell.exec")}),
                               windowed(QStringLiteral("marker"), QStringLiteral("session"), 100,
                                        {QStringLiteral("message.post")})});
        TestServer a(withRules(rules));
        TestServer b(sharingDatabaseOf(a, rules));
        const auto [sid, token] = a.openSession(QStringLiteral("builder"));
        for (int i = 0; i < 3; ++i) {
            silentOutsideEvent(a.dbPath());
            QVERIFY(!a.submit(token, sampleAction()).isEmpty());
        }
        QVERIFY(!b.submit(token, sampleAction(QStringLiteral("message.post"))).isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(countOn(a, sid, QStringLiteral("marker")), 1, 5000);
        QCOMPARE(countOn(a, sid, QStringLiteral("commands")), 3);
        QTRY_COMPARE_WITH_TIMEOUT(countOn(b, sid, QStringLiteral("commands")), 3, 5000);
        QCOMPARE(countOn(b, sid, QStringLiteral("marker")), 1);
    }
};

QTEST_GUILESS_MAIN(TestSharedBreakers)
#include "tst_sharedbreakers.moc"
