#include "StoreSql.h"

#include "AgentNames.h"
#include "core/Timestamp.h"

#include <QJsonArray>
#include <QSqlDatabase>
#include <QSqlQuery>

namespace interlock::storesql {

void Sql::add(const QString &condition, const QVariant &value)
{
    text += QStringLiteral(" AND ") + condition;
    binds.append(value);
}

void Sql::addIf(const QString &column, const QString &value)
{
    if (!value.isEmpty())
        add(column + QStringLiteral(" = ?"), value);
}

Sql historyWhere(const HistoryQuery &q)
{
    Sql w{QStringLiteral(" WHERE decided_at IS NOT NULL"), {}};
    if (q.from)
        w.add(QStringLiteral("decided_at >= ?"), *q.from);
    if (q.to)
        w.add(QStringLiteral("decided_at < ?"), *q.to);
    w.addIf(QStringLiteral("agent"), q.agent);
    w.addIf(QStringLiteral("decided_by"), q.reviewer);
    w.addIf(QStringLiteral("outcome"), q.outcome);
    w.addIf(QStringLiteral("kind"), q.kind);
    if (q.riskMin > 0)
        w.add(QStringLiteral("decided_risk >= ?"), q.riskMin); // what was decided (HistoryColumns)
    return w;
}

Sql actionsPage(const ActionQuery &query)
{
    Sql s{QStringLiteral("SELECT doc, risk_score, seq FROM actions WHERE risk_score >= ?"),
          {query.riskMin}};
    s.addIf(QStringLiteral("status"), query.status);
    s.addIf(QStringLiteral("agent"), query.agent);
    s.addIf(QStringLiteral("kind"), query.kind);
    s.addIf(QStringLiteral("session_id"), query.sessionId);
    if (query.after) {
        // Seeks to the cursor (the plain OR form would sort everything before it).
        s.text += QStringLiteral(" AND risk_score <= ? AND (risk_score < ? OR seq > ?)");
        s.binds << query.after->first << query.after->first << query.after->second;
    }
    s.text += QStringLiteral(" ORDER BY risk_score DESC, seq ASC LIMIT ?");
    s.binds.append(query.limit + 1);
    return s;
}

ActionPage readActionsPage(QSqlQuery &q, int limit)
{
    ActionPage page;
    std::pair<int, qint64> last{0, 0};
    while (q.next()) {
        if (page.docs.size() == limit) {
            page.next = last;
            break;
        }
        page.docs.append(q.value(0).toByteArray()); // PostgreSQL's text: as UTF-8
        last = {q.value(1).toInt(), q.value(2).toLongLong()};
    }
    return page;
}

bool cancelledByKill(const QJsonObject &doc)
{
    return doc.value(QStringLiteral("status")).toString() == QLatin1String("pending") ||
           doc.value(QStringLiteral("delivered_at")).isNull();
}

Transition cancelByKill(QJsonObject &doc, const QString &actor, qint64 at, const QString &reason)
{
    const int version = doc.value(QStringLiteral("version")).toInt() + 1;
    doc.insert(QStringLiteral("status"), QStringLiteral("cancelled"));
    doc.insert(QStringLiteral("version"), version);
    doc.insert(QStringLiteral("cancellation"), QJsonObject{{QStringLiteral("by"), actor},
                                                           {QStringLiteral("at"), toRfc3339(at)},
                                                           {QStringLiteral("reason"), reason}});
    return Transition{QStringLiteral("action.updated"),
                      {{QStringLiteral("status"), QStringLiteral("cancelled")},
                       {QStringLiteral("version"), version},
                       {QStringLiteral("kind"), doc.value(QStringLiteral("kind"))}},
                      {},
                      actor,
                      at,
                      {}};
}

QString killCancelReason(const QString &sessionId, const Transition &kill, const QString &reason)
{
    if (kill.eventType == QLatin1String("stop.all"))
        return QStringLiteral("stop-all (emergency stop of every agent) by %1: %2")
            .arg(kill.actor, reason);
    return QStringLiteral("kill of session %1 (emergency stop) by %2: %3")
        .arg(sessionId, kill.actor, reason);
}

QList<Transition> sessionKilled(const Transition &kill, const QString &reason,
                                const QStringList &cancelled)
{
    QJsonObject data{{QStringLiteral("status"), QStringLiteral("killed")},
                     {QStringLiteral("reason"), reason},
                     {QStringLiteral("cancelled"), cancelled.size()}};
    const Transition event{QStringLiteral("session.killed"), data, {}, kill.actor, kill.at};
    data.insert(QStringLiteral("cancelled_actions"), QJsonArray::fromStringList(cancelled));
    return {event, Transition{{}, data, QStringLiteral("session.kill"), kill.actor, kill.at}};
}

bool holdAgentNamesInUse(QSqlDatabase db, const QString &insertIgnoring)
{
    QSqlQuery names(db);
    names.setForwardOnly(true);
    if (!names.exec(QStringLiteral("SELECT agent FROM sessions GROUP BY agent ORDER BY "
                                   "min(created_at), agent")))
        return false;
    QStringList agents; // all read first: PostgreSQL's forward-only results end at the next query
    while (names.next())
        agents.append(names.value(0).toString());
    names.finish();
    QSqlQuery insert(db);
    insert.prepare(insertIgnoring);
    for (const QString &agent : std::as_const(agents)) {
        insert.addBindValue(agentNameSkeleton(agent));
        insert.addBindValue(agent);
        if (!insert.exec())
            return false;
    }
    return true;
}

} // namespace interlock::storesql
