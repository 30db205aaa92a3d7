#pragma once

#include <QString>
#include <memory>

namespace interlock {

// One writer per database file. Whoever opens the database to write (interlockd, the console's
// embedded server, interlockctl's offline commands) first takes an exclusive flock(2) on
// `<db>.lock` and writes its pid and program name into it; a second one is refused with a
// sentence that names the first. The kernel drops the lock when the holder exits, even after a
// SIGKILL, so a stale lock file never blocks a restart.
class StoreLock
{
public:
    // Null with *error set ("… is in use by interlockd (pid 1234) …") when another process
    // holds the lock, or when the lock file cannot be created.
    static std::unique_ptr<StoreLock> acquire(const QString &databasePath, QString *error);
    ~StoreLock();

    StoreLock(const StoreLock &) = delete;
    StoreLock &operator=(const StoreLock &) = delete;

    static QString lockPath(const QString &databasePath);

private:
    explicit StoreLock(int fd);
    int m_fd;
};

} // namespace interlock
