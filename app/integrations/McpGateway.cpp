#include "McpGateway.h"

#include "ClaudeToolMapping.h"
#include "JsonSchemaCheck.h"
#include "McpMessages.h"
#include "core/CanonicalJson.h"
#include "front/JsonScan.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSocketNotifier>
#include <QUuid>
#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <sys/prctl.h>
#include <unistd.h>

namespace interlock::integrations {

namespace {
const QString kMethod = QStringLiteral("method");
const QString kParams = QStringLiteral("params");
const QString kArguments = QStringLiteral("arguments");

void note(const QString &text)
{
    std::fprintf(stderr, "interlockctl mcp-gateway: %s\n", qPrintable(text));
}

bool writeAllFd(int fd, const QByteArray &data)
{
    qsizetype done = 0;
    while (done < data.size()) {
        const ssize_t n = ::write(fd, data.constData() + done, size_t(data.size() - done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        done += n;
    }
    return true;
}

// `fromClient`: integers beyond +/-(2^53 - 1) are refused too, as a JavaScript server would act
// on a rounded value; the server's own messages are only read (tools/list), 64 bits suffice.
bool parseStrict(const QByteArray &line, int maxDepth, bool fromClient, QJsonDocument *doc,
                 QString *error)
{
    const JsonScan scan = scanJson(std::string_view(line.constData(), size_t(line.size())),
                                   JsonScanLimits{maxDepth, true, fromClient});
    if (!scan.ok) {
        *error = QString::fromStdString(scan.error);
        return false;
    }
    *doc = QJsonDocument::fromJson(line);
    return true;
}

// What is sent on to the MCP server: the message as parsed, written again on one line. Never the
// client's own bytes: a receiver that also ends lines at a bare CR (Python's text streams) would
// read a second message hidden in what the gateway parsed as one (JSON allows a CR as white
// space), and the reviewer must see what the server reads.
QByteArray rewritten(const QJsonDocument &doc)
{
    return doc.toJson(QJsonDocument::Compact);
}
} // namespace

struct McpGateway::HeldCall {
    QJsonValue id;
    QByteArray line;
    QJsonObject request;
    QJsonObject payload;
    QJsonValue progressToken;
    int progress = 0;
    QString actionId;
    std::unique_ptr<ActionWaiter> waiter;
    QTimer progressTimer;
};

McpGateway::McpGateway(Options options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_session(GatewaySession::Config{
          m_options.server, m_options.agent, m_options.owner,
          QStringLiteral("MCP gateway for the server %1 (%2)%3")
              .arg(m_options.serverName, m_options.command.join(QLatin1Char(' ')).left(300),
                   m_options.allowReadOnly
                       ? QStringLiteral("; --allow-read-only: tools the server claims are "
                                        "read-only run without review")
                       : QString())})
    , m_receipts([this] { return m_session.client(); }, ReceiptQueue::Options{})
    , m_fromClient(m_options.maxLineBytes)
    , m_fromServer(m_options.maxLineBytes)
    , m_instance(QUuid::createUuid().toString(QUuid::WithoutBraces))
{
    m_stopTimer.setSingleShot(true);
    connect(&m_stopTimer, &QTimer::timeout, this, [this] {
        if (m_server.state() == QProcess::NotRunning)
            return;
        if (m_server.property("terminated").toBool()) {
            m_server.kill();
        } else {
            m_server.setProperty("terminated", true);
            m_server.terminate();
            m_stopTimer.start(2000);
        }
    });
    connect(&m_session, &GatewaySession::killed, this, &McpGateway::onKilled);
}

McpGateway::~McpGateway()
{
    if (m_server.state() != QProcess::NotRunning) {
        m_server.kill();
        m_server.waitForFinished(2000);
    }
}

int McpGateway::run()
{
    std::signal(SIGPIPE, SIG_IGN);
    m_server.setProgram(m_options.command.value(0));
    m_server.setArguments(m_options.command.mid(1));
    m_server.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    // The server goes when the gateway goes, however it goes.
    m_server.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGTERM); });
    connect(&m_server, &QProcess::readyReadStandardOutput, this, &McpGateway::onServerReadable);
    connect(&m_server, &QProcess::finished, this, &McpGateway::onServerFinished);
    m_server.start();
    if (!m_server.waitForStarted(30000)) {
        note(QStringLiteral("cannot start %1: %2")
                 .arg(m_options.command.value(0), m_server.errorString()));
        return 127;
    }
    m_stdin = new QSocketNotifier(0, QSocketNotifier::Read, this);
    connect(m_stdin, &QSocketNotifier::activated, this, &McpGateway::onClientReadable);
    m_session.ensure([](const QString &error) {
        if (!error.isEmpty())
            note(error + QStringLiteral("; every tools/call fails until it is back"));
    });
    while (!m_done)
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    if (!m_session.isKilled())
        m_receipts.flush(2000); // the last calls' receipts, waiting for a quiet moment
    return m_exitCode;
}

void McpGateway::toClient(const QByteArray &line)
{
    const bool ok = line.endsWith('\n') ? writeAllFd(1, line) : writeAllFd(1, line + '\n');
    if (!ok)
        clientGone();
}

void McpGateway::toServer(const QByteArray &line)
{
    m_server.write(line.endsWith('\n') ? line : line + '\n');
}

void McpGateway::onClientReadable()
{
    char buffer[65536];
    const ssize_t n = ::read(0, buffer, sizeof buffer);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    QList<QByteArray> lines;
    int oversized = 0;
    if (n > 0)
        m_fromClient.feed(QByteArray(buffer, n), &lines, &oversized);
    for (int i = 0; i < oversized; ++i)
        toClient(mcp::error(QJsonValue::Null, mcp::InvalidRequest,
                            QStringLiteral("Interlock gateway: a message longer than %1 bytes was "
                                           "not forwarded")
                                .arg(m_options.maxLineBytes)));
    for (const QByteArray &line : std::as_const(lines))
        onClientLine(line);
    if (n <= 0) {
        if (const QByteArray rest = m_fromClient.takeRest(); !rest.trimmed().isEmpty())
            onClientLine(rest);
        clientGone();
    }
}

void McpGateway::onClientLine(const QByteArray &line)
{
    if (m_stopping)
        return;
    if (line.trimmed().isEmpty())
        return; // nothing to forward
    QJsonDocument doc;
    QString problem;
    if (!parseStrict(line, m_options.maxDepth, true, &doc, &problem))
        return toClient(mcp::error(QJsonValue::Null, mcp::ParseError,
                                   QStringLiteral("Interlock gateway: not forwarded, the message "
                                                  "is not strict JSON (%1)")
                                       .arg(problem)));
    if (doc.isArray()) {
        // A batch holds requests and notifications, each an object. Anything else (a batch in a
        // batch) is not JSON-RPC, and a server that reads it anyway (recursing into nested
        // arrays) would run a tools/call the gateway never held: refused whole.
        const QJsonArray batch = doc.array();
        if (std::any_of(batch.begin(), batch.end(),
                        [](const QJsonValue &v) { return !v.isObject(); }))
            return toClient(mcp::error(QJsonValue::Null, mcp::InvalidRequest,
                                       QStringLiteral("Interlock gateway: not forwarded, a batch "
                                                      "may hold only objects")));
        QJsonArray refusals;
        bool holdsCall = false;
        for (const QJsonValue &v : batch) {
            const QJsonObject m = v.toObject();
            holdsCall = holdsCall || m.value(kMethod).toString() == QLatin1String("tools/call");
            if (m.contains(QStringLiteral("id")) && m.contains(kMethod))
                refusals.append(
                    QJsonDocument::fromJson(
                        mcp::error(m.value(QStringLiteral("id")), mcp::InvalidRequest,
                                   QStringLiteral("Interlock gateway: a batch holding tools/call "
                                                  "is not forwarded; send each call alone")))
                        .object());
        }
        if (!holdsCall)
            return toServer(rewritten(doc));
        if (!refusals.isEmpty())
            toClient(QJsonDocument(refusals).toJson(QJsonDocument::Compact));
        return;
    }
    if (!doc.isObject())
        return toClient(mcp::error(QJsonValue::Null, mcp::InvalidRequest,
                                   QStringLiteral("Interlock gateway: not a JSON-RPC message")));
    const QJsonObject message = doc.object();
    const QString method = message.value(kMethod).toString();
    const QJsonValue id = message.value(QStringLiteral("id"));
    if (method == QLatin1String("tools/call")) {
        if (id.isUndefined()) {
            note(QStringLiteral("a tools/call without an id (a notification) was dropped"));
            return;
        }
        if (!mcp::isValidId(id))
            return toClient(mcp::error(QJsonValue::Null, mcp::InvalidRequest,
                                       QStringLiteral("Interlock gateway: a tools/call needs a "
                                                      "string or integer id")));
        m_receipts.callArrived();
        return hold(message, rewritten(doc));
    }
    if (method == QLatin1String("tools/list") && mcp::isValidId(id)) {
        if (m_listRequests.size() > 1000)
            m_listRequests.clear();
        m_listRequests.insert(mcp::idKey(id));
    }
    if (method == QLatin1String("notifications/cancelled")) {
        const QString key =
            mcp::idKey(message.value(kParams).toObject().value(QStringLiteral("requestId")));
        if (m_held.count(key))
            return cancel(key);
    }
    toServer(rewritten(doc));
}

void McpGateway::hold(const QJsonObject &request, const QByteArray &line)
{
    const QJsonValue id = request.value(QStringLiteral("id"));
    const QString key = mcp::idKey(id);
    const QJsonObject params = request.value(kParams).toObject();
    const QJsonValue name = params.value(QStringLiteral("name"));
    const QJsonValue arguments = params.value(kArguments);
    if (m_held.count(key))
        return toClient(mcp::error(id, mcp::InvalidRequest,
                                   QStringLiteral("Interlock gateway: a call with this id is "
                                                  "already waiting for approval")));
    if (!request.value(kParams).isObject() || !name.isString() || name.toString().isEmpty() ||
        !(arguments.isUndefined() || arguments.isObject()))
        return toClient(mcp::error(id, mcp::InvalidParams,
                                   QStringLiteral("Interlock gateway: tools/call needs params.name "
                                                  "(a string) and params.arguments (an object)")));
    const QString tool = name.toString();
    if (m_options.allowReadOnly && m_catalog.claimsReadOnly(tool)) {
        if (!m_passedReadOnly.contains(tool)) { // once per tool: the session says the rest
            m_passedReadOnly.insert(tool);
            note(QStringLiteral("%1 claims to be read-only: its calls pass without review "
                                "(--allow-read-only)")
                     .arg(tool));
        }
        return toServer(line);
    }
    auto call = std::make_unique<HeldCall>();
    call->id = id;
    call->line = line;
    call->request = request;
    call->payload = {{QStringLiteral("server"), m_options.serverName},
                     {QStringLiteral("tool"), tool},
                     {kArguments, arguments.toObject()}};
    if (const auto known = m_catalog.tool(tool))
        call->payload.insert(QStringLiteral("annotations"), known->annotations);
    const QJsonValue token =
        params.value(QStringLiteral("_meta")).toObject().value(QStringLiteral("progressToken"));
    if (token.isString() || token.isDouble()) {
        call->progressToken = token;
        HeldCall *raw = call.get();
        call->progressTimer.setInterval(m_options.progressIntervalMs);
        call->progressTimer.setTimerType(Qt::PreciseTimer); // a coarse one may come 5 % early
        connect(&call->progressTimer, &QTimer::timeout, this, [this, raw] {
            toClient(mcp::progress(raw->progressToken, ++raw->progress,
                                   QStringLiteral("Waiting for approval in Interlock%1")
                                       .arg(raw->actionId.isEmpty()
                                                ? QString()
                                                : QStringLiteral(" (%1)").arg(raw->actionId))));
        });
        call->progressTimer.start();
    }
    HeldCall *raw = call.get();
    m_held[key] = std::move(call);
    submit(raw);
}

void McpGateway::submit(HeldCall *call)
{
    const QString key = mcp::idKey(call->id);
    m_session.ensure([this, key](const QString &error) {
        const auto it = m_held.find(key);
        if (it == m_held.end())
            return; // cancelled meanwhile
        if (m_session.isKilled())
            return onKilled(error);
        if (!error.isEmpty())
            return answer(key, QStringLiteral("Interlock: %1; the call was not run").arg(error));
        HeldCall *held = it->second.get();
        ActionWaiter::Options o;
        o.deadlineMs = qint64(m_options.holdSeconds) * 1000;
        held->waiter = std::make_unique<ActionWaiter>(*m_session.client(), o);
        connect(held->waiter.get(), &ActionWaiter::submitted, this,
                [held](const QString &actionId) { held->actionId = actionId; });
        connect(held->waiter.get(), &ActionWaiter::finished, this,
                [this, key](const Decision &d) { onDecided(key, d); });
        const QString tool = held->payload.value(QStringLiteral("tool")).toString();
        QString summary = QStringLiteral("An MCP client calls the tool %1 of the server %2 "
                                         "through the Interlock gateway. Annotations are claims "
                                         "by the server, not verified.")
                              .arg(tool, m_options.serverName);
        if (const auto known = m_catalog.tool(tool); known && !known->description.isEmpty())
            summary += QStringLiteral("\nThe server describes the tool as: ") + known->description;
        const QJsonObject body{
            {QStringLiteral("kind"), QStringLiteral("mcp.tool_call")},
            {QStringLiteral("title"),
             singleLine(QStringLiteral("MCP %1: %2").arg(m_options.serverName, tool), 200)},
            {QStringLiteral("target"),
             singleLine(QStringLiteral("mcp://%1/%2").arg(m_options.serverName, tool), 2048)},
            {QStringLiteral("summary"), multiLine(summary, 10000)},
            {QStringLiteral("payload"), held->payload},
            {QStringLiteral("expires_in"), m_options.holdSeconds + 30}};
        held->waiter->start(body,
                            QStringLiteral("mcp-gateway:%1:%2").arg(m_instance).arg(++m_calls));
        m_receipts.submissionSent();
    });
}

void McpGateway::onDecided(const QString &key, const Decision &d)
{
    const auto it = m_held.find(key);
    if (it == m_held.end())
        return;
    HeldCall *call = it->second.get();
    using O = Decision::Outcome;
    switch (d.outcome) {
    case O::Approved: {
        const QJsonValue args = d.payload.value(kArguments);
        if (d.payload.value(QStringLiteral("server")) !=
                call->payload.value(QStringLiteral("server")) ||
            d.payload.value(QStringLiteral("tool")) !=
                call->payload.value(QStringLiteral("tool")) ||
            !args.isObject())
            return answer(key, QStringLiteral("Interlock: the reviewer changed the server or the "
                                              "tool, which the gateway cannot do; the call was "
                                              "not run"));
        if (canonicalJson(args) == canonicalJson(call->payload.value(kArguments)))
            return forward(call, call->line, d.payload);
        const auto known = m_catalog.tool(call->payload.value(QStringLiteral("tool")).toString());
        if (known && !known->inputSchema.isEmpty()) {
            const QString problem = checkJsonSchema(known->inputSchema, args);
            if (!problem.isEmpty())
                return answer(key, QStringLiteral("Interlock: the reviewer's edited arguments do "
                                                  "not fit the tool's input schema (%1); the call "
                                                  "was not run")
                                       .arg(problem));
        }
        QJsonObject request = call->request;
        QJsonObject params = request.value(kParams).toObject();
        params.insert(kArguments, args);
        request.insert(kParams, params);
        return forward(call, QJsonDocument(request).toJson(QJsonDocument::Compact), d.payload);
    }
    case O::Rejected:
        return answer(key,
                      QStringLiteral("Rejected by reviewer: ") +
                          (d.comment.isEmpty() ? QStringLiteral("no reason given") : d.comment));
    case O::Killed:
        return onKilled(d.message);
    case O::Expired:
        return answer(key, QStringLiteral("Interlock: no reviewer decided before the action "
                                          "expired; the call was not run"));
    case O::Cancelled:
        return answer(key, QStringLiteral("Interlock: the action was cancelled; the call was not "
                                          "run"));
    case O::TimedOut:
        call->waiter->withdraw(QStringLiteral("the MCP gateway's hold time passed"));
        [[fallthrough]];
    case O::Refused:
    case O::Unreachable:
        return answer(key, QStringLiteral("Interlock: %1; the call was not run").arg(d.message));
    }
}

void McpGateway::forward(HeldCall *call, const QByteArray &line, const QJsonObject &payload)
{
    const QString key = mcp::idKey(call->id);
    if (m_forwarded.size() > 10000)
        m_forwarded.erase(m_forwarded.begin());
    m_forwarded[key] = {call->actionId, QString::fromLatin1(sha256Hex(canonicalJson(payload)))};
    toServer(line);
    retire(key);
}

void McpGateway::answer(const QString &key, const QString &text)
{
    const auto it = m_held.find(key);
    if (it == m_held.end())
        return;
    const QJsonValue id = it->second->id;
    retire(key);
    toClient(mcp::toolError(id, text));
}

void McpGateway::cancel(const QString &key)
{
    const auto it = m_held.find(key);
    if (it == m_held.end())
        return;
    if (it->second->waiter)
        it->second->waiter->withdraw(QStringLiteral("the MCP client cancelled the call"));
    note(QStringLiteral("a held call was cancelled by the client: never forwarded"));
    retire(key);
}

void McpGateway::onServerReadable()
{
    QList<QByteArray> lines;
    int oversized = 0;
    m_fromServer.feed(m_server.readAllStandardOutput(), &lines, &oversized);
    if (oversized)
        note(QStringLiteral("%1 line(s) longer than %2 bytes from the MCP server were dropped")
                 .arg(oversized)
                 .arg(m_options.maxLineBytes));
    for (const QByteArray &line : std::as_const(lines))
        onServerLine(line);
}

void McpGateway::onServerLine(const QByteArray &line)
{
    if (!m_listRequests.isEmpty() || !m_forwarded.empty()) {
        QJsonDocument doc;
        QString problem;
        if (parseStrict(line, m_options.maxDepth, false, &doc, &problem) && doc.isObject() &&
            !doc.object().contains(kMethod)) {
            const QJsonObject response = doc.object();
            const QString key = mcp::idKey(response.value(QStringLiteral("id")));
            if (m_listRequests.remove(key))
                m_catalog.add(response.value(QStringLiteral("result")).toObject());
            if (m_forwarded.count(key)) {
                toClient(line); // the answer first: the receipt is bookkeeping
                return receipt(key, response);
            }
        }
    }
    toClient(line);
}

void McpGateway::receipt(const QString &key, const QJsonObject &response)
{
    const Forwarded fw = m_forwarded[key];
    m_forwarded.erase(key);
    if (fw.actionId.isEmpty() || !m_session.client())
        return;
    const bool failed =
        response.contains(QStringLiteral("error")) || response.value(QStringLiteral("result"))
                                                          .toObject()
                                                          .value(QStringLiteral("isError"))
                                                          .toBool();
    m_receipts.add(fw.actionId,
                   QJsonObject{{QStringLiteral("outcome"),
                                failed ? QStringLiteral("failed") : QStringLiteral("succeeded")},
                               {QStringLiteral("payload_sha256"), fw.payloadSha256}});
}

void McpGateway::onKilled(const QString &why)
{
    if (m_done)
        return;
    note(why + QStringLiteral(": answering every held call and stopping the MCP server"));
    const bool wasStopping = m_stopping;
    m_stopping = true;
    m_exitCode = 1;
    QList<QJsonValue> ids;
    for (auto &[key, call] : m_held)
        ids.append(call->id);
    retireAll();
    for (const QJsonValue &id : std::as_const(ids))
        toClient(mcp::toolError(id, QStringLiteral("Interlock: session killed; the call was not "
                                                   "run")));
    if (m_stdin)
        m_stdin->setEnabled(false);
    if (!wasStopping || !m_stopTimer.isActive()) {
        m_server.setProperty("terminated", true);
        m_server.terminate();
        m_stopTimer.start(2000);
    }
}

void McpGateway::clientGone()
{
    if (m_stopping)
        return;
    m_stopping = true;
    if (m_stdin)
        m_stdin->setEnabled(false);
    for (auto &[key, call] : m_held) {
        if (call->waiter)
            call->waiter->withdraw(QStringLiteral("the MCP client went away"));
    }
    retireAll();
    m_server.closeWriteChannel();
    m_stopTimer.start(5000);
}

void McpGateway::onServerFinished(int exitCode, QProcess::ExitStatus status)
{
    onServerReadable();
    if (const QByteArray rest = m_fromServer.takeRest(); !rest.isEmpty())
        onServerLine(rest);
    QList<QJsonValue> ids;
    for (auto &[key, call] : m_held) {
        if (call->waiter)
            call->waiter->withdraw(QStringLiteral("the MCP server exited"));
        ids.append(call->id);
    }
    retireAll();
    for (const QJsonValue &id : std::as_const(ids))
        toClient(mcp::toolError(id, QStringLiteral("Interlock gateway: the MCP server exited; "
                                                   "the call was not run")));
    m_stopTimer.stop();
    finish(m_exitCode != 0                                ? m_exitCode
           : status == QProcess::CrashExit && !m_stopping ? 1
                                                          : exitCode);
}

// A finished call may be the one whose signal is being delivered: it is destroyed later.
void McpGateway::retire(const QString &key)
{
    const auto it = m_held.find(key);
    if (it == m_held.end())
        return;
    std::unique_ptr<HeldCall> call = std::move(it->second);
    m_held.erase(it);
    call->progressTimer.stop();
    if (call->waiter)
        call->waiter->disconnect(this);
    m_retired.push_back(std::move(call));
    if (m_retired.size() == 1)
        QTimer::singleShot(0, this, [this] { m_retired.clear(); });
}

void McpGateway::retireAll()
{
    while (!m_held.empty())
        retire(m_held.begin()->first);
}

void McpGateway::finish(int code)
{
    m_done = true;
    m_exitCode = code;
}

} // namespace interlock::integrations
