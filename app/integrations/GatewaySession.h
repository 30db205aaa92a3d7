#pragma once

#include "client/ApiClient.h"

#include <QObject>
#include <QTimer>
#include <functional>
#include <memory>

namespace interlock::integrations {

// The Interlock session of an MCP gateway: the inherited one under `interlockctl run`
// (INTERLOCK_SESSION_TOKEN), else one it opens with the enrollment token INTERLOCK_TOKEN on
// first need (and again on the next call if the server could not be reached). While a session
// is open it long-polls the session's events, so a kill is noticed even with no call in flight.
class GatewaySession : public QObject
{
    Q_OBJECT
public:
    struct Config {
        QUrl server;
        QString agent;
        QString owner;
        QString description;
    };
    explicit GatewaySession(Config config, QObject *parent = nullptr);
    ~GatewaySession() override;

    // Runs `done` with an empty error once a session is open, or with the reason it is not.
    void ensure(std::function<void(const QString &error)> done);
    ApiClient *client() const { return m_client.get(); } // null until open
    QString sessionId() const { return m_sessionId; }
    bool isKilled() const { return m_killed; }

Q_SIGNALS:
    void killed(const QString &why);

private:
    void opened(const QString &token, const QString &sessionId);
    void finishOpening(const QString &error);
    void watch();
    void onEvents(const ApiResult &r);
    void markKilled(const QString &why);

    Config m_config;
    std::unique_ptr<ApiClient> m_enroll;
    std::unique_ptr<ApiClient> m_client;
    QString m_sessionId;
    qint64 m_after = 0;
    bool m_opening = false;
    bool m_killed = false;
    QList<std::function<void(const QString &)>> m_waiting;
    QTimer m_retry;
};

} // namespace interlock::integrations
