#include "SubmitBench.h"

#include "BenchConnection.h"
#include "BenchReport.h"
#include "CtlCommon.h"
#include "server/ApiServer.h"
#include "server/ServerThread.h"

#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>
#include <QSemaphore>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>
#include <algorithm>
#include <cmath>
#include <memory>

namespace interlock::ctl {

SubmitBench::SubmitBench(Options options)
    : m_options(std::move(options))
{}

double SubmitBench::rawCommitsPerSecond(const QString &path, int commits) const
{
    double rate = 0;
    {
        QSqlDatabase db =
            QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("bench-raw"));
        db.setDatabaseName(path);
        if (!db.open())
            return 0;
        QSqlQuery q(db);
        q.exec(QStringLiteral("PRAGMA journal_mode=WAL"));
        q.finish();
        q.exec(QStringLiteral("PRAGMA synchronous=FULL"));
        q.exec(QStringLiteral("CREATE TABLE t (id INTEGER PRIMARY KEY, doc TEXT NOT NULL)"));
        const QString doc =
            QString::fromUtf8(QJsonDocument(benchAction(1)).toJson(QJsonDocument::Compact));
        q.prepare(QStringLiteral("INSERT INTO t(doc) VALUES (?)"));
        QElapsedTimer timer;
        timer.start();
        for (int i = 0; i < commits; ++i) {
            db.transaction();
            q.addBindValue(doc);
            q.exec();
            db.commit();
        }
        rate = commits / (double(timer.nsecsElapsed()) / 1e9);
        q.finish();
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("bench-raw"));
    return rate;
}

int SubmitBench::run()
{
    QTemporaryDir dir(
        QDir(m_options.dir).absoluteFilePath(QStringLiteral("interlock-bench-XXXXXX")));
    if (!dir.isValid())
        return fail(QStringLiteral("cannot create a folder in %1").arg(m_options.dir));
    std::fprintf(stderr, "measuring the raw SQLite ceiling…\n");
    const double ceiling = rawCommitsPerSecond(dir.filePath(QStringLiteral("raw.db")), 5000);

    // Every agent keeps all its actions pending until the delivery phase.
    Limits limits;
    limits.maxPendingPerSession = m_options.actions;
    ServerThread server(dir.filePath(QStringLiteral("bench.db")), QHostAddress::LocalHost, 0,
                        limits);
    // The built-in rules without their circuit breakers: this bench floods on purpose, and a
    // breaker would rightly freeze every agent (`bench breaker` measures that).
    {
        QFile rules(QStringLiteral(":/risk/rules.json"));
        rules.open(QIODevice::ReadOnly);
        QJsonObject root = QJsonDocument::fromJson(rules.readAll()).object();
        root.remove(QStringLiteral("breakers"));
        server.setRiskRules(QJsonDocument(root).toJson());
    }
    server.start();
    if (!server.waitUntilReady())
        return fail(QStringLiteral("the benchmark server did not start"));
    const QUrl url(QStringLiteral("http://127.0.0.1:%1").arg(server.port()));

    // Sessions are opened through the ordinary client; the load goes through BenchConnection.
    std::vector<std::unique_ptr<BenchConnection>> agents;
    ApiClient enroll(url, server.agentToken());
    for (int i = 0; i < m_options.agents; ++i) {
        const ApiResult r =
            enroll.call("POST", QStringLiteral("/v1/sessions"),
                        QJsonObject{{QStringLiteral("agent"), QStringLiteral("bench-%1").arg(i)}});
        if (r.status != 201)
            return fail(QStringLiteral("cannot open a session: ") + r.describe());
        agents.push_back(std::make_unique<BenchConnection>(
            server.port(), r.body.value(QStringLiteral("token")).toString()));
    }
    BenchConnection reviewer(server.port(), server.reviewerToken());

    std::fprintf(stderr, "submitting %d actions from %d agents…\n", m_options.actions,
                 m_options.agents);
    std::vector<double> submitMs;
    submitMs.reserve(size_t(m_options.actions));
    std::vector<std::vector<QString>> ids(size_t(m_options.agents));
    int started = 0, done = 0, failures = 0;
    QEventLoop loop;
    std::function<void(int)> submitNext = [&](int lane) {
        if (started >= m_options.actions)
            return;
        const QJsonObject body = benchAction(++started);
        auto timer = std::make_shared<QElapsedTimer>();
        timer->start();
        agents[size_t(lane)]->request("POST", QStringLiteral("/v1/actions"), &body,
                                      [&, lane, timer](int status, const QJsonObject &r) {
                                          submitMs.push_back(double(timer->nsecsElapsed()) / 1e6);
                                          if (status == 201)
                                              ids[size_t(lane)].push_back(
                                                  r.value(QStringLiteral("id")).toString());
                                          else
                                              ++failures;
                                          if (++done == m_options.actions)
                                              loop.quit();
                                          submitNext(lane);
                                      });
    };
    QElapsedTimer wall;
    wall.start();
    for (int lane = 0; lane < m_options.agents; ++lane)
        submitNext(lane);
    loop.exec();
    const double submitSeconds = double(wall.nsecsElapsed()) / 1e9;

    // Every agent waits on a long-poll for its next action; one reviewer approves them one at a
    // time, as a person does. Latency: approval sent -> that agent's long-poll answered.
    std::fprintf(stderr, "timing %d decision deliveries…\n", m_options.deliveries);
    std::vector<double> deliveryMs;
    const QJsonObject approve{{QStringLiteral("decision"), QStringLiteral("approve")}};
    size_t rounds = ids.front().size();
    for (const auto &laneIds : ids)
        rounds = std::min(rounds, laneIds.size());
    int deliveryFailures = 0;
    for (size_t round = 0;
         round < rounds && int(deliveryMs.size()) + deliveryFailures < m_options.deliveries;
         ++round) {
        int answered = 0;
        const int lanes = std::min<int>(
            m_options.agents, m_options.deliveries - int(deliveryMs.size()) - deliveryFailures);
        std::vector<QElapsedTimer> sent{size_t(lanes)};
        for (int lane = 0; lane < lanes; ++lane) {
            const QString id = ids[size_t(lane)][round];
            agents[size_t(lane)]->request(
                "GET", QStringLiteral("/v1/actions/%1/decision?wait=30").arg(id), nullptr,
                [&, lane](int status, const QJsonObject &r) {
                    if (status == 200 &&
                        r.value(QStringLiteral("status")).toString() == QLatin1String("approved"))
                        deliveryMs.push_back(double(sent[size_t(lane)].nsecsElapsed()) / 1e6);
                    else
                        ++deliveryFailures;
                    ++answered;
                    loop.quit();
                });
        }
        // Let the long-polls reach the server and park.
        QTimer::singleShot(20, &loop, &QEventLoop::quit);
        loop.exec();
        for (int lane = 0; lane < lanes; ++lane) {
            const int before = answered;
            sent[size_t(lane)].start();
            reviewer.request(
                "POST", QStringLiteral("/v1/actions/%1/decision").arg(ids[size_t(lane)][round]),
                &approve, [](int, const QJsonObject &) {});
            while (answered == before)
                loop.exec();
        }
    }
    failures += deliveryFailures;

    server.quit();
    server.wait();

    const double rate = double(m_options.actions - failures) / submitSeconds;
    const double p99Delivery = percentile(deliveryMs, 0.99);
    printTable(
        QStringLiteral("Interlock bench submit: %1 agents, %2 actions, %3 deliveries, %4 cores, "
                       "database in %5")
            .arg(m_options.agents)
            .arg(m_options.actions)
            .arg(deliveryMs.size())
            .arg(QThread::idealThreadCount())
            .arg(dir.path()),
        {
            {QStringLiteral("ceiling: raw SQLite commits/s (WAL, FULL)"), formatNumber(ceiling)},
            {QStringLiteral("durable submits/s (HTTP, 201 after commit)"), formatNumber(rate)},
            {QStringLiteral("submits/s as share of the ceiling"),
             formatNumber(100 * rate / ceiling, 1) + QLatin1Char('%')},
            {QStringLiteral("submit latency p50 (ms)"), formatNumber(percentile(submitMs, 0.5), 2)},
            {QStringLiteral("submit latency p99 (ms)"),
             formatNumber(percentile(submitMs, 0.99), 2)},
            {QStringLiteral("submit latency max (ms)"), formatNumber(percentile(submitMs, 1.0), 2)},
            {QStringLiteral("decision delivery p50 (ms)"),
             formatNumber(percentile(deliveryMs, 0.5), 2)},
            {QStringLiteral("decision delivery p99 (ms)"), formatNumber(p99Delivery, 2)},
            {QStringLiteral("decision delivery max (ms)"),
             formatNumber(percentile(deliveryMs, 1.0), 2)},
            {QStringLiteral("group commits (one sync each), whole run"),
             formatNumber(double(server.syncs()))},
            {QStringLiteral("failed requests"), QString::number(failures)},
        });
    const bool throughputOk = rate >= 2000 || rate >= ceiling / 2;
    out(QStringLiteral(
            "\ntarget: >= 2,000 submits/s or >= 50% of the ceiling: %1; delivery p99 < 5 ms: %2")
            .arg(throughputOk ? QStringLiteral("met") : QStringLiteral("MISSED"),
                 p99Delivery < 5 ? QStringLiteral("met") : QStringLiteral("MISSED")));
    return failures == 0 ? Ok : Failed;
}

} // namespace interlock::ctl
