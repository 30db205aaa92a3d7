// Agent names in the PostgreSQL store: who holds each name's key (AgentNames.h), the claim made
// in a session's own transaction, and an admin's release.
#include "AgentNames.h"
#include "PgSupport.h"

namespace interlock {

using namespace pg;

bool PgStore::claimAgentName(const QString &skeleton, const QString &agent, const QString &opener)
{
    if (skeleton.isEmpty())
        return true;
    // Another server taking the same skeleton at once: ON CONFLICT waits for its commit, and the
    // statements after it (each a statement of its own, so they see that commit) bind an unbound
    // holder to this opener and then name the one holder.
    QSqlQuery &claim = prepared(QStringLiteral("INSERT INTO agent_names(skeleton, agent, opener) "
                                               "VALUES (?, ?, ?) ON CONFLICT (skeleton) DO "
                                               "NOTHING"));
    claim.addBindValue(skeleton);
    claim.addBindValue(agent);
    claim.addBindValue(orNull(opener));
    bool ok = execute(claim);
    claim.finish();
    if (ok && !opener.isEmpty()) {
        QSqlQuery &bind = prepared(QStringLiteral("UPDATE agent_names SET opener = ? WHERE "
                                                  "skeleton = ? AND agent = ? AND opener IS NULL"));
        bind.addBindValue(opener);
        bind.addBindValue(skeleton);
        bind.addBindValue(agent);
        ok = execute(bind);
        bind.finish();
    }
    if (!ok)
        return false;
    if (const auto holder = agentNameHolding(skeleton);
        holder && agentNameFreeFor(*holder, agent, opener))
        return true;
    m_failure = StoreFailure::Other; // SessionService says who holds it
    return false;
}

std::optional<AgentNameHolder> PgStore::agentNameHolding(const QString &skeleton)
{
    QSqlQuery &q =
        prepared(QStringLiteral("SELECT agent, opener FROM agent_names WHERE skeleton = ?"));
    q.addBindValue(skeleton);
    std::optional<AgentNameHolder> holder;
    if (execute(q) && q.next())
        holder = AgentNameHolder{skeleton, q.value(0).toString(), q.value(1).toString()};
    q.finish();
    return holder;
}

QList<AgentNameHolder> PgStore::agentNames()
{
    return reading([&] {
        QSqlQuery &q = prepared(
            QStringLiteral("SELECT skeleton, agent, opener FROM agent_names ORDER BY agent"));
        QList<AgentNameHolder> out;
        if (execute(q)) {
            while (q.next())
                out.append({q.value(0).toString(), q.value(1).toString(), q.value(2).toString()});
        }
        q.finish();
        return out;
    });
}

AgentNameRelease PgStore::releaseAgentName(const QString &skeleton, const QString &agent,
                                           const Transition &t)
{
    Transaction tx(*this);
    if (!tx.open())
        return AgentNameRelease::Failed;
    QSqlQuery &q = prepared(QStringLiteral(
        "DELETE FROM agent_names WHERE skeleton = ? AND agent = ? RETURNING skeleton"));
    q.addBindValue(skeleton);
    q.addBindValue(agent);
    if (!execute(q))
        return AgentNameRelease::Failed;
    const bool deleted = q.next(); // numRowsAffected() is 0 with RETURNING
    q.finish();
    if (!deleted)
        return AgentNameRelease::NotHeld;
    if (!writeTransition(t, {}, {}, agent) || !tx.commit())
        return AgentNameRelease::Failed;
    return AgentNameRelease::Released;
}

} // namespace interlock
