#include "ClusterBench.h"

#include "BenchConnection.h"
#include "BenchReport.h"
#include "ClusterRunner.h"
#include "CtlCommon.h"
#include "KillBench.h"
#include "ProcessTree.h"
#include "server/PgStore.h"
#include "server/Tokens.h"

#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>
#include <QUrlQuery>
#include <QUuid>

namespace interlock::ctl {

namespace {
struct Tokens {
    QString agent, reviewer, oncall;
};

struct Load {
    double perSecond = 0;
    std::vector<double> latencyMs;
    int failures = 0;
    std::vector<QString> sessionTokens;
    std::vector<std::vector<QString>> ids; // per agent, in order
};

// Runs `sql` on the cluster's maintenance database.
bool onCluster(const PgConnectionInfo &info, const QString &sql, QString *error)
{
    PgConnectionInfo admin = info;
    admin.database = QStringLiteral("postgres");
    const QString name = QStringLiteral("bench-admin-") + QUuid::createUuid().toString();
    bool ok = false;
    if (admin.open(name, error)) {
        QSqlQuery q(QSqlDatabase::database(name));
        ok = q.exec(sql);
        if (!ok)
            *error = sql + QStringLiteral(": ") + q.lastError().text();
    }
    QSqlDatabase::removeDatabase(name);
    return ok;
}

QString urlOf(const QString &store, const QString &database)
{
    QUrl url(store);
    url.setPath(QLatin1Char('/') + database);
    QUrlQuery query(url);
    query.removeAllQueryItems(QStringLiteral("dbname"));
    url.setQuery(query);
    return url.toString();
}

Tokens makeTokens(const QString &db, QString *error)
{
    PgStore store(db);
    if (!store.open(error))
        return {};
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    return {issueToken(store, Role::Agent, QStringLiteral("bench-agents"), now,
                       QStringLiteral("bench")),
            issueToken(store, Role::Reviewer, QStringLiteral("bench-reviewer"), now,
                       QStringLiteral("bench")),
            issueToken(store, Role::Oncall, QStringLiteral("bench-oncall"), now,
                       QStringLiteral("bench"))};
}

QString findPgbench()
{
    QString found = QStandardPaths::findExecutable(QStringLiteral("pgbench"));
    if (found.isEmpty()) {
        QStringList dirs;
        for (const QString &v : QDir(QStringLiteral("/usr/lib/postgresql"))
                                    .entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name))
            dirs.prepend(QStringLiteral("/usr/lib/postgresql/%1/bin").arg(v));
        found = QStandardPaths::findExecutable(QStringLiteral("pgbench"), dirs);
    }
    return found;
}

// pgbench committing one row per transaction (the bench action's JSON) from `clients`
// connections: what this disk and this PostgreSQL can commit, without Interlock.
double pgbenchTps(const PgConnectionInfo &info, const QString &dir, int clients, QString *error)
{
    const QString pgbench = findPgbench();
    if (pgbench.isEmpty()) {
        *error = QStringLiteral("pgbench not found (Debian: postgresql-15)");
        return 0;
    }
    QFile script(dir + QStringLiteral("/ceiling.sql"));
    if (!script.open(QIODevice::WriteOnly))
        return 0;
    script.write("INSERT INTO bench_ceiling(doc) VALUES ('" +
                 QJsonDocument(benchAction(1)).toJson(QJsonDocument::Compact) + "');\n");
    script.close();
    QStringList args{QStringLiteral("-n"),
                     QStringLiteral("-f"),
                     script.fileName(),
                     QStringLiteral("-c"),
                     QString::number(clients),
                     QStringLiteral("-j"),
                     QString::number(qMin(clients, QThread::idealThreadCount())),
                     QStringLiteral("-T"),
                     QStringLiteral("5")};
    if (!info.host.isEmpty())
        args << QStringLiteral("-h") << info.host;
    if (info.port > 0)
        args << QStringLiteral("-p") << QString::number(info.port);
    if (!info.user.isEmpty())
        args << QStringLiteral("-U") << info.user;
    args << info.database;
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    if (!info.password.isEmpty())
        env.insert(QStringLiteral("PGPASSWORD"), info.password);
    p.setProcessEnvironment(env);
    p.start(pgbench, args);
    p.waitForFinished(60000);
    const QString out = QString::fromUtf8(p.readAllStandardOutput());
    const auto m = QRegularExpression(QStringLiteral("tps = ([0-9.]+)")).match(out);
    if (!m.hasMatch())
        *error = QStringLiteral("pgbench: ") + QString::fromUtf8(p.readAllStandardError());
    return m.hasMatch() ? m.captured(1).toDouble() : 0;
}

quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

// `actions` submits from `agents` sessions, one request in flight each, through `port`.
Load submitLoad(const QUrl &url, const QString &enrollment, int agents, int actions, QString *error)
{
    Load load;
    std::vector<std::unique_ptr<BenchConnection>> lanes;
    ApiClient enroll(url, enrollment);
    for (int i = 0; i < agents; ++i) {
        const ApiResult r =
            enroll.call("POST", QStringLiteral("/v1/sessions"),
                        QJsonObject{{QStringLiteral("agent"), QStringLiteral("bench-%1").arg(i)}});
        if (r.status != 201) {
            *error = QStringLiteral("cannot open a session: ") + r.describe();
            return load;
        }
        load.sessionTokens.push_back(r.body.value(QStringLiteral("token")).toString());
        lanes.push_back(
            std::make_unique<BenchConnection>(quint16(url.port()), load.sessionTokens.back()));
    }
    load.ids.resize(size_t(agents));
    int started = 0, done = 0;
    QEventLoop loop;
    std::function<void(int)> next = [&](int lane) {
        if (started >= actions)
            return;
        const QJsonObject body = benchAction(++started);
        auto timer = std::make_shared<QElapsedTimer>();
        timer->start();
        lanes[size_t(lane)]->request(
            "POST", QStringLiteral("/v1/actions"), &body,
            [&, lane, timer](int status, const QJsonObject &r) {
                load.latencyMs.push_back(double(timer->nsecsElapsed()) / 1e6);
                if (status == 201)
                    load.ids[size_t(lane)].push_back(r.value(QStringLiteral("id")).toString());
                else
                    ++load.failures;
                if (++done == actions)
                    loop.quit();
                next(lane);
            });
    };
    QElapsedTimer wall;
    wall.start();
    for (int lane = 0; lane < agents; ++lane)
        next(lane);
    loop.exec();
    load.perSecond = double(actions - load.failures) / (double(wall.nsecsElapsed()) / 1e9);
    return load;
}

// Agents long-poll their next pending action on `agentPort`; one reviewer approves them one at
// a time, in turn through each of `reviewerPorts`. Latency: approval sent -> that agent's
// long-poll answered; one series per reviewer port.
std::vector<std::vector<double>> deliveries(const Load &load, quint16 agentPort,
                                            const std::vector<quint16> &reviewerPorts,
                                            const QString &reviewerToken, int count, int *failures)
{
    std::vector<std::unique_ptr<BenchConnection>> agents, reviewers;
    for (const QString &t : load.sessionTokens)
        agents.push_back(std::make_unique<BenchConnection>(agentPort, t));
    for (quint16 port : reviewerPorts)
        reviewers.push_back(std::make_unique<BenchConnection>(port, reviewerToken));
    std::vector<std::vector<double>> out(reviewerPorts.size());
    const QJsonObject approve{{QStringLiteral("decision"), QStringLiteral("approve")}};
    size_t rounds = load.ids.front().size();
    for (const auto &ids : load.ids)
        rounds = std::min(rounds, ids.size());
    QEventLoop loop;
    int measured = 0, turn = 0;
    for (size_t round = 0; round < rounds && measured < count; ++round) {
        const int lanes = std::min<int>(int(agents.size()), count - measured);
        int answered = 0;
        std::vector<QElapsedTimer> sent{size_t(lanes)};
        std::vector<int> via(size_t(lanes), 0);
        for (int lane = 0; lane < lanes; ++lane) {
            agents[size_t(lane)]->request(
                "GET",
                QStringLiteral("/v1/actions/%1/decision?wait=30")
                    .arg(load.ids[size_t(lane)][round]),
                nullptr, [&, lane](int status, const QJsonObject &r) {
                    if (status == 200 &&
                        r.value(QStringLiteral("status")).toString() == QLatin1String("approved"))
                        out[size_t(via[size_t(lane)])].push_back(
                            double(sent[size_t(lane)].nsecsElapsed()) / 1e6);
                    else
                        ++*failures;
                    ++answered;
                    loop.quit();
                });
        }
        // Let the long-polls reach the server and park.
        QTimer::singleShot(20, &loop, &QEventLoop::quit);
        loop.exec();
        for (int lane = 0; lane < lanes; ++lane) {
            const int before = answered;
            via[size_t(lane)] = turn++ % int(reviewers.size());
            sent[size_t(lane)].start();
            reviewers[size_t(via[size_t(lane)])]->request(
                "POST",
                QStringLiteral("/v1/actions/%1/decision").arg(load.ids[size_t(lane)][round]),
                &approve, [](int, const QJsonObject &) {});
            while (answered == before)
                loop.exec();
        }
        measured += lanes;
    }
    return out;
}

QString pair(const std::vector<double> &v)
{
    return formatNumber(percentile(v, 0.5), 2) + QStringLiteral(" / ") +
           formatNumber(percentile(v, 0.99), 2);
}

QString percent(double v)
{
    return v < 0 ? QStringLiteral("n/a") : formatNumber(v) + QLatin1Char('%');
}
} // namespace

int ClusterBench::run()
{
    QString error;
    const auto info = PgConnectionInfo::parse(m_options.store, &error);
    if (!info)
        return fail(error, Usage);
    QTemporaryDir dir(
        QDir(m_options.dir).absoluteFilePath(QStringLiteral("interlock-bench-XXXXXX")));
    if (!dir.isValid())
        return fail(QStringLiteral("cannot create a folder in %1").arg(m_options.dir));
    if (!ProcessTree::becomeSubreaper())
        return fail(QStringLiteral("bench: cannot become a child subreaper"));
    // Its fresh databases need an audit key (PostgreSQL has no default): a throwaway one for
    // this process and the interlockd it starts, unless one is given.
    if (qEnvironmentVariableIsEmpty("INTERLOCK_AUDIT_KEY")) {
        QFile key(dir.filePath(QStringLiteral("audit-key")));
        if (!key.open(QIODevice::WriteOnly) ||
            key.write(QUuid::createUuid().toRfc4122() + QUuid::createUuid().toRfc4122()) != 32)
            return fail(QStringLiteral("bench: cannot write %1").arg(key.fileName()));
        key.close();
        key.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        qputenv("INTERLOCK_AUDIT_KEY", QFile::encodeName(key.fileName()));
    }

    // Fresh databases on the same cluster, dropped at the end.
    const QString suffix = QUuid::createUuid().toString(QUuid::Id128).left(8);
    const QStringList names{QStringLiteral("interlock_bench1_") + suffix,
                            QStringLiteral("interlock_bench2_") + suffix};
    for (const QString &name : names) {
        if (!onCluster(*info, QStringLiteral("CREATE DATABASE %1").arg(name), &error))
            return fail(QStringLiteral("bench: ") + error);
    }
    const auto dropAll = qScopeGuard([&] {
        QString ignored;
        for (const QString &name : names)
            onCluster(*info, QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE)").arg(name),
                      &ignored);
    });
    const QString db1 = urlOf(m_options.store, names[0]), db2 = urlOf(m_options.store, names[1]);
    const Tokens t1 = makeTokens(db1, &error), t2 = makeTokens(db2, &error);
    if (t1.agent.isEmpty() || t2.agent.isEmpty())
        return fail(QStringLiteral("bench: ") + error);

    // The ceiling, in the same run on the same cluster.
    std::fprintf(stderr, "measuring pgbench's single-row commit rate…\n");
    PgConnectionInfo ceilingDb = *info;
    ceilingDb.database = names[0];
    if (!onCluster(ceilingDb, QStringLiteral("SELECT 1"), &error))
        return fail(QStringLiteral("bench: ") + error);
    {
        const QString name = QStringLiteral("bench-ceiling");
        if (!ceilingDb.open(name, &error))
            return fail(error);
        QSqlQuery(QSqlDatabase::database(name))
            .exec(QStringLiteral("CREATE TABLE bench_ceiling (id bigserial PRIMARY KEY, doc text "
                                 "NOT NULL)"));
        QSqlDatabase::removeDatabase(name);
    }
    const double ceiling1 = pgbenchTps(ceilingDb, dir.path(), 1, &error);
    const double ceilingN = pgbenchTps(ceilingDb, dir.path(), m_options.agents, &error);
    if (ceiling1 <= 0 || ceilingN <= 0)
        return fail(QStringLiteral("bench: ") + error);

    // The built-in rules without their circuit breakers, as in `bench submit`: this bench floods
    // on purpose, and a breaker would rightly freeze every agent, whose actions then cannot be
    // approved (the delivery phase waited out every long-poll: it looked like a hang).
    const QString rulesPath = dir.filePath(QStringLiteral("rules.json"));
    {
        QFile builtIn(QStringLiteral(":/risk/rules.json"));
        QFile rules(rulesPath);
        if (!builtIn.open(QIODevice::ReadOnly) || !rules.open(QIODevice::WriteOnly))
            return fail(QStringLiteral("bench: cannot write %1").arg(rulesPath));
        QJsonObject root = QJsonDocument::fromJson(builtIn.readAll()).object();
        root.remove(QStringLiteral("breakers"));
        if (rules.write(QJsonDocument(root).toJson()) < 0 || !rules.flush())
            return fail(QStringLiteral("bench: cannot write %1").arg(rulesPath));
    }
    ClusterRunner::Options o;
    o.daemonArguments = {QStringLiteral("--max-pending"), QString::number(m_options.actions),
                         QStringLiteral("--rules"), rulesPath};
    int failures = 0;

    std::fprintf(stderr, "1 interlockd behind HAProxy: %d actions from %d agents…\n",
                 m_options.actions, m_options.agents);
    Load one;
    double cpuOne = -1;
    {
        o.db = db1;
        o.instances = 1;
        o.port = freePort();
        ClusterRunner cluster(o);
        if (!cluster.start(&error))
            return fail(QStringLiteral("bench: ") + error);
        const MachineCpu cpu;
        one = submitLoad(cluster.url(), t1.agent, m_options.agents, m_options.actions, &error);
        cpuOne = cpu.busyPercent();
    }
    std::fprintf(stderr, "2 interlockd behind HAProxy: %d actions from %d agents…\n",
                 m_options.actions, m_options.agents);
    o.db = db2;
    o.instances = 2;
    o.port = freePort();
    ClusterRunner cluster(o);
    if (!cluster.start(&error))
        return fail(QStringLiteral("bench: ") + error);
    const MachineCpu cpu;
    const Load two =
        submitLoad(cluster.url(), t2.agent, m_options.agents, m_options.actions, &error);
    const double cpuTwo = cpu.busyPercent();
    failures += one.failures + two.failures;
    if (!error.isEmpty())
        return fail(QStringLiteral("bench: ") + error);

    // Agents wait on server 1; the reviewer decides on server 1, then on server 2, in turn.
    std::fprintf(stderr, "timing %d decision deliveries, same and across servers…\n",
                 m_options.deliveries);
    const quint16 port1 = cluster.instances()[0].port, port2 = cluster.instances()[1].port;
    const auto delivered =
        deliveries(two, port1, {port1, port2}, t2.reviewer, m_options.deliveries, &failures);

    std::fprintf(stderr, "timing kills of %d supervised agents, same and across servers…\n",
                 m_options.sessions);
    std::vector<KillBench::Measured> kills;
    if (!KillBench::measure(dir.path(), m_options.sessions, m_options.procs,
                            cluster.instances()[0].url, t2.agent,
                            {{port1, t2.oncall}, {port2, t2.oncall}}, &kills, &error))
        return fail(QStringLiteral("bench: ") + error);
    for (const KillBench::Measured &k : kills)
        failures += k.failures + k.acceptedAfterKill + k.survivors;
    cluster.stop();

    const double ratio = two.perSecond / one.perSecond;
    const double crossP99 = percentile(delivered[1], 0.99);
    printTable(
        QStringLiteral("Interlock bench submit --store: PostgreSQL %1, %2 agents, %3 actions per "
                       "run, %4 cores")
            .arg(info->host.isEmpty() ? QStringLiteral("(default host)") : info->host)
            .arg(m_options.agents)
            .arg(m_options.actions)
            .arg(QThread::idealThreadCount()),
        {
            {QStringLiteral("ceiling: pgbench single-row commits/s, 1 client"),
             formatNumber(ceiling1)},
            {QStringLiteral("ceiling: pgbench single-row commits/s, %1 clients")
                 .arg(m_options.agents),
             formatNumber(ceilingN)},
            {QStringLiteral("durable submits/s, 1 interlockd behind HAProxy"),
             formatNumber(one.perSecond)},
            {QStringLiteral("durable submits/s, 2 interlockd behind HAProxy"),
             formatNumber(two.perSecond)},
            {QStringLiteral("2 instances vs 1"), formatNumber(ratio, 2) + QLatin1Char('x')},
            {QStringLiteral("ceiling: machine CPU busy while submitting, 1 / 2 instances"),
             percent(cpuOne) + QStringLiteral(" / ") + percent(cpuTwo)},
            {QStringLiteral("2 instances as share of pgbench (%1 clients)").arg(m_options.agents),
             formatNumber(100 * two.perSecond / ceilingN, 1) + QLatin1Char('%')},
            {QStringLiteral("submit latency p50 / p99 (ms), 1 instance"), pair(one.latencyMs)},
            {QStringLiteral("submit latency p50 / p99 (ms), 2 instances"), pair(two.latencyMs)},
            {QStringLiteral("decision delivery p50 / p99 (ms), same server"), pair(delivered[0])},
            {QStringLiteral("decision delivery p50 / p99 (ms), across servers"),
             pair(delivered[1])},
            {QStringLiteral("kill -> reaped p50 / p99 (ms), same server"), pair(kills[0].killMs)},
            {QStringLiteral("kill -> reaped p50 / p99 (ms), across servers"),
             pair(kills[1].killMs)},
            {QStringLiteral("failed requests, accepted after kill, survivors"),
             QString::number(failures)},
        });
    out(QStringLiteral("\ntarget: 2 instances >= 1.5x one instance: %1; cross-server delivery "
                       "p99 < 10 ms: %2")
            .arg(ratio >= 1.5 ? QStringLiteral("met") : QStringLiteral("MISSED"),
                 crossP99 < 10 ? QStringLiteral("met") : QStringLiteral("MISSED")));
    // Every part runs on this machine: when two servers use nearly all of it, the ratio says
    // more about the machine than about the servers.
    if (ratio < 1.5 && cpuTwo >= 85)
        out(QStringLiteral("the machine's CPUs were %1 busy with 2 instances (PostgreSQL, "
                           "HAProxy, the servers and this bench's agents share them): on this "
                           "machine a second server has little CPU left to add")
                .arg(percent(cpuTwo)));
    return failures == 0 ? Ok : Failed;
}

} // namespace interlock::ctl
