#pragma once

#include "Store.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>
#include <memory>

namespace interlock {

class CommitGroup;
class DiskReserve;
class KillJournal;

// Writes kills and stop-alls to the database whatever the disk and other programs do. The
// sessions are already refused in memory (KillSwitch) when a kill gets here; this makes the kill
// durable: session killed, token revoked, pending actions cancelled, audit entry.
// - A kill is written alone, in a transaction of its own, after what was pending is committed:
//   someone else's failed commit can never undo it, and its failure is known at once.
// - If the disk is full, the disk reserve is released and the kill written into the freed space.
// - If it still cannot be written (a lock held by another program, a disk that refuses writes),
//   it is retried in the background, every 100 ms at first and then every 2 s, until it is
//   recorded (each with the time it was asked for); failures are logged as critical. With a
//   KillJournal, the kills waiting are also kept in a file, so that a server that stops before
//   the database takes them starts again with them (restore()).
class KillRecorder : public QObject
{
    Q_OBJECT
public:
    // commits and reserve may be null.
    KillRecorder(Store &store, CommitGroup *commits, DiskReserve *reserve,
                 QObject *parent = nullptr);
    ~KillRecorder() override;

    struct Request {
        QStringList ids; // empty: every active session (stop-all)
        QString reason;
        Transition transition; // stop.all for stop-all; actor and time for both
        // For a background retry of a stop-all: the sessions that were active when it was asked
        // for (sessions opened later are not its targets).
        QStringList stopAllTargets;
    };
    // Returns what was recorded, or nullopt when it could not be written now: then it is queued
    // for the background retries and recordedLater() tells when it got through.
    std::optional<SessionsEnded> record(const Request &request);
    // Kills asked for but not yet in the database.
    qsizetype unrecorded() const { return m_queue.size(); }
    // Keeps the kills waiting in `journal` from now on.
    void setJournal(std::shared_ptr<KillJournal> journal);
    // At start: the kills a previous run could not record, read from its journal. They are
    // written now, or waited for like any other.
    void restore(const QList<Request> &kills);
    // A kill of `ids` (empty: stop-all of `stopAllTargets`) asked for by `actor` at `at` (wall
    // clock, ms); an empty reason becomes "emergency stop" or "stop all agents".
    static Request request(const QStringList &ids, QString reason, const QString &actor, qint64 at,
                           const QStringList &stopAllTargets = {});
    static QJsonObject toJson(const Request &request);
    // nullopt: not a kill as toJson() writes one.
    static std::optional<Request> fromJson(const QJsonObject &o);

Q_SIGNALS:
    void recordedLater(const SessionsEnded &ended, bool stopAll);
    // After every kill or stop-all made durable (at once or by a retry): its events can be read
    // (EventTap: metrics, webhooks).
    void written();

private:
    std::optional<SessionsEnded> attempt(const QStringList &ids, const Request &request);
    std::optional<SessionsEnded> write(const QStringList &ids, const Request &request,
                                       StoreFailure *why);
    void retry();
    void saveQueue();

    Store &m_store;
    CommitGroup *m_commits;
    DiskReserve *m_reserve;
    QList<Request> m_queue;
    std::shared_ptr<KillJournal> m_journal;
    bool m_queueSaved = false; // m_queue is in the journal as it is
    QTimer m_timer;
    int m_delayMs = 0;
    int m_failures = 0;
    StoreFailure m_lastFailure = StoreFailure::None;
    QElapsedTimer m_since;
};

} // namespace interlock
