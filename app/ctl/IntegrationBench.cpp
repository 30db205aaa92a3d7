// `interlockctl bench hook` and `interlockctl bench gateway`: what the integrations add.
#include "IntegrationBench.h"

#include "BenchReport.h"
#include "CtlCommon.h"
#include "client/ApiClient.h"
#include "server/ApiServer.h"
#include "server/RiskEngine.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSemaphore>
#include <QTemporaryDir>
#include <QThread>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

namespace interlock::ctl {

namespace {
double nowMs()
{
    timespec t{};
    clock_gettime(CLOCK_MONOTONIC, &t);
    return double(t.tv_sec) * 1e3 + double(t.tv_nsec) / 1e6;
}

// A child process with its stdin and stdout on pipes, spoken to line by line, blocking.
class LineProcess
{
public:
    bool start(const QStringList &argv, const QStringList &extraEnv = {})
    {
        int in[2], out[2];
        if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0)
            return false;
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, in[0], 0);
        posix_spawn_file_actions_adddup2(&fa, out[1], 1);
        std::vector<QByteArray> args, env;
        for (const QString &a : argv)
            args.push_back(a.toLocal8Bit());
        for (char **e = environ; *e; ++e)
            env.emplace_back(*e);
        for (const QString &e : extraEnv)
            env.push_back(e.toLocal8Bit());
        std::vector<char *> argp, envp;
        for (QByteArray &a : args)
            argp.push_back(a.data());
        argp.push_back(nullptr);
        for (QByteArray &e : env)
            envp.push_back(e.data());
        envp.push_back(nullptr);
        const int r = posix_spawn(&m_pid, argp[0], &fa, nullptr, argp.data(), envp.data());
        posix_spawn_file_actions_destroy(&fa);
        ::close(in[0]);
        ::close(out[1]);
        m_in = in[1];
        m_out = out[0];
        return r == 0;
    }
    ~LineProcess() { stop(); }
    void stop()
    {
        if (m_in >= 0)
            ::close(m_in);
        m_in = -1;
        if (m_pid > 0) {
            int status = 0;
            for (int i = 0; i < 200 && ::waitpid(m_pid, &status, WNOHANG) == 0; ++i)
                ::usleep(10000);
            if (::waitpid(m_pid, &status, WNOHANG) == 0) {
                ::kill(m_pid, SIGKILL);
                ::waitpid(m_pid, &status, 0);
            }
        }
        m_pid = 0;
        if (m_out >= 0)
            ::close(m_out);
        m_out = -1;
    }
    void closeInput()
    {
        if (m_in >= 0)
            ::close(m_in);
        m_in = -1;
    }
    bool send(const QByteArray &line)
    {
        const QByteArray data = line + '\n';
        return ::write(m_in, data.constData(), size_t(data.size())) == data.size();
    }
    // The next line from the child (empty at its end).
    QByteArray readLine()
    {
        for (;;) {
            const qsizetype nl = m_buffer.indexOf('\n');
            if (nl >= 0) {
                const QByteArray line = m_buffer.left(nl);
                m_buffer.remove(0, nl + 1);
                return line;
            }
            char chunk[65536];
            const ssize_t n = ::read(m_out, chunk, sizeof chunk);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                return {};
            m_buffer.append(chunk, n);
        }
    }
    // Sends a request and reads lines until the answer with this id (other lines are skipped).
    QJsonObject call(int id, const QString &method, const QJsonObject &params)
    {
        const QJsonObject request{{QStringLiteral("jsonrpc"), QStringLiteral("2.0")},
                                  {QStringLiteral("id"), id},
                                  {QStringLiteral("method"), method},
                                  {QStringLiteral("params"), params}};
        if (!send(QJsonDocument(request).toJson(QJsonDocument::Compact)))
            return {};
        for (;;) {
            const QByteArray line = readLine();
            if (line.isEmpty())
                return {};
            const QJsonObject m = QJsonDocument::fromJson(line).object();
            if (m.value(QStringLiteral("id")).toInt(-1) == id &&
                !m.contains(QStringLiteral("method")))
                return m;
        }
    }

private:
    pid_t m_pid = 0;
    int m_in = -1;
    int m_out = -1;
    QByteArray m_buffer;
};

// Runs argv with `input` on stdin; the time from spawn to its first line of output and exit.

double timeHook(const QStringList &argv, const QByteArray &input, QByteArray *answer)
{
    const double start = nowMs();
    LineProcess p;
    if (!p.start(argv))
        return -1;
    p.send(input);
    p.closeInput(); // as Claude Code does: the hook reads its input to the end
    *answer = p.readLine();
    p.stop();
    return nowMs() - start;
}

// An ApiServer in its own thread whose policy approves low-risk actions at once.
class AutoApproveServer : public QThread
{
public:
    explicit AutoApproveServer(QString db)
        : m_db(std::move(db))
    {}
    ~AutoApproveServer() override
    {
        quit();
        wait();
    }
    bool startAndWait()
    {
        start();
        m_ready.acquire();
        return m_port != 0;
    }
    quint16 port() const { return m_port; }
    QString agentToken() const { return m_agent; }
    QString error() const { return m_error; }

protected:
    void run() override
    {
        QFile builtIn(QStringLiteral(":/risk/rules.json"));
        builtIn.open(QIODevice::ReadOnly);
        QJsonObject rules = QJsonDocument::fromJson(builtIn.readAll()).object();
        QJsonObject policy = rules.value(QStringLiteral("policy")).toObject();
        policy.insert(QStringLiteral("auto_approve_low"), true);
        rules.insert(QStringLiteral("policy"), policy);
        ApiServer server(m_db);
        server.setRiskEngine(RiskEngine::fromJson(QJsonDocument(rules).toJson(), &m_error));
        if (m_error.isEmpty() && server.open(&m_error))
            m_port = server.listen(QHostAddress::LocalHost, 0, &m_error);
        if (m_port)
            m_agent = server.createToken(Role::Agent, QStringLiteral("bench-agent"));
        m_ready.release();
        if (m_port)
            exec();
    }

private:
    QString m_db, m_error, m_agent;
    quint16 m_port = 0;
    QSemaphore m_ready;
};

QString frontPath()
{
    return QCoreApplication::applicationDirPath() + QStringLiteral("/interlockctl");
}

std::pair<QString, QString> row(const QString &name, const std::vector<double> &ms)
{
    return {name,
            QStringLiteral("p50 %1 ms · p99 %2 ms · max %3 ms")
                .arg(formatNumber(percentile(ms, 0.5), 2), formatNumber(percentile(ms, 0.99), 2),
                     formatNumber(percentile(ms, 1.0), 2))};
}

std::vector<double> minus(const std::vector<double> &a, const std::vector<double> &b)
{
    std::vector<double> d;
    for (size_t i = 0; i < a.size() && i < b.size(); ++i)
        d.push_back(a[i] - b[i]);
    return d;
}
} // namespace

int runHookBench(int runs)
{
    const QByteArray input =
        R"({"session_id":"bench-0001","transcript_path":"/tmp/x.jsonl","cwd":"/tmp","permission_mode":"default","hook_event_name":"PreToolUse","tool_name":"Read","tool_input":{"file_path":"/etc/hostname"},"tool_use_id":"toolu_bench"})";
    const QString front = frontPath();
    if (!QFileInfo(front).isExecutable())
        return fail(QStringLiteral("bench hook: %1 is missing").arg(front));
    const QStringList hookArgs{QStringLiteral("hook"), QStringLiteral("claude-code")};
    std::vector<double> floor, hook, full;
    QByteArray answer;
    std::fprintf(stderr,
                 "timing %d hook runs against /bin/cat (start, read the input, answer, "
                 "exit)…\n",
                 runs);
    for (int i = 0; i < runs + 5; ++i) { // 5 warm-up rounds, not counted
        QByteArray echoed;
        const double f = timeHook({QStringLiteral("/bin/cat")}, input, &echoed);
        const double h = timeHook(QStringList{front} + hookArgs, input, &answer);
        if (!answer.contains("\"allow\""))
            return fail(QStringLiteral("bench hook: the hook did not allow Read: ") +
                        QString::fromUtf8(answer));
        const double q = timeHook(QStringList{QCoreApplication::applicationFilePath()} + hookArgs,
                                  input, &answer);
        if (i < 5)
            continue;
        floor.push_back(f);
        hook.push_back(h);
        full.push_back(q);
    }
    printTable(
        QStringLiteral("Claude Code hook, read-only tool allowed locally (%1 runs, "
                       "interleaved)")
            .arg(runs),
        {row(QStringLiteral("floor: /bin/cat, start to exit"), floor),
         row(QStringLiteral("interlockctl hook claude-code (no Qt), start to answer"), hook),
         row(QStringLiteral("added over the floor"), minus(hook, floor)),
         row(QStringLiteral("for reference: the same through interlockctl-full (Qt)"), full)});
    return Ok;
}

int runGatewayBench(int calls, const QString &dir)
{
    QTemporaryDir tmp(QDir(dir).absoluteFilePath(QStringLiteral("interlock-bench-XXXXXX")));
    if (!tmp.isValid())
        return fail(QStringLiteral("cannot create a folder in %1").arg(dir));
    AutoApproveServer server(tmp.filePath(QStringLiteral("gateway.db")));
    if (!server.startAndWait())
        return fail(QStringLiteral("the benchmark server did not start: ") + server.error());
    const QString self = QCoreApplication::applicationFilePath();
    const QStringList echo{self, QStringLiteral("bench"), QStringLiteral("mcp-echo")};
    const QStringList env{QStringLiteral("INTERLOCK_URL=http://127.0.0.1:%1").arg(server.port()),
                          QStringLiteral("INTERLOCK_TOKEN=") + server.agentToken()};
    const QStringList gateway{self, QStringLiteral("mcp-gateway"), QStringLiteral("--name"),
                              QStringLiteral("echo")};
    LineProcess direct, gated, readOnly;
    if (!direct.start(echo) ||
        !gated.start(gateway + QStringList{QStringLiteral("--")} + echo, env) ||
        !readOnly.start(
            gateway + QStringList{QStringLiteral("--allow-read-only"), QStringLiteral("--")} + echo,
            env))
        return fail(QStringLiteral("bench gateway: cannot start the MCP servers"));
    const QJsonObject init{{QStringLiteral("protocolVersion"), QStringLiteral("2025-06-18")},
                           {QStringLiteral("capabilities"), QJsonObject()},
                           {QStringLiteral("clientInfo"),
                            QJsonObject{{QStringLiteral("name"), QStringLiteral("bench")},
                                        {QStringLiteral("version"), QStringLiteral("1")}}}};
    for (LineProcess *p : {&direct, &gated, &readOnly}) {
        if (p->call(1, QStringLiteral("initialize"), init).isEmpty() ||
            p->call(2, QStringLiteral("tools/list"), {}).isEmpty())
            return fail(QStringLiteral("bench gateway: an MCP server did not answer"));
    }
    std::fprintf(stderr,
                 "timing %d tools/call round trips each: direct, through the gateway "
                 "(auto-approved by the server), through the gateway with "
                 "--allow-read-only…\n",
                 calls);
    std::vector<double> tDirect, tGated, tReadOnly;
    const QJsonObject params{{QStringLiteral("name"), QStringLiteral("echo")},
                             {QStringLiteral("arguments"),
                              QJsonObject{{QStringLiteral("text"), QStringLiteral("hello")}}}};
    for (int i = 0; i < calls + 10; ++i) {
        const int id = 100 + i;
        double t0 = nowMs();
        const QJsonObject a = direct.call(id, QStringLiteral("tools/call"), params);
        const double d = nowMs() - t0;
        t0 = nowMs();
        const QJsonObject b = gated.call(id, QStringLiteral("tools/call"), params);
        const double g = nowMs() - t0;
        t0 = nowMs();
        const QJsonObject c = readOnly.call(id, QStringLiteral("tools/call"), params);
        const double r = nowMs() - t0;
        for (const QJsonObject &answer : {a, b, c}) {
            if (answer.value(QStringLiteral("result"))
                    .toObject()
                    .value(QStringLiteral("isError"))
                    .toBool() ||
                !answer.contains(QStringLiteral("result")))
                return fail(
                    QStringLiteral("bench gateway: a call failed: ") +
                    QString::fromUtf8(QJsonDocument(answer).toJson(QJsonDocument::Compact)));
        }
        if (i < 10)
            continue;
        tDirect.push_back(d);
        tGated.push_back(g);
        tReadOnly.push_back(r);
    }
    // What the auto-approved path cannot avoid: one durable submit to the same server, measured
    // alone with the same HTTP client the gateway uses.
    ApiClient enroll(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(server.port())),
                     server.agentToken());
    const ApiResult opened =
        enroll.call("POST", QStringLiteral("/v1/sessions"),
                    QJsonObject{{QStringLiteral("agent"), QStringLiteral("bench")}});
    ApiClient session(enroll.baseUrl(), opened.body.value(QStringLiteral("token")).toString());
    const QJsonObject submission{
        {QStringLiteral("kind"), QStringLiteral("mcp.tool_call")},
        {QStringLiteral("title"), QStringLiteral("MCP echo: echo")},
        {QStringLiteral("payload"),
         QJsonObject{{QStringLiteral("server"), QStringLiteral("echo")},
                     {QStringLiteral("tool"), QStringLiteral("echo")},
                     {QStringLiteral("arguments"), params.value(QStringLiteral("arguments"))},
                     {QStringLiteral("annotations"),
                      QJsonObject{{QStringLiteral("readOnlyHint"), true},
                                  {QStringLiteral("openWorldHint"), false}}}}}};
    std::vector<double> tSubmit;
    for (int i = 0; i < calls; ++i) {
        const double t0 = nowMs();
        if (session.call("POST", QStringLiteral("/v1/actions"), submission).status != 201)
            return fail(QStringLiteral("bench gateway: a direct submit failed"));
        tSubmit.push_back(nowMs() - t0);
    }
    const double submitP50 = percentile(tSubmit, 0.5);
    std::vector<double> beyond;
    for (size_t i = 0; i < tGated.size(); ++i)
        beyond.push_back(tGated[i] - tDirect[i] - submitP50);
    printTable(
        QStringLiteral("MCP gateway, tools/call round trip (%1 calls each, interleaved; "
                       "database in %2)")
            .arg(calls)
            .arg(QDir(dir).absolutePath()),
        {row(QStringLiteral("direct to the MCP server"), tDirect),
         row(QStringLiteral("through the gateway, auto-approved (a durable submit)"), tGated),
         row(QStringLiteral("added by the gateway, auto-approved"), minus(tGated, tDirect)),
         row(QStringLiteral("of which one durable submit, measured alone"), tSubmit),
         row(QStringLiteral("added beyond the submit's p50"), beyond),
         row(QStringLiteral("through the gateway, --allow-read-only (no round-trip)"), tReadOnly),
         row(QStringLiteral("added by the gateway, --allow-read-only"),
             minus(tReadOnly, tDirect))});
    return Ok;
}

} // namespace interlock::ctl
