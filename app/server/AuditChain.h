#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <vector>

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

// A verifier fed straight from a store's rows, in seq order: each entry comes with its data as
// stored (JSON text, left unparsed). Hashing, nearly all the work, runs on two threads a batch at
// a time; the links are checked in order. Every store's verifyAudit() uses it.
class AuditBatchVerifier
{
public:
    static constexpr int kBatch = 8192;
    // Takes an entry (its `data` left empty); false once the chain is known to be broken.
    bool add(AuditEntry entry, QByteArray storedData);
    AuditVerdict finish();

private:
    struct Pending {
        AuditEntry entry;
        QByteArray data;
        bool hashMatches = false;
    };
    void flush();

    std::vector<Pending> m_batch;
    AuditVerifier m_verifier;
};

} // namespace interlock
