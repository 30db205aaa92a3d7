#include "AuditChain.h"

#include "core/CanonicalJson.h"
#include "core/Timestamp.h"

#include <QJsonDocument>
#include <thread>

namespace interlock {

QByteArray genesisHash()
{
    return QByteArray(64, '0');
}

QByteArray AuditEntry::canonical() const
{
    const QJsonObject fields{{QStringLiteral("seq"), seq},         {QStringLiteral("at"), at},
                             {QStringLiteral("actor"), actor},     {QStringLiteral("type"), type},
                             {QStringLiteral("subject"), subject}, {QStringLiteral("data"), data}};
    return canonicalJson(fields);
}

QByteArray AuditEntry::computeHash() const
{
    return sha256Hex(prevHash + canonical());
}

QByteArray AuditEntry::computeHash(const AuditKey &key) const
{
    return key.isNull() ? computeHash() : key.mac(prevHash, canonical());
}

QJsonObject AuditEntry::toJson() const
{
    return {{QStringLiteral("seq"), seq},
            {QStringLiteral("at"), toRfc3339(at)},
            {QStringLiteral("actor"), actor},
            {QStringLiteral("type"), type},
            {QStringLiteral("subject"), subject},
            {QStringLiteral("data"), data},
            {QStringLiteral("prev_hash"), QString::fromLatin1(prevHash)},
            {QStringLiteral("hash"), QString::fromLatin1(hash)}};
}

QJsonObject AuditVerdict::toJson() const
{
    QJsonObject o;
    if (ok)
        o = {{QStringLiteral("ok"), true},
             {QStringLiteral("entries"), entries},
             {QStringLiteral("head"), QString::fromLatin1(head)}};
    else
        o = {{QStringLiteral("ok"), false},
             {QStringLiteral("entries"), entries},
             {QStringLiteral("first_bad_seq"), firstBadSeq},
             {QStringLiteral("reason"), reason}};
    o.insert(QStringLiteral("keyed"), keyedFrom > 0);
    if (keyedFrom > 0)
        o.insert(QStringLiteral("keyed_from"), keyedFrom);
    if (anchorSeq > 0)
        o.insert(QStringLiteral("anchor_seq"), anchorSeq);
    return o;
}

AuditVerifier::AuditVerifier(AuditKey key)
    : m_key(std::move(key))
{}

AuditMatch AuditVerifier::match(const AuditEntry &e, const QByteArray &canonical,
                                const AuditKey &key, bool keyedFirst)
{
    // Entries after a keyed one are keyed: try the key first there (one hash per entry).
    const auto keyed = [&] { return !key.isNull() && key.mac(e.prevHash, canonical) == e.hash; };
    if (keyedFirst && keyed())
        return AuditMatch::Keyed;
    if (sha256Hex(e.prevHash + canonical) == e.hash)
        return AuditMatch::Plain;
    if (!keyedFirst && keyed())
        return AuditMatch::Keyed;
    return AuditMatch::None;
}

bool needsKeyedMarker(const AuditEntry &head, const AuditKey &key)
{
    if (key.isNull())
        return false;
    switch (AuditVerifier::match(head, head.canonical(), key, true)) {
    case AuditMatch::Keyed:
        return false;
    case AuditMatch::Plain:
        return true;
    case AuditMatch::None:
        break;
    }
    qWarning("interlock: the newest audit entry (%lld) does not verify with the audit key %s: "
             "altered, or written with another key; `interlockctl audit verify` will report it",
             head.seq, qPrintable(key.source()));
    return false;
}

QJsonObject keyedMarkerData(const AuditKey &key, qint64 afterSeq)
{
    return {{QStringLiteral("scheme"), QStringLiteral("hmac-sha256")},
            {QStringLiteral("key_id"), QString::fromLatin1(key.id())},
            {QStringLiteral("after_seq"), afterSeq}};
}

bool AuditVerifier::broken(qint64 seq, const QString &reason)
{
    m_verdict.ok = false;
    m_verdict.firstBadSeq = seq;
    m_verdict.reason = reason;
    return false;
}

QString AuditVerifier::alteredReason(const AuditEntry &e) const
{
    if (m_key.isNull())
        return QStringLiteral("entry %1 was altered, or it is keyed and no audit key was given "
                              "(--audit-key FILE, INTERLOCK_AUDIT_KEY, or the database's "
                              ".audit-key file)")
            .arg(e.seq);
    const QString keyId = e.data.value(QStringLiteral("key_id")).toString();
    if (e.type == QLatin1String(kAuditKeyedType) && !keyId.isEmpty() &&
        keyId != QLatin1String(m_key.id()))
        return QStringLiteral("entry %1 was altered, or the audit key is the wrong one: the log "
                              "was keyed with key id %2, %3 has key id %4")
            .arg(e.seq)
            .arg(keyId, m_key.source(), QString::fromLatin1(m_key.id()));
    return QStringLiteral("entry %1 was altered (or written with another audit key than %2)")
        .arg(e.seq)
        .arg(m_key.source());
}

bool AuditVerifier::add(const AuditEntry &e, AuditMatch match)
{
    if (!m_verdict.ok)
        return false;
    const qint64 expected = m_verdict.entries + 1;
    if (e.seq != expected)
        return broken(expected, e.seq > expected
                                    ? QStringLiteral("entry %1 is missing").arg(expected)
                                    : QStringLiteral("entry %1 is out of order").arg(e.seq));
    if (e.prevHash != m_verdict.head)
        return broken(e.seq, QStringLiteral("entry %1 does not continue the chain").arg(e.seq));
    if (match == AuditMatch::None)
        return broken(e.seq, alteredReason(e));
    if (match == AuditMatch::Plain && m_verdict.keyedFrom > 0)
        return broken(e.seq, QStringLiteral("entry %1 is not keyed though entry %2 before it is: "
                                            "rewritten without the audit key")
                                 .arg(e.seq)
                                 .arg(m_verdict.keyedFrom));
    for (const AuditAnchor &anchor : std::as_const(m_anchors)) {
        if (anchor.seq == e.seq && anchor.hash != e.hash)
            return broken(e.seq, QStringLiteral("entry %1 is not the one the head anchor (%2) "
                                                "names: the chain was rewritten, or cut back and "
                                                "written on")
                                     .arg(e.seq)
                                     .arg(anchor.source));
    }
    if (match == AuditMatch::Keyed && m_verdict.keyedFrom == 0) {
        // Keying begins at the first entry or with an audit.keyed entry (written by the first
        // keyed server on an older chain; keyed, so it cannot be made up).
        if (e.seq != 1 && e.type != QLatin1String(kAuditKeyedType))
            return broken(e.seq, QStringLiteral("entry %1 is the first keyed entry but not an %2 "
                                                "entry: the entries before it were rewritten "
                                                "without the audit key")
                                     .arg(e.seq)
                                     .arg(QLatin1String(kAuditKeyedType)));
        m_verdict.keyedFrom = e.seq;
    }
    m_lastKeyed = match == AuditMatch::Keyed;
    m_verdict.entries = e.seq;
    m_verdict.head = e.hash;
    return true;
}

AuditVerdict AuditVerifier::finish()
{
    for (const AuditAnchor &anchor : std::as_const(m_anchors)) {
        if (!m_verdict.ok)
            break;
        if (anchor.seq > m_verdict.entries)
            broken(m_verdict.entries + 1,
                   QStringLiteral("entries after %1 are missing: the head anchor (%2) names entry "
                                  "%3 (entries were cut off the end)")
                       .arg(m_verdict.entries)
                       .arg(anchor.source)
                       .arg(anchor.seq));
        else
            m_verdict.anchorSeq = qMax(m_verdict.anchorSeq, anchor.seq);
    }
    if (m_verdict.ok && !m_anchorProblem.isEmpty())
        broken(m_verdict.entries + 1, m_anchorProblem);
    if (m_verdict.ok && !m_anchorMissing.isEmpty() && m_verdict.keyedFrom > 0)
        broken(m_verdict.entries + 1,
               QStringLiteral("the head anchor %1 is missing: entries cut off the end cannot be "
                              "ruled out (restore the file, or compare with a head recorded "
                              "elsewhere: --expect-head SEQ:HASH)")
                   .arg(m_anchorMissing));
    if (m_verdict.ok && !m_key.isNull() && m_verdict.entries > 0 && !m_lastKeyed)
        broken(m_verdict.entries,
               QStringLiteral("the newest entry %1 is not keyed with the audit key %2: the entries "
                              "written with it were cut off or rewritten without it (or no "
                              "server with this key has written to this database yet)")
                   .arg(m_verdict.entries)
                   .arg(m_key.source()));
    return m_verdict;
}

bool AuditBatchVerifier::add(AuditEntry entry, QByteArray storedData)
{
    if (!m_verifier.verdict().ok)
        return false;
    m_batch.push_back({std::move(entry), std::move(storedData)});
    if (int(m_batch.size()) >= kBatch)
        flush();
    return m_verifier.verdict().ok;
}

AuditVerdict AuditBatchVerifier::finish()
{
    flush();
    return m_verifier.finish();
}

void AuditBatchVerifier::flush()
{
    const AuditKey &key = m_verifier.key();
    const auto check = [&key](Pending *begin, Pending *end) {
        bool keyedFirst = false;
        for (Pending *p = begin; p != end; ++p) {
            // Fast path: the stored data is the canonical text it was hashed as, so the
            // entry's canonical form can be assembled around it without parsing. Anything
            // that does not match is checked the slow way (parse, re-serialise), so a valid
            // entry stored in another spelling still verifies and an altered one still fails.
            const AuditEntry &e = p->entry;
            const QByteArray canonical =
                "{\"actor\":" + canonicalJson(e.actor) + ",\"at\":" + QByteArray::number(e.at) +
                ",\"data\":" + p->data + ",\"seq\":" + QByteArray::number(e.seq) +
                ",\"subject\":" + canonicalJson(e.subject) + ",\"type\":" + canonicalJson(e.type) +
                '}';
            p->match = AuditVerifier::match(e, canonical, key, keyedFirst);
            if (p->match == AuditMatch::None) {
                p->entry.data = QJsonDocument::fromJson(p->data).object();
                p->match = AuditVerifier::match(e, e.canonical(), key, keyedFirst);
            }
            keyedFirst = p->match == AuditMatch::Keyed;
        }
    };
    if (m_batch.empty())
        return;
    Pending *first = m_batch.data();
    Pending *middle = first + m_batch.size() / 2;
    std::thread helper(check, first, middle);
    check(middle, first + m_batch.size());
    helper.join();
    for (const Pending &p : m_batch) {
        if (!m_verifier.add(p.entry, p.match))
            break;
    }
    m_batch.clear();
}

} // namespace interlock
