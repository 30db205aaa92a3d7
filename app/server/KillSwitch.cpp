#include "KillSwitch.h"

namespace interlock {

void KillSwitch::setActive(const QStringList &sessionIds)
{
    const QMutexLocker lock(&m_mutex);
    for (const QString &id : sessionIds) {
        if (!m_killed.contains(id))
            m_active.insert(id);
    }
}

void KillSwitch::opened(const QString &sessionId, bool supervised)
{
    const QMutexLocker lock(&m_mutex);
    if (!m_killed.contains(sessionId))
        m_active.insert(sessionId);
    if (supervised)
        m_supervised.insert(sessionId);
}

void KillSwitch::setSupervised(const QStringList &sessionIds)
{
    const QMutexLocker lock(&m_mutex);
    for (const QString &id : sessionIds)
        m_supervised.insert(id);
}

bool KillSwitch::isSupervised(const QString &sessionId) const
{
    const QMutexLocker lock(&m_mutex);
    return m_supervised.contains(sessionId);
}

void KillSwitch::ended(const QString &sessionId)
{
    const QMutexLocker lock(&m_mutex);
    m_active.remove(sessionId);
    m_supervised.remove(sessionId);
}

QStringList KillSwitch::kill(const QStringList &sessionIds)
{
    QStringList wereActive;
    QStringList targets;
    {
        const QMutexLocker lock(&m_mutex);
        targets = sessionIds.isEmpty() ? m_active.values() : sessionIds;
        for (const QString &id : std::as_const(targets)) {
            if (m_active.remove(id))
                wereActive.append(id);
            m_killed.insert(id);
        }
    }
    const QMutexLocker lock(&m_observerMutex);
    if (m_observer && !targets.isEmpty())
        m_observer(targets);
    return wereActive;
}

void KillSwitch::setObserver(std::function<void(const QStringList &)> observer)
{
    const QMutexLocker lock(&m_observerMutex);
    m_observer = std::move(observer);
}

bool KillSwitch::isActive(const QString &sessionId) const
{
    const QMutexLocker lock(&m_mutex);
    return m_active.contains(sessionId);
}

bool KillSwitch::isKilled(const QString &sessionId) const
{
    const QMutexLocker lock(&m_mutex);
    return m_killed.contains(sessionId);
}

QStringList KillSwitch::active() const
{
    const QMutexLocker lock(&m_mutex);
    return m_active.values();
}

} // namespace interlock
