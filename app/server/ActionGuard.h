#pragma once

#include "Principal.h"
#include "Store.h"
#include "core/DecisionRequest.h"

namespace interlock {

// What ActionService asks before and after the transitions it makes, so that policies that
// look across actions (circuit breakers, freezes, standing grants: SafetyGuard) stay out of it.
class ActionGuard
{
public:
    virtual ~ActionGuard() = default;

    // A submission before it is scored: what refuses it whatever it holds (423 session_frozen),
    // so that a frozen session's submissions cost no scoring.
    virtual ApiError refuseUnscored(const SessionRecord &session) = 0;
    // A scored submission, before it is stored: an error refuses it (423 session_frozen; a
    // breaker that kills answers 403 session_killed).
    virtual ApiError admit(const SessionRecord &session, const QJsonObject &action) = 0;
    // Adds to a submission's action.created event what other servers sharing the database need
    // to count it (the change feed carries it to them).
    virtual void describe(const QJsonObject &action, QJsonObject &eventData) const = 0;
    // After it was stored: returns the action as it is now (a standing grant may have approved
    // it).
    virtual QJsonObject submitted(const QJsonObject &action) = 0;
    // A person's decision on a pending action, before it is written.
    virtual ApiError checkDecision(const Principal &who, const QJsonObject &action,
                                   const DecisionRequest &request) = 0;
    // After it was written; may add to the reply (the grant it made).
    virtual void decided(const Principal &who, QJsonObject &action,
                         const DecisionRequest &request) = 0;
};

} // namespace interlock
