// Session lifecycle in the PostgreSQL store: open, kill (one or all), and the end of a session.
// Session rows are locked (FOR UPDATE) before they change, so a kill racing a kill or a
// termination on another server is done once.
#include "AgentNames.h"
#include "PgSupport.h"

#include "StoreSql.h"
#include "core/Timestamp.h"

#include <QJsonArray>

namespace interlock {

using namespace pg;

bool PgStore::insertSession(const SessionRecord &s, const QByteArray &tokenHash,
                            const Transition &transition, const QByteArray &supervisorTokenHash)
{
    Transaction tx(*this);
    if (!tx.open())
        return false;
    // Before the session's row: a name refused here leaves nothing written to undo.
    if (!claimAgentName(agentNameSkeleton(s.agent), s.agent, s.opener))
        return false;
    QSqlQuery &q = prepared(QStringLiteral(
        "INSERT INTO sessions(id, agent, owner, owner_claimed, opener, description, supervised, "
        "status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING "
        "id"));
    q.addBindValue(s.id);
    q.addBindValue(s.agent);
    q.addBindValue(orNull(s.owner));
    q.addBindValue(orNull(s.ownerClaimed));
    q.addBindValue(s.opener);
    q.addBindValue(s.description);
    q.addBindValue(s.supervised);
    q.addBindValue(s.status);
    q.addBindValue(s.createdAt);
    const bool inserted = execute(q) && q.next();
    q.finish();
    const TokenRecord sessionToken{s.agent, Role::Session, s.id, false};
    const TokenRecord supervisorToken{s.agent, Role::Supervisor, s.id, false};
    if (!inserted)
        return false;
    if (!insertTokenRow(tokenHash, sessionToken, s.createdAt) ||
        (!supervisorTokenHash.isEmpty() &&
         !insertTokenRow(supervisorTokenHash, supervisorToken, s.createdAt))) {
        // The session row is written already: only the whole group can be undone.
        if (m_groupOpen)
            m_groupFailed = true;
        return false;
    }
    return writeTransition(transition, s.id, {}, s.id) && tx.commit();
}

std::optional<SessionRecord> PgStore::sessionRow(const QString &id, bool lock)
{
    QSqlQuery &q =
        prepared(QString::fromLatin1(kSessionColumns) + QStringLiteral("WHERE s.id = ?") +
                 (lock ? QStringLiteral(" FOR UPDATE OF s") : QString()));
    q.addBindValue(id);
    std::optional<SessionRecord> out;
    if (execute(q) && q.next())
        out = sessionFrom(q);
    q.finish();
    return out;
}

std::optional<SessionRecord> PgStore::session(const QString &id)
{
    return reading([&] { return sessionRow(id, false); });
}

QList<SessionRecord> PgStore::sessions(const QString &status)
{
    return reading([&] {
        QSqlQuery &q =
            prepared(QString::fromLatin1(kSessionColumns) +
                     (status.isEmpty() ? QString() : QStringLiteral("WHERE s.status = ? ")) +
                     QStringLiteral("ORDER BY s.created_at DESC, s.id"));
        if (!status.isEmpty())
            q.addBindValue(status);
        QList<SessionRecord> out;
        if (execute(q)) {
            while (q.next())
                out.append(sessionFrom(q));
        }
        q.finish();
        return out;
    });
}

bool PgStore::closeSession(const SessionRecord &s, const QString &status, const QJsonObject &stop,
                           qint64 at, const QString &actor, const QString &why,
                           QStringList *cancelled)
{
    QSqlQuery &update =
        prepared(QStringLiteral("UPDATE sessions SET status = ?, stop = ? WHERE id = ?"));
    update.addBindValue(status);
    update.addBindValue(compact(stop));
    update.addBindValue(s.id);
    if (!execute(update))
        return false;
    QSqlQuery &revoke = prepared(QStringLiteral(
        "UPDATE tokens SET revoked_at = ? WHERE session_id = ? AND revoked_at IS NULL"));
    revoke.addBindValue(at);
    revoke.addBindValue(s.id);
    if (!execute(revoke))
        return false;
    // Pending actions, and approved ones the agent never collected: with the token revoked they
    // can no longer be delivered, so they must not stay approved. Delivered ones keep their status.
    QList<QJsonObject> open;
    {
        // Locked in id order, as every change of many actions locks them: a kill racing a bulk
        // decision or an expiry on another server waits for it instead of deadlocking.
        QSqlQuery &q = prepared(QStringLiteral("SELECT doc FROM actions WHERE session_id = ? AND "
                                               "status IN ('pending', 'approved') ORDER BY id "
                                               "COLLATE \"C\" FOR UPDATE"));
        q.addBindValue(s.id);
        if (!execute(q))
            return false;
        while (q.next()) {
            const QJsonObject doc = parseDoc(q.value(0));
            if (storesql::cancelledByKill(doc))
                open.append(doc);
        }
        q.finish();
    }
    for (QJsonObject doc : std::as_const(open)) {
        const Transition event = storesql::cancelByKill(doc, actor, at, why);
        const QString id = doc.value(QStringLiteral("id")).toString();
        QSqlQuery &q = prepared(QStringLiteral(
            "UPDATE actions SET status = 'cancelled', version = ?, doc = ? WHERE id = ?"));
        q.addBindValue(doc.value(QStringLiteral("version")).toInt());
        q.addBindValue(compact(doc));
        q.addBindValue(id);
        if (!execute(q) || !writeHistoryColumns(doc, at, actor) ||
            !writeTransition(event, s.id, id, id))
            return false;
        cancelled->append(id);
    }
    return true;
}

std::optional<SessionsEnded> PgStore::killSessions(const QStringList &ids, const QString &reason,
                                                   const Transition &t)
{
    Transaction tx(*this);
    if (!tx.open())
        return std::nullopt;
    // Locked, then checked: of two servers killing the same session, the second finds it killed.
    QList<SessionRecord> targets;
    if (ids.isEmpty()) {
        QSqlQuery &q = prepared(QString::fromLatin1(kSessionColumns) +
                                QStringLiteral("WHERE s.status = 'active' ORDER BY s.id COLLATE "
                                               "\"C\" FOR UPDATE OF s"));
        if (!execute(q))
            return std::nullopt;
        while (q.next())
            targets.append(sessionFrom(q));
        q.finish();
    } else {
        m_failed = false;
        QStringList sorted = ids; // locked in id order, like kill-all's
        sorted.sort();
        for (const QString &id : std::as_const(sorted)) {
            const auto s = sessionRow(id, true);
            if (m_failed)
                return std::nullopt;
            if (s && s->status == QLatin1String("active"))
                targets.append(*s);
        }
    }
    if (targets.size() > 1) {
        // The open actions of all of them at once, in id order (as closeSession() locks one
        // session's): a bulk decision over several sessions' actions on another server waits for
        // this kill, or this kill for it, instead of deadlocking.
        QJsonArray sessionIds;
        for (const SessionRecord &s : std::as_const(targets))
            sessionIds.append(s.id);
        QSqlQuery &q = prepared(QStringLiteral(
            "SELECT id FROM actions WHERE session_id IN (SELECT json_array_elements_text(?::json)) "
            "AND status IN ('pending', 'approved') ORDER BY id COLLATE \"C\" FOR UPDATE"));
        q.addBindValue(QString::fromUtf8(QJsonDocument(sessionIds).toJson(QJsonDocument::Compact)));
        if (!execute(q))
            return std::nullopt;
        q.finish();
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
        for (const Transition &written : storesql::sessionKilled(t, reason, cancelled))
            writeTransition(written, s.id, {}, s.id);
        out.cancelledActions += cancelled;
    }
    if (!t.eventType.isEmpty()) {
        Transition all = t;
        all.eventData.insert(QStringLiteral("killed"), targets.size());
        all.eventData.insert(QStringLiteral("cancelled"), out.cancelledActions.size());
        writeTransition(all, {}, {}, QString());
    }
    if (!tx.commit())
        return std::nullopt;
    for (const SessionRecord &s : std::as_const(targets))
        out.sessions.append(session(s.id).value_or(s));
    return out;
}

std::optional<SessionsEnded> PgStore::finishSession(const QString &id, const QString &status,
                                                    const QJsonObject &info, const Transition &t)
{
    Transaction tx(*this);
    if (!tx.open())
        return std::nullopt;
    const auto s = sessionRow(id, true);
    // The status the caller saw may have changed on another server meanwhile: a session ends
    // only from active, and is terminated only once it was killed.
    const QString expected =
        status == QLatin1String("ended") ? QStringLiteral("active") : QStringLiteral("killed");
    if (!s || s->status != expected)
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
