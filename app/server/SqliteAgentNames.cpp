// Agent names in the SQLite store: who holds each name's key (AgentNames.h), the claim made in
// a session's own transaction, and an admin's release.
#include "AgentNames.h"
#include "SqliteSupport.h"

#include "StoreSql.h"

namespace interlock {

using namespace sqlite;

bool SqliteStore::claimAgentName(const QString &skeleton, const QString &agent,
                                 const QString &opener)
{
    if (skeleton.isEmpty())
        return true;
    if (const auto holder = agentNameHolding(skeleton)) {
        if (!agentNameFreeFor(*holder, agent, opener)) {
            m_failure = StoreFailure::Other; // SessionService says who holds it
            return false;
        }
        if (!holder->opener.isEmpty() || opener.isEmpty())
            return true;
        QSqlQuery &bind = prepared(QStringLiteral(
            "UPDATE agent_names SET opener = ? WHERE skeleton = ? AND opener IS NULL"));
        bind.addBindValue(opener);
        bind.addBindValue(skeleton);
        if (!bind.exec()) {
            noteFailure();
            return false;
        }
        return true;
    }
    QSqlQuery &q = prepared(
        QStringLiteral("INSERT INTO agent_names(skeleton, agent, opener) VALUES (?, ?, ?)"));
    q.addBindValue(skeleton);
    q.addBindValue(agent);
    q.addBindValue(opener.isEmpty() ? QVariant() : QVariant(opener));
    if (!q.exec()) {
        noteFailure();
        return false;
    }
    return true;
}

std::optional<AgentNameHolder> SqliteStore::agentNameHolding(const QString &skeleton)
{
    QSqlQuery &q =
        prepared(QStringLiteral("SELECT agent, opener FROM agent_names WHERE skeleton = ?"));
    q.addBindValue(skeleton);
    std::optional<AgentNameHolder> holder;
    if (q.exec() && q.next())
        holder = AgentNameHolder{skeleton, q.value(0).toString(), q.value(1).toString()};
    q.finish();
    return holder;
}

QList<AgentNameHolder> SqliteStore::agentNames()
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.setForwardOnly(true);
    QList<AgentNameHolder> out;
    if (q.exec(QStringLiteral("SELECT skeleton, agent, opener FROM agent_names ORDER BY agent"))) {
        while (q.next())
            out.append({q.value(0).toString(), q.value(1).toString(), q.value(2).toString()});
    }
    return out;
}

AgentNameRelease SqliteStore::releaseAgentName(const QString &skeleton, const QString &agent,
                                               const Transition &t)
{
    Transaction tx(*this);
    if (!tx.isOpen())
        return AgentNameRelease::Failed;
    QSqlQuery &q =
        prepared(QStringLiteral("DELETE FROM agent_names WHERE skeleton = ? AND agent = ?"));
    q.addBindValue(skeleton);
    q.addBindValue(agent);
    if (!q.exec())
        return AgentNameRelease::Failed;
    if (q.numRowsAffected() < 1)
        return AgentNameRelease::NotHeld;
    if (!writeTransition(t, {}, {}, agent) || !tx.commit())
        return AgentNameRelease::Failed;
    return AgentNameRelease::Released;
}

bool SqliteStore::bindAgentNames()
{
    bool present = false; // files from before the version table may have it already
    {
        QSqlQuery info(QSqlDatabase::database(m_connection));
        info.exec(QStringLiteral("PRAGMA table_info(agent_names)"));
        while (info.next())
            present = present || info.value(1).toString() == QLatin1String("opener");
    }
    return (present || exec(QStringLiteral("ALTER TABLE agent_names ADD COLUMN opener TEXT"))) &&
           exec(QString::fromLatin1(storesql::kBindAgentNamesInUse));
}

} // namespace interlock
