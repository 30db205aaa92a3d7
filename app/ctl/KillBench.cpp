#include "KillBench.h"

#include "BenchConnection.h"
#include "BenchReport.h"
#include "CtlCommon.h"
#include "ProcessTree.h"
#include "server/ServerThread.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTimer>
#include <csignal>
#include <ctime>
#include <memory>
#include <sys/wait.h>

namespace interlock::ctl {

namespace {
// bash plus procs-1 sleeping children; writes "<session id> <token>" to $1 when all are running.
QString writeTreeScript(const QString &dir, int procs)
{
    const QString path = dir + QStringLiteral("/tree.sh");
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return {};
    f.write(QStringLiteral("#!/bin/bash\nfor i in $(seq 2 %1); do sleep 1000 & done\n"
                           "echo \"$INTERLOCK_SESSION_ID $INTERLOCK_SESSION_TOKEN\" > \"$1.tmp\" "
                           "&& mv \"$1.tmp\" \"$1\"\nwait\n")
                .arg(procs)
                .toUtf8());
    f.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    return path;
}

// Runs the event loop until `done` holds or timeoutMs passes.
bool waitUntil(const std::function<bool()> &done, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (!done()) {
        if (t.elapsed() > timeoutMs)
            return false;
        QEventLoop loop;
        QTimer::singleShot(1, &loop, &QEventLoop::quit);
        loop.exec();
    }
    return true;
}

qint64 monotonicNs()
{
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    return qint64(now.tv_sec) * 1000000000LL + now.tv_nsec;
}

int processesOfSession(const QString &sessionId)
{
    int n = 0;
    const QByteArray needle = "INTERLOCK_SESSION_ID=" + sessionId.toUtf8();
    for (const QString &entry :
         QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        QFile environ(QStringLiteral("/proc/%1/environ").arg(entry));
        if (entry.front().isDigit() && environ.open(QIODevice::ReadOnly) &&
            environ.readAll().split('\0').contains(needle))
            ++n;
    }
    return n;
}
} // namespace

bool KillBench::measure(const QString &folder, int sessions, int procs, const QUrl &supervisorUrl,
                        const QString &enrollment, const std::vector<Killer> &killers,
                        std::vector<Measured> *perKiller, QString *error)
{
    const QDir dir(folder);
    const QString script = writeTreeScript(folder, procs);
    if (script.isEmpty()) {
        *error = QStringLiteral("cannot write in %1").arg(folder);
        return false;
    }
    perKiller->assign(killers.size(), Measured{});
    std::fprintf(stderr, "starting %d supervised agents of %d processes each…\n", sessions, procs);
    std::vector<std::unique_ptr<QProcess>> supervisors;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("INTERLOCK_URL"), supervisorUrl.toString());
    env.insert(QStringLiteral("INTERLOCK_TOKEN"), enrollment);
    env.insert(QStringLiteral("INTERLOCK_BENCH_CLOCK"), QStringLiteral("1"));
    for (int i = 0; i < sessions; ++i) {
        auto p = std::make_unique<QProcess>();
        p->setProcessEnvironment(env);
        p->setProcessChannelMode(QProcess::SeparateChannels);
        p->start(QCoreApplication::applicationFilePath(),
                 {QStringLiteral("run"), QStringLiteral("--agent"),
                  QStringLiteral("bench-%1").arg(i), QStringLiteral("--"), script,
                  dir.filePath(QStringLiteral("agent-%1").arg(i))});
        supervisors.push_back(std::move(p));
    }
    const auto allReady = [&] {
        for (int i = 0; i < sessions; ++i)
            if (!QFile::exists(dir.filePath(QStringLiteral("agent-%1").arg(i))))
                return false;
        return true;
    };
    if (!waitUntil(allReady, 120000)) {
        *error = QStringLiteral("the supervised agents did not all start");
        return false;
    }

    std::fprintf(stderr, "killing them one by one…\n");
    std::vector<std::unique_ptr<BenchConnection>> oncalls;
    for (const Killer &k : killers)
        oncalls.push_back(std::make_unique<BenchConnection>(k.port, k.oncallToken));
    const quint16 supervisorPort = quint16(supervisorUrl.port());
    for (int i = 0; i < sessions; ++i) {
        Measured &m = (*perKiller)[size_t(i) % killers.size()];
        BenchConnection &oncall = *oncalls[size_t(i) % killers.size()];
        QFile ready(dir.filePath(QStringLiteral("agent-%1").arg(i)));
        ready.open(QIODevice::ReadOnly);
        const QList<QByteArray> idAndToken = ready.readAll().trimmed().split(' ');
        const QString sessionId = QString::fromUtf8(idAndToken.value(0));
        BenchConnection agent(supervisorPort, QString::fromUtf8(idAndToken.value(1)));
        QProcess &supervisor = *supervisors[size_t(i)];

        const qint64 sentNs = monotonicNs();
        int killStatus = 0;
        oncall.request("POST", QStringLiteral("/v1/sessions/%1/kill").arg(sessionId), nullptr,
                       [&](int status, const QJsonObject &) { killStatus = status; });
        waitUntil([&] { return killStatus != 0; }, 10000);
        // The kill has returned: the session's token must not get anything through any more.
        int answered = 0;
        const QJsonObject action{{QStringLiteral("kind"), QStringLiteral("email.delete")},
                                 {QStringLiteral("title"), QStringLiteral("one more")},
                                 {QStringLiteral("payload"), QJsonObject()}};
        std::function<void()> probe = [&] {
            agent.request("POST", QStringLiteral("/v1/actions"), &action,
                          [&](int status, const QJsonObject &) {
                              m.acceptedAfterKill += status == 201;
                              if (++answered < 5)
                                  probe();
                          });
        };
        probe();
        if (!waitUntil([&] { return supervisor.state() == QProcess::NotRunning; }, 20000) ||
            killStatus != 200) {
            ++m.failures;
            continue;
        }
        const auto match = QRegularExpression(QStringLiteral("reaped-at-monotonic-ns=(\\d+)"))
                               .match(QString::fromUtf8(supervisor.readAllStandardError()));
        if (!match.hasMatch()) {
            ++m.failures;
            continue;
        }
        m.killMs.push_back(double(match.captured(1).toLongLong() - sentNs) / 1e6);
        waitUntil([&] { return answered == 5; }, 10000);
        m.survivors += processesOfSession(sessionId);
        int got = 0;
        double reported = 0;
        oncall.request("GET", QStringLiteral("/v1/sessions/") + sessionId, nullptr,
                       [&](int, const QJsonObject &body) {
                           reported = body.value(QStringLiteral("session"))
                                          .toObject()
                                          .value(QStringLiteral("kill_latency_ms"))
                                          .toDouble();
                           got = 1;
                       });
        waitUntil([&] { return got == 1; }, 10000);
        m.supervisorMs.push_back(reported);
    }
    return true;
}

int KillBench::run()
{
    QTemporaryDir dir(
        QDir(m_options.dir).absoluteFilePath(QStringLiteral("interlock-bench-XXXXXX")));
    const QString script = dir.isValid() ? writeTreeScript(dir.path(), m_options.procs) : QString();
    if (script.isEmpty())
        return fail(QStringLiteral("cannot write in %1").arg(m_options.dir));
    if (!ProcessTree::becomeSubreaper())
        return fail(QStringLiteral("bench kill: cannot become a child subreaper"));

    // The floor: the same tree, killed through its process group and reaped, without Interlock.
    std::fprintf(stderr, "measuring the floor (direct kill of %d trees)…\n", m_options.sessions);
    std::vector<double> floorMs;
    for (int i = 0; i < m_options.sessions; ++i) {
        const QString ready = dir.filePath(QStringLiteral("floor-%1").arg(i));
        ProcessTree tree;
        QString error;
        if (!tree.start({script, ready}, QProcessEnvironment::systemEnvironment(), &error))
            return fail(error);
        if (!waitUntil([&] { return QFile::exists(ready); }, 20000))
            return fail(QStringLiteral("the floor tree did not start"));
        QElapsedTimer t;
        t.start();
        ::kill(-tree.pid(), SIGKILL);
        while (::waitpid(-1, nullptr, 0) > 0) {
        }
        floorMs.push_back(double(t.nsecsElapsed()) / 1e6);
    }

    Limits limits;
    limits.maxPendingPerSession = 1000;
    ServerThread server(dir.filePath(QStringLiteral("bench.db")), QHostAddress::LocalHost, 0,
                        limits);
    server.start();
    if (!server.waitUntilReady())
        return fail(QStringLiteral("the benchmark server did not start"));
    std::vector<Measured> measured;
    QString error;
    if (!measure(dir.path(), m_options.sessions, m_options.procs,
                 QUrl(QStringLiteral("http://127.0.0.1:%1").arg(server.port())),
                 server.agentToken(), {{server.port(), server.oncallToken()}}, &measured, &error))
        return fail(error);
    const Measured &m = measured.front();
    const std::vector<double> &killMs = m.killMs;
    const std::vector<double> &supervisorMs = m.supervisorMs;
    const int acceptedAfterKill = m.acceptedAfterKill, survivors = m.survivors,
              failures = m.failures;
    server.quit();
    server.wait();

    const double floorP50 = percentile(floorMs, 0.5), floorP99 = percentile(floorMs, 0.99);
    const double p50 = percentile(killMs, 0.5), p99 = percentile(killMs, 0.99);
    printTable(
        QStringLiteral("Interlock bench kill: %1 supervised agents x %2 processes, %3 cores")
            .arg(m_options.sessions)
            .arg(m_options.procs)
            .arg(QThread::idealThreadCount()),
        {
            {QStringLiteral("kill sent -> every process reaped p50 (ms)"), formatNumber(p50, 2)},
            {QStringLiteral("kill sent -> every process reaped p99 (ms)"), formatNumber(p99, 2)},
            {QStringLiteral("kill sent -> every process reaped max (ms)"),
             formatNumber(percentile(killMs, 1), 2)},
            {QStringLiteral("supervisor: event -> every process reaped p50 (ms)"),
             formatNumber(percentile(supervisorMs, 0.5), 2)},
            {QStringLiteral("supervisor: event -> every process reaped p99 (ms)"),
             formatNumber(percentile(supervisorMs, 0.99), 2)},
            {QStringLiteral("floor: direct kill(-pgid) + reap p50 (ms)"),
             formatNumber(floorP50, 2)},
            {QStringLiteral("floor: direct kill(-pgid) + reap p99 (ms)"),
             formatNumber(floorP99, 2)},
            {QStringLiteral("ratio to the floor, p50 / p99"), formatNumber(p50 / floorP50, 1) +
                                                                  QStringLiteral(" / ") +
                                                                  formatNumber(p99 / floorP99, 1)},
            {QStringLiteral("requests accepted with a killed token"),
             QString::number(acceptedAfterKill)},
            {QStringLiteral("processes of killed sessions still alive"),
             QString::number(survivors)},
            {QStringLiteral("kills that failed"), QString::number(failures)},
        });
    out(QStringLiteral("\ntarget: p99 < 50 ms: %1; zero requests accepted after the kill: %2")
            .arg(p99 < 50 ? QStringLiteral("met") : QStringLiteral("MISSED"),
                 acceptedAfterKill == 0 ? QStringLiteral("met") : QStringLiteral("MISSED")));
    return failures == 0 && acceptedAfterKill == 0 && survivors == 0 ? Ok : Failed;
}

} // namespace interlock::ctl
