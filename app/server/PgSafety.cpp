// The safety layer's records in the PostgreSQL store (as SqliteSafety.cpp): standing grants and
// breaker trips (table `safety`), and the reads the breakers and the metrics need.
#include "PgSupport.h"

#include "core/RiskLevel.h"

namespace interlock {

using namespace pg;

bool PgStore::putSafetyRecord(const QString &kind, const QString &id, const QJsonObject &doc,
                              const QList<SafetyWrite> &writes)
{
    Transaction tx(*this);
    if (!tx.open())
        return false;
    QSqlQuery &q = prepared(QStringLiteral("INSERT INTO safety(kind, id, doc) VALUES (?, ?, ?) ON "
                                           "CONFLICT (kind, id) DO UPDATE SET doc = EXCLUDED.doc"));
    q.addBindValue(kind);
    q.addBindValue(id);
    q.addBindValue(compact(doc));
    if (!execute(q))
        return false;
    q.finish();
    for (const SafetyWrite &w : writes) {
        if (!writeTransition(w.transition, w.sessionId, {}, w.subject))
            return false;
    }
    return tx.commit();
}

SafetyPut PgStore::reviseSafetyRecord(const QString &kind, const QString &id,
                                      const SafetyReviser &revise, QJsonObject *stored)
{
    // A group holding rows never waits for a record another server's group holds (as for
    // actions): it commits what it has first.
    if (!waitHoldingNothingFor(QStringLiteral("SELECT 1 FROM safety WHERE kind = ? AND id = ? "
                                              "FOR UPDATE SKIP LOCKED"),
                               {kind, id}))
        return SafetyPut::Failed;
    Transaction tx(*this);
    if (!tx.open())
        return SafetyPut::Failed;
    QSqlQuery &read =
        prepared(QStringLiteral("SELECT doc FROM safety WHERE kind = ? AND id = ? FOR UPDATE"));
    read.addBindValue(kind);
    read.addBindValue(id);
    if (!execute(read))
        return SafetyPut::Failed;
    const bool found = read.next();
    const QJsonObject current = found ? parseDoc(read.value(0)) : QJsonObject();
    read.finish();
    if (!found)
        return tx.commit() ? SafetyPut::Absent : SafetyPut::Failed;
    if (m_groupOpen)
        m_heldSafetyRow = true;
    const std::optional<SafetyChange> change = revise(current);
    if (!change) {
        *stored = current;
        return tx.commit() ? SafetyPut::Unchanged : SafetyPut::Failed;
    }
    QSqlQuery &q = prepared(QStringLiteral("UPDATE safety SET doc = ? WHERE kind = ? AND id = ?"));
    q.addBindValue(compact(change->doc));
    q.addBindValue(kind);
    q.addBindValue(id);
    if (!execute(q))
        return SafetyPut::Failed;
    q.finish();
    for (const SafetyWrite &w : change->writes) {
        if (!writeTransition(w.transition, w.sessionId, {}, w.subject))
            return SafetyPut::Failed;
    }
    if (!tx.commit())
        return SafetyPut::Failed;
    *stored = change->doc;
    return SafetyPut::Written;
}

QList<QJsonObject> PgStore::safetyRecords(const QString &kind, bool *ok)
{
    return reading([&] {
        QSqlQuery &q =
            prepared(QStringLiteral("SELECT doc FROM safety WHERE kind = ? ORDER BY id"));
        q.addBindValue(kind);
        QList<QJsonObject> out;
        const bool read = execute(q);
        if (read) {
            while (q.next())
                out.append(parseDoc(q.value(0)));
        }
        q.finish();
        if (ok)
            *ok = read;
        return out;
    });
}

QList<QJsonObject> PgStore::actionsCreatedSince(qint64 sinceMs, int limit)
{
    // Backwards along the primary key, as in SQLite: only the recent end of the table is read.
    // Servers insert concurrently, so seq order is nearly but not exactly time order: the
    // created_at filter is in the query rather than a stop at the first older row.
    return reading([&] {
        QSqlQuery &q = prepared(QStringLiteral(
            "SELECT doc FROM (SELECT seq, created_at, doc FROM actions ORDER BY seq DESC LIMIT ?) "
            "r WHERE created_at >= ? ORDER BY seq DESC"));
        q.addBindValue(limit);
        q.addBindValue(sinceMs);
        QList<QJsonObject> out;
        if (execute(q)) {
            while (q.next())
                out.append(parseDoc(q.value(0)));
        }
        q.finish();
        return out;
    });
}

std::array<qint64, 4> PgStore::pendingByLevel()
{
    return reading([&] {
        std::array<qint64, 4> out{0, 0, 0, 0};
        QSqlQuery &q = prepared(QStringLiteral("SELECT risk_score, count(*) FROM actions WHERE "
                                               "status = 'pending' GROUP BY risk_score"));
        if (execute(q)) {
            while (q.next())
                out[size_t(levelForScore(q.value(0).toInt()))] += q.value(1).toLongLong();
        }
        q.finish();
        return out;
    });
}

} // namespace interlock
