#pragma once

#include "AuditHead.h"
#include "AuditKey.h"

#include <QByteArray>
#include <QJsonObject>
#include <vector>

namespace interlock {

// One entry of the hash-chained audit log: hash = SHA-256(prev_hash ‖ canonical JSON of
// {seq, at, actor, type, subject, data}) (DESIGN.md "Storage and audit"); a keyed entry, as
// every server writes them now, has hash = HMAC-SHA256(audit key, the same bytes) instead
// (AuditKey.h, docs/security.md). Entries of older files stay as they were: a file's first keyed
// entry is an `audit.keyed` entry naming the key, and every entry after a keyed one is keyed.
struct AuditEntry {
    qint64 seq = 0;
    qint64 at = 0;
    QString actor;
    QString type;
    QString subject;
    QJsonObject data;
    QByteArray prevHash;
    QByteArray hash;

    QByteArray canonical() const;   // the canonical JSON of the fields
    QByteArray computeHash() const; // from prevHash and the fields (unkeyed)
    // Keyed with `key` (unkeyed when the key is null).
    QByteArray computeHash(const AuditKey &key) const;
    QJsonObject toJson() const;
};

QByteArray genesisHash(); // prev_hash of entry 1

// How an entry's stored hash matched: not at all, as SHA-256, or as HMAC with the audit key.
enum class AuditMatch { None, Plain, Keyed };
// The type of the entry a server appends to a chain whose newest entry is not keyed, before
// its first keyed one (data: scheme, key_id, after_seq).
inline constexpr char kAuditKeyedType[] = "audit.keyed";
// Whether a writer with `key` appends that entry after `head`, the newest entry: when the head
// is unkeyed and intact (a head that matches neither way is left for verify to report: warned).
bool needsKeyedMarker(const AuditEntry &head, const AuditKey &key);
QJsonObject keyedMarkerData(const AuditKey &key, qint64 afterSeq);

struct AuditVerdict {
    bool ok = true;
    qint64 entries = 0;
    QByteArray head;        // hash of the last entry (genesis when empty)
    qint64 firstBadSeq = 0; // when !ok
    QString reason;
    qint64 keyedFrom = 0; // the first keyed entry (0: none)
    qint64 anchorSeq = 0; // the newest entry a head anchor named and the chain holds (0: none)

    QJsonObject toJson() const;
};

// Walks the chain entry by entry in seq order, without holding it in memory.
// With a key, the chain must end in keyed entries (entries written with the key cannot be cut off
// or rewritten without it), and no unkeyed entry may follow a keyed one. Without one, keyed
// entries cannot be checked: the chain is not intact.
class AuditVerifier
{
public:
    explicit AuditVerifier(AuditKey key = {});
    // How the entry's hash matches (plain or keyed with the key, if any).
    static AuditMatch match(const AuditEntry &entry, const QByteArray &canonical,
                            const AuditKey &key, bool keyedFirst);
    // False once the chain is broken; later entries are then ignored.
    bool add(const AuditEntry &entry)
    {
        return add(entry, match(entry, entry.canonical(), m_key, m_verdict.keyedFrom > 0));
    }
    // The same, with the entry's hash already checked (verifiers that hash on several threads).
    bool add(const AuditEntry &entry, AuditMatch match);
    AuditVerdict verdict() const { return m_verdict; }
    // The verdict once every entry was added (checks how the chain ends).
    AuditVerdict finish();
    const AuditKey &key() const { return m_key; }

    // Head anchors (AuditHead.h): the chain must hold the entry each names, with its hash (else
    // it was cut back, red team F2). Give them before the first entry.
    void expect(const AuditAnchor &anchor) { m_anchors.append(anchor); }
    // The anchor file expected is absent: not intact once the chain holds keyed entries.
    void anchorMissing(const QString &file) { m_anchorMissing = file; }
    // The anchor could not be read: not intact.
    void anchorUnreadable(const QString &problem) { m_anchorProblem = problem; }

private:
    bool broken(qint64 seq, const QString &reason);
    QString alteredReason(const AuditEntry &entry) const;

    AuditKey m_key;
    AuditVerdict m_verdict{true, 0, genesisHash(), 0, {}};
    bool m_lastKeyed = false;
    QList<AuditAnchor> m_anchors;
    QString m_anchorMissing;
    QString m_anchorProblem;
};

// A verifier fed straight from a store's rows, in seq order: each entry comes with its data as
// stored (JSON text, left unparsed). Hashing, nearly all the work, runs on two threads a batch at
// a time; the links are checked in order. Every store's verifyAudit() uses it.
class AuditBatchVerifier
{
public:
    static constexpr int kBatch = 8192;
    explicit AuditBatchVerifier(AuditKey key = {})
        : m_verifier(std::move(key))
    {}
    // Takes an entry (its `data` left empty); false once the chain is known to be broken.
    bool add(AuditEntry entry, QByteArray storedData);
    AuditVerdict finish();
    AuditVerifier &checks() { return m_verifier; } // for the head anchors

private:
    struct Pending {
        AuditEntry entry;
        QByteArray data;
        AuditMatch match = AuditMatch::None;
    };
    void flush();

    std::vector<Pending> m_batch;
    AuditVerifier m_verifier;
};

} // namespace interlock
