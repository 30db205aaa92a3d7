#pragma once

#include "CircuitBreakers.h"
#include "Principal.h"
#include "Store.h"

#include <QHash>
#include <QSet>

namespace interlock {

class Clock;

// The record of every breaker trip and the freezes they put in place (docs/safety.md). A freeze
// holds one session (scope session) or every session of one agent, present and future (scope
// agent) until people resume it: one person, or two different people after a critical rule.
// Trips are stored as safety records ("trip") and read back at start-up, so a restart keeps
// every freeze.
class SessionFreezes
{
public:
    SessionFreezes(Store &store, Clock &clock);
    void load();
    // Reads every trip again, as another server changed some (its events through the change
    // feed), or after a write failed. Trips held here that the store lacks (it refused them, or
    // their commit group was rolled back) stay held and are stored again. False when the read
    // failed (nothing changed) or a trip could not be stored yet: try again later.
    bool reload();
    // A trip could not be stored: reload() stores it once it can.
    bool unstored() const { return m_unstored; }

    bool isFrozen(const QString &sessionId, const QString &agent) const;
    // Whether a breaker ever tripped for this session (a standing grant never applies to it).
    bool hasTripped(const QString &sessionId) const;
    // null, or what holds the session: {"trips":[ids], "rule", "message", "since", "critical",
    // "required_resumes", "resumes":[{by, at, comment}]} (the most demanding trip first).
    QJsonValue frozenJson(const QString &sessionId, const QString &agent) const;

    // Records a trip: a freeze (in memory first, then stored) or a kill (done by the caller).
    // `sessions`: the sessions it holds or killed. Returns the stored record.
    QJsonObject record(const BreakerTrip &trip, const QString &agent, const QString &sessionId,
                       const QStringList &sessions, const QJsonObject &trigger);

    // A session the agent opened while an agent-wide freeze holds it: recorded in those trips,
    // and its supervisor told (session.frozen). False when no such freeze holds it.
    bool adopt(const SessionRecord &session);

    struct Resumed {
        ApiError error;
        bool lifted = false;      // nothing holds the session any more
        QList<QJsonObject> trips; // the records changed
        QStringList sessions;     // the sessions whose stream was told
    };
    Resumed resume(const Principal &who, const SessionRecord &session, const QString &comment);

    // Newest first; status empty: all (frozen, resumed, killed).
    QList<QJsonObject> list(const QString &status, int limit) const;
    std::optional<QJsonObject> trip(const QString &id) const;
    int frozenCount() const;

private:
    QStringList activeTrips(const QString &sessionId, const QString &agent) const;
    void index(const QJsonObject &trip);
    void unindexFreeze(const QString &id);
    void indexAll(QList<QJsonObject> trips); // oldest first
    // The trip as stored now replaces the one held here.
    void take(const QJsonObject &trip);
    // The events and audit entry of a trip (breaker.tripped, session.frozen for each session).
    static QList<SafetyWrite> tripWrites(const QJsonObject &trip, qint64 now);

    Store &m_store;
    Clock &m_clock;
    QHash<QString, QJsonObject> m_trips;          // id -> record
    QStringList m_order;                          // ids, oldest first
    QHash<QString, QStringList> m_frozenSessions; // session id -> trips holding it
    QHash<QString, QStringList> m_frozenAgents;   // agent -> trips holding all its sessions
    QSet<QString> m_tripped;                      // sessions that ever tripped
    bool m_unstored = false;                      // a trip held here the store may lack
};

} // namespace interlock
