#pragma once

#include "ActionGuard.h"
#include "CircuitBreakers.h"
#include "SessionFreezes.h"
#include "StandingGrants.h"

#include <QObject>
#include <QTimer>
#include <functional>

namespace interlock {

class ActionService;
class Clock;
class SessionService;

// Safety that does not wait for a person (docs/safety.md): circuit breakers that freeze or kill
// a runaway session the moment it crosses a rule, the freezes that hold it until people resume
// it, and standing grants that approve exact repeats of what a reviewer allowed. It sits in
// ActionService's path through the ActionGuard hooks; kills go through SessionService::kill,
// the emergency stop's own path.
class SafetyGuard : public QObject, public ActionGuard
{
    Q_OBJECT
public:
    SafetyGuard(Store &store, Clock &clock, ActionService &actions, SessionService &sessions,
                std::shared_ptr<const BreakerRules> rules, QObject *parent = nullptr);
    // Reads the trips and grants back and refills the breakers' windows from recent actions.
    void load();

    ApiError refuseUnscored(const SessionRecord &session) override;
    ApiError admit(const SessionRecord &session, const QJsonObject &action) override;
    void describe(const QJsonObject &action, QJsonObject &eventData) const override;
    QJsonObject submitted(const QJsonObject &action) override;
    ApiError checkDecision(const Principal &who, const QJsonObject &action,
                           const DecisionRequest &request) override;
    void decided(const Principal &who, QJsonObject &action,
                 const DecisionRequest &request) override;

    // A session opened or changed: one the agent opened under an agent-wide freeze is held too,
    // and its supervisor told.
    void sessionChanged(const QString &sessionId);
    // Events another server committed (the change feed): its trips, freezes, resumes and grants
    // hold here too, and its submissions and people's decisions count toward the breakers here.
    void peerEvents(const QList<EventRecord> &events);
    // Which of the feed's events this server wrote itself (counted already when it wrote them).
    void setOwnEvents(std::function<bool(qint64 seq)> own) { m_ownEvent = std::move(own); }
    // A commit group failed (or a write of a trip or grant did): what is held here but not
    // stored is stored again, as soon as the store takes it.
    void storeWhatFailed();
    // POST /v1/sessions/{id}/resume.
    SessionFreezes::Resumed resume(const Principal &who, const QString &sessionId,
                                   const QString &comment);
    // DELETE /v1/grants/{id}.
    std::optional<QJsonObject> revokeGrant(const Principal &who, const QString &id);

    // The session as the API shows it, with "frozen" (null or what holds it).
    QJsonObject sessionJson(const SessionRecord &session) const;

    const SessionFreezes &freezes() const { return m_freezes; }
    const StandingGrants &grants() const { return m_grants; }
    const CircuitBreakers &breakers() const { return m_breakers; }

    static ApiError frozenError(const QString &why);

Q_SIGNALS:
    // Events were written for these sessions (and for every console).
    void sessionsTold(const QStringList &sessionIds);

private:
    // Acts on the rules crossed: kills (SessionService::kill) or freezes, records each trip and
    // revokes the agent's grants. Returns the error for the request that crossed them.
    ApiError trip(const QList<BreakerTrip> &trips, const QString &sessionId, const QString &agent,
                  const QJsonObject &trigger);
    QStringList activeSessionsOf(const QString &agent) const;
    // Reads again what another server changed (m_reloadFreezes, m_reloadGrants).
    void reloadShared();
    // What the breakers count of the action being submitted: worked out once for its check
    // (admit), its event (describe) and its count (submitted), which see the same document.
    const ActionFacts &factsOf(const QJsonObject &action) const;
    // Another server's submission or person's decision, toward the breakers here (it tripped
    // there what it crossed).
    void countElsewhere(const EventRecord &e);

    Store &m_store;
    Clock &m_clock;
    ActionService &m_actions;
    SessionService &m_sessions;
    CircuitBreakers m_breakers;
    SessionFreezes m_freezes;
    StandingGrants m_grants;
    QTimer m_prune;
    QTimer m_reloadRetry;
    bool m_reloadFreezes = false;
    bool m_reloadGrants = false;
    std::function<bool(qint64)> m_ownEvent;
    mutable QString m_factsOf; // the action id m_facts are of
    mutable ActionFacts m_facts;
    // Sessions resumed on another server, and when: their counts up to then are forgotten once
    // the trips are read again.
    QList<std::pair<QString, qint64>> m_resumedElsewhere;
    qint64 m_countedThrough = 0; // events the restore at start counted already
    // Between checkDecision and decided of one decision (the server is single-threaded).
    std::optional<StandingGrants::Request> m_grantRequest;
};

} // namespace interlock
