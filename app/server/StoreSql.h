#pragma once

// What the SQLite and PostgreSQL stores share: the same tables, so the same statements and the
// same reading of their rows. Internal to the stores' source files.
#include "History.h"
#include "Store.h"

#include <QJsonObject>
#include <QString>
#include <QVariantList>

class QSqlDatabase;
class QSqlQuery;

namespace interlock::storesql {

// A statement's text and its bind values, in order.
struct Sql {
    QString text;
    QVariantList binds;

    void add(const QString &condition, const QVariant &value);
    void addIf(const QString &column, const QString &value); // "column = ?" unless value is empty
};

// " WHERE decided_at IS NOT NULL AND …": the filter shared by history pages, exports and the
// statistics (risk_min on the decided risk).
Sql historyWhere(const HistoryQuery &q);

// The page of actions a query asks for, highest risk first (one row more than the page, to know
// there is a next one): SELECT doc, risk_score, seq.
Sql actionsPage(const ActionQuery &query);
// Reads the rows of actionsPage() once executed.
ActionPage readActionsPage(QSqlQuery &q, int limit);

// A pending action, or an approved one never delivered, cancelled by its session's kill (or end):
// the document changed in place (status, version, and `cancellation` {by, at, reason}: who
// stopped it and why, which history shows as its decider and reason) and the event to write
// with it.
Transition cancelByKill(QJsonObject &doc, const QString &actor, qint64 at, const QString &reason);
// The reason a kill gives the actions it cancels: names the kill (or stop-all), who made it and
// the reason they gave.
QString killCancelReason(const QString &sessionId, const Transition &kill, const QString &reason);
// What one session's kill writes beside its changes: the session.killed event (with how many
// actions it cancelled) and the session.kill audit entry, which also lists them
// (`cancelled_actions`, ids): the audit log names every action an emergency stop cancelled.
QList<Transition> sessionKilled(const Transition &kill, const QString &reason,
                                const QStringList &cancelled);
// Whether the kill cancels it (pending, or approved and never collected).
bool cancelledByKill(const QJsonObject &doc);

// Migration 8 on a database with sessions: every agent name in use holds its key (AgentNames.h),
// in the order the names were first used, so of two that look alike the first keeps it (the
// other's sessions stay as they are; a new session of it is refused). `insertIgnoring` is the
// store's INSERT of (skeleton, agent) that does nothing on a taken skeleton.
bool holdAgentNamesInUse(QSqlDatabase db, const QString &insertIgnoring);

// Migration 9, after the column agent_names.opener is added: each held agent name is bound to
// the opener (token name) of its first session, the same SQL in both stores. Names whose
// sessions all predate openers (migration 3) stay unbound until their next session.
inline constexpr const char *kBindAgentNamesInUse =
    "UPDATE agent_names SET opener = (SELECT s.opener FROM sessions s WHERE s.agent = "
    "agent_names.agent AND s.opener IS NOT NULL ORDER BY s.created_at, s.id LIMIT 1) WHERE "
    "opener IS NULL";

} // namespace interlock::storesql
