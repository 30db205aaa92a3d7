#include "EventStream.h"

namespace interlock {

EventStream::EventStream(ApiClient &client, QObject *parent)
    : QObject(parent)
    , m_client(client)
{
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &EventStream::poll);
}

void EventStream::start()
{
    m_after = -1;
    poll();
}

void EventStream::poll()
{
    const int wait = m_after < 0 ? 0 : 25;
    m_client.request(
        "GET", QStringLiteral("/v1/events?after=%1&wait=%2").arg(m_after).arg(wait), std::nullopt,
        [this](const ApiResult &r) { onResult(r); }, {}, 35000);
}

void EventStream::onResult(const ApiResult &r)
{
    if (r.ok()) {
        m_backoffMs = 500;
        m_gatewayRetries = 0;
        const bool fresh = m_after < 0;
        m_after = r.body.value(QStringLiteral("next")).toInteger(m_after);
        if (m_state != State::Connected)
            setState(State::Connected, {});
        if (fresh)
            Q_EMIT resynced();
        const QJsonArray events = r.body.value(QStringLiteral("events")).toArray();
        if (!events.isEmpty())
            Q_EMIT eventsArrived(events);
        return poll();
    }
    if (r.status == 401 || r.status == 403) {
        setState(State::Refused, r.describe());
        return; // a token problem does not fix itself by retrying
    }
    setState(State::Reconnecting, r.describe());
    if (r.status == 502 || r.status == 503 || r.status == 504) {
        // A proxy lost the server (or no server has its database right now): the event log is
        // the shared database's, so another server continues it from the same seq and nothing
        // is missed. Retried soon, the first time at once.
        m_retry.start(m_gatewayRetries++ == 0 ? 0 : qMin(m_backoffMs, 1000));
        m_backoffMs = qMin(m_backoffMs * 2, 10000);
        return;
    }
    m_after = -1; // events may have been missed: resync when back
    m_retry.start(m_backoffMs);
    m_backoffMs = qMin(m_backoffMs * 2, 10000);
}

void EventStream::setState(State state, const QString &detail)
{
    m_state = state;
    m_detail = detail;
    Q_EMIT stateChanged(state, detail);
}

} // namespace interlock
