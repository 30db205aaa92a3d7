#pragma once

#include <QHash>
#include <QString>
#include <array>

namespace interlock {

// How many bytes of submissions each agent (by name, over all its sessions) sent in the last
// 10 minutes, in 10-second buckets: beyond the budget a submission is refused (429
// too_much_data) until enough of the window has passed. Withdrawn and decided actions stay on
// disk, so the pending limit alone let an agent fill it with a submit-and-withdraw loop. In
// memory, per server (a restart forgets; several servers each keep their own).
class SubmissionBudget
{
public:
    explicit SubmissionBudget(qint64 bytesPer10Min);

    // Counts `bytes` for `agent` at `nowMs` if the budget allows; else false with the time until
    // it would.
    bool take(const QString &agent, qint64 bytes, qint64 nowMs, qint64 *retryAfterMs);
    qint64 used(const QString &agent, qint64 nowMs) const;

private:
    static constexpr int kBuckets = 60;
    static constexpr qint64 kBucketMs = 10'000;
    struct Window {
        std::array<qint64, kBuckets> bytes{};
        qint64 newest = 0; // the bucket number (nowMs / kBucketMs) of the newest entry
    };
    void advance(Window &w, qint64 bucket) const;
    void forgetIdle(qint64 bucket);

    qint64 m_budget;
    QHash<QString, Window> m_agents;
};

} // namespace interlock
