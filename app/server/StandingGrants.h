#pragma once

#include "GrantMatch.h"
#include "Principal.h"
#include "Store.h"

#include <QHash>
#include <QSet>

namespace interlock {

class Clock;

// Standing grants (docs/safety.md): "allow the same for this agent for 1 h / 8 h / 24 h",
// made by a reviewer while approving a low or medium action. A grant approves later actions of
// the same agent whose canonical facts (GrantMatch) are exactly those of the approved one.
// Grants live in memory, indexed by their lookup bucket (one hash lookup per submission), and
// are stored as safety records ("grant") so that they survive a restart.
class StandingGrants
{
public:
    StandingGrants(Store &store, Clock &clock);
    void load();
    // Reads every grant again, as another server changed some (its events through the change
    // feed), or after a write failed. A revocation held here stays, and is stored if the store
    // lacks it. False when the read failed (nothing changed) or a revocation could not be stored
    // yet: try again later.
    bool reload();
    // A revocation could not be stored: reload() stores it once it can.
    bool unstored() const { return m_unstored; }

    struct Request {
        int forSeconds = 0;
        GrantMatch::Spec spec;
        GrantMatch match;
    };
    // Checks the "grant" object of an approval of `action`; on success fills *out.
    ApiError check(const QJsonObject &action, const QJsonObject &grant, Request *out) const;
    // Stores the grant (made by `who` while approving `action`); returns its JSON.
    QJsonObject create(const Principal &who, const QJsonObject &action, const Request &request);

    // The id of an active grant whose facts are exactly those of `action`, if any.
    QString match(const QJsonObject &action) const;
    // Counts one approval by the grant before it is made, on the grant as stored now (under its
    // row lock): a grant revoked on another server meanwhile approves nothing more (Refused: read
    // again, another grant may match). Failed: the count could not be stored, so nothing is
    // approved by the grant.
    enum class Use { Claimed, Refused, Failed };
    Use claimUse(const QString &id);

    // Revokes one grant (false: no such grant); `actor` is a person's name or a policy.
    std::optional<QJsonObject> revoke(const QString &id, const QString &actor,
                                      const QString &reason);
    // Revokes every active grant of `agent`; returns how many.
    int revokeAgent(const QString &agent, const QString &actor, const QString &reason);

    // Newest first; status: active | expired | revoked | empty for all.
    QList<QJsonObject> list(const QString &status, const QString &agent, int limit) const;
    std::optional<QJsonObject> grant(const QString &id) const;
    int activeCount() const;

private:
    QJsonObject view(const QJsonObject &doc) const; // with "status" as of now
    bool active(const QJsonObject &doc) const;
    void unindex(const QString &id);
    void indexAll(QList<QJsonObject> grants); // oldest first
    // The grant as stored replaces the one held here, except that a revocation held here stays.
    void take(const QString &id, const QJsonObject &doc);
    // The event and audit entry of a revocation (the record as revoked).
    QList<SafetyWrite> revokedWrites(const QJsonObject &revoked) const;

    Store &m_store;
    Clock &m_clock;
    QHash<QString, QJsonObject> m_grants;      // id -> stored record
    QStringList m_order;                       // ids, oldest first
    QHash<QByteArray, QStringList> m_byBucket; // lookup bucket -> live grant ids
    bool m_unstored = false;                   // a revocation held here the store may lack
};

} // namespace interlock
