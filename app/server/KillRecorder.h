#pragma once

#include "Principal.h"

#include <QObject>
#include <QTimer>

namespace interlock {

class KillSwitch;
class SessionService;
class Store;

// Keeps trying to record kills that hold in memory (KillSwitch) but that the store has not
// recorded: a write that failed (a full disk, a lock held too long, a failed group commit). After
// each kill it checks, with a growing interval (0.25 s up to 5 s), that every session the
// KillSwitch says is killed is killed in the store too, and kills again the ones that are not,
// in the name of the last person who asked. API thread.
class KillRecorder : public QObject
{
    Q_OBJECT
public:
    KillRecorder(Store &store, SessionService &sessions, const KillSwitch &killSwitch,
                 QObject *parent = nullptr);

    // A kill was asked for (recorded or not): check it.
    void track(const Principal &who, const QString &reason);
    // Sessions killed in memory and not yet in the store, as of the last check.
    int unrecorded() const { return m_unrecorded; }

private:
    void check();

    Store &m_store;
    SessionService &m_sessions;
    const KillSwitch &m_killSwitch;
    Principal m_who;
    QString m_reason;
    QTimer m_timer;
    int m_intervalMs = 0;
    int m_unrecorded = 0;
};

} // namespace interlock
