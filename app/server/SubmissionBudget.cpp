#include "SubmissionBudget.h"

#include <numeric>

namespace interlock {

SubmissionBudget::SubmissionBudget(qint64 bytesPer10Min)
    : m_budget(bytesPer10Min)
{}

void SubmissionBudget::advance(Window &w, qint64 bucket) const
{
    // Buckets that left the window are emptied as time moves on.
    for (qint64 b = w.newest + 1; b <= bucket && b <= w.newest + kBuckets; ++b)
        w.bytes[size_t(b % kBuckets)] = 0;
    if (bucket > w.newest)
        w.newest = bucket;
}

void SubmissionBudget::forgetIdle(QHash<QString, Window> &windows, qint64 bucket) const
{
    if (windows.size() < 10000)
        return;
    windows.removeIf([bucket](const auto &e) { return bucket - e.value().newest >= kBuckets; });
}

qint64 SubmissionBudget::sum(const Window &w)
{
    return std::accumulate(w.bytes.cbegin(), w.bytes.cend(), qint64(0));
}

qint64 SubmissionBudget::waitFor(Window &w, qint64 budget, qint64 bytes, qint64 nowMs) const
{
    const qint64 bucket = nowMs / kBucketMs;
    advance(w, bucket);
    const qint64 used = sum(w);
    if (used + bytes <= budget)
        return 0;
    // The oldest buckets leave the window first: when would enough of them have left?
    qint64 freed = 0;
    qint64 waitBuckets = kBuckets;
    for (qint64 i = 1; i <= kBuckets; ++i) {
        freed += w.bytes[size_t((bucket + i) % kBuckets)]; // oldest first
        if (used - freed + bytes <= budget) {
            waitBuckets = i;
            break;
        }
    }
    return waitBuckets * kBucketMs - nowMs % kBucketMs;
}

SubmissionBudget::Refused SubmissionBudget::take(const QString &agent, const QString &opener,
                                                 qint64 bytes, qint64 nowMs, qint64 *retryAfterMs)
{
    if (m_budget <= 0)
        return Refused::No;
    const qint64 bucket = nowMs / kBucketMs;
    forgetIdle(m_agents, bucket);
    forgetIdle(m_openers, bucket);
    Window &a = m_agents[agent];
    if (const qint64 wait = waitFor(a, m_budget, bytes, nowMs); wait > 0) {
        *retryAfterMs = wait;
        return Refused::Agent;
    }
    Window *o = opener.isEmpty() ? nullptr : &m_openers[opener];
    if (o) {
        if (const qint64 wait = waitFor(*o, m_budget * kOpenerShare, bytes, nowMs); wait > 0) {
            *retryAfterMs = wait;
            return Refused::Opener;
        }
        o->bytes[size_t(bucket % kBuckets)] += bytes;
    }
    a.bytes[size_t(bucket % kBuckets)] += bytes;
    return Refused::No;
}

qint64 SubmissionBudget::used(const QString &agent, qint64 nowMs) const
{
    auto w = m_agents.value(agent);
    advance(w, nowMs / kBucketMs);
    return sum(w);
}

qint64 SubmissionBudget::usedByOpener(const QString &opener, qint64 nowMs) const
{
    auto w = m_openers.value(opener);
    advance(w, nowMs / kBucketMs);
    return sum(w);
}

} // namespace interlock
