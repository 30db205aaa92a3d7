#pragma once

#include "core/Role.h"

#include <QByteArray>
#include <QHash>
#include <QReadWriteLock>
#include <QString>
#include <optional>

namespace interlock {

// The tokens the control path may check from memory, on the transport's I/O thread, without
// the store: people's (reviewer, oncall, manager, admin) and supervisors'. Loaded when the
// server opens, kept current as tokens are created, seen, revoked or their session ends; a token
// not found here simply takes the normal path (the store). Thread-safe.
class TokenCache
{
public:
    struct Entry {
        Role role = Role::Agent;
        QString name;
        QString sessionId; // supervisor tokens only
    };

    static bool cacheable(Role role);

    void insert(const QByteArray &hash, const Entry &entry);
    void remove(const QByteArray &hash);
    // Forgets every token bound to the session (it is over).
    void removeSession(const QString &sessionId);
    std::optional<Entry> find(const QByteArray &hash) const;
    int size() const;

private:
    mutable QReadWriteLock m_lock;
    QHash<QByteArray, Entry> m_entries;
};

} // namespace interlock
