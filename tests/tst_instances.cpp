// Several servers on one PostgreSQL database (docs/postgresql.md): a decision or a kill made on
// one wakes the long-polls of another (LISTEN/NOTIFY) and reaches its KillSwitch, the database
// refuses a killed token even before that, racing decisions have one winner, expiry runs once,
// every server serves the same gap-free event log and one audit chain, and a listener whose
// connection dies resubscribes and catches up, and a session's pending count is right whichever
// server changed it. PostgreSQL only: ctest runs it as pg_instances.
#include "server/ChangeFeed.h"
#include "server/KillSwitch.h"
#include "server/PgStore.h"
#include "server/ServerThread.h"
#include "server/Tokens.h"
#include "server/WaitHub.h"
#include "support/Daemon.h"
#include "support/TestServer.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QtTest>
#include <optional>

using namespace interlock;
using namespace interlock::test;

namespace {
QJsonObject approve()
{
    return {{QStringLiteral("decision"), QStringLiteral("approve")}};
}

// Ends every connection of the other servers to the test database, as a server restart would.
void terminateConnections(const QString &db, const QString &applicationName)
{
    withOutsideConnection(db, [&](QSqlDatabase &d) {
        QSqlQuery q(d);
        q.prepare(QStringLiteral("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                 "WHERE datname = current_database() AND application_name = ? "
                                 "AND pid <> pg_backend_pid()"));
        q.addBindValue(applicationName);
        QVERIFY(q.exec() && q.next());
        QVERIFY(q.value(0).toInt() > 0);
    });
}

// All events in the log, read page by page from one server.
QList<qint64> eventSeqs(const QUrl &url, const QString &token)
{
    ApiClient client(url, token);
    QList<qint64> out;
    qint64 after = 0;
    for (;;) {
        const ApiResult r =
            client.call("GET", QStringLiteral("/v1/events?after=%1").arg(after), std::nullopt);
        if (r.status != 200)
            return {};
        const QJsonArray events = r.body.value(QStringLiteral("events")).toArray();
        if (events.isEmpty())
            return out;
        for (const QJsonValue &e : events)
            out.append(e.toObject().value(QStringLiteral("seq")).toInteger());
        after = r.body.value(QStringLiteral("next")).toInteger();
    }
}

// B stops hearing A's change feed; a supervised session is opened on A. Nothing when B has no
// feed to stop.
std::optional<TestServer::Supervised> supervisedOnAWhileBIsDeaf(TestServer &a, TestServer &b)
{
    if (!b.server().changeFeed())
        return std::nullopt;
    QObject::disconnect(b.server().changeFeed(), nullptr, &b.server(), nullptr);
    return a.openSupervisedSession(QStringLiteral("mailer"));
}

// Two control polls on `server`: the API thread answers the first (the token is new to it), the
// I/O thread the second, from memory. Callers check QTest::currentTestFailed().
void expectControlState(TestServer &server, const TestServer::Supervised &s, const QString &state)
{
    ApiClient supervisor(server.url(), s.supervisorToken);
    for (int poll = 0; poll < 2; ++poll) {
        const ApiResult r = supervisor.call(
            "GET", QStringLiteral("/v1/sessions/%1/control?wait=0&pings=1").arg(s.id));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body.value(QStringLiteral("state")).toString(), state);
    }
}
} // namespace

class TestInstances : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        if (!testingPostgres())
            QSKIP("needs INTERLOCK_TEST_STORE=postgresql://… (ctest runs it as pg_instances)");
    }

    void aDecisionOnOneServerWakesTheAgentWaitingOnAnother()
    {
        TestServer a;
        TestServer b(sharingDatabaseOf(a));
        const auto [sessionId, token] = a.openSession(QStringLiteral("mailer"));
        const QString id = a.submit(token, sampleAction());
        QVERIFY(!id.isEmpty());
        ApiClient agent(a.url(), token);
        std::optional<ApiResult> waited;
        agent.request(
            "GET", QStringLiteral("/v1/actions/%1/decision?wait=30").arg(id), std::nullopt,
            [&](const ApiResult &r) { waited = r; }, {}, 40000);
        QTRY_COMPARE(a.server().waitHub().waiting(), 1);
        QCOMPARE(b.call(b.token(Role::Reviewer), "POST",
                        QStringLiteral("/v1/actions/%1/decision").arg(id), approve())
                     .status,
                 200);
        // The agent waits for 30 s: only B's NOTIFY can answer it within 5.
        QTRY_VERIFY_WITH_TIMEOUT(waited.has_value(), 5000);
        QCOMPARE(waited->status, 200);
        QCOMPARE(waited->body.value(QStringLiteral("status")).toString(),
                 QStringLiteral("approved"));
    }

    void aKillOnOneServerReachesTheSupervisorAndKillSwitchOfAnother()
    {
        TestServer a;
        TestServer b(sharingDatabaseOf(a));
        const auto [sessionId, token] = a.openSession(QStringLiteral("mailer"));
        const QString pending = a.submit(token, sampleAction());
        ApiClient supervisor(a.url(), token);
        const ApiResult first =
            supervisor.call("GET", QStringLiteral("/v1/sessions/%1/events?after=0").arg(sessionId));
        QCOMPARE(first.status, 200);
        const qint64 next = first.body.value(QStringLiteral("next")).toInteger();
        std::optional<ApiResult> waited;
        supervisor.request(
            "GET",
            QStringLiteral("/v1/sessions/%1/events?after=%2&wait=30").arg(sessionId).arg(next),
            std::nullopt, [&](const ApiResult &r) { waited = r; }, {}, 40000);
        QTRY_COMPARE(a.server().waitHub().waiting(), 1);
        QVERIFY(!a.server().killSwitch().isKilled(sessionId));
        QCOMPARE(b.call(b.token(Role::Oncall), "POST",
                        QStringLiteral("/v1/sessions/%1/kill").arg(sessionId))
                     .status,
                 200);
        QTRY_VERIFY_WITH_TIMEOUT(waited.has_value(), 5000);
        QStringList types;
        for (const QJsonValue &e : waited->body.value(QStringLiteral("events")).toArray())
            types.append(e.toObject().value(QStringLiteral("type")).toString());
        QVERIFY2(types.contains(QStringLiteral("session.killed")), qPrintable(types.join(u',')));
        QVERIFY(a.server().killSwitch().isKilled(sessionId));
        const ApiResult refused = a.call(token, "GET", QStringLiteral("/v1/me"));
        QCOMPARE(refused.status, 403);
        QCOMPARE(refused.error().code, QStringLiteral("session_killed"));
        // Its pending action was cancelled by the kill, whichever server shows it.
        QCOMPARE(a.call(a.token(Role::Reviewer), "GET", QStringLiteral("/v1/actions/") + pending)
                     .body.value(QStringLiteral("status"))
                     .toString(),
                 QStringLiteral("cancelled"));
    }

    void theDatabaseRefusesAKilledTokenBeforeTheFeedTells()
    {
        TestServer a;
        TestServer b(sharingDatabaseOf(a));
        // A never hears of B's kill: what refuses the token is the session's row.
        QVERIFY(a.server().changeFeed());
        QObject::disconnect(a.server().changeFeed(), nullptr, &a.server(), nullptr);
        const auto [sessionId, token] = a.openSession(QStringLiteral("mailer"));
        QCOMPARE(a.call(token, "GET", QStringLiteral("/v1/me")).status, 200);
        QCOMPARE(b.call(b.token(Role::Oncall), "POST",
                        QStringLiteral("/v1/sessions/%1/kill").arg(sessionId))
                     .status,
                 200);
        QVERIFY(!a.server().killSwitch().isKilled(sessionId));
        const ApiResult refused =
            a.call(token, "POST", QStringLiteral("/v1/actions"), sampleAction());
        QCOMPARE(refused.status, 403);
        QCOMPARE(refused.error().code, QStringLiteral("session_killed"));
        // And A's memory has learnt it from that row: its I/O thread answers the same.
        QVERIFY(a.server().killSwitch().isKilled(sessionId));
    }

    // A kill made on A while B's feed lags: the supervisor polling B hears "killed" from the
    // first poll (the row its Authenticator reads), and from every poll after it, which B's
    // I/O thread answers from memory.
    void aSupervisorPollingAnotherServerHearsAKillBeforeTheFeedTells()
    {
        TestServer a;
        TestServer b(sharingDatabaseOf(a));
        const auto deaf = supervisedOnAWhileBIsDeaf(a, b);
        QVERIFY(deaf);
        const TestServer::Supervised &s = *deaf;
        QCOMPARE(
            a.call(a.token(Role::Oncall), "POST", QStringLiteral("/v1/sessions/%1/kill").arg(s.id))
                .status,
            200);
        QVERIFY(!b.server().killSwitch().isKilled(s.id));
        expectControlState(b, s, QStringLiteral("killed"));
        if (QTest::currentTestFailed())
            return;
        QVERIFY(b.server().killSwitch().isKilled(s.id));
    }

    // The supervisor opened its session on A, and its first control poll goes to B (HAProxy
    // alternates) before B's change feed has told it about the session: the database decides.
    // B said "ended" from its memory, and the supervisor gave up on a live session (pg_failover,
    // in the loaded CI).
    void aSupervisorsFirstPollOnAnotherServerBeforeTheFeedTells()
    {
        TestServer a;
        TestServer b(sharingDatabaseOf(a));
        const auto deaf = supervisedOnAWhileBIsDeaf(a, b);
        QVERIFY(deaf);
        const TestServer::Supervised &s = *deaf;
        QVERIFY(!b.server().killSwitch().isActive(s.id));
        expectControlState(b, s, QStringLiteral("active"));
        // (A kill on A reaches B's memory through the feed: see the test above.)
    }

    void racingDecisionsOnTwoServersHaveOneWinner()
    {
        QTemporaryDir dir;
        const QString db = freshDatabase(dir);
        ServerThread a(db, QHostAddress::LocalHost, 0), b(db, QHostAddress::LocalHost, 0);
        a.start();
        b.start();
        QVERIFY2(a.waitUntilReady(), qPrintable(a.error()));
        QVERIFY2(b.waitUntilReady(), qPrintable(b.error()));
        const QUrl urlA(QStringLiteral("http://127.0.0.1:%1").arg(a.port()));
        const QUrl urlB(QStringLiteral("http://127.0.0.1:%1").arg(b.port()));
        const ApiResult opened =
            ApiClient(urlA, a.agentToken())
                .call("POST", QStringLiteral("/v1/sessions"),
                      QJsonObject{{QStringLiteral("agent"), QStringLiteral("racer")}});
        QCOMPARE(opened.status, 201);
        ApiClient agent(urlA, opened.body.value(QStringLiteral("token")).toString());
        ApiClient reviewerA(urlA, a.reviewerToken()), reviewerB(urlB, b.reviewerToken());
        constexpr int kRounds = 25;
        for (int round = 0; round < kRounds; ++round) {
            const ApiResult submitted =
                agent.call("POST", QStringLiteral("/v1/actions"), sampleAction());
            QCOMPARE(submitted.status, 201);
            const QString path = QStringLiteral("/v1/actions/%1/decision")
                                     .arg(submitted.body.value(QStringLiteral("id")).toString());
            QList<int> statuses;
            reviewerA.request("POST", path, approve(),
                              [&](const ApiResult &r) { statuses.append(r.status); });
            reviewerB.request("POST", path, approve(),
                              [&](const ApiResult &r) { statuses.append(r.status); });
            QTRY_COMPARE(statuses.size(), 2);
            std::sort(statuses.begin(), statuses.end());
            QCOMPARE(statuses, (QList<int>{200, 409}));
        }
        ApiClient admin(urlB, b.adminToken());
        const ApiResult audit = admin.call("GET", QStringLiteral("/v1/audit?limit=1000"));
        int approvals = 0;
        for (const QJsonValue &e : audit.body.value(QStringLiteral("entries")).toArray())
            approvals += e.toObject().value(QStringLiteral("type")).toString() ==
                         QLatin1String("action.approve");
        QCOMPARE(approvals, kRounds);
        QCOMPARE(admin.call("GET", QStringLiteral("/v1/audit/verify"))
                     .body.value(QStringLiteral("ok"))
                     .toBool(),
                 true);
    }

    void expiryRunsOnceWhicheverServerIsFirst()
    {
        TestServer::Options manual;
        manual.manualClock = true;
        TestServer a(manual);
        TestServer b(sharingDatabaseOf(a));
        QSignalSpy bHeard(b.server().changeFeed(), &ChangeFeed::eventsCommitted);
        const auto [sessionId, token] = a.openSession(QStringLiteral("mailer"));
        QJsonObject body = sampleAction();
        body.insert(QStringLiteral("expires_in"), 60);
        const QString id = a.submit(token, body);
        // B learned of the action (and its deadline) from A's NOTIFY.
        QTRY_VERIFY(!bHeard.isEmpty());
        a.clock()->advance(61'000); // both servers' expiry runs now
        QTRY_COMPARE(b.call(b.token(Role::Reviewer), "GET", QStringLiteral("/v1/actions/") + id)
                         .body.value(QStringLiteral("status"))
                         .toString(),
                     QStringLiteral("expired"));
        const ApiResult audit =
            a.call(a.token(Role::Admin), "GET", QStringLiteral("/v1/audit?limit=1000"));
        int expiries = 0;
        for (const QJsonValue &e : audit.body.value(QStringLiteral("entries")).toArray())
            expiries += e.toObject().value(QStringLiteral("type")).toString() ==
                        QLatin1String("action.expire");
        QCOMPARE(expiries, 1);
    }

    // The count is a sum of per-connection counters kept by a trigger (migration 7): submissions,
    // decisions, expiry and a kill on either server keep it equal to the actions pending, and the
    // limit holds against submissions through both servers.
    void thePendingCountIsRightWhicheverServerChangesIt()
    {
        TestServer::Options manual;
        manual.manualClock = true;
        manual.limits.maxPendingPerSession = 5;
        TestServer a(manual);
        TestServer::Options shared = sharingDatabaseOf(a);
        shared.limits = manual.limits;
        TestServer b(shared);
        const auto [sessionId, token] = a.openSession(QStringLiteral("mailer"));
        const auto pendingOn = [sessionId = sessionId](TestServer &server) {
            return server.sessionView(sessionId).value(QStringLiteral("pending")).toInt(-1);
        };
        const auto countedOutside = [&, sessionId = sessionId] {
            int pending = -1;
            withOutsideConnection(a.dbPath(), [&](QSqlDatabase &d) {
                QSqlQuery q(d);
                q.prepare(QStringLiteral("SELECT count(*) FROM actions WHERE session_id = ? AND "
                                         "status = 'pending'"));
                q.addBindValue(sessionId);
                QVERIFY(q.exec() && q.next());
                pending = q.value(0).toInt();
            });
            return pending;
        };
        QStringList ids;
        QJsonObject expiring = sampleAction();
        expiring.insert(QStringLiteral("expires_in"), 60);
        ids << a.submit(token, expiring) << a.submit(token, sampleAction())
            << b.submit(token, sampleAction()) << b.submit(token, sampleAction());
        QVERIFY(!ids.contains(QString()));
        QCOMPARE(pendingOn(a), 4);
        QCOMPARE(pendingOn(b), 4);
        // Decided on the other server than the one that took it: one counter up, another down.
        QCOMPARE(b.call(b.token(Role::Reviewer), "POST",
                        QStringLiteral("/v1/actions/%1/decision").arg(ids[1]), approve())
                     .status,
                 200);
        QCOMPARE(a.call(a.token(Role::Reviewer), "POST",
                        QStringLiteral("/v1/actions/%1/decision").arg(ids[2]),
                        QJsonObject{{QStringLiteral("decision"), QStringLiteral("reject")},
                                    {QStringLiteral("comment"), QStringLiteral("wrong host")}})
                     .status,
                 200);
        QCOMPARE(pendingOn(b), 2);
        a.clock()->advance(61'000); // the first one expires (on either server)
        QTRY_COMPARE(pendingOn(a), 1);
        QCOMPARE(countedOutside(), 1);
        // The limit (5) counts what both servers took.
        for (int i = 0; i < 2; ++i) {
            QVERIFY(!a.submit(token, sampleAction()).isEmpty());
            QVERIFY(!b.submit(token, sampleAction()).isEmpty());
        }
        QCOMPARE(pendingOn(a), 5);
        QCOMPARE(b.call(token, "POST", QStringLiteral("/v1/actions"), sampleAction()).status, 429);
        QCOMPARE(a.call(token, "POST", QStringLiteral("/v1/actions"), sampleAction()).status, 429);
        QCOMPARE(countedOutside(), 5);
        // The kill cancels all five.
        QCOMPARE(b.call(b.token(Role::Oncall), "POST",
                        QStringLiteral("/v1/sessions/%1/kill").arg(sessionId), QJsonObject())
                     .status,
                 200);
        QCOMPARE(pendingOn(a), 0);
        QCOMPARE(pendingOn(b), 0);
        QCOMPARE(countedOutside(), 0);
        // Two connections at least kept counters for this session.
        withOutsideConnection(a.dbPath(), [&, sessionId = sessionId](QSqlDatabase &d) {
            QSqlQuery q(d);
            q.prepare(QStringLiteral("SELECT count(*), sum(n) FROM pending_counts WHERE "
                                     "session_id = ?"));
            q.addBindValue(sessionId);
            QVERIFY(q.exec() && q.next());
            QVERIFY2(q.value(0).toInt() >= 2, qPrintable(q.value(0).toString()));
            QCOMPARE(q.value(1).toInt(), 0);
        });
    }

    void everyServerServesTheSameGapFreeEventLog()
    {
        // Writers on two servers in their own threads commit concurrently while a follower on
        // each server long-polls the log. A plain sequence would let a follower pass a seq whose
        // transaction commits later; the chain lock makes seq order commit order.
        QTemporaryDir dir;
        const QString db = freshDatabase(dir);
        ServerThread a(db, QHostAddress::LocalHost, 0), b(db, QHostAddress::LocalHost, 0);
        a.start();
        b.start();
        QVERIFY(a.waitUntilReady() && b.waitUntilReady());
        const QUrl urls[] = {QUrl(QStringLiteral("http://127.0.0.1:%1").arg(a.port())),
                             QUrl(QStringLiteral("http://127.0.0.1:%1").arg(b.port()))};
        const QString enroll[] = {a.agentToken(), b.agentToken()};
        const QString readers[] = {a.reviewerToken(), b.reviewerToken()};

        // Followers start from "now" and keep every seq they are given.
        QList<qint64> followed[2];
        qint64 after[2] = {0, 0};
        std::unique_ptr<ApiClient> followers[2];
        bool stop = false;
        int polling = 0;
        std::function<void(int)> follow = [&](int i) {
            ++polling;
            followers[i]->request(
                "GET", QStringLiteral("/v1/events?after=%1&wait=2").arg(after[i]), std::nullopt,
                [&, i](const ApiResult &r) {
                    --polling;
                    for (const QJsonValue &e : r.body.value(QStringLiteral("events")).toArray())
                        followed[i].append(e.toObject().value(QStringLiteral("seq")).toInteger());
                    after[i] = r.body.value(QStringLiteral("next")).toInteger(after[i]);
                    if (r.status == 200 && !stop)
                        follow(i);
                },
                {}, 10000);
        };
        for (int i = 0; i < 2; ++i) {
            followers[i] = std::make_unique<ApiClient>(urls[i], readers[i]);
            follow(i);
        }

        constexpr int kAgents = 6, kEach = 25;
        std::vector<std::unique_ptr<ApiClient>> agents;
        int done = 0;
        std::function<void(int, int)> submit = [&](int agent, int left) {
            if (left == 0) {
                ++done;
                return;
            }
            agents[size_t(agent)]->request("POST", QStringLiteral("/v1/actions"), sampleAction(),
                                           [&, agent, left](const ApiResult &r) {
                                               QCOMPARE(r.status, 201);
                                               submit(agent, left - 1);
                                           });
        };
        for (int i = 0; i < kAgents; ++i) {
            const ApiResult opened =
                ApiClient(urls[i % 2], enroll[i % 2])
                    .call("POST", QStringLiteral("/v1/sessions"),
                          QJsonObject{{QStringLiteral("agent"), QStringLiteral("w%1").arg(i)}});
            QCOMPARE(opened.status, 201);
            agents.push_back(std::make_unique<ApiClient>(
                urls[i % 2], opened.body.value(QStringLiteral("token")).toString()));
        }
        for (int i = 0; i < kAgents; ++i)
            submit(i, kEach);
        QTRY_COMPARE_WITH_TIMEOUT(done, kAgents, 60000);

        const QList<qint64> all = eventSeqs(urls[0], readers[0]);
        QCOMPARE(eventSeqs(urls[1], readers[1]), all);
        QVERIFY(all.size() >= kAgents * (kEach + 1));
        for (qsizetype i = 0; i < all.size(); ++i)
            QCOMPARE(all[i], qint64(i + 1));
        // Each follower saw every event from where it started, in order, none skipped.
        QTRY_VERIFY_WITH_TIMEOUT(
            followed[0].size() == all.size() && followed[1].size() == all.size(), 10000);
        QCOMPARE(followed[0], all);
        QCOMPARE(followed[1], all);
        stop = true;
        QTRY_COMPARE_WITH_TIMEOUT(polling, 0, 10000);

        // And one audit chain, verified from either server.
        for (int i = 0; i < 2; ++i) {
            const ApiResult verify = ApiClient(urls[i], i ? b.adminToken() : a.adminToken())
                                         .call("GET", QStringLiteral("/v1/audit/verify"));
            QCOMPARE(verify.body.value(QStringLiteral("ok")).toBool(), true);
        }
    }

    // HAProxy hands a supervisor's answer to a ping to whichever server it likes: the server
    // that sent the ping takes it from the other, so a healthy supervisor is never reported as
    // not answering (before: 409 unknown_ping on B, and A raised session.liveness_lost), and
    // every server shows the path proven.
    void aPongOnAnotherServerReachesTheServerThatPinged()
    {
        QTemporaryDir dir;
        const QString db = freshDatabase(dir);
        const QStringList pings{
            QStringLiteral("--limit"), QStringLiteral("liveness-interval-ms=200"),
            QStringLiteral("--limit"), QStringLiteral("liveness-deadline-ms=60000")};
        Daemon a(db, pings), b(db, pings);
        QVERIFY2(a.start(), qPrintable(a.errorOutput()));
        QVERIFY2(b.start(), qPrintable(b.errorOutput()));
        const QString agentToken = createToken(db, QStringLiteral("agent"), QStringLiteral("a"));
        const QString admin = createToken(db, QStringLiteral("admin"), QStringLiteral("admin"));
        const ApiResult opened =
            a.call(agentToken, "POST", QStringLiteral("/v1/sessions"),
                   QJsonObject{{QStringLiteral("agent"), QStringLiteral("builder")},
                               {QStringLiteral("supervised"), true}});
        QCOMPARE(opened.status, 201);
        const QString sid = opened.body.value(QStringLiteral("session"))
                                .toObject()
                                .value(QStringLiteral("id"))
                                .toString();
        const QString supervisor = opened.body.value(QStringLiteral("supervisor_token")).toString();
        const auto livenessOn = [&](Daemon &d) {
            return d.call(admin, "GET", QStringLiteral("/v1/sessions/") + sid)
                .body.value(QStringLiteral("session"))
                .toObject()
                .value(QStringLiteral("liveness"))
                .toString();
        };

        const ApiResult control = a.call(
            supervisor, "GET", QStringLiteral("/v1/sessions/%1/control?wait=5&pings=1").arg(sid));
        const QString ping = control.body.value(QStringLiteral("ping"))
                                 .toObject()
                                 .value(QStringLiteral("id"))
                                 .toString();
        QVERIFY2(!ping.isEmpty(), qPrintable(control.describe()));
        QCOMPARE(livenessOn(a), QStringLiteral("unknown"));
        const ApiResult answered =
            b.call(supervisor, "POST", QStringLiteral("/v1/sessions/%1/pong").arg(sid),
                   QJsonObject{{QStringLiteral("ping"), ping}});
        QVERIFY2(answered.status == 200, qPrintable(answered.describe()));
        QCOMPARE(answered.body.value(QStringLiteral("relayed")).toBool(), true);
        QTRY_COMPARE_WITH_TIMEOUT(livenessOn(a), QStringLiteral("ok"), 5000);
        // And B, which never sent a ping, shows the path proven too (a console reading through
        // HAProxy sees the same on either server).
        QTRY_COMPARE_WITH_TIMEOUT(livenessOn(b), QStringLiteral("ok"), 5000);

        // Only a supervisor's well-formed answer is passed on; the agent's token is refused.
        const ApiResult byAgent = b.call(opened.body.value(QStringLiteral("token")).toString(),
                                         "POST", QStringLiteral("/v1/sessions/%1/pong").arg(sid),
                                         QJsonObject{{QStringLiteral("ping"), ping}});
        QCOMPARE(byAgent.status, 403);
        const ApiResult junk =
            b.call(supervisor, "POST", QStringLiteral("/v1/sessions/%1/pong").arg(sid),
                   QJsonObject{{QStringLiteral("ping"), QStringLiteral("not-a-ping")}});
        QCOMPARE(junk.status, 409);
    }

    void aLostListenerResubscribesAndCatchesUp()
    {
        TestServer a;
        TestServer b(sharingDatabaseOf(a));
        QSignalSpy resubscribed(a.server().changeFeed(), &ChangeFeed::resubscribed);
        const auto [sessionId, token] = a.openSession(QStringLiteral("mailer"));
        terminateConnections(a.dbPath(), QStringLiteral("interlock-feed"));
        // Killed on B while A's listener is (or was just) gone: the catch-up delivers it.
        QCOMPARE(b.call(b.token(Role::Oncall), "POST",
                        QStringLiteral("/v1/sessions/%1/kill").arg(sessionId))
                     .status,
                 200);
        QTRY_VERIFY_WITH_TIMEOUT(!resubscribed.isEmpty(), 10000);
        QTRY_VERIFY(a.server().killSwitch().isKilled(sessionId));

        // The servers' own connections die too: the next requests reconnect (statements are
        // prepared again) and go on.
        terminateConnections(a.dbPath(), QStringLiteral("interlock"));
        const auto [other, otherToken] = a.openSession(QStringLiteral("second"));
        QVERIFY(!otherToken.isEmpty());
        const QString id = a.submit(otherToken, sampleAction());
        QVERIFY(!id.isEmpty());
        QCOMPARE(b.call(b.token(Role::Reviewer), "POST",
                        QStringLiteral("/v1/actions/%1/decision").arg(id), approve())
                     .status,
                 200);
        QCOMPARE(a.call(otherToken, "GET", QStringLiteral("/v1/actions/%1/decision").arg(id))
                     .body.value(QStringLiteral("status"))
                     .toString(),
                 QStringLiteral("approved"));
    }
};

QTEST_GUILESS_MAIN(TestInstances)
#include "tst_instances.moc"
