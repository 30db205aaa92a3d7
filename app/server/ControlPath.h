#pragma once

#include "HttpExchange.h"
#include "core/Limits.h"

#include <QHash>
#include <QMutex>
#include <QObject>
#include <functional>
#include <memory>

class QTimer;

namespace interlock {

class KillJournal;
class KillSwitch;
class LivenessMonitor;
class SerialWorker;
class TokenCache;

// The control path: requests answered on the transport's I/O thread, without the API thread or
// the store, so that neither a flood of requests nor a database lock can hold them up.
//   GET  /v1/health
//   POST /v1/sessions/{id}/kill, POST /v1/stop-all (a person's token from the TokenCache): the
//        sessions are marked killed in the KillSwitch and their supervisors woken at once; the
//        durable write is handed to the API thread, and its answer is passed on when it comes
//        within Limits::killRecordWaitMs; otherwise (a lock held by another process, a full
//        disk) the kill is answered anyway, with "recorded": false, and first kept in the
//        KillJournal (if any) until the API thread has it: a server that dies meanwhile
//        refuses the session again when it starts, and records the kill then.
//   GET  /v1/sessions/{id}/control?wait=S (that session's supervisor token): the supervisor's
//        liveness and kill channel, a long-poll the agent cannot starve. It also carries the
//        server's `session.ping` (LivenessMonitor), which the supervisor answers with
//   POST /v1/sessions/{id}/pong (that session's supervisor token).
// Anything else, or a token the cache does not know, takes the normal path to the API thread.
class ControlPath : public QObject
{
    Q_OBJECT
public:
    using Forward = std::function<void(HttpRequest &&, std::shared_ptr<http::ReplyChannel>)>;

    // liveness may be null: no pings.
    ControlPath(KillSwitch &killSwitch, const TokenCache &tokens, const Limits &limits,
                Forward forward, LivenessMonitor *liveness = nullptr);
    ~ControlPath() override;

    // On the I/O thread: true when the request was taken here.
    bool handle(HttpRequest &request, const std::shared_ptr<http::ReplyChannel> &channel);
    // Answers the supervisors of these sessions (I/O thread).
    void wake(const QStringList &sessionIds);
    // Starts sending pings (I/O thread, once the path lives there).
    void startPings();
    // Control long-polls parked now (any thread may ask: for tests and the benchmark).
    int parked() const { return m_parkedCount.loadRelaxed(); }
    // Any thread: the store can no longer be trusted (CommitGroup::broke); /v1/health says so
    // with a 503, so a load balancer or a monitor takes this server out.
    void setBroken(const QString &why);
    // Before the path moves to the I/O thread: where a kill answered "recorded": false is kept,
    // and the wall clock (ms) that says when it was asked for.
    void setJournal(std::shared_ptr<KillJournal> journal, std::function<qint64()> now);

private:
    class Waiter;
    class KillWait;
    struct Caller;

    std::optional<Caller> caller(const HttpRequest &request) const;
    bool kill(const HttpRequest &request, const std::shared_ptr<http::ReplyChannel> &channel,
              const QString &sessionId);
    bool control(const HttpRequest &request, const std::shared_ptr<http::ReplyChannel> &channel,
                 const QString &sessionId);
    bool pong(const HttpRequest &request, const std::shared_ptr<http::ReplyChannel> &channel,
              const QString &sessionId);
    void drop(Waiter *waiter);
    void sendPings();
    // {"session_id", "state": "active"} with the outstanding ping, if any.
    QJsonObject activeState(const QString &sessionId);

    KillSwitch &m_killSwitch;
    const TokenCache &m_tokens;
    Limits m_limits;
    Forward m_forward;
    LivenessMonitor *m_liveness;
    std::shared_ptr<KillJournal> m_journal;
    std::unique_ptr<SerialWorker> m_journalThread; // the journal's writes, off the I/O thread
    std::function<qint64()> m_now;
    QTimer *m_pingTimer = nullptr;
    QHash<QString, QList<Waiter *>> m_waiters; // by session
    QHash<QByteArray, int> m_perToken;
    QAtomicInt m_parkedCount;
    mutable QMutex m_brokenMutex;
    QString m_broken;
};

} // namespace interlock
