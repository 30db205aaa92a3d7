#pragma once

#include "client/ApiClient.h"
#include "core/Clock.h"
#include "core/Limits.h"
#include "core/Role.h"
#include "server/ApiServer.h"

#include <QSqlDatabase>
#include <QTemporaryDir>
#include <functional>
#include <map>
#include <memory>

namespace interlock::test {

// A real ApiServer on 127.0.0.1 (random port) over a real SQLite file in a temporary folder,
// with one token per role. Requests made with call() go over real HTTP on loopback; the nested
// event loop of the blocking client also runs the server, which lives in the same thread.
class TestServer
{
public:
    struct Options {
        bool manualClock = false;
        Limits limits;
        QByteArray riskRules; // a rules file's content; empty: the built-in rules
        // The policy's minimum reading time before approving high/critical actions (issue #15);
        // off unless a test is about it, so other tests need not wait or fetch first.
        bool readingTime = false;
    };
    TestServer();
    explicit TestServer(const Options &options, const WebhookOptions &webhooks = {});
    ~TestServer();

    QUrl url() const;
    quint16 port() const { return m_port; }
    QString dbPath() const;
    QString token(Role role) const { return m_tokens.at(role); }
    ApiServer &server() { return *m_server; }
    ManualClock *clock() { return m_manual.get(); }
    // A new server on the same database (and clock), as after a restart; the port changes.
    void restart();

    ApiResult call(const QString &token, const QByteArray &method, const QString &path,
                   const std::optional<QJsonObject> &body = std::nullopt,
                   const ApiClient::Headers &headers = {});
    // Opens a session with the enrollment token: {session id, session token}.
    std::pair<QString, QString> openSession(const QString &agent, const QString &owner = {});
    // Opens a supervised session: {session id, session token, supervisor token}.
    struct Supervised {
        QString id, token, supervisorToken;
    };
    Supervised openSupervisedSession(const QString &agent);
    // Submits `body` with a session token; returns the new action's id (empty on failure).
    QString submit(const QString &sessionToken, const QJsonObject &body);

private:
    void start();

    Options m_options;
    WebhookOptions m_webhooks;
    QTemporaryDir m_dir;
    std::unique_ptr<ManualClock> m_manual;
    std::unique_ptr<ApiServer> m_server;
    quint16 m_port = 0;
    std::map<Role, QString> m_tokens;
};

// A typical valid submission.
QJsonObject sampleAction(const QString &kind = QStringLiteral("shell.exec"),
                         const QString &title = QStringLiteral("List the build folder"));

// Sends exact bytes over a fresh TCP connection and reads one HTTP response.
struct RawResponse {
    int status = 0;  // 0: no (complete) response
    QByteArray head; // status line and headers
    QByteArray body; // de-chunked when the response used chunked transfer encoding
    QJsonObject json() const;
};
RawResponse rawHttp(quint16 port, const QByteArray &request, int timeoutMs = 10000);
// Runs `work` on a second connection to the database file, as another process would see it.
void withOutsideConnection(const QString &path, const std::function<void(QSqlDatabase &)> &work);

// Builds a request with Content-Length set.
QByteArray rawRequest(const QByteArray &method, const QByteArray &path, const QByteArray &body,
                      const QList<QByteArray> &headers);

} // namespace interlock::test
