#include "SqliteSupport.h"

#include "core/RiskLevel.h"

// The safety layer's records in the SQLite store: standing grants and breaker trips (table
// `safety`), and the reads the breakers and the metrics need.
namespace interlock {

using namespace sqlite;

bool SqliteStore::putSafetyRecord(const QString &kind, const QString &id, const QJsonObject &doc,
                                  const QList<SafetyWrite> &writes)
{
    Transaction tx(*this);
    if (!tx.isOpen())
        return false;
    QSqlQuery &q =
        prepared(QStringLiteral("INSERT OR REPLACE INTO safety(kind, id, doc) VALUES (?, ?, ?)"));
    q.addBindValue(kind);
    q.addBindValue(id);
    q.addBindValue(compact(doc));
    if (!q.exec()) {
        noteFailure(); // 507 or 503 for what follows, as for every other write
        return false;
    }
    for (const SafetyWrite &w : writes) {
        if (!writeTransition(w.transition, w.sessionId, {}, w.subject))
            return false;
    }
    return tx.commit();
}

SafetyPut SqliteStore::reviseSafetyRecord(const QString &kind, const QString &id,
                                          const SafetyReviser &revise, QJsonObject *stored)
{
    // One writer: the record cannot change between this read and the write.
    Transaction tx(*this);
    if (!tx.isOpen())
        return SafetyPut::Failed;
    QSqlQuery &read = prepared(QStringLiteral("SELECT doc FROM safety WHERE kind = ? AND id = ?"));
    read.addBindValue(kind);
    read.addBindValue(id);
    if (!read.exec())
        return SafetyPut::Failed;
    const bool found = read.next();
    const QJsonObject current = found ? parseDoc(read.value(0)) : QJsonObject();
    read.finish();
    if (!found)
        return tx.commit() ? SafetyPut::Absent : SafetyPut::Failed;
    const std::optional<SafetyChange> change = revise(current);
    if (!change) {
        *stored = current;
        return tx.commit() ? SafetyPut::Unchanged : SafetyPut::Failed;
    }
    QSqlQuery &q = prepared(QStringLiteral("UPDATE safety SET doc = ? WHERE kind = ? AND id = ?"));
    q.addBindValue(compact(change->doc));
    q.addBindValue(kind);
    q.addBindValue(id);
    if (!q.exec())
        return SafetyPut::Failed;
    for (const SafetyWrite &w : change->writes) {
        if (!writeTransition(w.transition, w.sessionId, {}, w.subject))
            return SafetyPut::Failed;
    }
    if (!tx.commit())
        return SafetyPut::Failed;
    *stored = change->doc;
    return SafetyPut::Written;
}

QList<QJsonObject> SqliteStore::safetyRecords(const QString &kind, bool *ok)
{
    QSqlQuery &q = prepared(QStringLiteral("SELECT doc FROM safety WHERE kind = ? ORDER BY id"));
    q.addBindValue(kind);
    QList<QJsonObject> out;
    const bool read = q.exec();
    if (read) {
        while (q.next())
            out.append(parseDoc(q.value(0)));
    }
    q.finish();
    if (ok)
        *ok = read;
    return out;
}

QList<QJsonObject> SqliteStore::actionsCreatedSince(qint64 sinceMs, int limit)
{
    // Backwards along the primary key: actions are inserted in time order, so this reads only
    // the recent end of the table, never all of it.
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT created_at, doc FROM actions ORDER BY seq DESC LIMIT ?"));
    q.addBindValue(limit);
    QList<QJsonObject> out;
    if (!q.exec())
        return out;
    while (q.next()) {
        if (q.value(0).toLongLong() < sinceMs)
            break;
        out.append(parseDoc(q.value(1)));
    }
    return out;
}

std::array<qint64, 4> SqliteStore::pendingByLevel()
{
    std::array<qint64, 4> out{0, 0, 0, 0};
    QSqlQuery &q = prepared(QStringLiteral(
        "SELECT risk_score, count(*) FROM actions WHERE status = 'pending' GROUP BY risk_score"));
    if (q.exec()) {
        while (q.next())
            out[size_t(levelForScore(q.value(0).toInt()))] += q.value(1).toLongLong();
    }
    q.finish();
    return out;
}

} // namespace interlock
