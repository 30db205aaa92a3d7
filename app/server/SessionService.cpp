#include "SessionService.h"

#include "ActionService.h"
#include "KillSwitch.h"
#include "Tokens.h"
#include "core/Clock.h"
#include "core/FieldReader.h"
#include "core/SessionRequest.h"

namespace interlock {

SessionService::SessionService(Store &store, Clock &clock, KillSwitch &killSwitch, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_clock(clock)
    , m_killSwitch(killSwitch)
{}

SessionService::Opened SessionService::open(const Principal &who, const QJsonObject &body)
{
    SessionRequest request;
    if (const ApiError e = SessionRequest::parse(body, &request); e.isError())
        return {{}, {}, e};
    SessionRecord s;
    s.id = newId("ses");
    s.agent = request.agent;
    s.owner = request.owner;
    s.description = request.description;
    s.supervised = request.supervised;
    s.status = QStringLiteral("active");
    s.createdAt = m_clock.nowMs();
    const QString token = newToken();
    const Transition t{QStringLiteral("session.opened"),
                       {{QStringLiteral("agent"), s.agent}, {QStringLiteral("status"), s.status}},
                       QStringLiteral("session.open"),
                       actorOf(who),
                       s.createdAt};
    if (!m_store.insertSession(s, tokenHash(token), t))
        return {{}, {}, ApiError::internal(QStringLiteral("The session could not be stored."))};
    m_killSwitch.opened(s.id);
    Q_EMIT sessionChanged(s.id);
    return {s, token, {}};
}

void SessionService::announce(const SessionsEnded &ended)
{
    for (const SessionRecord &s : ended.sessions)
        Q_EMIT sessionChanged(s.id);
    for (const QString &id : ended.cancelledActions)
        Q_EMIT actionCancelled(id, {});
}

SessionService::Ended SessionService::kill(const Principal &who, const QStringList &ids,
                                           const QJsonObject &body)
{
    FieldReader r(body);
    r.allowOnly({QStringLiteral("reason")});
    QString reason = r.string(QStringLiteral("reason"), false, 500, FieldReader::Text::MultiLine)
                         .value_or(QString());
    if (!r.ok())
        return {{}, r.error()};
    // Before any read or write of the database: from here on the tokens are refused.
    m_killSwitch.kill(ids);
    if (reason.trimmed().isEmpty())
        reason =
            ids.isEmpty() ? QStringLiteral("stop all agents") : QStringLiteral("emergency stop");
    for (const QString &id : ids) {
        if (!m_store.session(id))
            return {{}, ApiError::notFound(QStringLiteral("No session with id '%1'.").arg(id))};
    }
    Transition all;
    if (ids.isEmpty())
        all = Transition{QStringLiteral("stop.all"),
                         {{QStringLiteral("reason"), reason}},
                         QStringLiteral("stop.all"),
                         actorOf(who),
                         m_clock.nowMs()};
    else
        all = Transition{{}, {}, {}, actorOf(who), m_clock.nowMs()};
    const auto ended = m_store.killSessions(ids, reason, all);
    if (!ended) {
        // Refused here at once, but other servers learn of a kill from the database: retry.
        return {{}, m_store.connected()
                        ? ApiError::internal(QStringLiteral("The kill could not be stored."))
                        : ApiError::unavailable(QStringLiteral(
                              "The database went away; the kill holds on this server only. "
                              "Retry."))};
    }
    announce(*ended);
    if (ids.isEmpty())
        Q_EMIT sessionChanged({});
    return {*ended, {}};
}

SessionService::Ended SessionService::finish(const Principal &who, const QString &id,
                                             const QJsonObject &body)
{
    FieldReader r(body);
    r.allowOnly({QStringLiteral("exit_code"), QStringLiteral("signal"), QStringLiteral("reaped"),
                 QStringLiteral("kill_latency_ms")});
    QJsonObject info;
    if (const auto v = r.integer(QStringLiteral("exit_code"), false, -1, 255))
        info.insert(QStringLiteral("exit_code"), *v);
    if (const auto v = r.integer(QStringLiteral("signal"), false, 0, 64))
        info.insert(QStringLiteral("signal"), *v);
    if (const auto v = r.integer(QStringLiteral("reaped"), false, 0, 1000000))
        info.insert(QStringLiteral("reaped"), *v);
    if (const auto v = r.number(QStringLiteral("kill_latency_ms"), false, 0, 3.6e6))
        info.insert(QStringLiteral("kill_latency_ms"), *v);
    if (!r.ok())
        return {{}, r.error()};
    if (who.sessionId != id)
        return {{}, ApiError::notFound(QStringLiteral("No session with id '%1'.").arg(id))};
    const auto s = m_store.session(id);
    if (!s)
        return {{}, ApiError::notFound(QStringLiteral("No session with id '%1'.").arg(id))};
    const bool killed = s->status == QLatin1String("killed");
    if (!killed && s->status != QLatin1String("active")) {
        return {{},
                ApiError::conflict(QStringLiteral("already_reported"),
                                   QStringLiteral("This session is already %1.").arg(s->status))};
    }
    const QString status = killed ? QStringLiteral("terminated") : QStringLiteral("ended");
    QJsonObject data = info;
    data.insert(QStringLiteral("status"), status);
    const Transition t{QStringLiteral("session.") + status, data,
                       QStringLiteral("session.") +
                           (killed ? QStringLiteral("terminate") : QStringLiteral("end")),
                       actorOf(who), m_clock.nowMs()};
    const auto ended = m_store.finishSession(id, status, info, t);
    if (!ended)
        return {{}, ApiError::internal(QStringLiteral("The report could not be stored."))};
    if (!killed)
        m_killSwitch.ended(id);
    announce(*ended);
    return {*ended, {}};
}

} // namespace interlock
