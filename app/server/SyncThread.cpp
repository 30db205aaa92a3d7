#include "SyncThread.h"

namespace interlock {

SyncThread::SyncThread(Sync sync, Done done)
    : m_sync(std::move(sync))
    , m_done(std::move(done))
    , m_thread([this] { run(); })
{}

SyncThread::~SyncThread()
{
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_one();
    m_thread.join();
}

void SyncThread::request(qint64 upTo)
{
    {
        std::lock_guard lock(m_mutex);
        m_requested = std::max(m_requested, upTo);
    }
    m_wake.notify_one();
}

void SyncThread::run()
{
    std::unique_lock lock(m_mutex);
    for (;;) {
        m_wake.wait(lock, [this] { return m_stop || m_requested > m_covered; });
        if (m_requested <= m_covered)
            return; // stopping, nothing left to sync
        const qint64 upTo = m_requested;
        lock.unlock();
        QString why;
        const bool ok = m_sync(&why);
        m_done(upTo, ok, why);
        lock.lock();
        m_covered = upTo;
    }
}

} // namespace interlock
