#include "TokenCache.h"

namespace interlock {

bool TokenCache::cacheable(Role role)
{
    return isUserRole(role) || role == Role::Supervisor;
}

void TokenCache::insert(const QByteArray &hash, const Entry &entry)
{
    if (!cacheable(entry.role))
        return;
    const QWriteLocker lock(&m_lock);
    m_entries.insert(hash, entry);
}

void TokenCache::remove(const QByteArray &hash)
{
    const QWriteLocker lock(&m_lock);
    m_entries.remove(hash);
}

void TokenCache::removeSession(const QString &sessionId)
{
    const QWriteLocker lock(&m_lock);
    m_entries.removeIf([&sessionId](const QHash<QByteArray, Entry>::iterator &it) {
        return it.value().sessionId == sessionId;
    });
}

std::optional<TokenCache::Entry> TokenCache::find(const QByteArray &hash) const
{
    const QReadLocker lock(&m_lock);
    const auto it = m_entries.constFind(hash);
    if (it == m_entries.constEnd())
        return std::nullopt;
    return it.value();
}

int TokenCache::size() const
{
    const QReadLocker lock(&m_lock);
    return int(m_entries.size());
}

} // namespace interlock
