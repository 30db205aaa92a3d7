#pragma once

#include "Principal.h"
#include "Store.h"
#include "core/Clock.h"
#include "core/DecisionRequest.h"
#include "core/Limits.h"

#include <QObject>
#include <QTimer>

namespace interlock {

class ActionGuard;
class Clock;
class KillSwitch;
class RiskEngine;

// Every transition of an action, with its rules (DESIGN.md "Lifecycle"), independent of HTTP.
// Reads go through current(), which expires an overdue pending action first: expiry is
// fail-closed even when the timer is late. Deadlines run on a DeadlineClock (monotonic while the
// server is up), so setting the wall clock back does not extend them nor forward cut them short.
class ActionService : public QObject
{
    Q_OBJECT
public:
    ActionService(Store &store, Clock &clock, const Limits &limits, const RiskEngine &risk,
                  const KillSwitch &killSwitch, QObject *parent = nullptr);

    struct Outcome {
        QJsonObject action;
        bool replayed = false;
        ApiError error;
    };

    Outcome submit(const Principal &who, const QJsonObject &body, const QString &idempotencyKey);
    // The action if `who` may see it: its own session or a user role; else 404.
    Outcome visible(const Principal &who, const QString &id);
    // GET /v1/actions/{id}: visible(), and for a user role the first view recorded (unless
    // `recordView` is false: a prefetch) and `review` added: {min_seconds, first_viewed_at,
    // remaining_ms} for this reviewer (reading time, issue #15).
    Outcome opened(const Principal &who, const QString &id, bool recordView);
    Outcome decide(const Principal &who, const QString &id, const DecisionRequest &request);
    Outcome receipt(const Principal &who, const QString &id, const QJsonObject &body);
    // The agent no longer waits for its pending action (its tool call was cancelled, or it gave
    // up): `cancelled`, with `withdrawn: {at, reason}`. 409 once decided.
    Outcome withdraw(const Principal &who, const QString &id, const QJsonObject &body);
    // The agent's view of the decision (GET …/decision), for the agent's fetch, its first delivery
    // recorded first (delivered_before says whether another fetch had it); an error when that
    // record cannot be written, so a decision is never handed out without it.
    QJsonObject deliverDecision(const QString &id, ApiError *error);

    // Policies consulted around submissions and decisions (SafetyGuard); not owned, may be null.
    void setGuard(ActionGuard *guard) { m_guard = guard; }
    // Approves a pending action in the name of a standing grant: decision.by = `by`, its own
    // audit entry by `actor`. Refused (error) when the action is no longer pending.
    Outcome approveByGrant(const QJsonObject &action, const QString &grantId, const QString &by);

    static bool isPending(const QJsonObject &action);
    // When `reviewer`'s reading of the action starts: their first view of it, or the later edit
    // by someone else (what they read before was another payload).
    static qint64 readingStart(const QJsonObject &action, const QString &reviewer,
                               qint64 firstView);
    int expireDue();
    void expireIfDue();
    // Looks up the earliest deadline again (another server added actions).
    void rescheduleExpiry();
    // Expiry writes failed (a commit that did not get through): try again in a second.
    void retryExpiryLater();

Q_SIGNALS:
    void actionChanged(const QString &actionId, const QString &sessionId);

private:
    QJsonObject current(QJsonObject action);
    // {status, decision, payload, payload_sha256, comment, delivered_before (when decided)}.
    QJsonObject decisionView(const QJsonObject &action);
    // 422 too_fast when `reviewMs` is under the policy's minimum for the action's level.
    ApiError tooFast(const QJsonObject &action, const QString &reviewer,
                     std::optional<qint64> reviewMs) const;
    bool write(QJsonObject &action, const Transition &t);
    Transition transition(const QString &event, const QString &audit, const QString &actor,
                          const QJsonObject &action) const;
    void scheduleExpiry(std::optional<qint64> at);
    // 403 self_approval when the approver is the owner or the opener of the action's session
    // (field: which of the session's fields names them), else no error.
    ApiError selfApproval(const QString &approverKey, const QString &sessionId);
    // Why `who` may not decide the action as asked (not pending, killed, changed, their own
    // session's), else no error.
    ApiError undecidable(const Principal &who, const QJsonObject &action,
                         const DecisionRequest &request);
    // Adds an approval or an edit (with the edited payload scored again); once there are enough,
    // the action is approved with `decision`. 409 already_approved for a second approval by the
    // same person.
    ApiError addApproval(QJsonObject &action, const DecisionRequest &request,
                         const QJsonObject &approval, QJsonObject decision) const;

    Store &m_store;
    Clock &m_clock;
    DeadlineClock m_deadlines;
    const Limits &m_limits;
    const RiskEngine &m_risk;
    const KillSwitch &m_killSwitch;
    ActionGuard *m_guard = nullptr;
    QTimer m_expiryTimer;
    std::optional<qint64> m_nextExpiry;
};

QString actorOf(const Principal &who);

} // namespace interlock
