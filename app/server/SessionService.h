#pragma once

#include "Principal.h"
#include "Store.h"

#include <QObject>

namespace interlock {

class Clock;
class KillRecorder;
class KillSwitch;

// Opening agent sessions and ending them: kill (one), stop-all, and the supervisor's report that
// the process tree is gone (terminated) or that the agent exited by itself (ended).
class SessionService : public QObject
{
    Q_OBJECT
public:
    SessionService(Store &store, Clock &clock, KillSwitch &killSwitch, KillRecorder &recorder,
                   QObject *parent = nullptr);

    struct Opened {
        SessionRecord session;
        QString token;
        ApiError error;
        QString supervisorToken; // supervised sessions: the supervisor's own credential
    };
    Opened open(const Principal &who, const QJsonObject &body);

    struct Ended {
        SessionsEnded result;
        ApiError error;
        // False: the kill holds in memory (tokens refused, nothing decidable) but is not in the
        // database yet; KillRecorder retries until it is. result.sessions then shows the sessions
        // as killed, and nothing is counted as cancelled yet.
        bool recorded = true;
    };
    // ids empty: every active session (stop-all). The sessions are marked killed in memory first,
    // so their tokens are refused even when the database write then fails.
    Ended kill(const Principal &who, const QStringList &ids, const QJsonObject &body);
    Ended finish(const Principal &who, const QString &id, const QJsonObject &body);

    struct NameReleased {
        AgentNameHolder released;
        ApiError error;
    };
    // An admin frees an agent name ({"agent", "comment"}): 404 if it is not held as spelled,
    // 409 agent_name_in_use while an active session holds it; audited (agent_name.release).
    NameReleased releaseName(const Principal &who, const QJsonObject &body);

    // A session as the API shows it: one killed in memory whose kill is not in the database yet
    // is shown killed, with "recorded": false.
    SessionRecord asSeen(SessionRecord session) const;

Q_SIGNALS:
    void sessionChanged(const QString &sessionId);
    void actionCancelled(const QString &actionId, const QString &sessionId);

private:
    void announce(const SessionsEnded &ended);
    // The name of the person (reviewer, oncall, manager or admin token) that `claimed` names as
    // an identity (see core/Identity.h), or empty: nobody this server knows.
    QString resolvePerson(const QString &claimed);
    // 422 when another agent name holds the skeleton of the session's name (AgentNames.h), 403
    // when another opener holds the name itself.
    ApiError nameRefusal(const SessionRecord &s);

private:
    Store &m_store;
    Clock &m_clock;
    KillSwitch &m_killSwitch;
    KillRecorder &m_recorder;
};

} // namespace interlock
