#include "AgentNames.h"
#include "SqliteSupport.h"

#include "StoreSql.h"
#include "core/Timestamp.h"

// Session lifecycle in the SQLite store: open, kill (one or all), and the end of a session.
namespace interlock {

using namespace sqlite;

bool SqliteStore::insertSession(const SessionRecord &s, const QByteArray &tokenHash,
                                const Transition &transition, const QByteArray &supervisorTokenHash)
{
    QSqlDatabase db = QSqlDatabase::database(m_connection);
    Transaction tx(*this);
    if (!tx.isOpen() || !claimAgentName(agentNameSkeleton(s.agent), s.agent, s.opener))
        return false;
    QSqlQuery q(db);
    q.prepare(QStringLiteral("INSERT INTO sessions(id, agent, owner, owner_claimed, opener, "
                             "description, supervised, status, created_at) VALUES (?, ?, ?, ?, ?, "
                             "?, ?, ?, ?)"));
    q.addBindValue(s.id);
    q.addBindValue(s.agent);
    q.addBindValue(s.owner.isEmpty() ? QVariant() : QVariant(s.owner));
    q.addBindValue(s.ownerClaimed.isEmpty() ? QVariant() : QVariant(s.ownerClaimed));
    q.addBindValue(s.opener);
    q.addBindValue(s.description);
    q.addBindValue(s.supervised ? 1 : 0);
    q.addBindValue(s.status);
    q.addBindValue(s.createdAt);
    const TokenRecord sessionToken{s.agent, Role::Session, s.id, false};
    const TokenRecord supervisorToken{s.agent, Role::Supervisor, s.id, false};
    if (q.exec() && insertTokenRow(tokenHash, sessionToken, s.createdAt) &&
        (supervisorTokenHash.isEmpty() ||
         insertTokenRow(supervisorTokenHash, supervisorToken, s.createdAt)) &&
        writeTransition(transition, s.id, {}, s.id) && tx.commit())
        return true;
    return false;
}

QList<std::pair<QByteArray, TokenRecord>> SqliteStore::controlTokens()
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.setForwardOnly(true);
    QList<std::pair<QByteArray, TokenRecord>> out;
    if (!q.exec(QStringLiteral(
            "SELECT t.hash, t.name, t.role, t.session_id FROM tokens t LEFT JOIN sessions s ON "
            "s.id = t.session_id WHERE (t.role IN ('reviewer', 'oncall', 'manager', 'admin') AND "
            "t.revoked_at IS NULL) OR (t.role = 'supervisor' AND s.status IN ('active', "
            "'killed'))")))
        return out;
    while (q.next()) {
        if (const auto role = parseRole(q.value(2).toString()))
            out.append({q.value(0).toByteArray(),
                        TokenRecord{q.value(1).toString(), *role, q.value(3).toString(), false}});
    }
    return out;
}

std::optional<SessionRecord> SqliteStore::session(const QString &id)
{
    return readSession(id, keepsRows());
}

std::optional<SessionRecord> SqliteStore::readSession(const QString &id, bool keep)
{
    if (keep) {
        if (auto kept = m_sessionCache.find(id))
            return kept;
    }
    QSqlQuery &q =
        prepared(QString::fromLatin1(kSessionColumns) + QStringLiteral("WHERE s.id = ?"));
    q.addBindValue(id);
    std::optional<SessionRecord> out;
    qint64 row = -1;
    if (q.exec() && q.next()) {
        out = sessionFrom(q);
        row = q.value(kSessionRowColumn).toLongLong();
    }
    q.finish();
    if (out && keep)
        m_sessionCache.insert(id, row, *out);
    return out;
}

QList<SessionRecord> SqliteStore::sessions(const QString &status)
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.prepare(QString::fromLatin1(kSessionColumns) +
              (status.isEmpty() ? QString() : QStringLiteral("WHERE s.status = ? ")) +
              QStringLiteral("ORDER BY s.created_at DESC, s.id"));
    if (!status.isEmpty())
        q.addBindValue(status);
    QList<SessionRecord> out;
    if (q.exec()) {
        while (q.next())
            out.append(sessionFrom(q));
    }
    return out;
}

bool SqliteStore::closeSession(const SessionRecord &s, const QString &status,
                               const QJsonObject &stop, qint64 at, const QString &actor,
                               const QString &why, QStringList *cancelled)
{
    // Each cached statement is bound right before it runs: values bound to a statement that
    // then does not run would shift every later use of it.
    QSqlQuery &update = prepared(
        QStringLiteral("UPDATE sessions SET status = ?, stop = ?, pending = 0 WHERE id = ?"));
    update.addBindValue(status);
    update.addBindValue(compact(stop));
    update.addBindValue(s.id);
    if (!update.exec())
        return false;
    QSqlQuery &revoke = prepared(QStringLiteral(
        "UPDATE tokens SET revoked_at = ? WHERE session_id = ? AND revoked_at IS NULL"));
    revoke.addBindValue(at);
    revoke.addBindValue(s.id);
    if (!revoke.exec())
        return false;
    // Pending actions, and approved ones the agent never collected: with the token revoked they
    // can no longer be delivered, so they must not stay approved. Delivered ones keep their status.
    QList<QJsonObject> pending;
    {
        QSqlQuery &q = prepared(QStringLiteral(
            "SELECT doc FROM actions WHERE session_id = ? AND status IN ('pending', 'approved')"));
        q.addBindValue(s.id);
        if (!q.exec())
            return false;
        while (q.next()) {
            const QJsonObject doc = parseDoc(q.value(0));
            if (storesql::cancelledByKill(doc))
                pending.append(doc);
        }
        q.finish();
    }
    for (QJsonObject doc : std::as_const(pending)) {
        const Transition event = storesql::cancelByKill(doc, actor, at, why);
        const QString id = doc.value(QStringLiteral("id")).toString();
        QSqlQuery &q = prepared(QStringLiteral(
            "UPDATE actions SET status = 'cancelled', version = ?, doc = ? WHERE id = ?"));
        q.addBindValue(doc.value(QStringLiteral("version")).toInt());
        q.addBindValue(compact(doc));
        q.addBindValue(id);
        if (!q.exec() || !writeHistoryColumns(doc, at, actor) ||
            !writeTransition(event, s.id, id, id))
            return false;
        cancelled->append(id);
    }
    return true;
}

std::optional<SessionsEnded> SqliteStore::killSessions(const QStringList &ids,
                                                       const QString &reason, const Transition &t)
{
    Transaction tx(*this);
    if (!tx.isOpen())
        return std::nullopt;
    QList<SessionRecord> targets;
    if (ids.isEmpty()) {
        targets = sessions(QStringLiteral("active"));
    } else {
        for (const QString &id : ids) {
            if (const auto s = session(id); s && s->status == QLatin1String("active"))
                targets.append(*s);
        }
    }
    SessionsEnded out;
    for (const SessionRecord &s : std::as_const(targets)) {
        QJsonObject stop{{QStringLiteral("killed_at"), toRfc3339(t.at)},
                         {QStringLiteral("killed_by"), t.actor},
                         {QStringLiteral("reason"), reason}};
        QStringList cancelled;
        if (!closeSession(s, QStringLiteral("killed"), stop, t.at, t.actor,
                          storesql::killCancelReason(s.id, t, reason), &cancelled))
            return std::nullopt;
        for (const Transition &written : storesql::sessionKilled(t, reason, cancelled)) {
            if (!writeTransition(written, s.id, {}, s.id))
                return std::nullopt;
        }
        out.cancelledActions += cancelled;
    }
    if (!t.eventType.isEmpty()) {
        Transition all = t;
        all.eventData.insert(QStringLiteral("killed"), targets.size());
        all.eventData.insert(QStringLiteral("cancelled"), out.cancelledActions.size());
        if (!writeTransition(all, {}, {}, QString()))
            return std::nullopt;
    }
    if (!tx.commit())
        return std::nullopt;
    for (const SessionRecord &s : std::as_const(targets))
        out.sessions.append(session(s.id).value_or(s));
    return out;
}

std::optional<SessionsEnded> SqliteStore::finishSession(const QString &id, const QString &status,
                                                        const QJsonObject &info,
                                                        const Transition &t)
{
    Transaction tx(*this);
    if (!tx.isOpen())
        return std::nullopt;
    const auto s = session(id);
    if (!s)
        return std::nullopt;
    QJsonObject stop = s->stop;
    for (auto it = info.constBegin(); it != info.constEnd(); ++it)
        stop.insert(it.key(), it.value());
    stop.insert(status == QLatin1String("ended") ? QStringLiteral("ended_at")
                                                 : QStringLiteral("terminated_at"),
                toRfc3339(t.at));
    SessionsEnded out;
    if (!closeSession(*s, status, stop, t.at, t.actor,
                      QStringLiteral("session %1 %2").arg(id, status), &out.cancelledActions) ||
        !writeTransition(t, id, {}, id) || !tx.commit())
        return std::nullopt;
    out.sessions.append(session(id).value_or(*s));
    return out;
}

} // namespace interlock
