// The control path of the real interlockd: health, kill and stop-all answered on the I/O thread
// while the store is locked by another process, the supervisor's own credential and its control
// channel, and the console showing a kill that could not be recorded yet.
#include "server/Tokens.h"
#include "support/Daemon.h"
#include "support/TestServer.h"
#include "ui/ConsoleBackend.h"
#include "ui/SessionListModel.h"

#include <QDir>
#include <QProcess>
#include <QScopeGuard>
#include <QSqlQuery>
#include <QtTest>
#include <csignal>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace interlock;
using namespace interlock::test;

namespace {
QStringList limits(const QStringList &assignments)
{
    QStringList out;
    for (const QString &a : assignments)
        out << QStringLiteral("--limit") << a;
    return out;
}

// Holds the database's write lock from a second connection, as another process would.
class StoreLock
{
public:
    explicit StoreLock(const QString &path)
    {
        m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("lock"));
        m_db.setDatabaseName(path);
        m_locked = m_db.open() && QSqlQuery(m_db).exec(QStringLiteral("BEGIN EXCLUSIVE"));
    }
    ~StoreLock() { release(); }
    bool locked() const { return m_locked; }
    void release()
    {
        if (m_locked)
            QSqlQuery(m_db).exec(QStringLiteral("ROLLBACK"));
        m_locked = false;
        if (m_db.isOpen()) {
            m_db.close();
            m_db = QSqlDatabase();
            QSqlDatabase::removeDatabase(QStringLiteral("lock"));
        }
    }

private:
    QSqlDatabase m_db;
    bool m_locked = false;
};

// Whether a thread of the process waits to open a named pipe that no one reads (Linux names
// that wait in /proc/PID/task/TID/wchan).
bool waitsToOpenAPipe(qint64 pid)
{
    const QDir tasks(QStringLiteral("/proc/%1/task").arg(pid));
    for (const QString &tid : tasks.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        QFile wchan(tasks.filePath(tid + QStringLiteral("/wchan")));
        if (wchan.open(QIODevice::ReadOnly) && wchan.readAll().contains("wait_for_partner"))
            return true;
    }
    return false;
}

QString statusOf(Daemon &d, const QString &id, QJsonObject *session = nullptr)
{
    const QJsonObject s = d.call(d.token(Role::Admin), "GET", QStringLiteral("/v1/sessions/") + id)
                              .body.value(QStringLiteral("session"))
                              .toObject();
    if (session)
        *session = s;
    return s.value(QStringLiteral("status")).toString();
}
} // namespace

class TestControlPath : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void killAndHealthAnswerWhileTheStoreIsLockedByAnotherProcess()
    {
        Daemon d(limits({QStringLiteral("kill-record-wait-ms=300")}));
        QVERIFY(d.running());
        const auto s = d.openSession(QStringLiteral("runaway"), true);
        QVERIFY(!d.call(s.token, "POST", QStringLiteral("/v1/actions"), sampleAction())
                     .body.value(QStringLiteral("id"))
                     .toString()
                     .isEmpty());
        ApiClient supervisor(d.url(), s.supervisorToken);
        std::optional<ApiResult> control;
        supervisor.request(
            "GET", QStringLiteral("/v1/sessions/%1/control?wait=30").arg(s.id), std::nullopt,
            [&](const ApiResult &r) { control = r; }, {}, 40000);
        QTRY_COMPARE(d.metric("interlock_control_polls"), 1);

        StoreLock lock(d.dbPath());
        QVERIFY(lock.locked());
        QCOMPARE(d.call({}, "GET", QStringLiteral("/v1/health")).status, 200);
        ApiClient oncall(d.url(), d.token(Role::Oncall));
        std::optional<ApiResult> kill;
        oncall.request("POST", QStringLiteral("/v1/sessions/%1/kill").arg(s.id),
                       QJsonObject{{QStringLiteral("reason"), QStringLiteral("locked store")}},
                       [&](const ApiResult &r) { kill = r; });
        // The supervisor hears at once; the kill answers within its bound, unrecorded.
        QTRY_VERIFY(control.has_value());
        QCOMPARE(control->status, 200);
        QCOMPARE(control->body.value(QStringLiteral("state")).toString(), QStringLiteral("killed"));
        QTRY_VERIFY(kill.has_value());
        QCOMPARE(kill->status, 200);
        QCOMPARE(kill->body.value(QStringLiteral("recorded")).toBool(true), false);
        QCOMPARE(kill->body.value(QStringLiteral("session"))
                     .toObject()
                     .value(QStringLiteral("status"))
                     .toString(),
                 QStringLiteral("killed"));
        QVERIFY(!lock.locked() || d.call({}, "GET", QStringLiteral("/v1/health")).ok());
        // The agent's token is refused from memory, whatever the store says.
        QCOMPARE(d.call(s.token, "GET", QStringLiteral("/v1/me"), std::nullopt, 30000).error().code,
                 QStringLiteral("session_killed"));
        // Reads show it killed, "recorded": false, while the lock is held.
        QJsonObject session;
        QCOMPARE(statusOf(d, s.id, &session), QStringLiteral("killed"));
        QCOMPARE(session.value(QStringLiteral("recorded")).toBool(true), false);

        // Once the lock goes, the kill is recorded: pending actions cancelled, an audit entry.
        lock.release();
        QTRY_VERIFY_WITH_TIMEOUT(statusOf(d, s.id, &session) == QLatin1String("killed") &&
                                     !session.contains(QStringLiteral("recorded")),
                                 20000);
        QCOMPARE(session.value(QStringLiteral("reason")).toString(),
                 QStringLiteral("locked store"));
        QCOMPARE(session.value(QStringLiteral("killed_by")).toString(),
                 QStringLiteral("oncall-user"));
        QCOMPARE(session.value(QStringLiteral("pending")).toInt(), 0);
        QTRY_COMPARE(d.metric("interlock_kills_unrecorded"), 0);
        // Kept aside while it was not recorded (answered early, then the KillRecorder's): gone.
        QTRY_VERIFY(!QFile::exists(d.dbPath() + QStringLiteral(".kills")));
        QCOMPARE(d.call(d.token(Role::Manager), "GET", QStringLiteral("/v1/audit/verify"))
                     .body.value(QStringLiteral("ok"))
                     .toBool(),
                 true);
    }

    // The API thread is behind a submission waiting for the lock (200 ms) when the kill comes,
    // then waits for it again with the kill (200 ms): the control path answers the kill after
    // 50 ms ("recorded": false), keeping it aside first. Either the server dies before the API
    // thread has it: the next start refuses the session again and records the kill. Or it lives
    // on: the file goes once the kill is recorded.
    void aKillAnsweredBeforeTheDatabaseTookItSurvivesACrash_data()
    {
        QTest::addColumn<bool>("crash");
        QTest::newRow("the server dies") << true;
        QTest::newRow("the server lives") << false;
    }

    void aKillAnsweredBeforeTheDatabaseTookItSurvivesACrash()
    {
        QFETCH(bool, crash);
        Daemon d(limits({QStringLiteral("kill-record-wait-ms=50")}));
        QVERIFY(d.running());
        const auto s = d.openSession(QStringLiteral("runaway"), true);
        StoreLock lock(d.dbPath());
        QVERIFY(lock.locked());
        const QByteArray body = QJsonDocument(sampleAction()).toJson(QJsonDocument::Compact);
        const int submission =
            openRaw(d.port(), "POST /v1/actions HTTP/1.1\r\nHost: x\r\n"
                              "Authorization: Bearer " +
                                  s.token.toLatin1() +
                                  "\r\nContent-Type: application/json\r\n"
                                  "Content-Length: " +
                                  QByteArray::number(body.size()) + "\r\n\r\n" + body);
        QVERIFY(submission >= 0);
        const auto closeSubmission = qScopeGuard([submission] { ::close(submission); });
        const ApiResult kill =
            d.call(d.token(Role::Oncall), "POST", QStringLiteral("/v1/sessions/%1/kill").arg(s.id),
                   QJsonObject{{QStringLiteral("reason"), QStringLiteral("crash test")}});
        QCOMPARE(kill.status, 200);
        QCOMPARE(kill.body.value(QStringLiteral("recorded")).toBool(true), false);
        QVERIFY(QFile::exists(d.dbPath() + QStringLiteral(".kills"))); // before the answer
        if (!crash) {
            lock.release();
            QTRY_VERIFY_WITH_TIMEOUT(statusOf(d, s.id) == QLatin1String("killed") &&
                                         d.metric("interlock_kills_unrecorded") == 0,
                                     20000);
            QTRY_VERIFY(!QFile::exists(d.dbPath() + QStringLiteral(".kills")));
            return;
        }
        ::kill(pid_t(d.pid()), SIGKILL);
        QVERIFY(d.process().waitForFinished(10000));
        lock.release();

        Daemon again(d.dbPath());
        QVERIFY2(again.start(), qPrintable(again.errorOutput()));
        QVERIFY(
            again.errorOutput().contains(QStringLiteral("kills the last run could not record")));
        QCOMPARE(again.call(s.token, "GET", QStringLiteral("/v1/me")).error().code,
                 QStringLiteral("session_killed"));
        // (The new server has the same tokens: they are in the database.)
        const auto sessionNow = [&] {
            return again.call(d.token(Role::Admin), "GET", QStringLiteral("/v1/sessions/") + s.id)
                .body.value(QStringLiteral("session"))
                .toObject();
        };
        QTRY_VERIFY(sessionNow().value(QStringLiteral("status")).toString() ==
                        QLatin1String("killed") &&
                    !sessionNow().contains(QStringLiteral("recorded")));
        const QJsonObject session = sessionNow();
        QCOMPARE(session.value(QStringLiteral("reason")).toString(), QStringLiteral("crash test"));
        QCOMPARE(session.value(QStringLiteral("killed_by")).toString(),
                 QStringLiteral("oncall-user"));
        QTRY_VERIFY(!QFile::exists(d.dbPath() + QStringLiteral(".kills")));
        QCOMPARE(again.call(d.token(Role::Manager), "GET", QStringLiteral("/v1/audit/verify"))
                     .body.value(QStringLiteral("ok"))
                     .toBool(),
                 true);
    }

    // The journal's file is a named pipe no one reads: its write blocks, as on a disk that
    // stalls. The kill it keeps waits for it, the I/O thread does not: health answers, and a kill
    // of another session reaches its supervisor at once (its answer waits too: the journal's
    // writes go in order). Once the pipe is read the write goes on and fails (a pipe cannot be
    // synced: the kill is answered all the same, as on a failing disk); both kills are recorded
    // once the store is back.
    void aStalledJournalWriteHoldsUpNoOtherKill()
    {
        Daemon d(limits({QStringLiteral("kill-record-wait-ms=50")}));
        QVERIFY(d.running());
        const auto first = d.openSession(QStringLiteral("runaway"), true);
        const auto second = d.openSession(QStringLiteral("other"), true);
        ApiClient supervisor(d.url(), second.supervisorToken);
        std::optional<ApiResult> control;
        supervisor.request(
            "GET", QStringLiteral("/v1/sessions/%1/control?wait=30").arg(second.id), std::nullopt,
            [&](const ApiResult &r) { control = r; }, {}, 40000);
        QTRY_COMPARE(d.metric("interlock_control_polls"), 1);

        StoreLock lock(d.dbPath());
        QVERIFY(lock.locked());
        const QByteArray pipe = QFile::encodeName(d.dbPath() + QStringLiteral(".kills.new"));
        QCOMPARE(::mkfifo(pipe.constData(), 0600), 0);
        int reader = -1;
        const auto openReader = [&] {
            if (reader < 0)
                reader = ::open(pipe.constData(), O_RDONLY | O_NONBLOCK);
        };
        const auto cleanup = qScopeGuard([&] {
            openReader(); // whatever failed, the server's write goes on
            if (reader >= 0)
                ::close(reader);
        });
        ApiClient oncall(d.url(), d.token(Role::Oncall));
        std::optional<ApiResult> firstKill;
        std::optional<ApiResult> secondKill;
        const auto killPath = [](const QString &id) {
            return QStringLiteral("/v1/sessions/%1/kill").arg(id);
        };
        oncall.request("POST", killPath(first.id), std::nullopt,
                       [&](const ApiResult &r) { firstKill = r; });
        QTRY_VERIFY_WITH_TIMEOUT(waitsToOpenAPipe(d.pid()), 10000);

        QCOMPARE(d.call({}, "GET", QStringLiteral("/v1/health"), std::nullopt, 5000).status, 200);
        oncall.request("POST", killPath(second.id), std::nullopt,
                       [&](const ApiResult &r) { secondKill = r; });
        QTRY_VERIFY_WITH_TIMEOUT(control.has_value(), 5000);
        QCOMPARE(control->body.value(QStringLiteral("state")).toString(), QStringLiteral("killed"));
        QVERIFY(!firstKill.has_value()); // not acknowledged before the write returns

        openReader();
        QVERIFY(reader >= 0);
        QTRY_VERIFY_WITH_TIMEOUT(firstKill.has_value() && secondKill.has_value(), 20000);
        QCOMPARE(firstKill->status, 200);
        QCOMPARE(secondKill->status, 200);
        lock.release();
        for (const QString &id : {first.id, second.id}) {
            QJsonObject session;
            QTRY_VERIFY_WITH_TIMEOUT(statusOf(d, id, &session) == QLatin1String("killed") &&
                                         !session.contains(QStringLiteral("recorded")),
                                     20000);
        }
    }

    void theConsoleShowsAnUnrecordedKillAsKilled()
    {
        Daemon d(limits({QStringLiteral("kill-record-wait-ms=300")}));
        QVERIFY(d.running());
        const auto s = d.openSession(QStringLiteral("mail-cleaner"), true);
        ui::ConsoleBackend console(d.url(), d.token(Role::Admin));
        console.start();
        QTRY_COMPARE(console.sessions()->rowCount(), 1);
        const QModelIndex status = console.sessions()->index(0, ui::SessionListModel::Status);
        QCOMPARE(status.data().toString(), QStringLiteral("active"));
        StoreLock lock(d.dbPath());
        QVERIFY(lock.locked());
        console.killSession(s.id);
        QTRY_COMPARE(status.data().toString(), QStringLiteral("killed"));
        // What the agent's name was stays on screen.
        QCOMPARE(console.sessions()->index(0, ui::SessionListModel::Agent).data().toString(),
                 QStringLiteral("mail-cleaner"));
        lock.release();
        QTRY_VERIFY_WITH_TIMEOUT(d.metric("interlock_kills_unrecorded") == 0 &&
                                     statusOf(d, s.id) == QLatin1String("killed"),
                                 20000);
        QCOMPARE(status.data().toString(), QStringLiteral("killed"));
    }

    void aTokenTheCacheDoesNotKnowTakesTheNormalPath()
    {
        Daemon d;
        QVERIFY(d.running());
        const auto s = d.openSession(QStringLiteral("late"), true);
        // A token written into the database by someone else while the server runs (the server
        // holds the file's lock, so not by interlockctl): not in the control path's cache.
        const QString late = newToken();
        withOutsideConnection(d.dbPath(), [&](QSqlDatabase &db) {
            QSqlQuery q(db);
            q.prepare(QStringLiteral("INSERT INTO tokens(hash, name, role, session_id, created_at) "
                                     "VALUES (?, 'late-reviewer', 'reviewer', NULL, ?)"));
            q.addBindValue(tokenHash(late));
            q.addBindValue(QDateTime::currentMSecsSinceEpoch());
            QVERIFY(q.exec());
        });
        ApiClient supervisor(d.url(), s.supervisorToken);
        std::optional<ApiResult> control;
        supervisor.request(
            "GET", QStringLiteral("/v1/sessions/%1/control?wait=30").arg(s.id), std::nullopt,
            [&](const ApiResult &r) { control = r; }, {}, 40000);
        QTRY_COMPARE(d.metric("interlock_control_polls"), 1);
        const ApiResult kill =
            d.call(late, "POST", QStringLiteral("/v1/sessions/%1/kill").arg(s.id));
        QCOMPARE(kill.status, 200);
        QCOMPARE(kill.body.value(QStringLiteral("recorded")).toBool(), true);
        // The API thread's kill woke the supervisor on the I/O thread too.
        QTRY_VERIFY(control.has_value());
        QCOMPARE(control->body.value(QStringLiteral("state")).toString(), QStringLiteral("killed"));
        // Unknown and bad tokens are still refused by the normal path.
        QCOMPARE(d.call(QStringLiteral("ilk_nope"), "POST",
                        QStringLiteral("/v1/sessions/%1/kill").arg(s.id))
                     .status,
                 401);
        QCOMPARE(
            d.call(d.token(Role::Manager), "POST", QStringLiteral("/v1/sessions/%1/kill").arg(s.id))
                .status,
            403);
        QCOMPARE(d.call(d.token(Role::Reviewer), "POST", QStringLiteral("/v1/stop-all")).status,
                 403);
        QCOMPARE(d.call(d.token(Role::Oncall), "POST", QStringLiteral("/v1/sessions/ses_none/kill"))
                     .status,
                 404);
    }

    void theSupervisorTokenOpensOnlyItsOwnDoors_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QString>("path");
        QTest::addColumn<int>("expected");
        QTest::newRow("me") << QByteArray("GET") << QStringLiteral("/v1/me") << 200;
        QTest::newRow("control") << QByteArray("GET") << QStringLiteral("/v1/sessions/{S}/control")
                                 << 200;
        QTest::newRow("other's control")
            << QByteArray("GET") << QStringLiteral("/v1/sessions/{O}/control") << 404;
        QTest::newRow("bad wait") << QByteArray("GET")
                                  << QStringLiteral("/v1/sessions/{S}/control?wait=x") << 422;
        QTest::newRow("submit") << QByteArray("POST") << QStringLiteral("/v1/actions") << 403;
        QTest::newRow("events") << QByteArray("GET") << QStringLiteral("/v1/sessions/{S}/events")
                                << 403;
        QTest::newRow("session") << QByteArray("GET") << QStringLiteral("/v1/sessions/{S}") << 403;
        QTest::newRow("sessions") << QByteArray("GET") << QStringLiteral("/v1/sessions") << 403;
        QTest::newRow("kill") << QByteArray("POST") << QStringLiteral("/v1/sessions/{S}/kill")
                              << 403;
        QTest::newRow("stop-all") << QByteArray("POST") << QStringLiteral("/v1/stop-all") << 403;
        QTest::newRow("open session")
            << QByteArray("POST") << QStringLiteral("/v1/sessions") << 403;
        QTest::newRow("queue") << QByteArray("GET") << QStringLiteral("/v1/actions") << 403;
    }
    void theSupervisorTokenOpensOnlyItsOwnDoors()
    {
        QFETCH(QByteArray, method);
        QFETCH(QString, path);
        QFETCH(int, expected);
        if (!m_shared)
            m_shared = std::make_unique<Daemon>();
        Daemon &d = *m_shared;
        static const auto own = d.openSession(QStringLiteral("own"), true);
        static const auto other = d.openSession(QStringLiteral("other"), true);
        const QString p = QString(path)
                              .replace(QStringLiteral("{S}"), own.id)
                              .replace(QStringLiteral("{O}"), other.id);
        const std::optional<QJsonObject> body =
            method == "POST" ? std::optional(sampleAction()) : std::nullopt;
        QCOMPARE(d.call(own.supervisorToken, method, p, body).status, expected);
        if (path.contains(QStringLiteral("control"))) {
            // The agent's own token never opens the control channel.
            QCOMPARE(d.call(own.token, method, p).status, 403);
        }
    }

    void theControlChannelAnswersAtOnceOrAfterItsWait()
    {
        Daemon d;
        QVERIFY(d.running());
        const auto a = d.openSession(QStringLiteral("a"), true);
        const auto b = d.openSession(QStringLiteral("b"), true);
        const auto c = d.openSession(QStringLiteral("c"), true);
        const auto state = [&d](const Daemon::Session &s, const QString &wait) {
            const ApiResult r =
                d.call(s.supervisorToken, "GET",
                       QStringLiteral("/v1/sessions/%1/control?wait=%2").arg(s.id, wait));
            return r.status == 200 ? r.body.value(QStringLiteral("state")).toString()
                                   : QString::number(r.status);
        };
        QCOMPARE(state(a, QStringLiteral("0")), QStringLiteral("active"));
        QCOMPARE(state(a, QStringLiteral("0.2")), QStringLiteral("active")); // after its wait
        // A supervisor holds a few polls at most; more are refused.
        std::vector<std::unique_ptr<ApiClient>> clients;
        std::vector<std::optional<ApiResult>> results(5);
        for (int i = 0; i < 5; ++i) {
            clients.push_back(std::make_unique<ApiClient>(d.url(), b.supervisorToken));
            clients.back()->request(
                "GET", QStringLiteral("/v1/sessions/%1/control?wait=30").arg(b.id), std::nullopt,
                [&results, i](const ApiResult &r) { results[size_t(i)] = r; }, {}, 40000);
        }
        QTRY_VERIFY(std::count_if(results.begin(), results.end(),
                                  [](const auto &r) { return r && r->status == 429; }) == 1);
        QTRY_COMPARE(d.metric("interlock_control_polls"), 4);
        // stop-all answers every parked supervisor at once.
        QCOMPARE(d.call(d.token(Role::Oncall), "POST", QStringLiteral("/v1/stop-all")).status, 200);
        QTRY_VERIFY(std::all_of(results.begin(), results.end(), [](const auto &r) {
            return r && (r->status == 429 || r->body.value(QStringLiteral("state")).toString() ==
                                                 QLatin1String("killed"));
        }));
        QCOMPARE(state(a, QStringLiteral("5")), QStringLiteral("killed"));
        // A session that ended: its supervisor learns so, then its token is over.
        const auto e = d.openSession(QStringLiteral("e"), true);
        QCOMPARE(d.call(e.supervisorToken, "POST",
                        QStringLiteral("/v1/sessions/%1/terminated").arg(e.id),
                        QJsonObject{{QStringLiteral("exit_code"), 0}})
                     .status,
                 200);
        QCOMPARE(state(e, QStringLiteral("0")), QStringLiteral("403"));
        Q_UNUSED(c);
    }

    void cleanupTestCase() { m_shared.reset(); }

private:
    std::unique_ptr<Daemon> m_shared;
};

QTEST_MAIN(TestControlPath)
#include "tst_controlpath.moc"
