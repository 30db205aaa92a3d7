#pragma once

#include <QByteArray>
#include <QString>
#include <mutex>
#include <optional>

namespace interlock {

// An audit entry named from outside the database, that the chain must still hold: seq and hash.
struct AuditAnchor {
    qint64 seq = 0;
    QByteArray hash;
    QString source; // for messages: the file, "this server", "--expect-head"

    // "SEQ:HASH" (HASH: 64 hex digits); nullopt when it is not that.
    static std::optional<AuditAnchor> parse(const QByteArray &text, const QString &source);
    QByteArray text() const; // SEQ:HASH
};

// The newest audit entry the database's writer committed, kept outside the database so that
// entries cut off the end of the chain are found (red team F2, docs/security.md):
// - SQLite: the file `<db>.audit-head` (mode 0600), written atomically (temporary file and
//   rename) once what it names is durable, read by every verify;
// - PostgreSQL: this server's memory, shared with its readers (each server knows its own
//   commits; `interlockctl audit verify --expect-head` for an anchor kept elsewhere).
// It never moves back, and once the chain was found shorter than it (cut back), it stops: the
// anchor keeps naming what was cut off, and verify reports it. Thread-safe (the SQLite writer
// publishes from its sync thread).
class AuditHead
{
public:
    explicit AuditHead(QString file = {}); // empty: memory only
    static QString defaultFile(const QString &databasePath);
    QString file() const { return m_file; }

    // What verify compares with: the file (or memory); nullopt with *missing set when a file
    // is expected and absent, or *problem set when it cannot be read.
    std::optional<AuditAnchor> anchor(bool *missing, QString *problem) const;

    // The writer, at open: loads the file. Afterwards, `exists` says whether there was one.
    bool load(QString *problem);
    // The writer: nothing is written from now on (the anchor is missing or unreadable while the
    // chain needs one, or the chain was cut back).
    void stop(const QString &why);
    // The writer, before appending after the chain's newest entry (`seq`, `hash`): false (and
    // stopped) when that is older than the entry the anchor names, or is that entry with another
    // hash (rewritten). An empty hash: not checked (another server may have written since).
    bool continuesFrom(qint64 seq, const QByteArray &hash);
    // The writer, after a commit: the chain's newest entry now (not yet durable: pending()).
    void committed(qint64 seq, const QByteArray &hash);
    std::optional<AuditAnchor> pending() const;
    // Once `head` is durable: written out (file) or kept (memory), if it is newer.
    void publish(const std::optional<AuditAnchor> &head);

private:
    bool write(const AuditAnchor &head);

    const QString m_file;
    mutable std::mutex m_mutex;
    std::optional<AuditAnchor> m_committed; // newest committed (may not be durable yet)
    std::optional<AuditAnchor> m_published; // newest written out
    bool m_stopped = false;
};

} // namespace interlock
