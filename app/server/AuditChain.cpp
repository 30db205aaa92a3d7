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

QByteArray AuditEntry::computeHash() const
{
    const QJsonObject fields{{QStringLiteral("seq"), seq},         {QStringLiteral("at"), at},
                             {QStringLiteral("actor"), actor},     {QStringLiteral("type"), type},
                             {QStringLiteral("subject"), subject}, {QStringLiteral("data"), data}};
    return sha256Hex(prevHash + canonicalJson(fields));
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
    if (ok)
        return {{QStringLiteral("ok"), true},
                {QStringLiteral("entries"), entries},
                {QStringLiteral("head"), QString::fromLatin1(head)}};
    return {{QStringLiteral("ok"), false},
            {QStringLiteral("entries"), entries},
            {QStringLiteral("first_bad_seq"), firstBadSeq},
            {QStringLiteral("reason"), reason}};
}

bool AuditVerifier::add(const AuditEntry &e, bool hashMatches)
{
    if (!m_verdict.ok)
        return false;
    const qint64 expected = m_verdict.entries + 1;
    const auto broken = [&](qint64 seq, const QString &reason) {
        m_verdict.ok = false;
        m_verdict.firstBadSeq = seq;
        m_verdict.reason = reason;
        return false;
    };
    if (e.seq != expected)
        return broken(expected, e.seq > expected
                                    ? QStringLiteral("entry %1 is missing").arg(expected)
                                    : QStringLiteral("entry %1 is out of order").arg(e.seq));
    if (e.prevHash != m_verdict.head)
        return broken(e.seq, QStringLiteral("entry %1 does not continue the chain").arg(e.seq));
    if (!hashMatches)
        return broken(e.seq, QStringLiteral("entry %1 was altered").arg(e.seq));
    m_verdict.entries = e.seq;
    m_verdict.head = e.hash;
    return true;
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
    return m_verifier.verdict();
}

void AuditBatchVerifier::flush()
{
    const auto check = [](Pending *begin, Pending *end) {
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
            p->hashMatches = sha256Hex(e.prevHash + canonical) == e.hash;
            if (!p->hashMatches) {
                p->entry.data = QJsonDocument::fromJson(p->data).object();
                p->hashMatches = p->entry.computeHash() == p->entry.hash;
            }
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
        if (!m_verifier.add(p.entry, p.hashMatches))
            break;
    }
    m_batch.clear();
}

} // namespace interlock
