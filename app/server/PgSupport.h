#pragma once

// Internal to the PostgreSQL store's source files: shared helpers and the transaction guard.
#include "PgStore.h"

#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace interlock::pg {

inline QJsonObject parseDoc(const QVariant &v)
{
    return QJsonDocument::fromJson(v.toString().toUtf8()).object();
}

inline QString compact(const QJsonObject &o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

// NULL for an empty string (session_id, action_id…).
inline QVariant orNull(const QString &s)
{
    return s.isEmpty() ? QVariant(QMetaType(QMetaType::QString)) : QVariant(s);
}

// Text columns take QString binds: a QByteArray would be sent as a bytea literal.
inline QString text(const QByteArray &latin1)
{
    return QString::fromLatin1(latin1);
}

// The columns of kSessionFields, starting at column `first`.
inline SessionRecord sessionFrom(const QSqlQuery &q, int first = 0)
{
    SessionRecord s;
    s.id = q.value(first).toString();
    s.agent = q.value(first + 1).toString();
    s.owner = q.value(first + 2).toString();
    s.description = q.value(first + 3).toString();
    s.supervised = q.value(first + 4).toBool();
    s.status = q.value(first + 5).toString();
    s.createdAt = q.value(first + 6).toLongLong();
    s.pending = q.value(first + 7).toInt();
    s.stop = parseDoc(q.value(first + 8));
    s.opener = q.value(first + 9).toString();
    s.ownerClaimed = q.value(first + 10).toString();
    return s;
}

// The pending count is the sum of the session's counters in pending_counts (kept by a trigger,
// one row per session and connection, PgSchema.cpp migration 7), not one column: a counter row
// would be written by every transition of the session and become a lock that transitions on
// different servers wait for.
#define INTERLOCK_PG_SESSION_FIELDS                                                                \
    "s.id, s.agent, s.owner, s.description, s.supervised, s.status, s.created_at, "                \
    "(SELECT coalesce(sum(p.n), 0) FROM pending_counts p WHERE p.session_id = s.id), "             \
    "s.stop, s.opener, s.owner_claimed "
inline constexpr char kSessionColumns[] = "SELECT " INTERLOCK_PG_SESSION_FIELDS "FROM sessions s ";
// A token and its session, if it has one (the session's columns from column 4, null without).
inline constexpr char kCredentialColumns[] =
    "SELECT t.name, t.role, t.session_id, t.revoked_at IS NOT NULL, " INTERLOCK_PG_SESSION_FIELDS
    "FROM tokens t LEFT JOIN sessions s ON s.id = t.session_id ";
#undef INTERLOCK_PG_SESSION_FIELDS

} // namespace interlock::pg

namespace interlock {

// RAII transaction. Alone it is BEGIN … COMMIT (with the buffered events and audit entries
// written under the chain lock just before the COMMIT). In group-commit mode it joins the group's
// open transaction: PostgreSQL cannot undo part of a transaction without a savepoint, so a
// transition finds its refusals (version conflict, killed session, pending limit, duplicate
// idempotency key) before it writes anything; a statement that fails dooms the whole group,
// which commitGroup() then rolls back (every held reply becomes an error).
class PgStore::Transaction
{
public:
    explicit Transaction(PgStore &store)
        : m_store(store)
        , m_eventMark(store.m_events.size())
        , m_auditMark(store.m_audit.size())
    {
        if (!store.m_groupFailed)
            store.m_failure = StoreFailure::None;
        if (!store.m_onGroupOpened) {
            m_open = store.begin();
            return;
        }
        if (!store.m_groupOpen) {
            if (!store.begin())
                return;
            store.m_groupOpen = true;
            store.m_groupFailed = false;
            store.m_onGroupOpened();
        }
        m_open = !store.m_groupFailed;
    }
    ~Transaction()
    {
        if (m_committed)
            return;
        m_store.m_events.erase(m_store.m_events.begin() + qsizetype(m_eventMark),
                               m_store.m_events.end());
        m_store.m_audit.erase(m_store.m_audit.begin() + qsizetype(m_auditMark),
                              m_store.m_audit.end());
        if (m_open && !m_store.m_onGroupOpened)
            m_store.rollback();
    }
    bool open() const { return m_open; }
    bool commit()
    {
        if (!m_open)
            return false;
        m_committed = m_store.m_onGroupOpened ? !m_store.m_groupFailed : m_store.flushAndCommit();
        if (!m_store.m_onGroupOpened)
            m_open = false; // flushAndCommit() rolled back itself on failure
        return m_committed;
    }

private:
    PgStore &m_store;
    size_t m_eventMark;
    size_t m_auditMark;
    bool m_open = false;
    bool m_committed = false;
};

template <typename F> auto PgStore::reading(F &&read)
{
    m_failed = false;
    auto result = read();
    if (m_failed && !m_inTransaction && connectionLost() && reconnect()) {
        m_failed = false;
        result = read();
    }
    return result;
}

} // namespace interlock
