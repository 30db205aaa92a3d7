#include "BreakerBench.h"

#include "BenchConnection.h"
#include "BenchReport.h"
#include "CtlCommon.h"
#include "server/ApiServer.h"
#include "server/CommitGroup.h"
#include "server/SafetyGuard.h"
#include "server/ServerThread.h"

#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>
#include <ctime>
#include <memory>
#include <mutex>

namespace interlock::ctl {

namespace {
QJsonObject mailDelete(const QString &title)
{
    return {{QStringLiteral("kind"), QStringLiteral("email.delete")},
            {QStringLiteral("title"), title},
            {QStringLiteral("target"), QStringLiteral("mail://carol@example.com/INBOX")},
            {QStringLiteral("payload"),
             QJsonObject{{QStringLiteral("mailbox"), QStringLiteral("carol")},
                         {QStringLiteral("message_ids"),
                          QJsonArray{QString(title + QStringLiteral("-a")),
                                     QString(title + QStringLiteral("-b"))}}}}};
}

QByteArray benchRules(int limit)
{
    QFile f(QStringLiteral(":/risk/rules.json"));
    f.open(QIODevice::ReadOnly);
    QJsonObject root = QJsonDocument::fromJson(f.readAll()).object();
    root.insert(
        QStringLiteral("breakers"),
        QJsonArray{QJsonObject{{QStringLiteral("id"), QStringLiteral("bench-burst")},
                               {QStringLiteral("scope"), QStringLiteral("session")},
                               {QStringLiteral("measure"), QStringLiteral("destructive_actions")},
                               {QStringLiteral("more_than"), limit},
                               {QStringLiteral("window_seconds"), 60},
                               {QStringLiteral("action"), QStringLiteral("freeze")}}});
    return QJsonDocument(root).toJson();
}

// The floor under any durable answer: one commit of one small row, WAL and synchronous=FULL as
// the server commits, on the same disk.
std::vector<double> rawCommitMs(const QString &path, int commits)
{
    std::vector<double> out;
    {
        QSqlDatabase db =
            QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("bench-raw"));
        db.setDatabaseName(path);
        if (db.open()) {
            QSqlQuery q(db);
            q.exec(QStringLiteral("PRAGMA journal_mode=WAL"));
            q.finish();
            q.exec(QStringLiteral("PRAGMA synchronous=FULL"));
            q.exec(QStringLiteral("CREATE TABLE t (id INTEGER PRIMARY KEY, doc TEXT NOT NULL)"));
            q.prepare(QStringLiteral("INSERT INTO t(doc) VALUES (?)"));
            for (int i = 0; i < commits; ++i) {
                QElapsedTimer t;
                t.start();
                db.transaction();
                q.addBindValue(QStringLiteral("a freeze"));
                q.exec();
                db.commit();
                out.push_back(double(t.nsecsElapsed()) / 1e6);
            }
            q.finish();
            db.close();
        }
    }
    QSqlDatabase::removeDatabase(QStringLiteral("bench-raw"));
    return out;
}

qint64 monotonicNs()
{
    timespec t{};
    clock_gettime(CLOCK_MONOTONIC, &t);
    return qint64(t.tv_sec) * 1000000000LL + t.tv_nsec;
}

// What the server saw, on its own thread (direct connections): when each session's freeze was
// made in memory (SafetyGuard told its supervisor), and when each group commit ended.
struct ServerSide {
    std::mutex mutex;
    QHash<QString, qint64> frozenNs;
    std::vector<qint64> commitsNs; // in order
};

// One agent of one round: its session, its lanes, its supervisor's event stream.
struct Agent {
    QString session;
    QString name;
    std::vector<std::unique_ptr<BenchConnection>> lanes;
    std::unique_ptr<BenchConnection> watcher;
    QHash<QString, qint64> sentNs;    // title -> when it was sent
    QHash<QString, qint64> refusedNs; // title -> when its 423 arrived
    qint64 frozenEventNs = -1;        // when session.frozen reached the supervisor's stream
    qint64 firstRefusalSeenNs = -1;
    int accepted = 0;
    int acceptedAfterRefusal = 0; // 201s for requests sent after a 423 was seen
    int otherFailures = 0;
    int lanesDone = 0;
    bool watching = true;
};
} // namespace

int BreakerBench::run()
{
    QTemporaryDir dir(
        QDir(m_options.dir).absoluteFilePath(QStringLiteral("interlock-bench-XXXXXX")));
    if (!dir.isValid())
        return fail(QStringLiteral("cannot create a folder in %1").arg(m_options.dir));
    std::fprintf(stderr, "measuring the floor (raw SQLite commits on the same disk)…\n");
    const std::vector<double> commitMs = rawCommitMs(dir.filePath(QStringLiteral("raw.db")), 300);
    Limits limits;
    limits.maxPendingPerSession = 100000;
    ServerThread server(dir.filePath(QStringLiteral("bench.db")), QHostAddress::LocalHost, 0,
                        limits);
    server.setRiskRules(benchRules(m_options.limit));
    auto side = std::make_shared<ServerSide>();
    server.setOnListening([side](ApiServer &api) {
        QObject::connect(&api.safety(), &SafetyGuard::sessionsTold, [side](const QStringList &ids) {
            const qint64 now = monotonicNs();
            std::lock_guard lock(side->mutex);
            for (const QString &id : ids) {
                if (!side->frozenNs.contains(id))
                    side->frozenNs.insert(id, now);
            }
        });
        QObject::connect(&api.commits(), &CommitGroup::groupCommitted, [side](qint64, bool ok) {
            const qint64 now = monotonicNs();
            std::lock_guard lock(side->mutex);
            if (ok)
                side->commitsNs.push_back(now);
        });
    });
    server.start();
    if (!server.waitUntilReady())
        return fail(QStringLiteral("the benchmark server did not start: ") + server.error());
    const quint16 port = server.port();
    const QUrl url(QStringLiteral("http://127.0.0.1:%1").arg(port));
    // Every time on one clock with the server's figures (CLOCK_MONOTONIC), from here.
    const qint64 origin = monotonicNs();
    const auto nowNs = [origin] { return monotonicNs() - origin; };
    QEventLoop loop;

    // The floor: a bare HTTP round trip on an idle server.
    std::vector<double> roundTripMs;
    {
        BenchConnection probe(port, server.reviewerToken());
        for (int i = 0; i < 200; ++i) {
            const qint64 t0 = nowNs();
            probe.request("GET", QStringLiteral("/v1/health"), nullptr,
                          [&](int, const QJsonObject &) {
                              roundTripMs.push_back(double(nowNs() - t0) / 1e6);
                              loop.quit();
                          });
            loop.exec();
        }
    }

    std::vector<double> acceptedMs, tripMs, eventMs, frozenMs, durableMs;
    int acceptedBeyondLimit = 0, acceptedAfterRefusal = 0, failures = 0, missingEvents = 0;
    qint64 submissions = 0;
    ApiClient enroll(url, server.agentToken());
    ApiClient reviewer(url, server.reviewerToken());
    std::fprintf(stderr,
                 "%d rounds of %d agents, %d requests in flight each, breaker at more than "
                 "%d deletes in 60 s…\n",
                 m_options.rounds, m_options.agents, m_options.lanes, m_options.limit);
    for (int round = 0; round < m_options.rounds; ++round) {
        std::vector<std::unique_ptr<Agent>> agents;
        for (int i = 0; i < m_options.agents; ++i) {
            auto a = std::make_unique<Agent>();
            a->name = QStringLiteral("mailer-%1-%2").arg(round).arg(i);
            const ApiResult r = enroll.call("POST", QStringLiteral("/v1/sessions"),
                                            QJsonObject{{QStringLiteral("agent"), a->name}});
            if (r.status != 201)
                return fail(QStringLiteral("cannot open a session: ") + r.describe());
            a->session = r.body.value(QStringLiteral("session"))
                             .toObject()
                             .value(QStringLiteral("id"))
                             .toString();
            const QString token = r.body.value(QStringLiteral("token")).toString();
            for (int l = 0; l < m_options.lanes; ++l) {
                a->lanes.push_back(std::make_unique<BenchConnection>(port, token));
                a->lanes.back()->setStatusOnly(true); // only the status counts here
            }
            a->watcher = std::make_unique<BenchConnection>(port, token);
            agents.push_back(std::move(a));
        }
        int watching = 0;
        // The supervisor's view: long-polls of the session's events until session.frozen.
        std::function<void(Agent *, qint64)> watch = [&](Agent *a, qint64 after) {
            a->watcher->request("GET",
                                QStringLiteral("/v1/sessions/%1/events?after=%2&wait=20")
                                    .arg(a->session)
                                    .arg(after),
                                nullptr, [&, a](int status, const QJsonObject &body) {
                                    for (const QJsonValue &e :
                                         body.value(QStringLiteral("events")).toArray()) {
                                        if (e.toObject().value(QStringLiteral("type")).toString() ==
                                            QLatin1String("session.frozen")) {
                                            a->frozenEventNs = nowNs();
                                            a->watching = false;
                                        }
                                    }
                                    if (status != 200 || !a->watching) {
                                        a->watching = false;
                                        --watching;
                                        loop.quit();
                                        return;
                                    }
                                    watch(a, body.value(QStringLiteral("next")).toInteger());
                                });
        };
        for (const auto &a : agents) {
            ++watching;
            watch(a.get(), 0);
        }
        // Let the long-polls park before the load starts.
        QTimer::singleShot(50, &loop, &QEventLoop::quit);
        loop.exec();

        int lanesRunning = 0;
        int counter = 0;
        std::function<void(Agent *, int, int)> submit = [&](Agent *a, int lane, int leftAfter) {
            if (leftAfter == 0) {
                --lanesRunning;
                loop.quit();
                return;
            }
            const QString title = QStringLiteral("%1 #%2").arg(a->name).arg(++counter);
            const QJsonObject body = mailDelete(title);
            const qint64 sent = nowNs();
            const bool afterRefusal = a->firstRefusalSeenNs >= 0;
            a->sentNs.insert(title, sent);
            ++submissions;
            a->lanes[size_t(lane)]->request(
                "POST", QStringLiteral("/v1/actions"), &body,
                [&, a, lane, leftAfter, title, sent, afterRefusal](int status,
                                                                   const QJsonObject &) {
                    const qint64 now = nowNs();
                    int left = leftAfter;
                    if (status == 201) {
                        ++a->accepted;
                        acceptedMs.push_back(double(now - sent) / 1e6);
                        if (afterRefusal)
                            ++a->acceptedAfterRefusal;
                        if (a->accepted > 4 * m_options.limit)
                            left = 0; // the breaker never tripped: stop, counted above

                    } else if (status == 423) {
                        a->refusedNs.insert(title, now);
                        if (a->firstRefusalSeenNs < 0)
                            a->firstRefusalSeenNs = now;
                        left = leftAfter < 0 ? m_options.after : leftAfter - 1;
                    } else {
                        ++a->otherFailures;
                        left = 0;
                    }
                    submit(a, lane, left);
                });
        };
        for (const auto &a : agents) {
            for (int l = 0; l < m_options.lanes; ++l) {
                ++lanesRunning;
                submit(a.get(), l, -1);
            }
        }
        QElapsedTimer roundTimer;
        roundTimer.start();
        while ((lanesRunning > 0 || watching > 0) && roundTimer.elapsed() < 60000)
            loop.exec();

        // Which submission tripped each session: the trip record names it.
        QHash<QString, QString> trigger; // session -> title
        const ApiResult trips = reviewer.call("GET", QStringLiteral("/v1/trips?limit=500"));
        for (const QJsonValue &v : trips.body.value(QStringLiteral("trips")).toArray()) {
            const QJsonObject t = v.toObject();
            trigger.insert(t.value(QStringLiteral("session_id")).toString(),
                           t.value(QStringLiteral("trigger"))
                               .toObject()
                               .value(QStringLiteral("title"))
                               .toString());
        }
        for (const auto &a : agents) {
            acceptedBeyondLimit += qMax(0, a->accepted - m_options.limit);
            acceptedAfterRefusal += a->acceptedAfterRefusal;
            failures += a->otherFailures;
            const QString title = trigger.value(a->session);
            if (title.isEmpty() || !a->refusedNs.contains(title)) {
                ++failures;
                continue;
            }
            const qint64 sent = a->sentNs.value(title);
            tripMs.push_back(double(a->refusedNs.value(title) - sent) / 1e6);
            {
                std::lock_guard lock(side->mutex);
                const qint64 frozen = side->frozenNs.value(a->session, -1);
                if (frozen >= 0) {
                    frozenMs.push_back(double(frozen - origin - sent) / 1e6);
                    // Durable with the first commit that ended after the freeze was made.
                    const auto commit =
                        std::lower_bound(side->commitsNs.begin(), side->commitsNs.end(), frozen);
                    if (commit != side->commitsNs.end())
                        durableMs.push_back(double(*commit - origin - sent) / 1e6);
                }
            }
            if (a->frozenEventNs >= 0)
                eventMs.push_back(double(a->frozenEventNs - sent) / 1e6);
            else
                ++missingEvents;
        }
    }
    server.quit();
    server.wait();

    const double p99 = percentile(tripMs, 0.99);
    printTable(
        QStringLiteral("Interlock bench breaker: %1 rounds x %2 agents deleting e-mails, %3 "
                       "requests in flight each, freeze after more than %4 deletes, %5 cores")
            .arg(m_options.rounds)
            .arg(m_options.agents)
            .arg(m_options.lanes)
            .arg(m_options.limit)
            .arg(QThread::idealThreadCount()),
        {
            {QStringLiteral("floor: one raw SQLite commit p50 (ms)"),
             formatNumber(percentile(commitMs, 0.5), 2)},
            {QStringLiteral("floor: one raw SQLite commit p99 (ms)"),
             formatNumber(percentile(commitMs, 0.99), 2)},
            {QStringLiteral("floor: bare HTTP round trip p50 (ms)"),
             formatNumber(percentile(roundTripMs, 0.5), 2)},
            {QStringLiteral("floor: accepted submission p50 (ms)"),
             formatNumber(percentile(acceptedMs, 0.5), 2)},
            {QStringLiteral("floor: accepted submission p99 (ms)"),
             formatNumber(percentile(acceptedMs, 0.99), 2)},
            {QStringLiteral("trips measured"), QString::number(tripMs.size())},
            {QStringLiteral("tripping submission -> frozen in memory (server) p50 (ms)"),
             formatNumber(percentile(frozenMs, 0.5), 2)},
            {QStringLiteral("tripping submission -> frozen in memory (server) p99 (ms)"),
             formatNumber(percentile(frozenMs, 0.99), 2)},
            {QStringLiteral("tripping submission -> frozen (its 423 at the agent) p50 (ms)"),
             formatNumber(percentile(tripMs, 0.5), 2)},
            {QStringLiteral("tripping submission -> frozen (its 423 at the agent) p99 (ms)"),
             formatNumber(p99, 2)},
            {QStringLiteral("tripping submission -> frozen (its 423 at the agent) max (ms)"),
             formatNumber(percentile(tripMs, 1.0), 2)},
            {QStringLiteral("tripping submission -> freeze durable (its commit) p50 (ms)"),
             formatNumber(percentile(durableMs, 0.5), 2)},
            {QStringLiteral("tripping submission -> freeze durable (its commit) p99 (ms)"),
             formatNumber(percentile(durableMs, 0.99), 2)},
            {QStringLiteral("tripping submission -> supervisor told p50 (ms)"),
             formatNumber(percentile(eventMs, 0.5), 2)},
            {QStringLiteral("tripping submission -> supervisor told p99 (ms)"),
             formatNumber(percentile(eventMs, 0.99), 2)},
            {QStringLiteral("submissions sent in all"), QString::number(submissions)},
            {QStringLiteral("accepted beyond the limit"), QString::number(acceptedBeyondLimit)},
            {QStringLiteral("accepted after a refusal was seen"),
             QString::number(acceptedAfterRefusal)},
            {QStringLiteral("supervisors never told"), QString::number(missingEvents)},
            {QStringLiteral("failed requests"), QString::number(failures)},
        });
    const bool none = acceptedBeyondLimit == 0 && acceptedAfterRefusal == 0;
    out(QStringLiteral("\ntarget: tripping submission -> frozen p99 < 10 ms: %1; 0 submissions "
                       "accepted after the trip: %2")
            .arg(p99 < 10 ? QStringLiteral("met") : QStringLiteral("MISSED"),
                 none ? QStringLiteral("met") : QStringLiteral("MISSED")));
    return failures == 0 && missingEvents == 0 && none ? Ok : Failed;
}

} // namespace interlock::ctl
