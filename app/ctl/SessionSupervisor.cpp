#include "SessionSupervisor.h"

#include "CtlCommon.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QJsonArray>
#include <QSocketNotifier>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <sys/prctl.h>
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

// How long one control poll waits on the server, and how long the supervisor waits for its
// answer: with a dead-man time D, a third of it, so that a healthy server answers well within D.
double controlWaitSeconds(int deadManSeconds)
{
    return deadManSeconds > 0 ? qBound(0.2, deadManSeconds / 3.0, 20.0) : 20.0;
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
    m_deadMan.setSingleShot(true);
    connect(&m_deadMan, &QTimer::timeout, this, [this] {
        killAgent(QStringLiteral("the server's control channel did not answer for %1 s %2")
                      .arg(m_options.deadManSeconds)
                      .arg(QLatin1String(kDeadManFired)),
                  /*serverGone=*/true);
    });
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
    const QString supervisorToken =
        opened.body.value(QStringLiteral("supervisor_token")).toString();
    m_options.enrollmentToken.fill(QLatin1Char('x'));
    m_options.enrollmentToken.clear();
    if (supervisorToken.isEmpty())
        return fail(QStringLiteral("run: the server issued no supervisor credential (too old?); "
                                   "refusing to run the agent without one"));
    m_client = std::make_unique<ApiClient>(m_options.server, supervisorToken);
    // The control channel is opened before the agent runs: the connection that answered is kept
    // alive, and the server evicts connections that never completed a request (an agent's flood)
    // before one that has. A GET is safe to send again: on a loaded machine or behind a proxy
    // whose server just died, the first answer may be slow or missing, and the session was opened.
    const ApiResult first = m_client->callRetrying(
        "GET", QStringLiteral("/v1/sessions/%1/control?wait=0&pings=1").arg(m_sessionId),
        std::nullopt, {}, 10000, 60000);
    if (first.status != 200 ||
        first.body.value(QStringLiteral("state")).toString() != QLatin1String("active")) {
        report(QJsonObject{{QStringLiteral("exit_code"), 127}, {QStringLiteral("reaped"), 0}});
        return fail(QStringLiteral("run: the server's control channel does not answer: ") +
                    first.describe());
    }

    // The agent gets its session and nothing else: never the enrollment token, never the
    // supervisor token.
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
    printState();
    setUpSignals();
    contact(); // the session was just opened
    m_reapTimer.start();
    poll();
    while (!m_done)
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    return m_exitCode;
}

void SessionSupervisor::printState() const
{
    QString cgroup;
    if (!m_tree.inCgroup())
        cgroup = QStringLiteral("not used (no cgroup v2 hierarchy this user may write to); the "
                                "agent's processes are found through /proc and its process group");
    else if (m_tree.agentInCgroup())
        cgroup = m_tree.cgroup() + QStringLiteral(" (the agent is in it; killed with cgroup.kill)");
    else
        cgroup = m_tree.cgroup() + QStringLiteral(" (created, but the agent is not in it; its "
                                                  "processes are found through /proc)");
    std::fprintf(stderr,
                 "interlockctl: supervisor state: subreaper: set; cgroup: %s; dead-man: %s; "
                 "answers the server's session.ping on the control channel\n",
                 qPrintable(cgroup),
                 m_options.deadManSeconds > 0
                     ? qPrintable(QStringLiteral("%1 s").arg(m_options.deadManSeconds))
                     : "off");
}

void SessionSupervisor::contact()
{
    if (m_options.deadManSeconds > 0)
        m_deadMan.start(m_options.deadManSeconds * 1000);
}

void SessionSupervisor::poll()
{
    if (m_done)
        return;
    // The poll has its own deadline: an answer that does not come within the wait and a margin
    // is a miss, and only answers count as contact.
    const double waitS = controlWaitSeconds(m_options.deadManSeconds);
    const int deadlineMs = int(waitS * 1000) + qMax(1000, int(waitS * 500));
    m_client->request(
        "GET",
        QStringLiteral("/v1/sessions/%1/control?wait=%2&pings=1")
            .arg(m_sessionId)
            .arg(waitS, 0, 'f', 3),
        std::nullopt, [this](const ApiResult &r) { onControl(r); }, {}, deadlineMs);
}

void SessionSupervisor::onControl(const ApiResult &r)
{
    if (m_done)
        return;
    if (r.status == 200) {
        contact();
        const QString state = r.body.value(QStringLiteral("state")).toString();
        if (state == QLatin1String("killed"))
            return killAgent(QStringLiteral("the session was killed"));
        if (state != QLatin1String("active"))
            return killAgent(QStringLiteral("the server says the session is %1").arg(state));
        const QString ping =
            r.body.value(QStringLiteral("ping")).toObject().value(QStringLiteral("id")).toString();
        if (!ping.isEmpty())
            return answerPing(ping);
        // Next poll once the reply has let go of its connection, so that the same kept-alive
        // connection carries it (a new one would rank with an agent's flood for eviction).
        return m_retryTimer.start(0);
    }
    if (r.status == 429 || r.status == 0 || r.status >= 500) {
        m_retryTimer.start(r.status == 0 ? 100 : 250); // a miss; the dead-man keeps counting
        return;
    }
    // Refused for good (401, 403, 404…): fail closed.
    killAgent(QStringLiteral("the server refused the supervisor: ") + r.describe());
}

void SessionSupervisor::answerPing(const QString &pingId)
{
    m_client->request(
        "POST", QStringLiteral("/v1/sessions/%1/pong").arg(m_sessionId),
        QJsonObject{{QStringLiteral("ping"), pingId}},
        [this](const ApiResult &r) {
            if (m_done)
                return;
            if (r.status == 200)
                contact();
            else if (r.status != 409) // 409: answered already or no longer pinged
                std::fprintf(stderr, "interlockctl: the answer to the server's ping failed: %s\n",
                             qPrintable(r.describe()));
            m_retryTimer.start(r.status == 0 ? 100 : 0);
        },
        {}, 5000);
}

void SessionSupervisor::killAgent(const QString &why, bool serverGone)
{
    if (m_done)
        return;
    QElapsedTimer latency;
    latency.start();
    m_reapTimer.stop();
    int reaped = m_tree.killAll(m_options.graceMs);
    // Every process of the tree ends as a child of this subreaper: one still alive is one the
    // kill did not find (a root agent that left the cgroup and its process group and hid /proc).
    // A few more rounds; then no report at all rather than a false one: the server raises
    // session.kill_unconfirmed.
    for (int round = 0; round < 5 && ProcessTree::childrenLeft(); ++round)
        reaped += m_tree.killAll(0);
    if (ProcessTree::childrenLeft()) {
        std::fprintf(stderr,
                     "interlockctl: %s; KILL NOT CONFIRMED: a process of the agent is still "
                     "alive and could not be found (%d reaped); not reporting the session "
                     "terminated: the server will raise session.kill_unconfirmed\n",
                     qPrintable(why), reaped);
        finish(1);
        return;
    }
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
    // Before any secret is read: a process that is not dumpable keeps /proc/PID/environ,
    // /proc/PID/mem and ptrace closed to other processes of the same user, the agent included.
    ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    QCommandLineParser parser;
    addConnectionOptions(parser);
    addSessionOptions(parser);
    parser.addOption(
        {QStringLiteral("grace-ms"),
         QStringLiteral(
             "On kill, send SIGTERM first and wait up to N ms before SIGKILL (default 0, at "
             "most 10000)."),
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
    forgetTokenEnvironment();
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
    // The server expects the kill reported within its liveness interval and deadline (15 s by
    // default) and says "kill not confirmed" after that.
    if (o.graceMs > 10000)
        return fail(QStringLiteral("--grace-ms is at most 10000: a kill must be done, and "
                                   "reported, within seconds"),
                    Usage);
    return SessionSupervisor(o).run();
}

} // namespace interlock::ctl
