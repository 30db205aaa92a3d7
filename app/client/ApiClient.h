#pragma once

#include "ConnectionSecurity.h"
#include "core/ApiError.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QUrl>
#include <functional>
#include <optional>

class QNetworkAccessManager;
class QNetworkReply;
class QIODevice;

namespace interlock {

class KeepAlivePool;

struct ApiResult {
    int status = 0; // HTTP status; 0 when the server was not reached
    QJsonObject body;
    QString networkError;                  // set when status is 0
    bool refused = false;                  // status 0: not sent at all (ConnectionSecurity said no)
    QHash<QByteArray, QByteArray> headers; // lower-case names
    // Set when the server answered with a body that is not a JSON object (too deeply nested,
    // cut off, not JSON): such an answer is never taken for an empty success.
    QString unreadable;

    bool ok() const { return status >= 200 && status < 300 && unreadable.isEmpty(); }
    // A failure another try can fix, on the same server or, behind a load balancer, another one:
    // no answer (refused, reset, timed out), 502/504 from a proxy, 503 (no server available, or
    // the server's database is away).
    bool retryable() const
    {
        return status == 0 || status == 502 || status == 503 || status == 504;
    }
    ApiError error() const { return ApiError::fromJson(status, body); }
    // An approval already given out: a decision view that says delivered_before, or a replayed
    // submission (Idempotent-Replayed) whose action is approved. An approval runs one call, so
    // whoever receives this must not run it.
    bool approvalUsedBefore() const
    {
        return body.value(QStringLiteral("status")).toString() == QLatin1String("approved") &&
               (body.value(QStringLiteral("delivered_before")).toBool() ||
                headers.value("idempotent-replayed") == "true");
    }
    // One line for a person: the server's message, or why the server was not reached.
    QString describe() const;
};

// REST API v1 client over QNetworkAccessManager. Each instance has its own connection pool.
// Every request first passes its ConnectionSecurity: https:// is verified, plain http:// to
// another machine is refused (status 0, networkError says why) unless explicitly allowed.
class ApiClient : public QObject
{
    Q_OBJECT
public:
    using Headers = QList<std::pair<QByteArray, QByteArray>>;

    explicit ApiClient(const QUrl &baseUrl, const QString &token = {}, QObject *parent = nullptr);
    ~ApiClient() override;

    // request() and call() to a plain http:// server go over a few kept-alive connections of
    // this client's own, in this thread (KeepAlivePool), instead of QNetworkAccessManager: the
    // integrations' hot path (hook, MCP gateway). https:// and download() keep using Qt's.
    // A request the server may have received is never sent twice unless it is a GET or carries
    // an Idempotency-Key.
    void setKeepAlive(bool on);
    bool keepAlive() const { return m_pool != nullptr; }

    void setToken(const QString &token) { m_token = token; }
    void setSecurity(const ConnectionSecurity &security) { m_security = security; }
    const ConnectionSecurity &security() const { return m_security; }
    // What clients created from now on start with (set once by a program from its options).
    static void setDefaultSecurity(const ConnectionSecurity &security);
    static ConnectionSecurity defaultSecurity();
    QString token() const { return m_token; }
    QUrl baseUrl() const { return m_base; }

    // Asynchronous: `done` runs in this object's thread. timeoutMs 0 means 30 s.
    void request(const QByteArray &method, const QString &pathAndQuery,
                 const std::optional<QJsonObject> &body,
                 std::function<void(const ApiResult &)> done, const Headers &headers = {},
                 int timeoutMs = 0);
    // Blocking, for command-line tools: runs a local event loop until the reply is complete.
    ApiResult call(const QByteArray &method, const QString &pathAndQuery,
                   const std::optional<QJsonObject> &body = std::nullopt,
                   const Headers &headers = {}, int timeoutMs = 0);

    // call(), tried again while the failure is retryable() and `giveUpMs` has not passed (back-off
    // from 100 ms to 2 s). Only for requests that are safe to send twice: GETs, and POSTs with an
    // Idempotency-Key.
    ApiResult callRetrying(const QByteArray &method, const QString &pathAndQuery,
                           const std::optional<QJsonObject> &body, const Headers &headers,
                           int timeoutMs, int giveUpMs);

    // Streams a GET's body into `sink` as it arrives (exports of any size, never held in memory).
    // `progress` gets the bytes written so far; `done` the result (its body is empty on
    // success; on an HTTP error it is the server's error). Returns the reply, for abort(), or
    // null when the request was refused (`done` is then called from the event loop).
    QNetworkReply *download(const QString &pathAndQuery, QIODevice *sink,
                            std::function<void(qint64 bytes)> progress,
                            std::function<void(const ApiResult &)> done);

private:
    QNetworkReply *send(const QByteArray &method, const QString &pathAndQuery,
                        const std::optional<QJsonObject> &body, const Headers &headers,
                        int timeoutMs);
    QUrl urlOf(const QString &pathAndQuery) const;
    static ApiResult resultOf(QNetworkReply *reply);
    static void readBody(const QByteArray &raw, ApiResult *r);
    bool viaPool() const;
    void requestViaPool(const QByteArray &method, const QString &pathAndQuery,
                        const std::optional<QJsonObject> &body,
                        std::function<void(const ApiResult &)> done, const Headers &headers,
                        int timeoutMs);
    // Set when nothing may be sent to the server (see ConnectionSecurity::refusal).
    std::optional<ApiResult> refused() const;

    QUrl m_base;
    QString m_token;
    ConnectionSecurity m_security;
    QNetworkAccessManager *m_nam;
    KeepAlivePool *m_pool = nullptr;
};

} // namespace interlock
