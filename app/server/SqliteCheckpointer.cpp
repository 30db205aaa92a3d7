#include "SqliteCheckpointer.h"

#include <QtGlobal>
#include <sqlite3.h>
#include <system_error>

namespace interlock {

SqliteCheckpointer::~SqliteCheckpointer()
{
    stop();
}

bool SqliteCheckpointer::install(sqlite3 *writer, const QString &path)
{
    if (!writer || m_db)
        return false;
    sqlite3 *db = nullptr;
    const QByteArray file = path.toUtf8();
    if (sqlite3_open_v2(file.constData(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                        nullptr) != SQLITE_OK ||
        sqlite3_exec(db, "PRAGMA synchronous=FULL", nullptr, nullptr, nullptr) != SQLITE_OK) {
        qWarning("SQLite: cannot open a checkpoint connection to %s: %s", file.constData(),
                 db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return false;
    }
    m_db = db;
    m_writer = writer;
    try {
        m_thread = std::thread([this] { run(); });
    } catch (const std::system_error &) {
        sqlite3_close(db);
        m_db = nullptr;
        m_writer = nullptr;
        return false;
    }
    sqlite3_wal_hook(writer, &SqliteCheckpointer::walHook, this);
    return true;
}

void SqliteCheckpointer::stop()
{
    if (!m_db)
        return;
    sqlite3_wal_autocheckpoint(m_writer, kBackgroundPages); // removes the hook
    {
        const std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_one();
    m_thread.join();
    sqlite3_close(m_db);
    m_db = nullptr;
    m_writer = nullptr;
}

// In the writer's commit, on its thread: pages is the WAL's length now.
int SqliteCheckpointer::walHook(void *self, sqlite3 *db, const char *name, int pages)
{
    auto *that = static_cast<SqliteCheckpointer *>(self);
    if (pages >= kForegroundPages) {
        // What the thread has not copied yet, here, so that the next transaction starts the WAL
        // again (busy while the thread is at it: the next commit tries again).
        if (sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr) ==
            SQLITE_OK)
            that->m_foreground.fetch_add(1);
    } else if (pages >= kBackgroundPages) {
        {
            const std::lock_guard lock(that->m_mutex);
            that->m_wanted = true;
        }
        that->m_wake.notify_one();
    }
    return SQLITE_OK;
}

void SqliteCheckpointer::run()
{
    bool warned = false;
    std::unique_lock lock(m_mutex);
    for (;;) {
        m_wake.wait(lock, [this] { return m_wanted || m_stopping; });
        if (m_stopping)
            return;
        m_wanted = false;
        lock.unlock();
        int copied = 0;
        const int rc =
            sqlite3_wal_checkpoint_v2(m_db, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, &copied);
        if (rc == SQLITE_OK) {
            if (copied > 0)
                m_background.fetch_add(1);
            warned = false;
        } else if (rc != SQLITE_BUSY && !warned) {
            // A full disk, say: the writer's own checkpoint takes over once the WAL is long.
            qWarning("SQLite: background checkpoint failed: %s", sqlite3_errmsg(m_db));
            warned = true;
        }
        lock.lock();
    }
}

} // namespace interlock
