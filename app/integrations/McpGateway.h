#pragma once

#include "ActionWaiter.h"
#include "GatewaySession.h"
#include "LineSplitter.h"
#include "McpCatalog.h"

#include <QJsonObject>
#include <QObject>
#include <QProcess>
#include <QTimer>
#include <map>
#include <memory>
#include <vector>

class QSocketNotifier;

namespace interlock::integrations {

// `interlockctl mcp-gateway -- CMD ARGS…`: a stdio MCP proxy. It starts the MCP server CMD,
// forwards every line both ways unchanged (newline-delimited JSON-RPC: unknown methods,
// server-to-client requests and their replies too; the server's stderr passes through), and
// holds every `tools/call` as an Interlock action `mcp.tool_call` until it is decided:
// approve -> forwarded unchanged; edit -> forwarded with the reviewer's arguments once they fit
// the tool's inputSchema; reject, expiry, Interlock unreachable, the deadline -> an isError
// result, never forwarded; notifications/cancelled -> the action withdrawn, never forwarded;
// kill -> every held call answered "session killed", the server terminated, the gateway exits.
// Nothing depends on `initialize`. Lines are bounded in length and JSON nesting; a client line
// the gateway cannot read exactly is answered with a JSON-RPC error and never forwarded.
class McpGateway : public QObject
{
    Q_OBJECT
public:
    struct Options {
        QUrl server;
        QString agent;
        QString owner;
        QString serverName; // shown to reviewers as the MCP server
        bool allowReadOnly = false;
        QStringList command;
        qsizetype maxLineBytes = 16 * 1024 * 1024;
        int maxDepth = 64;
        int progressIntervalMs = 15000;
        int holdSeconds = 3600; // the longest a call is held; its action expires then
    };
    explicit McpGateway(Options options, QObject *parent = nullptr);
    ~McpGateway() override;

    // Runs until the client or the server goes away, or the session is killed; the exit code.
    int run();

private:
    struct HeldCall;
    struct Forwarded {
        QString actionId;
        QString payloadSha256;
    };

    void onClientReadable();
    void onClientLine(const QByteArray &line);
    void onServerReadable();
    void onServerLine(const QByteArray &line);
    void onServerFinished(int exitCode, QProcess::ExitStatus status);
    void hold(const QJsonObject &request, const QByteArray &line);
    void submit(HeldCall *call);
    void onDecided(const QString &key, const Decision &decision);
    void forward(HeldCall *call, const QByteArray &line, const QJsonObject &payload);
    void answer(const QString &key, const QString &text);
    void cancel(const QString &key);
    void onKilled(const QString &why);
    void clientGone();
    void finish(int code);
    void toClient(const QByteArray &line);
    void toServer(const QByteArray &line);
    void receipt(const QString &key, const QJsonObject &response);
    void retire(const QString &key);
    void retireAll();

    Options m_options;
    GatewaySession m_session;
    McpCatalog m_catalog;
    QProcess m_server;
    QSocketNotifier *m_stdin = nullptr;
    LineSplitter m_fromClient;
    LineSplitter m_fromServer;
    std::map<QString, std::unique_ptr<HeldCall>> m_held;
    std::vector<std::unique_ptr<HeldCall>> m_retired;
    std::map<QString, Forwarded> m_forwarded;
    QSet<QString> m_listRequests;   // ids of tools/list requests in flight
    QSet<QString> m_passedReadOnly; // tools let through by --allow-read-only (noted once)
    QString m_instance;             // random, for idempotency keys
    quint64 m_calls = 0;
    QTimer m_stopTimer;
    bool m_done = false;
    bool m_stopping = false;
    int m_exitCode = 0;
};

} // namespace interlock::integrations
