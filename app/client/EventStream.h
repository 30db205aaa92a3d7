#pragma once

#include "ApiClient.h"

#include <QJsonArray>
#include <QTimer>

namespace interlock {

// Follows GET /v1/events with long-polls from "now" on, and says how the connection is:
// connected, reconnecting (with backoff, 0.5 s doubling to 10 s) or refused by the server.
// Behind a load balancer a 502/503/504 is retried from the same seq (the log is shared, another
// server continues it); any other failure resyncs from "now" (resynced() reloads the state).
class EventStream : public QObject
{
    Q_OBJECT
public:
    enum class State { Connecting, Connected, Reconnecting, Refused };
    Q_ENUM(State)

    explicit EventStream(ApiClient &client, QObject *parent = nullptr);
    void start();
    State state() const { return m_state; }
    QString detail() const { return m_detail; }

Q_SIGNALS:
    void stateChanged(interlock::EventStream::State state, const QString &detail);
    // Emitted once connected, before the first events: time to (re)load the full state.
    void resynced();
    void eventsArrived(const QJsonArray &events);

private:
    void poll();
    void onResult(const ApiResult &r);
    void setState(State state, const QString &detail);

    ApiClient &m_client;
    qint64 m_after = -1;
    int m_backoffMs = 500;
    int m_gatewayRetries = 0;
    State m_state = State::Connecting;
    QString m_detail;
    QTimer m_retry;
};

} // namespace interlock
