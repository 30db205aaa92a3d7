#include "AuditChain.h"

#include "core/CanonicalJson.h"
#include "core/Timestamp.h"

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

} // namespace interlock
