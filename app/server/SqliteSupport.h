#pragma once

// Internal to the SQLite store's source files: shared helpers and the transaction guard.
#include "SqliteStore.h"

#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace interlock::sqlite {

inline QJsonObject parseDoc(const QVariant &v)
{
    return QJsonDocument::fromJson(v.toByteArray()).object();
}

inline QByteArray compact(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

inline SessionRecord sessionFrom(const QSqlQuery &q)
{
    SessionRecord s;
    s.id = q.value(0).toString();
    s.agent = q.value(1).toString();
    s.owner = q.value(2).toString();
    s.description = q.value(3).toString();
    s.supervised = q.value(4).toBool();
    s.status = q.value(5).toString();
    s.createdAt = q.value(6).toLongLong();
    s.pending = q.value(7).toInt();
    s.stop = parseDoc(q.value(8));
    s.opener = q.value(9).toString();
    s.ownerClaimed = q.value(10).toString();
    return s;
}

inline constexpr char kSessionColumns[] =
    "SELECT s.id, s.agent, s.owner, s.description, s.supervised, "
    "s.status, s.created_at, s.pending, "
    "s.stop, s.opener, s.owner_claimed, s.rowid FROM sessions s ";
inline constexpr int kSessionRowColumn = 11; // for SqliteStore's RowCache

} // namespace interlock::sqlite

namespace interlock {

// RAII transaction: rolls back unless commit() succeeded, so a failed transition leaves no trace.
// In group-commit mode it is a savepoint inside the group's open transaction: just as atomic, but
// made durable by commitGroup() together with the other transitions of the group.
class SqliteStore::Transaction
{
public:
    explicit Transaction(SqliteStore &store)
        : m_store(store)
    {
        store.m_failure = StoreFailure::None;
        if (!store.m_onGroupOpened) {
            m_open = store.statement(QStringLiteral("BEGIN IMMEDIATE"));
            return;
        }
        if (store.groupLost()) {
            // Its writes are gone: every transition fails until the group's COMMIT reports it.
            store.noteFailure();
            if (store.m_failure == StoreFailure::None)
                store.m_failure = StoreFailure::Other;
            return;
        }
        if (!store.m_groupOpen) {
            if (!store.statement(QStringLiteral("BEGIN IMMEDIATE")))
                return;
            store.m_groupOpen = true;
            store.m_onGroupOpened();
        }
        m_open = store.statement(QStringLiteral("SAVEPOINT transition"));
    }
    ~Transaction()
    {
        if (m_committed)
            return;
        if (m_store.m_failure == StoreFailure::None)
            m_store.noteFailure(); // before the rollback overwrites the connection's error
        if (m_open) {
            if (m_store.m_onGroupOpened) {
                m_store.statement(QStringLiteral("ROLLBACK TO transition"));
                m_store.statement(QStringLiteral("RELEASE transition"));
            } else {
                m_store.statement(QStringLiteral("ROLLBACK"));
            }
        }
    }
    // False when the transaction (or the group's) could not begin: write nothing then.
    bool isOpen() const { return m_open; }
    bool commit()
    {
        const QString sql = m_store.m_onGroupOpened ? QStringLiteral("RELEASE transition")
                                                    : QStringLiteral("COMMIT");
        m_committed = m_open && m_store.statement(sql);
        if (m_committed && !m_store.m_onGroupOpened)
            m_store.auditCommitted(true); // synchronous=FULL: durable
        return m_committed;
    }

private:
    SqliteStore &m_store;
    bool m_open = false;
    bool m_committed = false;
};

} // namespace interlock
