#include "SafetyGuard.h"

#include "ActionService.h"
#include "SessionService.h"
#include "core/Clock.h"

namespace interlock {

namespace {
QString str(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toString();
}

bool lowOrMedium(const QJsonObject &action)
{
    const QString level =
        action.value(QStringLiteral("risk")).toObject().value(QStringLiteral("level")).toString();
    return level == QLatin1String("low") || level == QLatin1String("medium");
}

// How one submission or decision is shown in a trip record.
QJsonObject triggerOf(const QJsonObject &action, const QString &what)
{
    QJsonObject t{{QStringLiteral("what"), what},
                  {QStringLiteral("kind"), action.value(QStringLiteral("kind"))},
                  {QStringLiteral("title"), action.value(QStringLiteral("title"))}};
    if (action.contains(QStringLiteral("id")))
        t.insert(QStringLiteral("action_id"), action.value(QStringLiteral("id")));
    return t;
}
} // namespace

SafetyGuard::SafetyGuard(Store &store, Clock &clock, ActionService &actions,
                         SessionService &sessions, std::shared_ptr<const BreakerRules> rules,
                         QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_clock(clock)
    , m_actions(actions)
    , m_sessions(sessions)
    , m_breakers(std::move(rules))
    , m_freezes(store, clock)
    , m_grants(store, clock)
{
    // Empty windows are dropped now and then; a submission never scans them.
    m_prune.setInterval(60 * 1000);
    connect(&m_prune, &QTimer::timeout, this, [this] { m_breakers.prune(m_clock.nowMs()); });
    m_prune.start();
    m_reloadRetry.setSingleShot(true);
    m_reloadRetry.setInterval(500);
    connect(&m_reloadRetry, &QTimer::timeout, this, &SafetyGuard::reloadShared);
}

ApiError SafetyGuard::frozenError(const QString &why)
{
    return ApiError{423, QStringLiteral("session_frozen"), why, {}};
}

void SafetyGuard::load()
{
    m_freezes.load();
    m_grants.load();
    const qint64 longest = m_breakers.rules().longestWindowMs();
    if (m_breakers.rules().rules().isEmpty())
        return;
    // The windows, and the runs of rejections, as they stood: from the actions of the last
    // hour (or of the longest window, when longer).
    const qint64 lookback = qMax<qint64>(longest, 3600 * 1000);
    // Events up to here are in what is read next (their actions were committed with them):
    // the change feed, which may have started before, must not count them again.
    m_countedThrough = m_store.lastEventSeq();
    m_breakers.restore(m_store.actionsCreatedSince(m_clock.nowMs() - lookback, 100000));
}

QStringList SafetyGuard::activeSessionsOf(const QString &agent) const
{
    QStringList out;
    for (const SessionRecord &s : m_store.sessions(QStringLiteral("active"))) {
        if (s.agent == agent)
            out.append(s.id);
    }
    return out;
}

ApiError SafetyGuard::trip(const QList<BreakerTrip> &trips, const QString &sessionId,
                           const QString &agent, const QJsonObject &trigger)
{
    bool kill = false;
    for (const BreakerTrip &t : trips)
        kill = kill || t.rule->act == BreakerRule::Act::Kill;
    QStringList told;
    QString firstRule;
    for (const BreakerTrip &t : trips) {
        // A kill makes any freeze of the same moment moot.
        if (kill && t.rule->act != BreakerRule::Act::Kill)
            continue;
        const QStringList sessions = t.rule->scope == BreakerRule::Scope::Agent
                                         ? activeSessionsOf(agent)
                                         : QStringList{sessionId};
        const QString actor = QStringLiteral("policy:breaker.") + t.rule->id;
        if (t.rule->act == BreakerRule::Act::Kill && !sessions.isEmpty()) {
            // Exactly the emergency stop: marked killed in memory first, then stored with the
            // pending actions cancelled and the supervisor told (session.killed).
            const Principal policy{true, Role::Admin, actor, {}, false, {}};
            m_sessions.kill(
                policy, sessions,
                {{QStringLiteral("reason"), QStringLiteral("breaker %1: %2")
                                                .arg(t.rule->id, t.rule->describe(t.count))
                                                .left(500)}});
        }
        m_freezes.record(t, agent, sessionId, sessions, trigger);
        if (firstRule.isEmpty())
            firstRule = t.rule->id;
        m_grants.revokeAgent(agent, actor,
                             QStringLiteral("breaker %1 tripped for this agent").arg(t.rule->id));
        for (const QString &s : sessions) {
            if (!told.contains(s))
                told.append(s);
        }
    }
    Q_EMIT sessionsTold(told);
    if (m_freezes.unstored() || m_grants.unstored())
        storeWhatFailed();
    if (kill)
        return ApiError::sessionKilled();
    // The rule's name only: its figures (count, window, limit) are for people, as the sessions'
    // breaker_counts are; an agent told them would pace itself just under.
    return frozenError(QStringLiteral("The circuit breaker %1 froze this session. Nothing more is "
                                      "accepted until a person resumes it.")
                           .arg(firstRule));
}

ApiError SafetyGuard::refuseUnscored(const SessionRecord &session)
{
    if (m_freezes.isFrozen(session.id, session.agent))
        return frozenError(QStringLiteral("This session is frozen by a circuit breaker; nothing "
                                          "more is accepted until a person resumes it."));
    return {};
}

ApiError SafetyGuard::admit(const SessionRecord &session, const QJsonObject &action)
{
    if (const ApiError e = refuseUnscored(session); e.isError())
        return e;
    const QList<BreakerTrip> trips = m_breakers.check(
        session.id, session.agent, str(action, "kind"), factsOf(action), m_clock.nowMs());
    if (trips.isEmpty())
        return {};
    QJsonObject trigger = triggerOf(action, QStringLiteral("submission"));
    trigger.remove(QStringLiteral("action_id")); // refused: it never becomes an action
    return trip(trips, session.id, session.agent, trigger);
}

const ActionFacts &SafetyGuard::factsOf(const QJsonObject &action) const
{
    const QString id = str(action, "id");
    if (id.isEmpty() || id != m_factsOf) {
        m_facts = m_breakers.factsOf(action);
        m_factsOf = id;
    }
    return m_facts;
}

void SafetyGuard::describe(const QJsonObject &action, QJsonObject &eventData) const
{
    const ActionFacts &facts = factsOf(action);
    eventData.insert(QStringLiteral("destructive"), facts.destructive);
    eventData.insert(QStringLiteral("deleted_items"), facts.deletedItems);
}

QJsonObject SafetyGuard::submitted(const QJsonObject &action)
{
    const QString sessionId = str(action, "session_id");
    const QString agent = str(action, "agent");
    const qint64 now = m_clock.nowMs();
    m_breakers.record(sessionId, agent, str(action, "kind"), factsOf(action), now, now);
    if (!ActionService::isPending(action) || !lowOrMedium(action) ||
        action.value(QStringLiteral("required_approvals")).toInt() != 1 ||
        m_freezes.hasTripped(sessionId) || m_freezes.isFrozen(sessionId, agent))
        return action;
    // The use is counted first, against the grant as stored: one revoked on another server a
    // moment ago approves nothing (its revocation is read, and another grant may match).
    for (int attempt = 0; attempt < 3; ++attempt) {
        const QString grantId = m_grants.match(action);
        if (grantId.isEmpty())
            return action;
        const StandingGrants::Use use = m_grants.claimUse(grantId);
        if (use == StandingGrants::Use::Refused)
            continue;
        if (use == StandingGrants::Use::Failed)
            return action; // a person decides
        const auto grant = m_grants.grant(grantId);
        const QString by = QStringLiteral("grant %1 (made by %2)")
                               .arg(grantId, grant->value(QStringLiteral("created_by")).toString());
        const ActionService::Outcome approved = m_actions.approveByGrant(action, grantId, by);
        if (approved.error.isError())
            return approved.action.isEmpty() ? action : approved.action;
        return approved.action;
    }
    return action;
}

void SafetyGuard::peerEvents(const QList<EventRecord> &events)
{
    static const QSet<QString> kFreezes{
        QStringLiteral("breaker.tripped"), QStringLiteral("session.frozen"),
        QStringLiteral("session.resume_recorded"), QStringLiteral("session.resumed")};
    bool freezes = false;
    bool grants = false;
    QList<std::pair<QString, qint64>> resumed; // session, when
    for (const EventRecord &e : events) {
        countElsewhere(e);
        freezes = freezes || kFreezes.contains(e.type);
        grants = grants || e.type.startsWith(QLatin1String("grant."));
        if (e.type == QLatin1String("session.resumed"))
            resumed.append({e.sessionId, qMin(e.at, m_clock.nowMs())});
    }
    // Each read again at most once per batch of events (an agent-wide freeze adopting a
    // session the agent opened is one session.frozen: the trips only).
    m_reloadFreezes = m_reloadFreezes || freezes;
    m_reloadGrants = m_reloadGrants || grants;
    m_resumedElsewhere.append(resumed);
    reloadShared();
}

void SafetyGuard::countElsewhere(const EventRecord &e)
{
    if (e.actionId.isEmpty() || e.seq <= m_countedThrough || (m_ownEvent && m_ownEvent(e.seq)))
        return;
    const QString agent = e.data.value(QStringLiteral("agent")).toString();
    const QString kind = e.data.value(QStringLiteral("kind")).toString();
    if (agent.isEmpty() || kind.isEmpty())
        return;
    // At the time the other server made it (its clock: docs/safety.md asks for synchronised
    // clocks), never later than now.
    const qint64 now = m_clock.nowMs();
    const qint64 at = qMin(e.at, now);
    if (e.type == QLatin1String("action.created")) {
        const ActionFacts facts{e.data.value(QStringLiteral("destructive")).toBool(),
                                e.data.value(QStringLiteral("deleted_items")).toInteger()};
        m_breakers.record(e.sessionId, agent, kind, facts, at, now);
    } else if (e.data.value(QStringLiteral("by_person")).toBool()) {
        m_breakers.decided(
            e.sessionId, agent, kind,
            e.data.value(QStringLiteral("status")).toString() == QLatin1String("rejected"), at);
    }
}

void SafetyGuard::storeWhatFailed()
{
    m_reloadFreezes = true;
    m_reloadGrants = true;
    m_reloadRetry.start();
}

void SafetyGuard::reloadShared()
{
    if (m_reloadFreezes && m_freezes.reload())
        m_reloadFreezes = false;
    if (m_reloadGrants && m_grants.reload())
        m_reloadGrants = false;
    // People let these go on, on another server: their counts here start afresh too, once the
    // trips are read again (until then the session is held as before).
    if (!m_reloadFreezes) {
        for (const auto &[id, at] : std::exchange(m_resumedElsewhere, {})) {
            if (const auto session = m_store.session(id);
                session && !m_freezes.isFrozen(id, session->agent))
                m_breakers.forget(id, session->agent, at);
        }
    }
    // A read that failed (the database away, this server's group doomed), or a trip or
    // revocation not stored yet: again shortly.
    if (m_reloadFreezes || m_reloadGrants)
        m_reloadRetry.start();
}

ApiError SafetyGuard::checkDecision(const Principal &, const QJsonObject &action,
                                    const DecisionRequest &request)
{
    m_grantRequest.reset();
    const QString sessionId = str(action, "session_id");
    if (request.kind != DecisionRequest::Kind::Reject &&
        m_freezes.isFrozen(sessionId, str(action, "agent")))
        return frozenError(QStringLiteral("The session that submitted this action is frozen by a "
                                          "circuit breaker: it can be rejected, but approved only "
                                          "after a person resumes the session."));
    if (!request.grant)
        return {};
    if (m_freezes.hasTripped(sessionId))
        return ApiError{422, QStringLiteral("not_grantable"),
                        QStringLiteral("A circuit breaker tripped for this session; nothing of it "
                                       "can be granted."),
                        QStringLiteral("grant")};
    StandingGrants::Request grant;
    if (const ApiError e = m_grants.check(action, *request.grant, &grant); e.isError())
        return e;
    m_grantRequest = grant;
    return {};
}

void SafetyGuard::decided(const Principal &who, QJsonObject &action, const DecisionRequest &request)
{
    const QString sessionId = str(action, "session_id");
    const QString agent = str(action, "agent");
    if (m_grantRequest && str(action, "status") == QLatin1String("approved")) {
        const QJsonObject grant = m_grants.create(who, action, *m_grantRequest);
        if (!grant.isEmpty())
            action.insert(QStringLiteral("grant"), grant);
        Q_EMIT sessionsTold({});
    }
    m_grantRequest.reset();
    const bool rejected = request.kind == DecisionRequest::Kind::Reject;
    const QList<BreakerTrip> trips =
        m_breakers.decided(sessionId, agent, str(action, "kind"), rejected, m_clock.nowMs());
    if (!trips.isEmpty())
        trip(trips, sessionId, agent, triggerOf(action, QStringLiteral("rejection")));
}

void SafetyGuard::sessionChanged(const QString &sessionId)
{
    if (sessionId.isEmpty())
        return;
    const auto session = m_store.session(sessionId);
    if (session && m_freezes.isFrozen(session->id, session->agent) && m_freezes.adopt(*session))
        Q_EMIT sessionsTold({session->id});
}

SessionFreezes::Resumed SafetyGuard::resume(const Principal &who, const QString &sessionId,
                                            const QString &comment)
{
    const auto session = m_store.session(sessionId);
    if (!session) {
        SessionFreezes::Resumed out;
        out.error = ApiError::notFound(QStringLiteral("No session with id '%1'.").arg(sessionId));
        return out;
    }
    SessionFreezes::Resumed out = m_freezes.resume(who, *session, comment);
    // People looked and let it go on: the counts start afresh, or the next submission would
    // trip the same rule at once.
    if (out.lifted)
        m_breakers.forget(session->id, session->agent, m_clock.nowMs());
    if (!out.sessions.isEmpty())
        Q_EMIT sessionsTold(out.sessions);
    return out;
}

std::optional<QJsonObject> SafetyGuard::revokeGrant(const Principal &who, const QString &id)
{
    auto out = m_grants.revoke(id, who.name, QStringLiteral("revoked by a person"));
    if (m_grants.unstored())
        storeWhatFailed();
    if (out)
        Q_EMIT sessionsTold({});
    return out;
}

QJsonObject SafetyGuard::sessionJson(const SessionRecord &session) const
{
    QJsonObject o = session.toJson();
    o.insert(QStringLiteral("frozen"), session.status == QLatin1String("active")
                                           ? m_freezes.frozenJson(session.id, session.agent)
                                           : QJsonValue(QJsonValue::Null));
    if (session.status == QLatin1String("active"))
        o.insert(QStringLiteral("breaker_counts"),
                 m_breakers.counts(session.id, session.agent, m_clock.nowMs()));
    return o;
}

} // namespace interlock
