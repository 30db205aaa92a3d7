#pragma once

#include "client/ApiClient.h"
#include "core/Clock.h"
#include "core/Limits.h"
#include "core/Role.h"
#include "server/ApiServer.h"

#include <QJsonArray>
#include <QSqlDatabase>
#include <QTemporaryDir>
#include <functional>
#include <map>
#include <memory>

namespace interlock::test {

// The store every test runs against: SQLite files in temporary folders, or, when ctest sets
// INTERLOCK_TEST_STORE to a PostgreSQL URL (the pg_* twins of the store tests), a fresh database
// cloned from that URL's database for every server and every freshDatabase() call.
bool testingPostgres();
// A new, empty store location: `dir`/`name` for SQLite, a new PostgreSQL database otherwise
// (with the schema already in place unless `bare`).
QString freshDatabase(const QTemporaryDir &dir,
                      const QString &name = QStringLiteral("interlock.db"), bool bare = false);

// A real ApiServer on 127.0.0.1 (random port) over a real store (SQLite file in a temporary
// folder, or a fresh PostgreSQL database, see freshDatabase()), with one token per role. Requests
// made with call() go over real HTTP on loopback; the nested event loop of the blocking client also
// runs the server, which lives in the same thread.
class TestServer
{
public:
    struct Options {
        bool manualClock = false;
        Limits limits;
        QByteArray riskRules;  // a rules file's content; empty: the built-in rules
        QString database = {}; // another server's dbPath(), to share its store; empty: a new one
        ManualClock *sharedClock = nullptr; // another server's clock(), instead of manualClock
        // The policy's minimum reading time before approving high/critical actions (issue #15);
        // off unless a test is about it, so other tests need not wait or fetch first.
        bool readingTime = false;
    };
    TestServer();
    explicit TestServer(const Options &options, const WebhookOptions &webhooks = {});
    ~TestServer();

    QUrl url() const;
    quint16 port() const { return m_port; }
    // The store's location: a file path or a PostgreSQL URL (every --db takes both).
    QString dbPath() const { return m_db; }
    QString token(Role role) const { return m_tokens.at(role); }
    ApiServer &server() { return *m_server; }
    ManualClock *clock() { return m_shared ? m_shared : m_manual.get(); }
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
    // A session as GET /v1/sessions/{id} shows it to a reviewer; empty if that fails.
    QJsonObject sessionView(const QString &id);

private:
    void start();

    Options m_options;
    WebhookOptions m_webhooks;
    QTemporaryDir m_dir;
    QString m_db;
    std::unique_ptr<ManualClock> m_manual;
    ManualClock *m_shared = nullptr;
    std::unique_ptr<ApiServer> m_server;
    quint16 m_port = 0;
    std::map<Role, QString> m_tokens;
};

// The built-in rules file with `breakers` in place of its own circuit breakers.
QByteArray rulesWithBreakers(const QJsonArray &breakers);
// Options for a second server on `other`'s database (PostgreSQL: several servers), on its clock.
TestServer::Options sharingDatabaseOf(TestServer &other, const QByteArray &riskRules = {});

// A typical valid submission.
QJsonObject sampleAction(const QString &kind = QStringLiteral("shell.exec"),
                         const QString &title = QStringLiteral("List the build folder"));

// Sends exact bytes over a fresh TCP connection and reads one HTTP response.
struct RawResponse {
    int status = 0;  // 0: no response (or an incomplete one of known length)
    QByteArray head; // status line and headers
    QByteArray body; // de-chunked when the response used chunked transfer encoding
    // A chunked response whose connection closed before its final chunk: status, head and the
    // chunks that arrived are kept, and this is set (a complete response never sets it).
    bool truncated = false;
    QJsonObject json() const;
};
RawResponse rawHttp(quint16 port, const QByteArray &request, int timeoutMs = 10000);
// Runs `work` on a second connection to the database (file or PostgreSQL URL), as another
// process would see it. SQL run there must be valid in both dialects, or check testingPostgres().
void withOutsideConnection(const QString &location,
                           const std::function<void(QSqlDatabase &)> &work);
// PostgreSQL: how many connections to this database wait for a lock now (-1: the query
// failed). Fresh on every call, also inside a transaction (which would read it once).
int lockWaiters(QSqlDatabase &db);
// Undoes PostgreSQL's migration 7 (the pending counters and their triggers), as in a database
// from before it; the caller removes its schema_version row. False if a statement failed.
bool dropPendingCounters(QSqlDatabase &db);
// Makes the database refuse every change to `table` (a trigger), standing in for a full disk.
void refuseWritesTo(const QString &location, const QString &table);

// Builds a request with Content-Length set.
QByteArray rawRequest(const QByteArray &method, const QByteArray &path, const QByteArray &body,
                      const QList<QByteArray> &headers);

} // namespace interlock::test
