#include "SessionService.h"

#include "ActionService.h"
#include "AgentNames.h"
#include "KillRecorder.h"
#include "KillSwitch.h"
#include "Tokens.h"
#include "core/Clock.h"
#include "core/FieldReader.h"
#include "core/Identity.h"
#include "core/SessionRequest.h"
#include "core/Timestamp.h"

namespace interlock {

SessionService::SessionService(Store &store, Clock &clock, KillSwitch &killSwitch,
                               KillRecorder &recorder, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_clock(clock)
    , m_killSwitch(killSwitch)
    , m_recorder(recorder)
{
    connect(&m_recorder, &KillRecorder::recordedLater, this,
            [this](const SessionsEnded &ended, bool stopAll) {
                announce(ended);
                if (stopAll)
                    Q_EMIT sessionChanged({});
            });
}

SessionService::Opened SessionService::open(const Principal &who, const QJsonObject &body)
{
    SessionRequest request;
    if (const ApiError e = SessionRequest::parse(body, &request); e.isError())
        return {{}, {}, e, {}};
    SessionRecord s;
    s.id = newId("ses");
    s.agent = request.agent;
    s.opener = who.name;
    if (const ApiError e = nameRefusal(s); e.isError())
        return {{}, {}, e, {}};
    s.owner = resolvePerson(request.owner);
    s.ownerClaimed = request.owner;
    s.description = request.description;
    s.supervised = request.supervised;
    s.status = QStringLiteral("active");
    s.createdAt = m_clock.nowMs();
    const QString token = newToken();
    const QString supervisorToken = s.supervised ? newToken() : QString();
    const Transition t{QStringLiteral("session.opened"),
                       {{QStringLiteral("agent"), s.agent},
                        {QStringLiteral("status"), s.status},
                        {QStringLiteral("owner"), s.owner.isEmpty() ? QJsonValue() : s.owner},
                        {QStringLiteral("supervised"), s.supervised}},
                       QStringLiteral("session.open"),
                       actorOf(who),
                       s.createdAt,
                       {}};
    if (!m_store.insertSession(s, tokenHash(token), t,
                               s.supervised ? tokenHash(supervisorToken) : QByteArray())) {
        const StoreFailure failure = m_store.lastFailure();
        // Another server gave the skeleton to a look-alike name (or the name to another opener)
        // a moment ago.
        if (const ApiError e = nameRefusal(s); e.isError())
            return {{}, {}, e, {}};
        return {{}, {}, storeError(failure, QStringLiteral("The session")), {}};
    }
    m_killSwitch.opened(s.id, s.supervised);
    Q_EMIT sessionChanged(s.id);
    return {s, token, {}, supervisorToken};
}

ApiError SessionService::nameRefusal(const SessionRecord &s)
{
    const auto holder = m_store.agentNameHolding(agentNameSkeleton(s.agent));
    if (!holder || agentNameFreeFor(*holder, s.agent, s.opener))
        return {};
    if (holder->agent != s.agent)
        return ApiError::invalidField(
            QStringLiteral("agent"),
            QStringLiteral("\"%1\" looks like the agent name \"%2\" already in use (%3); two "
                           "agents must not read as one to the people who review them")
                .arg(s.agent, holder->agent, lookAlikeDifference(s.agent, holder->agent)));
    // Not who holds it: a hostile agent learns no other token's name.
    return ApiError::forbidden(
        QStringLiteral("The agent name \"%1\" belongs to the enrolling token that first opened a "
                       "session under it; this token cannot open sessions under that name (an "
                       "admin can release it: interlockctl agent-names release).")
            .arg(s.agent));
}

SessionService::NameReleased SessionService::releaseName(const Principal &who,
                                                         const QJsonObject &body)
{
    FieldReader r(body);
    r.allowOnly({QStringLiteral("agent"), QStringLiteral("comment")});
    const QString agent = r.string(QStringLiteral("agent"), true, 128).value_or(QString());
    const QString comment =
        r.string(QStringLiteral("comment"), false, 2000, FieldReader::Text::MultiLine)
            .value_or(QString());
    if (!r.ok())
        return {{}, r.error()};
    const QString skeleton = agentNameSkeleton(agent);
    const auto holder = m_store.agentNameHolding(skeleton);
    if (!holder || holder->agent != agent)
        return {{},
                ApiError::notFound(
                    holder ? QStringLiteral("\"%1\" is not a held agent name; its look-alike "
                                            "\"%2\" is.")
                                 .arg(agent, holder->agent)
                           : QStringLiteral("\"%1\" is not a held agent name.").arg(agent))};
    qsizetype active = 0;
    for (const SessionRecord &session : m_store.sessions(QStringLiteral("active")))
        active += agentNameSkeleton(session.agent) == skeleton ? 1 : 0;
    if (active > 0)
        return {{},
                ApiError::conflict(
                    QStringLiteral("agent_name_in_use"),
                    QStringLiteral("%1 active session(s) of \"%2\" hold the name; kill or end "
                                   "them first.")
                        .arg(active)
                        .arg(agent))};
    const Transition t{
        {},
        {{QStringLiteral("agent"), agent},
         {QStringLiteral("opener"), holder->opener.isEmpty() ? QJsonValue() : holder->opener},
         {QStringLiteral("comment"), comment}},
        QStringLiteral("agent_name.release"),
        actorOf(who),
        m_clock.nowMs(),
        {}};
    switch (m_store.releaseAgentName(skeleton, agent, t)) {
    case AgentNameRelease::Released:
        return {*holder, {}};
    case AgentNameRelease::NotHeld:
        return {{},
                ApiError::notFound(QStringLiteral("\"%1\" is not a held agent name.").arg(agent))};
    case AgentNameRelease::Failed:
        break;
    }
    return {{}, storeError(m_store.lastFailure(), QStringLiteral("The release"))};
}

QString SessionService::resolvePerson(const QString &claimed)
{
    const QString key = identityKey(claimed);
    if (key.isEmpty())
        return {};
    for (const TokenRecord &t : m_store.tokenNames()) {
        if (isUserRole(t.role) && identityKey(t.name) == key)
            return t.name;
    }
    return {};
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
    const QString asked =
        r.string(QStringLiteral("reason"), false, 500, FieldReader::Text::MultiLine)
            .value_or(QString());
    if (!r.ok())
        return {{}, r.error()};
    // Before any read or write of the database: from here on the tokens are refused.
    const QStringList stopped = m_killSwitch.kill(ids);
    for (const QString &id : ids) {
        if (!m_store.session(id))
            return {{}, ApiError::notFound(QStringLiteral("No session with id '%1'.").arg(id))};
    }
    const qint64 now = m_clock.nowMs();
    KillRecorder::Request request = KillRecorder::request(ids, asked, actorOf(who), now, stopped);
    const QString &reason = request.reason;
    if (ids.isEmpty()) {
        for (const SessionRecord &s : m_store.sessions(QStringLiteral("active"))) {
            if (!request.stopAllTargets.contains(s.id))
                request.stopAllTargets.append(s.id);
        }
    }
    if (const auto ended = m_recorder.record(request)) {
        announce(*ended);
        if (ids.isEmpty())
            Q_EMIT sessionChanged({});
        return {*ended, {}};
    }
    // Not in the database yet: what the sessions are now, as far as anyone can tell.
    Ended out;
    out.recorded = false;
    for (const QString &id : ids.isEmpty() ? request.stopAllTargets : ids) {
        SessionRecord s = m_store.session(id).value_or(SessionRecord{});
        if (s.id.isEmpty())
            continue;
        if (s.status == QLatin1String("active")) {
            s.status = QStringLiteral("killed");
            s.stop = {{QStringLiteral("killed_at"), toRfc3339(now)},
                      {QStringLiteral("killed_by"), actorOf(who)},
                      {QStringLiteral("reason"), reason},
                      {QStringLiteral("recorded"), false}};
        }
        out.result.sessions.append(s);
    }
    return out;
}

SessionRecord SessionService::asSeen(SessionRecord session) const
{
    if (session.status == QLatin1String("active") && m_killSwitch.isKilled(session.id)) {
        session.status = QStringLiteral("killed");
        session.stop.insert(QStringLiteral("recorded"), false);
    }
    return session;
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
    // The supervisor's kill_latency_ms counts from when it read the kill; this counts from the
    // kill, on the server's clock: a supervisor the agent held stopped shows here.
    if (killed) {
        if (const auto killedAt =
                fromRfc3339(s->stop.value(QStringLiteral("killed_at")).toString()))
            info.insert(QStringLiteral("reported_after_kill_ms"),
                        qMax<qint64>(0, m_clock.nowMs() - *killedAt));
    }
    QJsonObject data = info;
    data.insert(QStringLiteral("status"), status);
    const Transition t{QStringLiteral("session.") + status,
                       data,
                       QStringLiteral("session.") +
                           (killed ? QStringLiteral("terminate") : QStringLiteral("end")),
                       actorOf(who),
                       m_clock.nowMs(),
                       {}};
    const auto ended = m_store.finishSession(id, status, info, t);
    if (!ended)
        return {{}, storeError(m_store.lastFailure(), QStringLiteral("The report"))};
    if (!killed)
        m_killSwitch.ended(id);
    announce(*ended);
    return {*ended, {}};
}

} // namespace interlock
