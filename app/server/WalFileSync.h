#pragma once

#include <QString>
#include <mutex>

namespace interlock {

// Makes a SQLite write-ahead log durable from any thread: fdatasync on a descriptor of its own.
// With synchronous=NORMAL a commit only writes the log; one sync then covers every commit
// written before it began, so a group commit need not wait for the disk on the server's thread
// (CommitGroup). Its folder is synced once too, as SQLite does for a log it creates.
//
// A failure is final: Linux reports a lost write once and then forgets it (the next fsync
// succeeds), and a log replaced under the writer (a new file where SQLite still writes to the
// old one) cannot be synced at all. Every sync after the first failure fails with its reason.
class WalFileSync
{
public:
    explicit WalFileSync(QString walPath);
    ~WalFileSync();
    WalFileSync(const WalFileSync &) = delete;
    WalFileSync &operator=(const WalFileSync &) = delete;

    // False with *why when the disk did not confirm: what was committed since the last sync that
    // held may be lost in a power cut.
    bool sync(QString *why);

private:
    bool openOnce();
    bool sameFile();

    const QString m_path;
    std::mutex m_mutex;
    int m_fd = -1;
    QString m_failure; // the first failure, final
};

} // namespace interlock
