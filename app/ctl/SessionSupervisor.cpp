#include "SessionSupervisor.h"

#include "CtlCommon.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QJsonArray>
#include <QSocketNotifier>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <sys/socket.h>
#include <unistd.h>

namespace interlock::ctl {

namespace {
int g_signalPipe[2] = {-1, -1};

void onSignal(int sig)
{
    const char c = char(sig);
    (void)!::write(g_signalPipe[1], &c, 1);
}
} // namespace

SessionSupervisor::SessionSupervisor(Options options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
{
    m_reapTimer.setInterval(20);
    connect(&m_reapTimer, &QTimer::timeout, this, [this] {
        if (!m_done && m_tree.reap())
            agentExited();
    });
    m_retryTimer.setSingleShot(true);
    connect(&m_retryTimer, &QTimer::timeout, this, &SessionSupervisor::poll);
}

SessionSupervisor::~SessionSupervisor() = default;

void SessionSupervisor::setUpSignals()
{
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, g_signalPipe) != 0)
        return;
    m_signals = new QSocketNotifier(g_signalPipe[0], QSocketNotifier::Read, this);
    connect(m_signals, &QSocketNotifier::activated, this, [this] {
        char c = 0;
        (void)!::read(g_signalPipe[0], &c, 1);
        killAgent(QStringLiteral("the supervisor got signal %1").arg(int(c)));
    });
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    std::signal(SIGHUP, onSignal);
}

int SessionSupervisor::run()
{
    if (!ProcessTree::becomeSubreaper())
        return fail(
            QStringLiteral("run: cannot become a child subreaper (Linux 3.4 or later is needed)"));
    ApiClient enroll(m_options.server, m_options.enrollmentToken);
    const ApiResult opened = enroll.call("POST", QStringLiteral("/v1/sessions"), m_options.session);
    if (!opened.ok())
        return fail(QStringLiteral("run: cannot open a session: ") + opened.describe());
    m_sessionId = opened.body.value(QStringLiteral("session"))
                      .toObject()
                      .value(QStringLiteral("id"))
                      .toString();
    const QString sessionToken = opened.body.value(QStringLiteral("token")).toString();
    m_client = std::make_unique<ApiClient>(m_options.server, sessionToken);

    // The agent gets its session and nothing else: never the enrollment token.
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("INTERLOCK_TOKEN"));
    env.insert(QStringLiteral("INTERLOCK_URL"), m_options.server.toString());
    env.insert(QStringLiteral("INTERLOCK_SESSION_ID"), m_sessionId);
    env.insert(QStringLiteral("INTERLOCK_SESSION_TOKEN"), sessionToken);
    QString error;
    if (!m_tree.start(m_options.command, env, &error)) {
        report(QJsonObject{{QStringLiteral("exit_code"), 127}, {QStringLiteral("reaped"), 0}});
        return fail(QStringLiteral("run: ") + error);
    }
    std::fprintf(stderr, "interlockctl: agent %s running as pid %d in session %s%s\n",
                 qPrintable(m_options.session.value(QStringLiteral("agent")).toString()),
                 int(m_tree.pid()), qPrintable(m_sessionId),
                 m_tree.inCgroup() ? " (own cgroup)" : "");
    setUpSignals();
    m_lastContact.start();
    m_reapTimer.start();
    poll();
    while (!m_done)
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    return m_exitCode;
}

void SessionSupervisor::poll()
{
    if (m_done)
        return;
    m_client->request(
        "GET",
        QStringLiteral("/v1/sessions/%1/events?after=%2&wait=20").arg(m_sessionId).arg(m_after),
        std::nullopt, [this](const ApiResult &r) { onEvents(r); }, {}, 30000);
}

void SessionSupervisor::onEvents(const ApiResult &r)
{
    if (m_done)
        return;
    if (r.status == 403 && r.error().code == QLatin1String("session_killed"))
        return killAgent(QStringLiteral("the session was killed"));
    if (r.status == 200) {
        m_lastContact.restart();
        for (const QJsonValue &v : r.body.value(QStringLiteral("events")).toArray()) {
            const QJsonObject e = v.toObject();
            if (e.value(QStringLiteral("type")).toString() == QLatin1String("session.killed"))
                return killAgent(QStringLiteral("the session was killed: ") +
                                 e.value(QStringLiteral("reason")).toString());
        }
        m_after = r.body.value(QStringLiteral("next")).toInteger(m_after);
        return poll();
    }
    if (r.status != 0 && r.status < 500) // refused for good (401, 404…): fail closed
        return killAgent(QStringLiteral("the server refused the session: ") + r.describe());
    if (m_options.deadManSeconds > 0 &&
        m_lastContact.elapsed() >= qint64(m_options.deadManSeconds) * 1000)
        return killAgent(QStringLiteral("the server was unreachable for %1 s (dead-man)")
                             .arg(m_options.deadManSeconds),
                         /*serverGone=*/true);
    m_retryTimer.start(250);
}

void SessionSupervisor::killAgent(const QString &why, bool serverGone)
{
    if (m_done)
        return;
    QElapsedTimer latency;
    latency.start();
    m_reapTimer.stop();
    const int reaped = m_tree.killAll(m_options.graceMs);
    const double ms = double(latency.nsecsElapsed()) / 1e6;
    if (qEnvironmentVariableIsSet("INTERLOCK_BENCH_CLOCK")) {
        // For `bench kill`: when the last process was reaped, on the clock the bench reads too.
        timespec now{};
        clock_gettime(CLOCK_MONOTONIC, &now);
        std::fprintf(stderr, "reaped-at-monotonic-ns=%lld\n",
                     qint64(now.tv_sec) * 1000000000LL + now.tv_nsec);
    }
    std::fprintf(stderr, "interlockctl: %s; killed the agent: %d processes reaped in %.2f ms\n",
                 qPrintable(why), reaped, ms);
    QJsonObject body{{QStringLiteral("reaped"), reaped}, {QStringLiteral("kill_latency_ms"), ms}};
    if (m_tree.exitSignal())
        body.insert(QStringLiteral("signal"), m_tree.exitSignal());
    else
        body.insert(QStringLiteral("exit_code"), m_tree.exitCode());
    // After the dead-man fired the server has not answered for a while: one short try, not the
    // 15 s of retries a report gets when a server behind a load balancer goes away.
    report(body, serverGone ? 0 : 15000);
    finish(128 + SIGKILL);
}

void SessionSupervisor::agentExited()
{
    // The agent ended by itself; anything it left behind goes too, and the session ends.
    m_reapTimer.stop();
    const int leftovers = m_tree.killAll(0);
    QJsonObject body{{QStringLiteral("reaped"), leftovers + 1}};
    if (m_tree.exitSignal())
        body.insert(QStringLiteral("signal"), m_tree.exitSignal());
    else
        body.insert(QStringLiteral("exit_code"), m_tree.exitCode());
    report(body);
    finish(m_tree.exitSignal() ? 128 + m_tree.exitSignal() : m_tree.exitCode());
}

void SessionSupervisor::report(const QJsonObject &body, int retryForMs)
{
    if (!m_client)
        return;
    // Safe to send again: a second report is refused (409) and changes nothing.
    const ApiResult r = m_client->callRetrying(
        "POST", QStringLiteral("/v1/sessions/%1/terminated").arg(m_sessionId), body, {}, 5000,
        retryForMs);
    if (!r.ok())
        std::fprintf(stderr, "interlockctl: could not report the end of the session: %s\n",
                     qPrintable(r.describe()));
}

void SessionSupervisor::finish(int code)
{
    m_done = true;
    m_exitCode = code;
}

int runCommand(const QStringList &args)
{
    QCommandLineParser parser;
    addConnectionOptions(parser);
    addSessionOptions(parser);
    parser.addOption(
        {QStringLiteral("grace-ms"),
         QStringLiteral(
             "On kill, send SIGTERM first and wait up to N ms before SIGKILL (default 0)."),
         QStringLiteral("N"), QStringLiteral("0")});
    parser.addOption(
        {QStringLiteral("dead-man"),
         QStringLiteral(
             "Kill the agent if the server cannot be reached for S seconds (default: off)."),
         QStringLiteral("S"), QStringLiteral("0")});
    parser.addPositionalArgument(QStringLiteral("command"),
                                 QStringLiteral("The agent to run, after --."),
                                 QStringLiteral("-- CMD [ARGS…]"));
    int code = Ok;
    if (!parseArguments(parser, args,
                        QStringLiteral("Runs an agent under a new session (enrollment token) and "
                                       "kills its whole process tree, "
                                       "children that double-fork or call setsid() included, the "
                                       "moment the session is killed. The agent "
                                       "gets INTERLOCK_URL, INTERLOCK_SESSION_ID and "
                                       "INTERLOCK_SESSION_TOKEN, never the enrollment token.\n"
                                       "Exit code: the agent's (128+N if it died of signal N); 137 "
                                       "when it was killed; 1 if it could not "
                                       "be started."),
                        &code))
        return code;
    if (!useConnectionSecurity(parser))
        return Failed;
    SessionSupervisor::Options o;
    o.server = serverUrl(parser);
    o.enrollmentToken = token(parser);
    o.session = sessionBody(parser, true);
    o.command = parser.positionalArguments().mid(1);
    bool ok1 = false, ok2 = false;
    o.graceMs = parser.value(QStringLiteral("grace-ms")).toInt(&ok1);
    o.deadManSeconds = parser.value(QStringLiteral("dead-man")).toInt(&ok2);
    if (!parser.isSet(QStringLiteral("agent")) || o.command.isEmpty())
        return fail(QStringLiteral("usage: interlockctl run --agent NAME [--grace-ms N] "
                                   "[--dead-man S] -- CMD [ARGS…]"),
                    Usage);
    if (!ok1 || !ok2 || o.graceMs < 0 || o.deadManSeconds < 0)
        return fail(QStringLiteral("--grace-ms and --dead-man must be whole numbers, 0 or more"),
                    Usage);
    return SessionSupervisor(o).run();
}

} // namespace interlock::ctl
