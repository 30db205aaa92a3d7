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

void SubmissionBudget::forgetIdle(qint64 bucket)
{
    if (m_agents.size() < 10000)
        return;
    m_agents.removeIf([bucket](const auto &e) { return bucket - e.value().newest >= kBuckets; });
}

bool SubmissionBudget::take(const QString &agent, qint64 bytes, qint64 nowMs, qint64 *retryAfterMs)
{
    if (m_budget <= 0)
        return true;
    const qint64 bucket = nowMs / kBucketMs;
    forgetIdle(bucket);
    Window &w = m_agents[agent];
    advance(w, bucket);
    const qint64 used = std::accumulate(w.bytes.cbegin(), w.bytes.cend(), qint64(0));
    if (used + bytes <= m_budget) {
        w.bytes[size_t(bucket % kBuckets)] += bytes;
        return true;
    }
    // The oldest buckets leave the window first: when would enough of them have left?
    qint64 freed = 0;
    qint64 waitBuckets = kBuckets;
    for (qint64 i = 1; i <= kBuckets; ++i) {
        freed += w.bytes[size_t((bucket + i) % kBuckets)]; // oldest first
        if (used - freed + bytes <= m_budget) {
            waitBuckets = i;
            break;
        }
    }
    *retryAfterMs = waitBuckets * kBucketMs - nowMs % kBucketMs;
    return false;
}

qint64 SubmissionBudget::used(const QString &agent, qint64 nowMs) const
{
    auto w = m_agents.value(agent);
    advance(w, nowMs / kBucketMs);
    return std::accumulate(w.bytes.cbegin(), w.bytes.cend(), qint64(0));
}

} // namespace interlock
