#pragma once

#include "HttpExchange.h"

#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <functional>
#include <memory>

namespace interlock {

class Store;
class SyncThread;

// Group commit for the server thread. Transitions made while handling the requests of one
// event-loop pass share one transaction; a zero-time timer commits it (one sync for all of them)
// and only then releases the replies held meanwhile, so a 201 still means "durable". If the commit
// fails, every held reply becomes an error (507 on a full disk, 503 store_busy, else 500) and the
// store is back where the group began.
//
// Where the store syncs apart (SQLite, Store::syncApart), the commit only writes, and the sync
// runs on a SyncThread while this thread goes on with the next requests. Every reply of this
// thread, reads too, is then held until the disk has confirmed every group committed before it
// was made: nobody sees what a power cut could still undo. If the disk ever fails to confirm,
// every reply from then on is an error until the server is restarted (what was committed since
// the last confirmed sync may or may not be on disk: nothing is built on it).
class CommitGroup : public QObject, public ReplyGate
{
    Q_OBJECT
public:
    explicit CommitGroup(Store &store, QObject *parent = nullptr);
    ~CommitGroup() override;

    bool holding() const override;
    void hold(HttpReply *reply) override;
    bool writing() const override;
    bool broken() const override { return !m_broken.isEmpty(); }
    void flush();

    // Figures for `bench`: how many groups were committed and how many replies they carried.
    qint64 groups() const { return m_groups; }

Q_SIGNALS:
    // After each group is durable (or failed): how long from its commit until then, whether it
    // held (metrics), and the last event it stored (EventTap: later events may still be
    // uncommitted or not yet on disk); its held replies are released by then.
    void groupCommitted(qint64 nanoseconds, bool ok, qint64 lastEvent);
    // A commit did not get through (full disk, lock): everything in the group was undone.
    void failed();
    // The disk did not confirm a sync: every reply is an error from now on.
    void broke(const QString &why);

private:
    struct Held {
        QPointer<HttpReply> reply;
        qint64 group; // released once this group is durable (or failed, for its own writes)
    };
    struct Committed {
        qint64 group;
        QElapsedTimer since;
        qint64 lastEvent;
    };
    void synced(qint64 upTo, bool ok, const QString &why);
    void releaseDurable();
    ApiError brokenError() const;

    Store &m_store;
    QList<Held> m_held;
    QList<Committed> m_syncing; // committed, waiting for the disk
    std::function<bool(QString *why)> m_sync;
    std::unique_ptr<SyncThread> m_syncer;
    qint64 m_attempted = 0; // groups whose commit was tried
    qint64 m_committed = 0; // the last group committed
    qint64 m_durable = 0;   // every group up to this one is on disk
    QString m_broken;       // why the disk did not confirm a sync: every reply fails from then on
    bool m_flushScheduled = false;
    qint64 m_groups = 0;
};

} // namespace interlock
