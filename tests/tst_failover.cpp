// Faults over real processes: two interlockd on one PostgreSQL behind HAProxy (`interlockctl
// cluster`), eight agents flooding it, supervisors waiting on their sessions. SIGKILL of one
// server, then a restart of PostgreSQL itself: nothing acknowledged is lost, every agent's
// long-poll resumes, a kill issued afterwards reaches every supervisor, the listeners
// resubscribe; and two reviewers deciding at once on the two servers have one winner.
// PostgreSQL only, on a private cluster it may restart (ctest runs it as pg_failover).
#include "support/TestServer.h"

#include <QJsonArray>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpServer>
#include <QtTest>
#include <csignal>

using namespace interlock;
using namespace interlock::test;

namespace {
constexpr int kAgents = 8;

QString run(const QString &program, const QStringList &args, int *exitCode = nullptr)
{
    QProcess p;
    p.start(program, args);
    p.waitForFinished(120000);
    if (exitCode)
        *exitCode = p.exitCode();
    return QString::fromUtf8(p.readAllStandardOutput()).trimmed();
}

QString pgcluster(const QStringList &args)
{
    int code = 0;
    const QString out =
        run(QStringLiteral(SOURCE_DIR) + QStringLiteral("/scripts/pgcluster"), args, &code);
    if (code != 0)
        qWarning("scripts/pgcluster %s failed", qPrintable(args.join(u' ')));
    return out;
}

quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

// `interlockctl cluster` as a child process, with the pids and addresses it prints.
struct Cluster {
    QProcess process;
    QUrl url;
    QList<qint64> pids;
    QList<QUrl> servers;

    bool start(const QString &db)
    {
        const quint16 port = freePort();
        process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        process.start(QStringLiteral(INTERLOCKCTL_PATH),
                      {QStringLiteral("cluster"), QStringLiteral("--db"), db,
                       QStringLiteral("--instances"), QStringLiteral("2"),
                       QStringLiteral("--listen"), QStringLiteral("127.0.0.1:%1").arg(port),
                       QStringLiteral("--max-pending"), QStringLiteral("100000")});
        QByteArray out;
        QDeadlineTimer deadline(60000);
        while (!out.contains("cluster: ") && !deadline.hasExpired() &&
               process.state() != QProcess::NotRunning) {
            if (process.waitForReadyRead(1000))
                out += process.readAllStandardOutput();
        }
        const QString text = QString::fromUtf8(out);
        auto it = QRegularExpression(QStringLiteral("interlockd \\d+: pid (\\d+), (\\S+)"))
                      .globalMatch(text);
        while (it.hasNext()) {
            const auto m = it.next();
            pids.append(m.captured(1).toLongLong());
            servers.append(QUrl(m.captured(2)));
        }
        url = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port));
        return pids.size() == 2 && text.contains(QStringLiteral("cluster: "));
    }
    ~Cluster()
    {
        process.terminate();
        if (!process.waitForFinished(15000))
            process.kill();
    }
};

QString token(const QString &db, const char *role)
{
    return run(QStringLiteral(INTERLOCKCTL_PATH),
               {QStringLiteral("token"), QStringLiteral("create"), QStringLiteral("--db"), db,
                QStringLiteral("--role"), QString::fromLatin1(role), QStringLiteral("--name"),
                QStringLiteral("failover-") + QString::fromLatin1(role)});
}

// Eight agents submitting through the proxy, each with one request in flight and each request
// with its own Idempotency-Key, sent again (same key, same body) after a failure a retry can fix,
// as `interlockctl submit` does. A 500 is retried too: the key makes a second try safe, and a
// commit that met a dying database answers 500.
struct Flood {
    struct Agent {
        std::unique_ptr<ApiClient> client;
        QString sessionId;
        QString firstAction;
        int acknowledged = 0;
        std::optional<ApiResult> decision;
    };
    std::vector<Agent> agents;
    QHash<QString, QJsonObject> acknowledged;
    QStringList failures;
    int retries = 0;
    int inFlight = 0; // submits sent and not answered yet
    bool stopped = false;

    bool open(const QUrl &url, const QString &enrollment)
    {
        for (int i = 0; i < kAgents; ++i) {
            const ApiResult r = ApiClient(url, enrollment)
                                    .call("POST", QStringLiteral("/v1/sessions"),
                                          QJsonObject{{QStringLiteral("agent"),
                                                       QStringLiteral("flood-%1").arg(i)}});
            if (r.status != 201)
                return false;
            Agent a;
            a.client =
                std::make_unique<ApiClient>(url, r.body.value(QStringLiteral("token")).toString());
            a.sessionId = r.body.value(QStringLiteral("session"))
                              .toObject()
                              .value(QStringLiteral("id"))
                              .toString();
            agents.push_back(std::move(a));
        }
        return true;
    }
    void submit(int i)
    {
        if (stopped)
            return;
        Agent &a = agents[size_t(i)];
        QJsonObject body = sampleAction();
        body.insert(QStringLiteral("title"),
                    QStringLiteral("flood %1 #%2").arg(i).arg(a.acknowledged));
        const QByteArray key =
            QStringLiteral("%1-%2").arg(a.sessionId).arg(a.acknowledged).toUtf8();
        ++inFlight;
        a.client->request(
            "POST", QStringLiteral("/v1/actions"), body,
            [this, i](const ApiResult &r) {
                --inFlight;
                Agent &a = agents[size_t(i)];
                if (r.status == 201) {
                    const QString id = r.body.value(QStringLiteral("id")).toString();
                    acknowledged.insert(id, r.body);
                    if (a.firstAction.isEmpty())
                        a.firstAction = id;
                    ++a.acknowledged;
                    submit(i);
                } else if (r.retryable() || r.status == 500) {
                    ++retries;
                    QTimer::singleShot(50, [this, i] { submit(i); });
                } else {
                    failures.append(r.describe());
                }
            },
            {{"Idempotency-Key", key}}, 20000);
    }
    // The agent's long-poll on its first action, asked again whenever a server went away.
    void waitForDecision(int i)
    {
        Agent &a = agents[size_t(i)];
        a.client->request(
            "GET", QStringLiteral("/v1/actions/%1/decision?wait=30").arg(a.firstAction),
            std::nullopt,
            [this, i](const ApiResult &r) {
                Agent &a = agents[size_t(i)];
                const QString status = r.body.value(QStringLiteral("status")).toString();
                if (r.status == 200 && status != QLatin1String("pending")) {
                    a.decision = r;
                } else if (r.ok() || r.retryable()) {
                    ++retries;
                    QTimer::singleShot(50, [this, i] { waitForDecision(i); });
                } else {
                    a.decision = r;
                }
            },
            {}, 45000);
    }
    int least() const
    {
        int n = std::numeric_limits<int>::max();
        for (const Agent &a : agents)
            n = std::min(n, a.acknowledged);
        return n;
    }
};

// Every acknowledged action is stored, unchanged, as the server acknowledged it.
void checkNothingLost(const QUrl &url, const QString &admin,
                      const QHash<QString, QJsonObject> &acknowledged)
{
    ApiClient reader(url, admin);
    QHash<QString, QJsonObject> stored;
    QString cursor;
    do {
        const ApiResult page = reader.callRetrying(
            "GET",
            QStringLiteral("/v1/actions?limit=500") +
                (cursor.isEmpty() ? QString() : QStringLiteral("&cursor=") + cursor),
            std::nullopt, {}, 20000, 30000);
        QCOMPARE(page.status, 200);
        for (const QJsonValue &v : page.body.value(QStringLiteral("actions")).toArray())
            stored.insert(v.toObject().value(QStringLiteral("id")).toString(), v.toObject());
        cursor = page.body.value(QStringLiteral("next_cursor")).toString();
    } while (!cursor.isEmpty());
    for (auto it = acknowledged.cbegin(); it != acknowledged.cend(); ++it) {
        if (!stored.contains(it.key())) {
            // Gone from the list, or from the database? Ask for it by id.
            const ApiResult one = reader.call("GET", QStringLiteral("/v1/actions/") + it.key());
            QFAIL(qPrintable(it.key() +
                             QStringLiteral(" was acknowledged but is not in the list of %1 "
                                            "(GET by id: %2 %3)")
                                 .arg(stored.size())
                                 .arg(one.status)
                                 .arg(one.body.value(QStringLiteral("status")).toString())));
        }
        QCOMPARE(stored.value(it.key()).value(QStringLiteral("title")),
                 it.value().value(QStringLiteral("title")));
        QCOMPARE(stored.value(it.key()).value(QStringLiteral("payload_sha256")),
                 it.value().value(QStringLiteral("payload_sha256")));
    }
}

std::unique_ptr<QProcess> startSupervisor(const QUrl &url, const QString &enrollment, int i)
{
    auto p = std::make_unique<QProcess>();
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("INTERLOCK_URL"), url.toString());
    env.insert(QStringLiteral("INTERLOCK_TOKEN"), enrollment);
    p->setProcessEnvironment(env);
    p->setProcessChannelMode(QProcess::ForwardedErrorChannel); // why one failed, in the log
    p->start(QStringLiteral(INTERLOCKCTL_PATH),
             {QStringLiteral("run"), QStringLiteral("--agent"),
              QStringLiteral("supervised-%1").arg(i), QStringLiteral("--"), QStringLiteral("sleep"),
              QStringLiteral("600")});
    return p;
}
// For a failure message: every session the server knows and what each supervisor process did.
QString describeSessions(ApiClient &admin,
                         const std::vector<std::unique_ptr<QProcess>> &supervisors)
{
    QStringList out;
    for (std::size_t i = 0; i < supervisors.size(); ++i) {
        const QProcess &p = *supervisors[i];
        out << QStringLiteral("supervisor %1: %2")
                   .arg(i)
                   .arg(p.state() == QProcess::NotRunning
                            ? QStringLiteral("exited with %1").arg(p.exitCode())
                            : QStringLiteral("running"));
    }
    const ApiResult r = admin.call("GET", QStringLiteral("/v1/sessions"));
    out << QStringLiteral("GET /v1/sessions: %1").arg(r.status);
    for (const QJsonValue &v : r.body.value(QStringLiteral("sessions")).toArray()) {
        const QJsonObject s = v.toObject();
        out << s.value(QStringLiteral("agent")).toString() + u' ' +
                   s.value(QStringLiteral("status")).toString();
    }
    return out.join(u'\n');
}
} // namespace

class TestFailover : public QObject
{
    Q_OBJECT

    QString m_dir; // the private PostgreSQL cluster
    QString m_base;

    QString freshDb()
    {
        QTemporaryDir unused;
        qputenv("INTERLOCK_TEST_STORE", m_base.toUtf8());
        return freshDatabase(unused);
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (!testingPostgres())
            QSKIP("needs PostgreSQL (ctest runs it as pg_failover)");
        // Its own cluster: the fixture's is shared with the other tests and must not restart.
        m_dir = QStringLiteral("/tmp/ilpg-fo-%1").arg(QCoreApplication::applicationPid());
        pgcluster({QStringLiteral("stop"), m_dir});
        m_base = pgcluster({QStringLiteral("start"), m_dir});
        QVERIFY2(m_base.startsWith(QStringLiteral("postgresql://")), qPrintable(m_base));
        int code = 0;
        run(QStringLiteral(INTERLOCKCTL_PATH),
            {QStringLiteral("db"), QStringLiteral("migrate"), QStringLiteral("--db"), m_base},
            &code);
        QCOMPARE(code, 0);
    }

    void cleanupTestCase()
    {
        if (!m_dir.isEmpty())
            pgcluster({QStringLiteral("stop"), m_dir});
    }

    void sigkillOfOneServerDuringAFlood()
    {
        const QString db = freshDb();
        const QString enrollment = token(db, "agent"), admin = token(db, "admin");
        Cluster cluster;
        QVERIFY(cluster.start(db));
        std::vector<std::unique_ptr<QProcess>> supervisors;
        for (int i = 0; i < kAgents; ++i)
            supervisors.push_back(startSupervisor(cluster.url, enrollment, i));
        Flood flood;
        QVERIFY(flood.open(cluster.url, enrollment));
        for (int i = 0; i < kAgents; ++i)
            flood.submit(i);
        QTRY_VERIFY_WITH_TIMEOUT(flood.least() >= 5, 60000);
        for (int i = 0; i < kAgents; ++i)
            flood.waitForDecision(i);
        ApiClient adminClient(cluster.url, admin);
        QTRY_VERIFY2_WITH_TIMEOUT(
            adminClient.call("GET", QStringLiteral("/v1/sessions?status=active"))
                    .body.value(QStringLiteral("sessions"))
                    .toArray()
                    .size() == 2 * kAgents,
            qPrintable(describeSessions(adminClient, supervisors)), 30000);

        // Mid-flood, with long-polls parked on both servers: one server dies.
        const int before = int(flood.acknowledged.size());
        QCOMPARE(::kill(pid_t(cluster.pids[0]), SIGKILL), 0);
        QTRY_VERIFY_WITH_TIMEOUT(flood.least() >= 25, 120000);
        flood.stopped = true;
        // The submits still on their way are answered before the check: one acknowledged while
        // the list is read (its answer processed in the check's own event loop) was committed
        // after that read, and would be reported lost although it is stored.
        QTRY_COMPARE_WITH_TIMEOUT(flood.inFlight, 0, 30000);
        QVERIFY2(flood.failures.isEmpty(), qPrintable(flood.failures.join(u'\n')));
        qInfo("acknowledged %d before the SIGKILL, %lld in all; %d requests retried", before,
              qint64(flood.acknowledged.size()), flood.retries);

        // Every agent's long-poll goes on, on the surviving server: a decision reaches each.
        ApiClient reviewer(cluster.url, admin);
        for (const Flood::Agent &a : flood.agents) {
            QCOMPARE(
                reviewer
                    .callRetrying(
                        "POST", QStringLiteral("/v1/actions/%1/decision").arg(a.firstAction),
                        QJsonObject{{QStringLiteral("decision"), QStringLiteral("reject")},
                                    {QStringLiteral("comment"), QStringLiteral("failover drill")}},
                        {}, 10000, 20000)
                    .status,
                200);
        }
        for (const Flood::Agent &a : flood.agents) {
            QTRY_VERIFY_WITH_TIMEOUT(a.decision.has_value(), 20000);
            QCOMPARE(a.decision->body.value(QStringLiteral("status")).toString(),
                     QStringLiteral("rejected"));
        }
        checkNothingLost(cluster.url, admin, flood.acknowledged);

        // A kill issued now reaches every supervisor, wherever its long-poll was.
        const ApiResult all = adminClient.callRetrying("POST", QStringLiteral("/v1/stop-all"),
                                                       QJsonObject{}, {}, 10000, 20000);
        QCOMPARE(all.status, 200);
        for (auto &s : supervisors) {
            QTRY_COMPARE_WITH_TIMEOUT(s->state(), QProcess::NotRunning, 30000);
            QCOMPARE(s->exitCode(), 137);
        }
        QTRY_VERIFY_WITH_TIMEOUT(
            adminClient.call("GET", QStringLiteral("/v1/sessions?status=terminated"))
                    .body.value(QStringLiteral("sessions"))
                    .toArray()
                    .size() == kAgents,
            20000);
    }

    void restartOfPostgresDuringAFlood()
    {
        const QString db = freshDb();
        const QString enrollment = token(db, "agent"), admin = token(db, "admin"),
                      reviewerToken = token(db, "reviewer");
        Cluster cluster;
        QVERIFY(cluster.start(db));
        Flood flood;
        QVERIFY(flood.open(cluster.url, enrollment));
        for (int i = 0; i < kAgents; ++i)
            flood.submit(i);
        QTRY_VERIFY_WITH_TIMEOUT(flood.least() >= 5, 60000);

        // A crash-restart: stop -m immediate (no shutdown checkpoint), start again.
        const int before = int(flood.acknowledged.size());
        pgcluster({QStringLiteral("restart"), m_dir});
        const int acrossRestart = flood.least();
        QTRY_VERIFY_WITH_TIMEOUT(flood.least() >= acrossRestart + 15, 120000);
        flood.stopped = true;
        // The submits still on their way are answered before the check: one acknowledged while
        // the list is read (its answer processed in the check's own event loop) was committed
        // after that read, and would be reported lost although it is stored.
        QTRY_COMPARE_WITH_TIMEOUT(flood.inFlight, 0, 30000);
        QVERIFY2(flood.failures.isEmpty(), qPrintable(flood.failures.join(u'\n')));
        qInfo("acknowledged %d before the restart, %lld in all; %d requests retried", before,
              qint64(flood.acknowledged.size()), flood.retries);
        QVERIFY(cluster.process.state() == QProcess::Running);
        for (qint64 pid : std::as_const(cluster.pids))
            QCOMPARE(::kill(pid_t(pid), 0), 0); // both servers survived it
        checkNothingLost(cluster.url, admin, flood.acknowledged);

        // The listeners subscribed again: a decision on one server wakes an agent waiting on
        // the other at once, and a kill on one reaches the other.
        for (int from = 0; from < 2; ++from) {
            const QUrl waitOn = cluster.servers[1 - from], decideOn = cluster.servers[from];
            const ApiResult opened =
                ApiClient(waitOn, enrollment)
                    .call("POST", QStringLiteral("/v1/sessions"),
                          QJsonObject{{QStringLiteral("agent"), QStringLiteral("after-restart")}});
            QCOMPARE(opened.status, 201);
            ApiClient agent(waitOn, opened.body.value(QStringLiteral("token")).toString());
            const ApiResult submitted =
                agent.call("POST", QStringLiteral("/v1/actions"), sampleAction());
            QCOMPARE(submitted.status, 201);
            const QString id = submitted.body.value(QStringLiteral("id")).toString();
            std::optional<ApiResult> waited;
            agent.request(
                "GET", QStringLiteral("/v1/actions/%1/decision?wait=30").arg(id), std::nullopt,
                [&](const ApiResult &r) { waited = r; }, {}, 40000);
            // A round trip to that server after the long-poll was sent: it has parked by now.
            QCOMPARE(ApiClient(waitOn).call("GET", QStringLiteral("/v1/health")).status, 200);
            QCOMPARE(ApiClient(decideOn, reviewerToken)
                         .call("POST", QStringLiteral("/v1/actions/%1/decision").arg(id),
                               QJsonObject{{QStringLiteral("decision"), QStringLiteral("approve")}})
                         .status,
                     200);
            QTRY_VERIFY_WITH_TIMEOUT(waited.has_value(), 5000);
            QCOMPARE(waited->body.value(QStringLiteral("status")).toString(),
                     QStringLiteral("approved"));
        }
    }

    void twoReviewersOnTwoServersHaveOneWinner()
    {
        const QString db = freshDb();
        const QString enrollment = token(db, "agent"), reviewerA = token(db, "reviewer"),
                      reviewerB = token(db, "admin");
        Cluster cluster;
        QVERIFY(cluster.start(db));
        const ApiResult opened =
            ApiClient(cluster.url, enrollment)
                .call("POST", QStringLiteral("/v1/sessions"),
                      QJsonObject{{QStringLiteral("agent"), QStringLiteral("racer")}});
        QCOMPARE(opened.status, 201);
        ApiClient agent(cluster.url, opened.body.value(QStringLiteral("token")).toString());
        ApiClient a(cluster.servers[0], reviewerA), b(cluster.servers[1], reviewerB);
        for (int round = 0; round < 20; ++round) {
            const ApiResult submitted =
                agent.call("POST", QStringLiteral("/v1/actions"), sampleAction());
            QCOMPARE(submitted.status, 201);
            const QString path = QStringLiteral("/v1/actions/%1/decision")
                                     .arg(submitted.body.value(QStringLiteral("id")).toString());
            const QJsonObject approve{{QStringLiteral("decision"), QStringLiteral("approve")}};
            QList<int> statuses;
            a.request("POST", path, approve,
                      [&](const ApiResult &r) { statuses.append(r.status); });
            b.request("POST", path, approve,
                      [&](const ApiResult &r) { statuses.append(r.status); });
            QTRY_COMPARE(statuses.size(), 2);
            std::sort(statuses.begin(), statuses.end());
            QCOMPARE(statuses, (QList<int>{200, 409}));
        }
    }
};

QTEST_GUILESS_MAIN(TestFailover)
#include "tst_failover.moc"
