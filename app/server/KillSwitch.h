#pragma once

#include <QMutex>
#include <QSet>
#include <QStringList>
#include <functional>

namespace interlock {

// The in-memory half of a kill. A session is marked killed here before anything is written to
// the database, and every authentication consults it first, so a kill never fails open: the
// agent's token is refused the moment the kill is asked for, whether the write then succeeds,
// waits for a lock or finds the disk full.
// Thread-safe: the transport's thread and the server's thread both use it.
class KillSwitch
{
public:
    // The sessions that are active when the server starts, and each one opened later.
    void setActive(const QStringList &sessionIds);
    void opened(const QString &sessionId, bool supervised = false);
    // Sessions run under a supervisor (`interlockctl run`), whose report must follow their kill
    // (LivenessMonitor); kept until the session ends. Read at start, learnt from rows and events.
    void setSupervised(const QStringList &sessionIds);
    bool isSupervised(const QString &sessionId) const;
    // The session ended by itself (its agent exited): no longer a target for stop-all.
    void ended(const QString &sessionId);

    // Marks the given sessions killed (every active one when `sessionIds` is empty) and returns
    // the ones that were active until now.
    QStringList kill(const QStringList &sessionIds);
    bool isKilled(const QString &sessionId) const;
    bool isActive(const QString &sessionId) const;
    QStringList active() const;

    // Called (on the killing thread, outside the lock) with the sessions each kill marked, so the
    // control path can wake the supervisors at once. Clear it before its target goes away.
    void setObserver(std::function<void(const QStringList &sessionIds)> observer);

private:
    QMutex m_observerMutex;
    std::function<void(const QStringList &)> m_observer;
    mutable QMutex m_mutex;
    QSet<QString> m_active;
    QSet<QString> m_killed;
    QSet<QString> m_supervised;
};

} // namespace interlock
