#pragma once

#include <QString>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

struct sqlite3;

namespace interlock {

// Copies the WAL back into the database file on a thread and a connection of its own, so that
// the server's thread seldom stops for it. SQLite's automatic checkpoint ran inside the commit
// that crossed 1,000 WAL pages: a 4 MB write and an fsync of the database file on the thread
// every request waits for. install() replaces it with a WAL hook that asks this thread instead
// (a PASSIVE checkpoint waits for no reader or writer). Under steady writes this thread seldom
// catches up between two commits, and only a checkpoint that has caught up lets the next
// transaction start the WAL again from its beginning: so once the WAL is kForegroundPages long,
// the writer finishes in its own commit what is left to copy (little, this thread has copied
// the rest) and the WAL starts again. 4 MB checkpoints on the server's thread every 1,000 pages
// become a short one every 4,000, and the WAL stays under about 16 MB.
class SqliteCheckpointer
{
public:
    static constexpr int kBackgroundPages = 1000; // SQLite's own wal_autocheckpoint default
    static constexpr int kForegroundPages = 4000;

    ~SqliteCheckpointer();

    // Opens its connection to `path` and hooks the writer's `writer` connection. False (and
    // SQLite's automatic checkpoint kept) when its connection cannot be opened.
    bool install(sqlite3 *writer, const QString &path);
    // Unhooks the writer (automatic checkpoints again) and stops the thread; before the writer
    // closes, so that its close can checkpoint and remove the WAL.
    void stop();

    // Figures for tests: checkpoints that copied pages on this thread, and those run in the
    // writer's commits.
    int backgroundRuns() const { return m_background.load(); }
    int foregroundRuns() const { return m_foreground.load(); }

private:
    static int walHook(void *self, sqlite3 *db, const char *name, int pages);
    void run();

    sqlite3 *m_writer = nullptr;
    sqlite3 *m_db = nullptr;
    std::thread m_thread;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_wanted = false;
    bool m_stopping = false;
    std::atomic<int> m_background{0};
    std::atomic<int> m_foreground{0};
};

} // namespace interlock
