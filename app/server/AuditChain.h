#pragma once

#include <QByteArray>
#include <QJsonObject>

namespace interlock {

// One entry of the hash-chained audit log: hash = SHA-256(prev_hash ‖ canonical JSON of
// {seq, at, actor, type, subject, data}) (DESIGN.md "Storage and audit").
struct AuditEntry {
    qint64 seq = 0;
    qint64 at = 0;
    QString actor;
    QString type;
    QString subject;
    QJsonObject data;
    QByteArray prevHash;
    QByteArray hash;

    QByteArray computeHash() const; // from prevHash and the fields
    QJsonObject toJson() const;
};

QByteArray genesisHash(); // prev_hash of entry 1

struct AuditVerdict {
    bool ok = true;
    qint64 entries = 0;
    QByteArray head;        // hash of the last entry (genesis when empty)
    qint64 firstBadSeq = 0; // when !ok
    QString reason;

    QJsonObject toJson() const;
};

// Walks the chain entry by entry in seq order, without holding it in memory.
class AuditVerifier
{
public:
    // False once the chain is broken; later entries are then ignored.
    bool add(const AuditEntry &entry) { return add(entry, entry.computeHash() == entry.hash); }
    // The same, with the entry's hash already checked (verifiers that hash on several threads).
    bool add(const AuditEntry &entry, bool hashMatches);
    AuditVerdict verdict() const { return m_verdict; }

private:
    AuditVerdict m_verdict{true, 0, genesisHash(), 0, {}};
};

} // namespace interlock
