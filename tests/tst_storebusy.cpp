// Another program holds the database's write lock (a second connection in BEGIN EXCLUSIVE, as
// the sqlite3 shell or a backup tool would): the real interlockd keeps answering. Writes get a
// clear 503 store_busy with Retry-After at once instead of hanging (they used to wait 5 s each on
// the server's thread), a kill answers recorded:false and holds in memory, and everything is
// recorded as soon as the lock goes.
#include "server/KillJournal.h"
#include "server/KillRecorder.h"
#include "support/Daemon.h"
#include "support/TestServer.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>
#include <QtTest>

using namespace interlock;
using namespace interlock::test;

namespace {
// Opens a session with the enrolment token; {id, the session's token}.
std::pair<QString, QString> openSession(ApiClient &enroll, const QString &agent)
{
    const ApiResult opened = enroll.call("POST", QStringLiteral("/v1/sessions"),
                                         QJsonObject{{QStringLiteral("agent"), agent}});
    if (opened.status != 201)
        return {};
    return {opened.body.value(QStringLiteral("session"))
                .toObject()
                .value(QStringLiteral("id"))
                .toString(),
            opened.body.value(QStringLiteral("token")).toString()};
}
} // namespace

class TestStoreBusy : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void aForeignWriteLockDoesNotFreezeTheServer()
    {
        QTemporaryDir dir;
        const QString db = dir.filePath(QStringLiteral("interlock.db"));
        const QString enrollment = createToken(db, QStringLiteral("agent"), QStringLiteral("e"));
        const QString oncall = createToken(db, QStringLiteral("oncall"), QStringLiteral("dana"));
        const QString admin = createToken(db, QStringLiteral("admin"), QStringLiteral("root"));
        Daemon daemon(db);
        QVERIFY2(daemon.start(), qPrintable(daemon.errorOutput()));
        ApiClient enroll(daemon.url(), enrollment);
        const auto [id, token] = openSession(enroll, QStringLiteral("mail-cleaner"));
        QVERIFY(!id.isEmpty());
        ApiClient agent(daemon.url(), token);
        ApiClient root(daemon.url(), admin), stopper(daemon.url(), oncall);
        QCOMPARE(agent.call("POST", QStringLiteral("/v1/actions"), sampleAction()).status, 201);

        withOutsideConnection(db, [&](QSqlDatabase &other) {
            QSqlQuery lock(other);
            QVERIFY2(lock.exec(QStringLiteral("BEGIN EXCLUSIVE")),
                     qPrintable(lock.lastError().text()));
            // Eight writes, a kill and health at once; each must be answered within the client's
            // 4 s (the old 5 s busy wait per write on the server's one thread: 40 s and more).
            constexpr int kTimeoutMs = 4000;
            QList<ApiResult> submits;
            std::optional<ApiResult> kill, health;
            QElapsedTimer clock;
            clock.start();
            qint64 healthMs = -1, killMs = -1;
            for (int i = 0; i < 8; ++i)
                agent.request(
                    "POST", QStringLiteral("/v1/actions"), sampleAction(),
                    [&](const ApiResult &r) { submits.append(r); }, {}, kTimeoutMs);
            stopper.request(
                "POST", QStringLiteral("/v1/sessions/%1/kill").arg(id), std::nullopt,
                [&](const ApiResult &r) {
                    kill = r;
                    killMs = clock.elapsed();
                },
                {}, kTimeoutMs);
            root.request(
                "GET", QStringLiteral("/v1/health"), std::nullopt,
                [&](const ApiResult &r) {
                    health = r;
                    healthMs = clock.elapsed();
                },
                {}, kTimeoutMs);
            QTRY_VERIFY_WITH_TIMEOUT(submits.size() == 8 && kill && health, 3 * kTimeoutMs);
            qInfo("under a foreign write lock: health answered after %lld ms, the kill after "
                  "%lld ms, 8 writes after %lld ms",
                  healthMs, killMs, clock.elapsed());
            QCOMPARE(health->status, 200);
            for (const ApiResult &r : std::as_const(submits)) {
                // Refused as busy, or (sent after the kill) as killed; never a hang, never a 500.
                QVERIFY2(r.status == 503 || r.status == 403, qPrintable(r.describe()));
                if (r.status == 503) {
                    QCOMPARE(r.error().code, QStringLiteral("store_busy"));
                    QCOMPARE(r.headers.value("retry-after"), QByteArray("1"));
                }
            }
            QCOMPARE(kill->status, 200);
            QCOMPARE(kill->body.value(QStringLiteral("recorded")), QJsonValue(false));
            QCOMPARE(agent.call("GET", QStringLiteral("/v1/me")).error().code,
                     QStringLiteral("session_killed"));
            // Reads go on (WAL readers do not wait for writers).
            QCOMPARE(root.call("GET", QStringLiteral("/v1/actions")).status, 200);
            QVERIFY(lock.exec(QStringLiteral("ROLLBACK")));
        });

        // The lock is gone: the kill is recorded by the background retries, writes work again.
        QJsonObject session;
        QTRY_VERIFY_WITH_TIMEOUT((session = root.call("GET", QStringLiteral("/v1/sessions/") + id)
                                                .body.value(QStringLiteral("session"))
                                                .toObject(),
                                  !session.contains(QStringLiteral("recorded"))),
                                 10000);
        QCOMPARE(session.value(QStringLiteral("status")).toString(), QStringLiteral("killed"));
        QCOMPARE(session.value(QStringLiteral("pending")).toInt(), 0);
        QCOMPARE(enroll
                     .call("POST", QStringLiteral("/v1/sessions"),
                           QJsonObject{{QStringLiteral("agent"), QStringLiteral("next")}})
                     .status,
                 201);
        QCOMPARE(daemon.stop(), 0);
    }

    // The lock is still held when the server stops: the kill, refused in memory so far, is kept
    // beside the database (`<db>.kills`), refused again as the next run starts and recorded then.
    // Without that list the session came back active and its token was accepted again.
    void aKillNotYetRecordedSurvivesARestart_data()
    {
        QTest::addColumn<bool>("stopAll");
        QTest::newRow("kill") << false;
        QTest::newRow("stop-all") << true;
    }
    void aKillNotYetRecordedSurvivesARestart()
    {
        QFETCH(bool, stopAll);
        QTemporaryDir dir;
        const QString db = dir.filePath(QStringLiteral("interlock.db"));
        const QString kills = db + QStringLiteral(".kills");
        const QString enrollment = createToken(db, QStringLiteral("agent"), QStringLiteral("e"));
        const QString oncall = createToken(db, QStringLiteral("oncall"), QStringLiteral("dana"));
        auto daemon = std::make_unique<Daemon>(db);
        QVERIFY2(daemon->start(), qPrintable(daemon->errorOutput()));
        ApiClient enroll(daemon->url(), enrollment);
        const auto [id, token] = openSession(enroll, QStringLiteral("mail-cleaner"));
        QVERIFY(!id.isEmpty());
        withOutsideConnection(db, [&](QSqlDatabase &other) {
            QSqlQuery lock(other);
            QVERIFY(lock.exec(QStringLiteral("BEGIN EXCLUSIVE")));
            const ApiResult kill =
                ApiClient(daemon->url(), oncall)
                    .call("POST",
                          stopAll ? QStringLiteral("/v1/stop-all")
                                  : QStringLiteral("/v1/sessions/%1/kill").arg(id),
                          QJsonObject{{QStringLiteral("reason"), QStringLiteral("deleting mail")}});
            QCOMPARE(kill.status, 200);
            QCOMPARE(kill.body.value(QStringLiteral("recorded")), QJsonValue(false));
            QVERIFY(QFile::exists(kills));
            QCOMPARE(daemon->stop(), 0);
            QVERIFY2(daemon->errorOutput().contains(
                         QStringLiteral("it is kept in %1 and recorded when the server starts "
                                        "again")
                             .arg(kills)),
                     qPrintable(daemon->errorOutput()));
            QVERIFY(lock.exec(QStringLiteral("ROLLBACK")));
        });

        daemon = std::make_unique<Daemon>(db);
        QVERIFY2(daemon->start(), qPrintable(daemon->errorOutput()));
        ApiClient agent(daemon->url(), token);
        QCOMPARE(agent.call("POST", QStringLiteral("/v1/actions"), sampleAction()).status, 403);
        QCOMPARE(agent.call("GET", QStringLiteral("/v1/me")).error().code,
                 QStringLiteral("session_killed"));
        const QJsonObject session = ApiClient(daemon->url(), oncall)
                                        .call("GET", QStringLiteral("/v1/sessions/") + id)
                                        .body.value(QStringLiteral("session"))
                                        .toObject();
        QCOMPARE(session.value(QStringLiteral("status")).toString(), QStringLiteral("killed"));
        QCOMPARE(session.value(QStringLiteral("killed_by")).toString(), QStringLiteral("dana"));
        QCOMPARE(session.value(QStringLiteral("reason")).toString(),
                 QStringLiteral("deleting mail"));
        QVERIFY(!session.contains(QStringLiteral("recorded")));
        QVERIFY(!QFile::exists(kills));
        // Written once the server's event tap listened: metrics (and webhooks) have it.
        QCOMPARE(daemon->metric("interlock_kills_total", oncall), 1);
        QCOMPARE(daemon->metric("interlock_stop_all_total", oncall), stopAll ? 1 : 0);
        QCOMPARE(daemon->stop(), 0);
    }

    // The kills the last run left stay listed while this run keeps and forgets others (a kill
    // the control path answered before the API thread had it), until the KillRecorder, which
    // has them, replaces its list.
    void theKillsOfTheLastRunStayListedUntilRecorded()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("interlock.db.kills"));
        const auto kill = [](const QString &session) {
            return KillRecorder::toJson(KillRecorder::request({session}, QStringLiteral("stop"),
                                                              QStringLiteral("dana"), 1000));
        };
        const auto listed = [&path] {
            QFile f(path);
            QStringList out;
            if (f.open(QIODevice::ReadOnly)) {
                for (const QJsonValue &v : QJsonDocument::fromJson(f.readAll()).array())
                    out += v.toObject().value(QStringLiteral("ids")).toVariant().toStringList();
            }
            return out;
        };
        QString error;
        QVERIFY(KillJournal(path).keepWaiting({kill(QStringLiteral("ses_last"))}, &error));
        KillJournal journal(path); // the next start
        QCOMPARE(journal.read(&error)->size(), 1);
        const auto answered = journal.keepAnswered(kill(QStringLiteral("ses_now")), &error);
        QVERIFY2(answered, qPrintable(error));
        QCOMPARE(listed(), (QStringList{QStringLiteral("ses_last"), QStringLiteral("ses_now")}));
        QVERIFY(journal.forgetAnswered(*answered, &error));
        QCOMPARE(listed(), QStringList{QStringLiteral("ses_last")});
        QVERIFY(journal.keepWaiting({}, &error)); // the recorder wrote it
        QVERIFY(!QFile::exists(path));
    }

    // A list of unrecorded kills that cannot be read: the server does not start without it.
    void anUnreadableKillListStopsTheStart()
    {
        QTemporaryDir dir;
        const QString db = dir.filePath(QStringLiteral("interlock.db"));
        createToken(db, QStringLiteral("admin"), QStringLiteral("root"));
        QFile list(db + QStringLiteral(".kills"));
        QVERIFY(list.open(QIODevice::WriteOnly));
        list.write("[{\"ids\": [\"ses_1\"], \"reason\": ");
        list.close();
        Daemon daemon(db);
        QVERIFY(!daemon.start());
        QVERIFY2(daemon.errorOutput().contains(
                     QStringLiteral("the kills not yet recorded in %1 cannot be read")
                         .arg(list.fileName())),
                 qPrintable(daemon.errorOutput()));
    }
};

QTEST_GUILESS_MAIN(TestStoreBusy)
#include "tst_storebusy.moc"
