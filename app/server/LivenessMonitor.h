#pragma once

#include <QHash>
#include <QJsonObject>
#include <QMutex>
#include <QSet>
#include <QStringList>
#include <atomic>
#include <functional>
#include <optional>

namespace interlock {

class KillSwitch;

// Is the kill path of each supervised session alive? The server sends `session.ping` every
// `intervalMs` on the supervisor's control channel (the answer to its control long-poll, the same
// answer that carries a kill); the supervisor must answer it with its own credential
// (POST /v1/sessions/{id}/pong) within `deadlineMs`. This keeps, per supervised session, the
// outstanding ping and the last time the path was verified, and says when a session turns late
// (its supervisor stopped answering: the agent may be running unguarded) and when it answers
// again. Only active sessions are pinged (the KillSwitch says which).
// Thread-safe: the I/O thread issues and delivers pings, either thread takes answers and reads.
// Time comes from the functions given (a ManualClock's in tests).
class LivenessMonitor
{
public:
    struct Settings {
        int intervalMs = 10000;
        int deadlineMs = 5000;
    };
    struct Ping {
        QString id;
        int deadlineMs = 0;
        QJsonObject toJson() const;
    };
    enum class Answer { Verified, UnknownPing, NotWatched };
    // What the session JSON shows.
    struct View {
        bool watched = false;
        QString liveness;          // ok | late | unknown
        qint64 verifiedAtMs = -1;  // wall clock; -1: never since the server started
        qint64 verifiedAgoMs = -1; // monotonic; -1: never
        qint64 lateForMs = 0;      // how long past its deadline the outstanding ping is
        bool pinging = false;      // a ping is outstanding
    };
    // A change of state: lost (the deadline passed unanswered) or restored (answered again);
    // or a kill whose supervisor did not report the agent's tree reaped in time.
    struct Change {
        QString sessionId;
        bool lost = false;
        QJsonObject data; // for the event
        bool killUnconfirmed = false;
    };

    LivenessMonitor(Settings settings, const KillSwitch &killSwitch,
                    std::function<qint64()> monotonicMs, std::function<qint64()> wallMs);

    const Settings &settings() const { return m_settings; }

    // A supervised session to ping, once its supervisor said it answers pings (its control poll
    // with `pings=1`); the first ping is due at once. Until then the session's liveness is
    // unknown.
    void watch(const QString &sessionId);
    bool watched(const QString &sessionId) const;

    // Issues the pings that are due, finds the ones past their deadline and forgets sessions that
    // are no longer active. Returns the sessions whose ping waits to be delivered; state changes
    // go to the observer (outside the lock).
    QStringList tick();
    // The outstanding ping of the session, issued now if one is due, if one waits to be delivered
    // (or was delivered and is not answered yet: the supervisor may have missed it); marks it
    // delivered.
    std::optional<Ping> take(const QString &sessionId);
    Answer answer(const QString &sessionId, const QString &pingId);
    // POST /v1/sessions/{id}/pong, body {"ping": ID}, already authenticated as the session's
    // supervisor: the status and JSON to answer (on either thread).
    std::pair<int, QJsonObject> pong(const QString &sessionId, const QByteArray &body);
    View view(const QString &sessionId) const;
    int lateCount() const;

    void setObserver(std::function<void(const Change &)> observer);
    // Several servers on one database (HAProxy hands each request to any of them):
    // - `relay`: a supervisor's answer to a ping this server did not send is passed on to the
    //   others (once a second per session at most), and answered 200 {"relayed": true};
    // - `verified`: a session's kill path was proven here, at wall time `wallMs`: the others
    //   take it (verifiedElsewhere), so every server shows it and none sends a ping of its own
    //   that the supervisor, polling another server, would never see.
    // Thread-safe; called on the thread that took the answer, they must not block.
    struct Peers {
        std::function<void(const QString &sessionId, const QString &pingId)> relay;
        std::function<void(const QString &sessionId, qint64 wallMs)> verified;
    };
    void setPeers(Peers peers);
    // Another server proved the session's kill path at `wallMs` (its wall clock; servers keep
    // theirs in step, docs/security.md): as if answered here, unless the proof is older than
    // this server's outstanding ping (a message delayed on its way proves nothing about a ping
    // sent after it) or older than an interval plus the deadline (then it is dropped). A
    // session this server did not watch yet is watched from now on.
    void verifiedElsewhere(const QString &sessionId, qint64 wallMs);
    // Another server found the session late (its session.liveness_lost event): late here too,
    // without an event of this server's own.
    void lostElsewhere(const QString &sessionId);

    // A killed session stays watched until its supervisor reports the agent's tree reaped
    // (terminated()). Without that report within an interval and the deadline of the kill
    // (one interval more on a server the supervisor did not poll, when several share the
    // database), it is a change with killUnconfirmed (session.kill_unconfirmed): an agent that
    // stops its own supervisor between pings (same user: SIGSTOP) is killed on paper only.
    void terminated(const QString &sessionId);
    // The sessions were killed just now (the KillSwitch's observer; any thread), or were found
    // killed and unreported when the server started. A supervised one is awaited from now on
    // even if its supervisor never answered a ping here (it may have been stopped before this
    // server started, or poll another server).
    void killed(const QStringList &sessionIds);
    // It was raised (another server's session.kill_unconfirmed event, or this server's before
    // a restart, read back from the store): shown, not raised again here.
    void unconfirmedElsewhere(const QString &sessionId);
    bool killUnconfirmed(const QString &sessionId) const;

private:
    struct State {
        qint64 nextDueMono = 0;
        QString pingId; // empty: none outstanding
        qint64 pingIssuedMono = 0;
        bool delivered = false;
        bool late = false;
        qint64 verifiedMono = -1;
        qint64 verifiedWall = -1;
        bool raised = false;    // this server raised its lost (so it raises its restored)
        bool pollsHere = false; // the supervisor took its last ping from this server
        qint64 killedMono = -1; // when this server saw the session killed
    };
    // How long after the kill the supervisor's report may take.
    qint64 confirmAfterMs(const State &s) const;
    // Under m_mutex.
    static void markKilled(State &s, qint64 nowMono);
    void markUnconfirmed(const QString &sessionId);
    // How long after it went out a ping is late: the deadline once it was delivered here, or
    // on a single server. Several servers: a ping not delivered here may wait on a supervisor
    // that polls another server, whose proof comes within an interval (verifiedElsewhere): one
    // interval more before this server calls it late.
    qint64 lateAfterMs(const State &s) const;
    void notify(const QList<Change> &changes);
    // The path was proven at `wallMs` (here or on another server): nothing outstanding, the
    // next ping an interval from now.
    void proven(State &s, qint64 nowMono, qint64 wallMs) const;

    Settings m_settings;
    const KillSwitch &m_killSwitch;
    bool relayed(const QString &sessionId, const QString &pingId);

    std::function<qint64()> m_mono;
    std::function<qint64()> m_wall;
    mutable QMutex m_mutex;
    QHash<QString, State> m_states;
    QSet<QString> m_unconfirmed; // killed, never reported reaped (bounded)
    QSet<QString> m_reported;    // reported reaped: a later kill or a peer's is not awaited
                                 // (bounded)
    QMutex m_observerMutex;
    std::function<void(const Change &)> m_observer;
    QMutex m_relayMutex;
    Peers m_peers;
    std::atomic<bool> m_sharing = false; // peers set: several servers
    QHash<QString, qint64> m_lastRelay;  // session → monotonic ms
    qint64 m_relaySecond = 0;            // the second (monotonic) m_relaysThisSecond counts in
    int m_relaysThisSecond = 0;
};

} // namespace interlock
