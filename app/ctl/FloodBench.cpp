#include "FloodBench.h"

#include "BenchConnection.h"
#include "BenchReport.h"
#include "CtlCommon.h"
#include "FairnessBench.h"
#include "RawFlood.h"
#include "SessionSupervisor.h"
#include "server/SqliteStore.h"
#include "server/Tokens.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>
#include <arpa/inet.h>
#include <cerrno>
#include <csignal>
#include <memory>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace interlock::ctl {

namespace {
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

// A line of /proc/PID/status in MB (VmRSS: resident now, VmHWM: the peak so far).
double memoryMb(qint64 pid, const char *field)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith(field))
            return line.mid(int(qstrlen(field)) + 1).trimmed().split(' ').first().toDouble() /
                   1024.0;
    }
    return 0;
}

struct Upload {
    double answeredMs = -1; // when the 413 arrived
    double closedMs = -1;   // when the server closed the connection
    qint64 sentBytes = 0;   // taken by the kernel before the close
    int status = 0;
};

// Sends a POST announcing `bytes` of body and keeps sending until the server closes.
Upload upload(quint16 port, const QByteArray &token, qint64 bytes)
{
    Upload result;
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0)
        return result;
    const QByteArray head = "POST /v1/actions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: "
                            "Bearer " +
                            token + "\r\nContent-Type: application/json\r\nContent-Length: " +
                            QByteArray::number(bytes) + "\r\n\r\n";
    (void)!::send(fd, head.constData(), size_t(head.size()), MSG_NOSIGNAL);
    const QByteArray chunk(1024 * 1024, 'x');
    QElapsedTimer t;
    t.start();
    QByteArray answer;
    while (result.sentBytes < bytes && t.elapsed() < 60000) {
        pollfd p{fd, POLLIN | POLLOUT, 0};
        if (::poll(&p, 1, 5000) <= 0)
            break;
        if (p.revents & POLLIN) {
            char buffer[4096];
            const ssize_t n = ::recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
            if (n <= 0)
                break;
            answer.append(buffer, n);
            if (result.answeredMs < 0 && answer.contains("\r\n")) {
                result.answeredMs = double(t.nsecsElapsed()) / 1e6;
                result.status = answer.mid(9, 3).toInt();
            }
        }
        if (p.revents & (POLLHUP | POLLERR))
            break;
        if (p.revents & POLLOUT) {
            const qint64 left = qMin<qint64>(chunk.size(), bytes - result.sentBytes);
            const ssize_t n =
                ::send(fd, chunk.constData(), size_t(left), MSG_NOSIGNAL | MSG_DONTWAIT);
            if (n < 0 && errno != EAGAIN)
                break;
            result.sentBytes += qMax<ssize_t>(0, n);
        }
    }
    result.closedMs = double(t.nsecsElapsed()) / 1e6;
    ::close(fd);
    return result;
}

QString ms(const std::vector<double> &values, double p)
{
    return formatNumber(percentile(values, p), 2);
}
} // namespace

FloodBench::FloodBench(Options options)
    : m_options(std::move(options))
{}

bool FloodBench::startDaemon(QProcess &daemon, const QString &db, const QStringList &extra)
{
    QString program = m_options.interlockd;
    if (program.isEmpty()) {
        const QDir here(QCoreApplication::applicationDirPath());
        program = QFileInfo::exists(here.filePath(QStringLiteral("interlockd")))
                      ? here.filePath(QStringLiteral("interlockd"))
                      : here.filePath(QStringLiteral("../daemon/interlockd"));
    }
    daemon.start(program, QStringList{QStringLiteral("--db"), db, QStringLiteral("--listen"),
                                      QStringLiteral("127.0.0.1:0")} +
                              extra);
    QByteArray out;
    while (!out.contains('\n') && daemon.waitForReadyRead(20000))
        out += daemon.readAllStandardOutput();
    const auto m = QRegularExpression(QStringLiteral("listening on http://127.0.0.1:(\\d+)"))
                       .match(QString::fromUtf8(out));
    m_port = m.hasMatch() ? quint16(m.captured(1).toUInt()) : 0;
    if (!m_port)
        std::fprintf(stderr, "cannot start %s: %s\n", qPrintable(program),
                     qPrintable(QString::fromUtf8(daemon.readAllStandardError())));
    return m_port != 0;
}

// Runs a supervised agent with the dead-man switch (a self-flooding one with `flood`), kills it
// through the server when killMs is given, then starts it again and stops the server (SIGSTOP):
// returns how long the dead-man took to kill the agent, in ms (-1: it did not).
double FloodBench::deadManFiring(const QString &url, const QString &enrollment, bool flood,
                                 QProcess &daemon, double *killMs)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("INTERLOCK_URL"), url);
    env.insert(QStringLiteral("INTERLOCK_TOKEN"), enrollment);
    const QString self = QCoreApplication::applicationFilePath();
    const QStringList agent = flood
                                  ? QStringList{self,
                                                QStringLiteral("bench"),
                                                QStringLiteral("hold"),
                                                QStringLiteral("--reopen"),
                                                QStringLiteral("--connections"),
                                                QString::number(m_options.agentConnections)}
                                  : QStringList{QStringLiteral("/bin/sh"), QStringLiteral("-c"),
                                                QStringLiteral("echo holding 0; exec sleep 1000")};
    const auto start = [&](QProcess &p, QByteArray &seen) {
        p.setProcessEnvironment(env);
        p.setProcessChannelMode(QProcess::MergedChannels);
        QObject::connect(&p, &QProcess::readyRead, &p, [&p, &seen] { seen += p.readAll(); });
        p.start(self, QStringList{QStringLiteral("run"), QStringLiteral("--agent"),
                                  QStringLiteral("flooder"), QStringLiteral("--dead-man"),
                                  QString::number(m_options.deadManSeconds), QStringLiteral("--")} +
                          agent);
        return waitUntil([&seen] { return seen.contains("holding"); }, 60000);
    };
    if (killMs) {
        QProcess supervisor;
        QByteArray seen;
        if (!start(supervisor, seen))
            return -1;
        const auto m = QRegularExpression(QStringLiteral("in session (ses_\\w+)"))
                           .match(QString::fromUtf8(seen));
        // Let the agent's flood run against the server for a moment first.
        waitUntil([] { return false; }, 1000);
        BenchConnection oncall(m_port, m_oncall);
        int status = 0;
        QElapsedTimer t;
        t.start();
        oncall.request("POST", QStringLiteral("/v1/sessions/%1/kill").arg(m.captured(1)), nullptr,
                       [&status](int s, const QJsonObject &) { status = s; });
        // The supervisor's report and the kill's answer arrive on different connections, in
        // either order: wait for both, timing the agent's death when it is seen.
        double killedAt = -1;
        waitUntil(
            [&] {
                if (killedAt < 0 && seen.contains("killed the agent"))
                    killedAt = double(t.nsecsElapsed()) / 1e6;
                return killedAt >= 0 && status != 0;
            },
            30000);
        if (status != 200 || killedAt < 0)
            std::fprintf(stderr, "bench flood: the kill answered %d; the agent was %s\n", status,
                         killedAt < 0 ? "not killed within 30 s" : "killed");
        *killMs = status == 200 ? killedAt : -1;
        supervisor.waitForFinished(10000);
    }
    QProcess supervisor;
    QByteArray seen;
    if (!start(supervisor, seen))
        return -1;
    waitUntil([] { return false; }, 1000);
    QElapsedTimer t;
    t.start();
    ::kill(pid_t(daemon.processId()), SIGSTOP);
    // The supervisor's start line names its dead-man time too: wait for the firing's own words.
    const qsizetype before = seen.size();
    const bool fired = waitUntil(
        [&seen, before] { return seen.indexOf(SessionSupervisor::kDeadManFired, before) >= 0; },
        30000);
    const double firedMs = double(t.nsecsElapsed()) / 1e6;
    ::kill(pid_t(daemon.processId()), SIGCONT);
    supervisor.waitForFinished(10000);
    return fired ? firedMs : -1;
}

int FloodBench::run()
{
    QTemporaryDir dir(
        QDir(m_options.dir).absoluteFilePath(QStringLiteral("interlock-bench-XXXXXX")));
    if (!dir.isValid())
        return fail(QStringLiteral("cannot write in %1").arg(m_options.dir));
    raiseOwnFileLimit();
    const QString db = dir.filePath(QStringLiteral("flood.db"));
    QString agentToken, oncallToken, reviewerToken;
    {
        SqliteStore store(db);
        QString error;
        if (!store.open(&error))
            return fail(error);
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        agentToken = issueToken(store, Role::Agent, QStringLiteral("flood-agents"), now,
                                QStringLiteral("bench"));
        oncallToken = issueToken(store, Role::Oncall, QStringLiteral("flood-oncall"), now,
                                 QStringLiteral("bench"));
        reviewerToken = issueToken(store, Role::Reviewer, QStringLiteral("flood-reviewer"), now,
                                   QStringLiteral("bench"));
    }
    m_oncall = oncallToken;
    QProcess daemon;
    if (!startDaemon(daemon, db, {}))
        return fail(QStringLiteral("bench flood: interlockd did not start"));
    const qint64 pid = daemon.processId();

    // 1. Memory: idle, then while a client uploads a 1 GiB body.
    std::fprintf(stderr, "uploading %d MiB…\n", m_options.uploadMiB);
    const double idleMb = memoryMb(pid, "VmRSS:");
    const Upload up = upload(m_port, agentToken.toUtf8(), qint64(m_options.uploadMiB) << 20);
    const double peakMb = memoryMb(pid, "VmHWM:");

    // 2. The kill's answer time, idle and then under the flood.
    std::fprintf(stderr, "opening %d sessions…\n", 2 * m_options.samples + 10);
    BenchConnection enroll(m_port, agentToken);
    const auto openSession = [&](QString *token) {
        QString id;
        const QJsonObject body{{QStringLiteral("agent"), QStringLiteral("flood")}};
        enroll.request("POST", QStringLiteral("/v1/sessions"), &body,
                       [&](int, const QJsonObject &r) {
                           id = r.value(QStringLiteral("session"))
                                    .toObject()
                                    .value(QStringLiteral("id"))
                                    .toString();
                           if (token)
                               *token = r.value(QStringLiteral("token")).toString();
                       });
        waitUntil([&id] { return !id.isEmpty(); }, 10000);
        return id;
    };
    QStringList targets;
    for (int i = 0; i < 2 * m_options.samples; ++i)
        targets.append(openSession(nullptr));
    BenchConnection oncall(m_port, oncallToken);
    RawConnections idle, polls;
    // Kills alternate between on-call's open connection (a console) and a new connection each
    // (a command line), so both are measured.
    const auto killSamples = [&](int from, std::vector<double> *out, std::vector<double> *cold,
                                 std::vector<double> *health) {
        for (int i = from; i < from + m_options.samples; ++i) {
            idle.reopenClosed(m_port);
            QElapsedTimer t;
            t.start();
            int status = 0;
            const QString path = QStringLiteral("/v1/sessions/%1/kill").arg(targets.value(i));
            std::unique_ptr<BenchConnection> fresh;
            if (i % 2)
                fresh = std::make_unique<BenchConnection>(m_port, oncallToken);
            (fresh ? *fresh : oncall)
                .request("POST", path, nullptr,
                         [&status](int s, const QJsonObject &) { status = s; });
            if (waitUntil([&status] { return status != 0; }, 10000) && status == 200)
                (fresh ? cold : out)->push_back(double(t.nsecsElapsed()) / 1e6);
            t.restart();
            status = 0;
            oncall.request("GET", QStringLiteral("/v1/health"), nullptr,
                           [&status](int s, const QJsonObject &) { status = s; });
            if (waitUntil([&status] { return status != 0; }, 10000) && status == 200)
                health->push_back(double(t.nsecsElapsed()) / 1e6);
        }
    };
    std::vector<double> killIdle, killLoaded, coldIdle, coldLoaded, healthIdle, healthLoaded;
    std::fprintf(stderr, "killing %d sessions on the idle server…\n", m_options.samples);
    killSamples(0, &killIdle, &coldIdle, &healthIdle);

    std::fprintf(stderr, "opening %d idle connections and %d long-polls…\n", m_options.connections,
                 m_options.polls);
    const int opened = idle.open(m_port, m_options.connections);
    // Long-polls on pending decisions: 30 per session (under the per-caller cap), none of them
    // woken by the kills.
    int parked = 0;
    for (int s = 0; parked < m_options.polls; ++s) {
        QString token;
        openSession(&token);
        BenchConnection agent(m_port, token);
        QString action;
        const QJsonObject body{{QStringLiteral("kind"), QStringLiteral("shell.exec")},
                               {QStringLiteral("title"), QStringLiteral("wait")},
                               {QStringLiteral("payload"), QJsonObject()}};
        agent.request("POST", QStringLiteral("/v1/actions"), &body,
                      [&action](int, const QJsonObject &r) {
                          action = r.value(QStringLiteral("id")).toString();
                      });
        if (!waitUntil([&action] { return !action.isEmpty(); }, 10000))
            break;
        const int before = polls.size();
        polls.open(m_port, qMin(30, m_options.polls - parked),
                   "GET /v1/actions/" + action.toUtf8() +
                       "/decision?wait=60 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
                       token.toUtf8() + "\r\n\r\n");
        if (polls.size() == before)
            break;
        parked += polls.size() - before;
    }
    waitUntil([] { return false; }, 500); // the long-polls reach the server and park
    std::fprintf(stderr, "killing %d sessions under the flood…\n", m_options.samples);
    killSamples(m_options.samples, &killLoaded, &coldLoaded, &healthLoaded);
    idle.closeAll();
    polls.closeAll();

    // 3. A reviewer reading the queue while an agent floods the API thread.
    FairnessFigures fair;
    if (m_options.submitters > 0) {
        std::fprintf(stderr,
                     "a reviewer reading the queue while an agent submits on %d "
                     "connections…\n",
                     m_options.submitters);
        QString floodToken;
        openSession(&floodToken);
        fair = measureFairness(m_port, floodToken, reviewerToken, m_options.submitters,
                               m_options.floodSeconds);
    }
    daemon.terminate();
    daemon.waitForFinished(10000);

    // 4. The dead-man switch, with the connection cap of a default systemd unit (1,024 files).
    std::fprintf(stderr, "dead-man switch: quiet agent, then a self-flooding one…\n");
    QProcess small;
    if (!startDaemon(small, db,
                     {QStringLiteral("--limit"), QStringLiteral("max-connections=1000")}))
        return fail(QStringLiteral("bench flood: interlockd did not start again"));
    const QString url = QStringLiteral("http://127.0.0.1:%1").arg(m_port);
    const double quietMs = deadManFiring(url, agentToken, false, small, nullptr);
    double floodKillMs = -1;
    const double floodMs = deadManFiring(url, agentToken, true, small, &floodKillMs);
    small.terminate();
    small.waitForFinished(10000);

    std::vector<double> allLoaded = killLoaded;
    allLoaded.insert(allLoaded.end(), coldLoaded.begin(), coldLoaded.end());
    const double p99 = percentile(allLoaded, 0.99);
    const double limitMs = (m_options.deadManSeconds + 1) * 1000.0;
    printTable(
        QStringLiteral("Interlock bench flood: %1 idle connections + %2 long-polls, %3 cores")
            .arg(opened)
            .arg(parked)
            .arg(QThread::idealThreadCount()),
        {
            {QStringLiteral("kill answered, idle server p50 / p99 (ms)"),
             ms(killIdle, 0.5) + QStringLiteral(" / ") + ms(killIdle, 0.99)},
            {QStringLiteral("kill answered, flooded p50 / p99 (ms)"),
             ms(killLoaded, 0.5) + QStringLiteral(" / ") + ms(killLoaded, 0.99)},
            {QStringLiteral("kill answered, flooded max (ms)"), ms(killLoaded, 1)},
            {QStringLiteral("kill on a new connection, idle p50 / p99 (ms)"),
             ms(coldIdle, 0.5) + QStringLiteral(" / ") + ms(coldIdle, 0.99)},
            {QStringLiteral("kill on a new connection, flooded p50 / p99 (ms)"),
             ms(coldLoaded, 0.5) + QStringLiteral(" / ") + ms(coldLoaded, 0.99)},
            {QStringLiteral("health, idle / flooded p99 (ms)"),
             ms(healthIdle, 0.99) + QStringLiteral(" / ") + ms(healthLoaded, 0.99)},
            {QStringLiteral("kills answered 200, idle / flooded"),
             QStringLiteral("%1 / %2")
                 .arg(killIdle.size() + coldIdle.size())
                 .arg(killLoaded.size() + coldLoaded.size())},
            {QStringLiteral("reviewer reads the queue, idle p50 / p99 (ms)"),
             ms(fair.idleMs, 0.5) + QStringLiteral(" / ") + ms(fair.idleMs, 0.99)},
            {QStringLiteral("… while an agent submits on %1 conns, p50 / p99 (ms)")
                 .arg(m_options.submitters),
             ms(fair.floodedMs, 0.5) + QStringLiteral(" / ") + ms(fair.floodedMs, 0.99)},
            {QStringLiteral("… reviewer reads answered 503 / agent's answered (503, 429)"),
             QStringLiteral("%1 / %2 (%3)")
                 .arg(fair.reviewerBusy)
                 .arg(fair.agentAnswered)
                 .arg(fair.agentBusy)},
            {QStringLiteral("interlockd idle RSS (MB)"), formatNumber(idleMb, 1)},
            {QStringLiteral("peak RSS during a %1 MiB upload (MB)").arg(m_options.uploadMiB),
             formatNumber(peakMb, 1)},
            {QStringLiteral("upload: answered %1 after (ms)").arg(up.status),
             formatNumber(up.answeredMs, 1)},
            {QStringLiteral("upload: bytes taken before the close (MB)"),
             formatNumber(double(up.sentBytes) / 1048576.0, 1)},
            {QStringLiteral("dead-man %1 s, quiet agent: fired after (ms)")
                 .arg(m_options.deadManSeconds),
             formatNumber(quietMs, 0)},
            {QStringLiteral("dead-man %1 s, agent re-opening %2 conns: fired (ms)")
                 .arg(m_options.deadManSeconds)
                 .arg(m_options.agentConnections),
             formatNumber(floodMs, 0)},
            {QStringLiteral("kill of that flooding agent: agent killed after (ms)"),
             formatNumber(floodKillMs, 1)},
        });
    const bool killMet = p99 < 100 && int(allLoaded.size()) == m_options.samples;
    const bool rssMet = peakMb - idleMb < 64;
    const bool deadManMet = floodMs >= 0 && floodMs <= limitMs && floodKillMs >= 0;
    const bool fairMet =
        m_options.submitters == 0 || (fair.reviewerBusy == 0 && !fair.floodedMs.empty() &&
                                      percentile(fair.floodedMs, 0.99) < 1000);
    out(QStringLiteral("\ntargets: kill p99 < 100 ms under the flood: %1; peak RSS < 64 MB above "
                       "idle: %2; dead-man within %3 s + 1 s while flooded: %4; a reviewer's read "
                       "p99 < 1 s and never 503 while an agent floods: %5")
            .arg(killMet ? QStringLiteral("met") : QStringLiteral("MISSED"),
                 rssMet ? QStringLiteral("met") : QStringLiteral("MISSED"))
            .arg(m_options.deadManSeconds)
            .arg(deadManMet ? QStringLiteral("met") : QStringLiteral("MISSED"),
                 fairMet ? QStringLiteral("met") : QStringLiteral("MISSED")));
    return killMet && rssMet && deadManMet && fairMet ? Ok : Failed;
}

} // namespace interlock::ctl
