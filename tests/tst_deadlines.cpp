// Deadlines run on a monotonic clock while the server is up: setting the wall clock back does
// not extend a pending action's deadline, setting it forward does not cut it short; the wall
// clock only labels times (RFC 3339) and carries deadlines across a restart.
#include "support/TestServer.h"

#include "core/Timestamp.h"

#include <QDateTime>
#include <QSqlQuery>
#include <QtTest>

using namespace interlock;
using namespace interlock::test;

namespace {
constexpr qint64 kSecond = 1000;
constexpr qint64 kHour = 3600 * kSecond;

QJsonObject expiringIn(int seconds)
{
    QJsonObject body = sampleAction();
    body.insert(QStringLiteral("expires_in"), seconds);
    return body;
}

QString storedStatus(const QString &db, const QString &action)
{
    QString status;
    withOutsideConnection(db, [&](QSqlDatabase &file) {
        QSqlQuery q(file);
        if (q.exec(QStringLiteral("SELECT status FROM actions WHERE id = '%1'").arg(action)) &&
            q.next())
            status = q.value(0).toString();
    });
    return status;
}
} // namespace

class TestDeadlines : public QObject
{
    Q_OBJECT

    static QJsonObject read(TestServer &s, const QString &action)
    {
        return s.call(s.token(Role::Admin), "GET", QStringLiteral("/v1/actions/") + action).body;
    }

private Q_SLOTS:
    // Actions falling due together are expired in id order, whatever order their deadlines come
    // in: every change of many actions locks them in that order, so on PostgreSQL a sweep meets a
    // kill, a bulk decision or another server's sweep of the same actions without deadlocking.
    void dueActionsAreExpiredInIdOrder()
    {
        TestServer s(TestServer::Options{true, {}, {}});
        const auto session = s.openSession(QStringLiteral("a"));
        QStringList ids;
        for (int i = 0; i < 12; ++i) // each due a second after the one before
            ids.append(s.submit(session.second, expiringIn(60 + i)));
        s.clock()->advance(120 * kSecond);
        QTRY_COMPARE(storedStatus(s.dbPath(), ids.last()), QStringLiteral("expired"));
        QStringList expired;
        const ApiResult audit =
            s.call(s.token(Role::Admin), "GET", QStringLiteral("/v1/audit?limit=1000"));
        for (const QJsonValue &v : audit.body.value(QStringLiteral("entries")).toArray()) {
            const QJsonObject e = v.toObject();
            if (e.value(QStringLiteral("type")).toString() == QLatin1String("action.expire"))
                expired.append(e.value(QStringLiteral("subject")).toString());
        }
        QStringList byId = ids;
        byId.sort();
        QCOMPARE(expired, byId);
    }

    void aWallClockSetBackDoesNotExtendADeadline()
    {
        TestServer s(TestServer::Options{true, {}, {}});
        const auto session = s.openSession(QStringLiteral("a"));
        const QString action = s.submit(session.second, expiringIn(900));
        const QString expiresAt = read(s, action).value(QStringLiteral("expires_at")).toString();
        s.clock()->stepWallClock(-kHour);
        s.clock()->advance(899 * kSecond);
        QCOMPARE(read(s, action).value(QStringLiteral("status")).toString(),
                 QStringLiteral("pending"));
        // 901 s have passed; by the (stepped) wall clock it is still 59 min before expires_at.
        s.clock()->advance(2 * kSecond);
        QVERIFY(s.clock()->nowMs() < fromRfc3339(expiresAt).value_or(0));
        // The expiry timer fires on its own: no read needed to expire it in the database.
        QTRY_COMPARE(storedStatus(s.dbPath(), action), QStringLiteral("expired"));
        const QJsonObject now = read(s, action);
        QCOMPARE(now.value(QStringLiteral("status")).toString(), QStringLiteral("expired"));
        QCOMPARE(now.value(QStringLiteral("expires_at")).toString(), expiresAt);
        const ApiResult approve = s.call(
            s.token(Role::Reviewer), "POST", QStringLiteral("/v1/actions/%1/decision").arg(action),
            QJsonObject{{QStringLiteral("decision"), QStringLiteral("approve")}});
        QCOMPARE(approve.error().code, QStringLiteral("already_decided"));
    }

    void aWallClockSetForwardDoesNotCutADeadlineShort()
    {
        TestServer s(TestServer::Options{true, {}, {}});
        const auto session = s.openSession(QStringLiteral("a"));
        const QString action = s.submit(session.second, expiringIn(900));
        const QString expiresAt = read(s, action).value(QStringLiteral("expires_at")).toString();
        s.clock()->stepWallClock(2 * kHour);
        // By the wall clock the deadline is long past; by the time that passed, it is not.
        QVERIFY(s.clock()->nowMs() > fromRfc3339(expiresAt).value_or(0));
        QCOMPARE(read(s, action).value(QStringLiteral("status")).toString(),
                 QStringLiteral("pending"));
        QCOMPARE(s.call(s.token(Role::Reviewer), "POST",
                        QStringLiteral("/v1/actions/%1/decision").arg(action),
                        QJsonObject{{QStringLiteral("decision"), QStringLiteral("approve")}})
                     .status,
                 200);
        const QString other = s.submit(session.second, expiringIn(60));
        s.clock()->stepWallClock(-3 * kHour);
        s.clock()->advance(59 * kSecond);
        QCOMPARE(read(s, other).value(QStringLiteral("status")).toString(),
                 QStringLiteral("pending"));
        s.clock()->advance(2 * kSecond);
        QCOMPARE(read(s, other).value(QStringLiteral("status")).toString(),
                 QStringLiteral("expired"));
    }

    void aRestartHonoursTheStoredDeadline()
    {
        QTemporaryDir dir;
        const QString db = freshDatabase(dir, QStringLiteral("d.db"));
        const qint64 start =
            QDateTime(QDate(2026, 11, 24), QTime(9, 0), QTimeZone::utc()).toMSecsSinceEpoch();
        QString action, admin;
        const auto serve = [&](ManualClock &clock, const std::function<void(ApiClient &)> &work) {
            ApiServer server(db, {}, &clock);
            QString error;
            QVERIFY2(server.open(&error), qPrintable(error));
            const quint16 port = server.listen(QHostAddress::LocalHost, 0, &error);
            QVERIFY(port);
            ApiClient client(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)),
                             server.createToken(Role::Admin, QStringLiteral("root")));
            work(client);
        };
        ManualClock first(start);
        serve(first, [&](ApiClient &root) {
            const ApiResult enroll =
                root.call("POST", QStringLiteral("/v1/sessions"),
                          QJsonObject{{QStringLiteral("agent"), QStringLiteral("a")}});
            ApiClient agent(root.baseUrl(), enroll.body.value(QStringLiteral("token")).toString());
            action = agent.call("POST", QStringLiteral("/v1/actions"), expiringIn(600))
                         .body.value(QStringLiteral("id"))
                         .toString();
            QVERIFY(!action.isEmpty());
        });
        // The server is down for almost all of the 600 s: by the wall clock, 1 s is left.
        ManualClock second(start + 599 * kSecond);
        serve(second, [&](ApiClient &root) {
            QCOMPARE(root.call("GET", QStringLiteral("/v1/actions/") + action)
                         .body.value(QStringLiteral("status"))
                         .toString(),
                     QStringLiteral("pending"));
            second.advance(2 * kSecond);
            QCOMPARE(root.call("GET", QStringLiteral("/v1/actions/") + action)
                         .body.value(QStringLiteral("status"))
                         .toString(),
                     QStringLiteral("expired"));
        });
    }

    void theDeadlineClockFollowsTheMonotonicClock()
    {
        ManualClock clock(1'000'000);
        const DeadlineClock deadlines(clock);
        QCOMPARE(deadlines.nowMs(), 1'000'000);
        clock.stepWallClock(-kHour);
        QCOMPARE(deadlines.nowMs(), 1'000'000);
        clock.advance(5 * kSecond);
        QCOMPARE(deadlines.nowMs(), 1'005'000);
        // The real clocks: the monotonic one never goes back.
        SystemClock system;
        const qint64 a = system.monotonicMs();
        QVERIFY(system.monotonicMs() >= a);
    }
};

QTEST_GUILESS_MAIN(TestDeadlines)
#include "tst_deadlines.moc"
