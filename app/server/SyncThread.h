#pragma once

#include <QString>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace interlock {

// Runs a store's sync (Store::syncApart) on a thread of its own for CommitGroup, so the server's
// thread goes on with the next requests while the disk confirms the last group. request(n) asks
// for every group up to n; the groups asked for while a sync runs are covered by the next one.
// `done` is called on this thread after each sync.
class SyncThread
{
public:
    using Sync = std::function<bool(QString *why)>;
    using Done = std::function<void(qint64 upTo, bool ok, const QString &why)>;
    SyncThread(Sync sync, Done done);
    ~SyncThread(); // runs the sync still asked for, then stops
    SyncThread(const SyncThread &) = delete;
    SyncThread &operator=(const SyncThread &) = delete;

    void request(qint64 upTo);

private:
    void run();

    Sync m_sync;
    Done m_done;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    qint64 m_requested = 0;
    qint64 m_covered = 0;
    bool m_stop = false;
    std::thread m_thread;
};

} // namespace interlock
