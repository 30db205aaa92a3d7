#pragma once

#include "Principal.h"
#include "Store.h"

#include <QObject>

namespace interlock {

class Clock;
class KillSwitch;

// Opening agent sessions and ending them: kill (one), stop-all, and the supervisor's report that
// the process tree is gone (terminated) or that the agent exited by itself (ended).
class SessionService : public QObject
{
    Q_OBJECT
public:
    SessionService(Store &store, Clock &clock, KillSwitch &killSwitch, QObject *parent = nullptr);

    struct Opened {
        SessionRecord session;
        QString token;
        ApiError error;
    };
    Opened open(const Principal &who, const QJsonObject &body);

    struct Ended {
        SessionsEnded result;
        ApiError error;
    };
    // ids empty: every active session (stop-all). The sessions are marked killed in memory first,
    // so their tokens are refused even when the database write then fails.
    Ended kill(const Principal &who, const QStringList &ids, const QJsonObject &body);
    Ended finish(const Principal &who, const QString &id, const QJsonObject &body);

Q_SIGNALS:
    void sessionChanged(const QString &sessionId);
    void actionCancelled(const QString &actionId, const QString &sessionId);

private:
    void announce(const SessionsEnded &ended);
    // The name of the person (reviewer, oncall, manager or admin token) that `claimed` names as
    // an identity (see core/Identity.h), or empty: nobody this server knows.
    QString resolvePerson(const QString &claimed);

private:
    Store &m_store;
    Clock &m_clock;
    KillSwitch &m_killSwitch;
};

} // namespace interlock
