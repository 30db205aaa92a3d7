// `interlockctl mcp-gateway`: a real gateway process between this test (the MCP client) and
// `interlockctl bench mcp-echo` (the MCP server, which logs every line it receives), with
// decisions made through a real server on loopback.
#include "support/TestServer.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <functional>
#include <limits>

using namespace interlock;
using namespace interlock::test;

namespace {
QByteArray line(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QJsonObject request(const QJsonValue &id, const QString &method, const QJsonObject &params = {})
{
    return {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}};
}

QJsonObject toolCall(const QJsonValue &id, const QString &tool, const QJsonObject &arguments,
                     const QJsonValue &progressToken = QJsonValue::Undefined)
{
    QJsonObject params{{"name", tool}, {"arguments", arguments}};
    if (!progressToken.isUndefined())
        params.insert("_meta", QJsonObject{{"progressToken", progressToken}});
    return request(id, "tools/call", params);
}

bool alive(qint64 pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return false;
    const QByteArray text = stat.readAll();
    return text.mid(text.lastIndexOf(')') + 2, 1) != "Z";
}

// The gateway as an MCP client sees it.
class Gateway
{
public:
    Gateway(const QUrl &url, const QString &enrollment, const QString &serverLog,
            const QStringList &options = {}, const QStringList &serverOptions = {})
    {
        QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
        e.remove("INTERLOCK_SESSION_TOKEN");
        e.insert("INTERLOCK_URL", url.toString());
        e.insert("INTERLOCK_TOKEN", enrollment);
        m_process.setProcessEnvironment(e);
        m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        QObject::connect(&m_process, &QProcess::readyReadStandardOutput, [this] {
            m_buffer += m_process.readAllStandardOutput();
            qsizetype nl;
            while ((nl = m_buffer.indexOf('\n')) >= 0) {
                m_lines.append(m_buffer.left(nl));
                m_buffer.remove(0, nl + 1);
            }
        });
        m_process.start(
            QStringLiteral(INTERLOCKCTL_PATH),
            QStringList{"mcp-gateway", "--name", "echo"} + options +
                QStringList{"--", INTERLOCKCTL_PATH, "bench", "mcp-echo", "--log", serverLog} +
                serverOptions);
        m_process.waitForStarted();
    }
    ~Gateway()
    {
        m_process.closeWriteChannel();
        if (!m_process.waitForFinished(5000))
            m_process.kill();
        m_process.waitForFinished();
    }
    void send(const QJsonObject &o) { sendRaw(line(o) + '\n'); }
    void sendRaw(const QByteArray &bytes) { m_process.write(bytes); }
    QProcess &process() { return m_process; }

    // The first line received (from now on or earlier, not yet taken) that matches.
    QJsonObject take(const std::function<bool(const QJsonObject &)> &match, int timeoutMs = 15000)
    {
        QJsonObject found;
        bool taken = false;
        // QTRY evaluates its condition once more after it held: taking must happen once.
        const auto look = [&] {
            if (taken)
                return true;
            for (qsizetype i = 0; i < m_lines.size(); ++i) {
                const QJsonObject o = QJsonDocument::fromJson(m_lines[i]).object();
                if (match(o)) {
                    found = o;
                    m_raw = m_lines.takeAt(i);
                    taken = true;
                    return true;
                }
            }
            return false;
        };
        [&] { QTRY_VERIFY_WITH_TIMEOUT(look(), timeoutMs); }();
        return found;
    }
    QJsonObject answerTo(const QJsonValue &id, int timeoutMs = 15000)
    {
        return take(
            [id](const QJsonObject &o) { return o.value("id") == id && !o.contains("method"); },
            timeoutMs);
    }
    QByteArray lastRaw() const { return m_raw; }
    int count(const std::function<bool(const QJsonObject &)> &match) const
    {
        int n = 0;
        for (const QByteArray &l : m_lines)
            n += match(QJsonDocument::fromJson(l).object());
        return n;
    }

private:
    QProcess m_process;
    QByteArray m_buffer;
    QList<QByteArray> m_lines;
    QByteArray m_raw;
};

QStringList serverLines(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(f.readAll()).split('\n', Qt::SkipEmptyParts);
}

// Whether the server received `message` (the same JSON, written again by the gateway).
bool serverGot(const QString &log, const QByteArray &message)
{
    const QJsonDocument expected = QJsonDocument::fromJson(message);
    for (const QString &l : serverLines(log)) {
        if (QJsonDocument::fromJson(l.toUtf8()) == expected)
            return true;
    }
    return false;
}
} // namespace

class TestMcpGateway : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    int m_logs = 0;

    QString newLog() { return m_dir.filePath(QString("server-%1.log").arg(++m_logs)); }

    static QJsonObject pending(TestServer &s, int expected = 1)
    {
        QJsonArray list;
        const auto look = [&] {
            list = s.call(s.token(Role::Reviewer), "GET", "/v1/actions?status=pending")
                       .body.value("actions")
                       .toArray();
            return list.size();
        };
        [&] { QTRY_COMPARE_WITH_TIMEOUT(look(), expected, 15000); }();
        return list.isEmpty() ? QJsonObject() : list.first().toObject();
    }

    static void decide(TestServer &s, const QJsonObject &action, const QJsonObject &decision)
    {
        const ApiResult r =
            s.call(s.token(Role::Reviewer), "POST",
                   "/v1/actions/" + action.value("id").toString() + "/decision", decision);
        QVERIFY2(r.ok(), qPrintable(r.describe()));
    }

    static void initialize(Gateway &g)
    {
        g.send(request(1, "initialize",
                       {{"protocolVersion", "2025-06-18"},
                        {"capabilities", QJsonObject()},
                        {"clientInfo", QJsonObject{{"name", "test"}, {"version", "1"}}}}));
        QVERIFY(g.answerTo(1).contains("result"));
        g.send(request(2, "tools/list"));
        QCOMPARE(g.answerTo(2).value("result").toObject().value("tools").toArray().size(), 3);
    }

private Q_SLOTS:
    void everythingElsePassesUnchanged()
    {
        TestServer s;
        const QString log = newLog();
        Gateway g(s.url(), s.token(Role::Agent), log);
        // No initialize first: nothing depends on it.
        const QByteArray odd =
            R"({"jsonrpc":"2.0","id":"x-1","method":"vendor/unknown","params":{"b":[1,2],"a":"é"}})";
        g.sendRaw(odd + "\n");
        QCOMPARE(g.answerTo("x-1").value("error").toObject().value("code").toInt(), -32601);
        QTRY_VERIFY(serverGot(log, odd)); // the same message (written again: see below)
        // A server-to-client request and the client's reply pass both ways.
        g.send(request("ask", "test/ask-client"));
        const QJsonObject asked =
            g.take([](const QJsonObject &o) { return o.value("method") == "roots/list"; });
        QCOMPARE(asked.value("id").toString(), QStringLiteral("echo-server-1"));
        const QByteArray reply = R"({"jsonrpc":"2.0","id":"echo-server-1","result":{"roots":[]}})";
        g.sendRaw(reply + "\n");
        QTRY_VERIFY(serverGot(log, reply));
        const QByteArray note = R"({"jsonrpc":"2.0","method":"notifications/initialized"})";
        g.sendRaw(note + "\n");
        QTRY_VERIFY(serverGot(log, note));
        QCOMPARE(s.call(s.token(Role::Reviewer), "GET", "/v1/actions?status=all")
                     .body.value("actions")
                     .toArray()
                     .size(),
                 0);
    }

    void approveForwardsTheCallUnchanged()
    {
        TestServer s;
        const QString log = newLog();
        Gateway g(s.url(), s.token(Role::Agent), log);
        initialize(g);
        const QByteArray call =
            R"({"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"write_note","arguments":{"path":"/srv/a","text":"hi"}}})";
        g.sendRaw(call + "\n");
        const QJsonObject action = pending(s);
        QCOMPARE(action.value("kind").toString(), QStringLiteral("mcp.tool_call"));
        const QJsonObject payload = action.value("payload").toObject();
        QCOMPARE(payload.value("server").toString(), QStringLiteral("echo"));
        QCOMPARE(payload.value("tool").toString(), QStringLiteral("write_note"));
        QCOMPARE(payload.value("arguments").toObject().value("text").toString(),
                 QStringLiteral("hi"));
        // The server's annotations, as it claimed them, and a score from them.
        QCOMPARE(payload.value("annotations").toObject(), (QJsonObject{{"readOnlyHint", false},
                                                                       {"destructiveHint", true},
                                                                       {"openWorldHint", false}}));
        QVERIFY(action.value("summary").toString().contains("claims by the server"));
        QVERIFY(!serverGot(log, call)); // held
        decide(s, action, {{"decision", "approve"}});
        const QJsonObject answer = g.answerTo(7);
        QVERIFY(answer.value("result")
                    .toObject()
                    .value("content")
                    .toArray()
                    .first()
                    .toObject()
                    .value("text")
                    .toString()
                    .contains("\"text\":\"hi\""));
        QVERIFY(serverGot(log, call));
        // The server's answer becomes the receipt.
        QTRY_COMPARE(
            s.call(s.token(Role::Reviewer), "GET", "/v1/actions/" + action.value("id").toString())
                .body.value("execution")
                .toObject()
                .value("outcome")
                .toString(),
            QStringLiteral("succeeded"));
    }

    void rejectAnswersIsErrorAndNeverForwards()
    {
        TestServer s;
        const QString log = newLog();
        Gateway g(s.url(), s.token(Role::Agent), log);
        initialize(g);
        g.send(toolCall("r1", "write_note", {{"path", "/etc/passwd"}, {"text", "x"}}));
        decide(s, pending(s), {{"decision", "reject"}, {"comment", "not the passwd file"}});
        const QJsonObject result = g.answerTo("r1").value("result").toObject();
        QCOMPARE(result.value("isError").toBool(), true);
        QCOMPARE(result.value("content").toArray().first().toObject().value("text").toString(),
                 QStringLiteral("Rejected by reviewer: not the passwd file"));
        QVERIFY(!serverLines(log).join('\n').contains("passwd"));
    }

    void editIsCheckedAgainstTheSchema()
    {
        TestServer s;
        const QString log = newLog();
        Gateway g(s.url(), s.token(Role::Agent), log);
        initialize(g);
        g.send(toolCall(11, "write_note", {{"path", "/srv/a"}, {"text", "agent's"}}));
        QJsonObject action = pending(s);
        QJsonObject edited = action.value("payload").toObject();
        edited.insert("arguments", QJsonObject{{"path", "/srv/a"}, {"text", "reviewer's"}});
        decide(s, action, {{"decision", "edit"}, {"payload", edited}});
        QVERIFY(g.answerTo(11)
                    .value("result")
                    .toObject()
                    .value("content")
                    .toArray()
                    .first()
                    .toObject()
                    .value("text")
                    .toString()
                    .contains("reviewer's"));
        QTRY_VERIFY(serverLines(log).join('\n').contains("reviewer's"));
        QVERIFY(!serverLines(log).join('\n').contains("agent's"));

        // An edit the tool would not accept (a field its schema forbids) never reaches it.
        g.send(toolCall(12, "write_note", {{"path", "/srv/b"}, {"text", "t"}}));
        action = pending(s);
        edited = action.value("payload").toObject();
        edited.insert("arguments",
                      QJsonObject{{"path", "/srv/b"}, {"text", "t"}, {"mode", "0777"}});
        decide(s, action, {{"decision", "edit"}, {"payload", edited}});
        const QJsonObject result = g.answerTo(12).value("result").toObject();
        QCOMPARE(result.value("isError").toBool(), true);
        QVERIFY(
            result.value("content").toArray().first().toObject().value("text").toString().contains(
                "'mode' is not allowed"));
        QVERIFY(!serverLines(log).join('\n').contains("/srv/b"));
    }

    void cancelledCallsWithdrawAndNeverReachTheServer()
    {
        TestServer s;
        const QString log = newLog();
        Gateway g(s.url(), s.token(Role::Agent), log);
        initialize(g);
        g.send(toolCall(21, "write_note", {{"path", "/srv/cancel"}, {"text", "t"}}));
        const QJsonObject action = pending(s);
        g.send({{"jsonrpc", "2.0"},
                {"method", "notifications/cancelled"},
                {"params", QJsonObject{{"requestId", 21}, {"reason", "user pressed Esc"}}}});
        QTRY_COMPARE(
            s.call(s.token(Role::Reviewer), "GET", "/v1/actions/" + action.value("id").toString())
                .body.value("status")
                .toString(),
            QStringLiteral("cancelled"));
        // A late approval is refused, and nothing reached the server or came back.
        QCOMPARE(s.call(s.token(Role::Reviewer), "POST",
                        "/v1/actions/" + action.value("id").toString() + "/decision",
                        QJsonObject{{"decision", "approve"}})
                     .status,
                 409);
        g.send(request(22, "ping"));
        g.answerTo(22);
        QCOMPARE(g.count([](const QJsonObject &o) { return o.value("id") == 21; }), 0);
        QVERIFY(!serverLines(log).join('\n').contains("/srv/cancel"));
        QVERIFY(!serverLines(log).join('\n').contains("notifications/cancelled"));
    }

    void progressWhileHeld()
    {
        TestServer s;
        Gateway g(s.url(), s.token(Role::Agent), newLog(), {"--progress-interval", "0.2"});
        initialize(g);
        g.send(toolCall(31, "write_note", {{"path", "/p"}, {"text", "t"}}, "tok-31"));
        const QJsonObject action = pending(s);
        for (int n = 1; n <= 3; ++n) {
            const QJsonObject p = g.take(
                [](const QJsonObject &o) { return o.value("method") == "notifications/progress"; });
            const QJsonObject params = p.value("params").toObject();
            QCOMPARE(params.value("progressToken").toString(), QStringLiteral("tok-31"));
            QCOMPARE(params.value("progress").toInt(), n); // increasing
            QVERIFY(params.value("message").toString().contains("Waiting for approval"));
        }
        decide(s, action, {{"decision", "approve"}});
        QVERIFY(g.answerTo(31).contains("result"));
    }

    void killAnswersEveryHeldCallAndStops()
    {
        TestServer s;
        Gateway g(s.url(), s.token(Role::Agent), newLog());
        initialize(g);
        g.send(toolCall(41, "write_note", {{"path", "/k1"}, {"text", "t"}}));
        g.send(toolCall(42, "bare", {{"x", 1}}));
        const QJsonObject action = pending(s, 2);
        const qint64 serverPid = [&] {
            QFile children(QString("/proc/%1/task/%1/children").arg(g.process().processId()));
            return children.open(QIODevice::ReadOnly)
                       ? children.readAll().trimmed().split(' ').first().toLongLong()
                       : 0LL;
        }();
        QVERIFY(serverPid > 0 && alive(serverPid));
        QCOMPARE(s.call(s.token(Role::Oncall), "POST",
                        "/v1/sessions/" + action.value("session_id").toString() + "/kill",
                        QJsonObject{{"reason", "stop"}})
                     .status,
                 200);
        for (int id : {41, 42}) {
            const QJsonObject result = g.answerTo(id).value("result").toObject();
            QCOMPARE(result.value("isError").toBool(), true);
            QVERIFY(result.value("content")
                        .toArray()
                        .first()
                        .toObject()
                        .value("text")
                        .toString()
                        .contains("session killed"));
        }
        QTRY_COMPARE_WITH_TIMEOUT(g.process().state(), QProcess::NotRunning, 10000);
        QCOMPARE(g.process().exitCode(), 1);
        QTRY_VERIFY(!alive(serverPid));
    }

    void failClosedWithoutInterlock()
    {
        const QString log = newLog();
        Gateway g(QUrl("http://127.0.0.1:1"), "ilk_x", log);
        initialize(g);
        g.send(toolCall(51, "write_note", {{"path", "/u"}, {"text", "t"}}));
        const QJsonObject result = g.answerTo(51).value("result").toObject();
        QCOMPARE(result.value("isError").toBool(), true);
        QVERIFY(
            result.value("content").toArray().first().toObject().value("text").toString().contains(
                "Interlock"));
        QVERIFY(!serverLines(log).join('\n').contains("\"/u\""));
        // The hold deadline: no decision in time is no call either.
        TestServer s;
        const QString log2 = newLog();
        Gateway h(s.url(), s.token(Role::Agent), log2, {"--hold", "1"});
        initialize(h);
        h.send(toolCall(52, "write_note", {{"path", "/late"}, {"text", "t"}}));
        const QJsonObject late = h.answerTo(52, 10000).value("result").toObject();
        QCOMPARE(late.value("isError").toBool(), true);
        QVERIFY(!serverLines(log2).join('\n').contains("/late"));
    }

    void malformedRequestsGetJsonRpcErrors()
    {
        TestServer s;
        const QString log = newLog();
        Gateway g(s.url(), s.token(Role::Agent), log, {"--max-line-bytes", "4096"});
        initialize(g);
        const auto errorCode = [&](const QByteArray &bytes, const QJsonValue &id) {
            g.sendRaw(bytes + "\n");
            return g.answerTo(id).value("error").toObject().value("code").toInt();
        };
        // A tools/call hidden behind a duplicate key, nesting too deep, a lone surrogate: not
        // read the same way by every parser, so never forwarded.
        QCOMPARE(
            errorCode(
                R"({"jsonrpc":"2.0","id":61,"method":"tools/list","method":"tools/call","params":{"name":"write_note","arguments":{"path":"/d","text":"t"}}})",
                QJsonValue::Null),
            -32700);
        QCOMPARE(
            errorCode(
                QByteArray(
                    R"({"jsonrpc":"2.0","id":62,"method":"tools/call","params":{"name":"bare","arguments":{"x":)") +
                    QByteArray(100, '[') + QByteArray(100, ']') + "}}}",
                QJsonValue::Null),
            -32700);
        QCOMPARE(
            errorCode(
                R"({"jsonrpc":"2.0","id":63,"method":"tools/call","params":{"name":"bare","arguments":{"x":"\ud800"}}})",
                QJsonValue::Null),
            -32700);
        QCOMPARE(
            errorCode(R"({"jsonrpc":"2.0","id":64,"method":"tools/call","params":{"name":7}})", 64),
            -32602);
        QCOMPARE(
            errorCode(
                R"({"jsonrpc":"2.0","id":65,"method":"tools/call","params":{"name":"bare","arguments":[1]}})",
                65),
            -32602);
        QCOMPARE(
            errorCode(
                R"({"jsonrpc":"2.0","id":null,"method":"tools/call","params":{"name":"bare"}})",
                QJsonValue::Null),
            -32600);
        QCOMPARE(errorCode("{\"jsonrpc\":\"2.0\",\"id\":66,\"method\":\"tools/"
                           "call\",\"params\":{\"name\":\"bare\",\"arguments\":{\"x\":\"" +
                               QByteArray(5000, 'x') + "\"}}}",
                           QJsonValue::Null),
                 -32600);
        // A batch holding a call is refused whole; a tools/call notification is dropped.
        g.sendRaw(
            R"([{"jsonrpc":"2.0","id":67,"method":"tools/call","params":{"name":"bare","arguments":{}}},{"jsonrpc":"2.0","id":68,"method":"ping"}])"
            "\n");
        g.sendRaw(
            R"({"jsonrpc":"2.0","method":"tools/call","params":{"name":"bare","arguments":{"note":1}}})"
            "\n");
        g.send(request(69, "ping"));
        g.answerTo(69);
        QCOMPARE(s.call(s.token(Role::Reviewer), "GET", "/v1/actions?status=all")
                     .body.value("actions")
                     .toArray()
                     .size(),
                 0);
        for (const QString &l : serverLines(log))
            QVERIFY2(!l.contains("tools/call"), qPrintable(l));
        // The gateway is still serving.
        g.send(toolCall(70, "bare", {{"ok", true}}));
        decide(s, pending(s), {{"decision", "approve"}});
        QVERIFY(g.answerTo(70).contains("result"));
    }

    void aBatchInABatchIsRefused()
    {
        // JSON-RPC batches hold objects. A server that recurses into nested arrays would run a
        // tools/call the gateway never held: such a batch is refused whole, nothing forwarded.
        TestServer s;
        const QString log = newLog();
        Gateway g(s.url(), s.token(Role::Agent), log);
        initialize(g);
        const QByteArray call =
            R"({"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"write_note","arguments":{"path":"/important","text":"gone"}}})";
        const QList<QByteArray> batches{
            "[[" + call + "]]",
            R"([{"jsonrpc":"2.0","method":"notifications/message","params":{}},[)" + call + "]]",
            R"([{"jsonrpc":"2.0","id":6,"method":"ping"},"x"])"};
        for (const QByteArray &batch : batches) {
            g.sendRaw(batch + "\n");
            const QJsonObject refused = g.answerTo(QJsonValue::Null);
            QCOMPARE(refused.value("error").toObject().value("code").toInt(), -32600);
        }
        // The server answers in order: had it received a call, its answer came first.
        g.send(request("after", "ping"));
        g.answerTo("after");
        QCOMPARE(g.count([](const QJsonObject &o) { return o.value("id") == 5; }), 0);
        for (const QString &l : serverLines(log))
            QVERIFY2(!l.contains("tools/call") && !l.contains(R"("id":6)"), qPrintable(l));
        QCOMPARE(s.call(s.token(Role::Reviewer), "GET", "/v1/actions?status=all")
                     .body.value("actions")
                     .toArray()
                     .size(),
                 0);
    }

    void aBareCrCannotHideACall()
    {
        // A CR is white space to JSON, so the gateway reads this line as one notification; a
        // server that also ends lines at a CR (the MCP Python SDK) would read a tools/call in it
        // and skip the fragments around it. The gateway sends on what it parsed, written again.
        TestServer s;
        const QString log = newLog();
        Gateway g(s.url(), s.token(Role::Agent), log, {}, {"--cr-ends-lines"});
        initialize(g);
        const QByteArray hidden =
            R"({"jsonrpc":"2.0","id":99,"method":"tools/call","params":{"name":"write_note","arguments":{"path":"/","text":"gone"}}})";
        g.sendRaw(R"({"jsonrpc":"2.0","method":"notifications/message","params":{"x":)"
                  "\r" +
                  hidden + "\r}}\r\n");
        // The server answers in order: had it run the hidden call, that answer came first.
        g.send(request("after", "tools/list"));
        g.answerTo("after");
        QCOMPARE(g.count([](const QJsonObject &o) { return o.value("id") == 99; }), 0);
        const QStringList received = serverLines(log);
        for (const QString &l : received)
            QVERIFY2(!l.contains('\r') && !l.startsWith(R"({"id":99)"), qPrintable(l));
        QVERIFY(
            serverGot(log, R"({"jsonrpc":"2.0","method":"notifications/message","params":{"x":)" +
                               hidden + "}}"));
        QCOMPARE(s.call(s.token(Role::Reviewer), "GET", "/v1/actions?status=all")
                     .body.value("actions")
                     .toArray()
                     .size(),
                 0);
    }

    void integersTheReviewerCannotSeeExactlyAreRefused()
    {
        // Qt's parser (and so the reviewer's view) rounds an integer beyond 64 bits; the server
        // would read every digit. A JavaScript server (most MCP servers) reads every number as
        // a double and would act on a rounded id beyond 2^53 while the reviewer saw it exact.
        // Both refused; one that a double holds exactly is held and carried exactly.
        TestServer s;
        const QString log = newLog();
        Gateway g(s.url(), s.token(Role::Agent), log);
        initialize(g);
        g.sendRaw(
            R"({"jsonrpc":"2.0","id":81,"method":"tools/call","params":{"name":"bare","arguments":{"to_account":12345678901234567891}}})"
            "\n");
        QJsonObject refused = g.answerTo(QJsonValue::Null);
        QCOMPARE(refused.value("error").toObject().value("code").toInt(), -32700);
        QVERIFY(refused.value("error").toObject().value("message").toString().contains("64-bit"));
        g.sendRaw(
            R"({"jsonrpc":"2.0","id":83,"method":"tools/call","params":{"name":"bare","arguments":{"channel":"general","message_id":1234567890123456789}}})"
            "\n");
        refused = g.answerTo(QJsonValue::Null);
        QCOMPARE(refused.value("error").toObject().value("code").toInt(), -32700);
        QVERIFY2(refused.value("error").toObject().value("message").toString().contains("2^53"),
                 qPrintable(refused.value("error").toObject().value("message").toString()));
        g.sendRaw(
            R"({"jsonrpc":"2.0","id":82,"method":"tools/call","params":{"name":"bare","arguments":{"to_account":-9007199254740991}}})"
            "\n");
        const QJsonObject action = pending(s);
        QCOMPARE(action.value("payload")
                     .toObject()
                     .value("arguments")
                     .toObject()
                     .value("to_account")
                     .toInteger(),
                 -9007199254740991LL);
        decide(s, action, {{"decision", "approve"}});
        QVERIFY(g.answerTo(82).contains("result"));
        QVERIFY(serverLines(log).last().contains("-9007199254740991"));
        for (const QString &l : serverLines(log))
            QVERIFY2(!l.contains("12345678901234567891") && !l.contains("1234567890123456789"),
                     qPrintable(l));
    }

    void allowReadOnlyTrustsTheClaimOnlyWhenAskedTo()
    {
        TestServer s;
        Gateway strict(s.url(), s.token(Role::Agent), newLog());
        initialize(strict);
        strict.send(toolCall(81, "echo", {{"text", "hi"}}));
        decide(s, pending(s), {{"decision", "approve"}}); // held by default
        QVERIFY(strict.answerTo(81).contains("result"));

        const QString log = newLog();
        Gateway trusting(s.url(), s.token(Role::Agent), log, {"--allow-read-only"});
        initialize(trusting);
        trusting.send(toolCall(82, "echo", {{"text", "direct"}}));
        QVERIFY(trusting.answerTo(82).contains("result")); // no decision needed
        trusting.send(toolCall(83, "write_note", {{"path", "/w"}, {"text", "t"}}));
        const QJsonObject held = pending(s);
        QCOMPARE(held.value("payload").toObject().value("tool").toString(),
                 QStringLiteral("write_note"));
        // The session says the gateway trusts read-only claims.
        const QJsonArray sessions =
            s.call(s.token(Role::Admin), "GET", "/v1/sessions").body.value("sessions").toArray();
        bool recorded = false;
        for (const QJsonValue &v : sessions)
            recorded = recorded ||
                       v.toObject().value("description").toString().contains("--allow-read-only");
        QVERIFY(recorded);
        decide(s, held, {{"decision", "reject"}, {"comment", "no"}});
        trusting.answerTo(83);
    }
};

QTEST_GUILESS_MAIN(TestMcpGateway)
#include "tst_mcpgateway.moc"
