#pragma once

#include <QHash>
#include <QString>
#include <array>

namespace interlock {

// How many bytes of submissions each agent (by name, over all its sessions) and each token that
// opens sessions (over all the sessions it opened, whatever their names) sent in the last 10
// minutes, in 10-second buckets: beyond the budget a submission is refused (429 too_much_data)
// until enough of the window has passed. Withdrawn and decided actions stay on disk, so the
// pending limit alone let an agent fill it with a submit-and-withdraw loop; a token that opens
// sessions gets kOpenerShare agents' budgets, so a new name per session does not reset it. In
// memory, per server (a restart forgets; several servers each keep their own).
class SubmissionBudget
{
public:
    static constexpr int kOpenerShare = 4;
    enum class Refused { No, Agent, Opener };

    explicit SubmissionBudget(qint64 bytesPer10Min);
    qint64 budget() const { return m_budget; }

    // Counts `bytes` for `agent` and for `opener` (the name of the token that opened its session;
    // empty: none) at `nowMs` if both budgets allow; else which one refused, with the time until
    // it would allow.
    Refused take(const QString &agent, const QString &opener, qint64 bytes, qint64 nowMs,
                 qint64 *retryAfterMs);
    qint64 used(const QString &agent, qint64 nowMs) const;
    qint64 usedByOpener(const QString &opener, qint64 nowMs) const;

private:
    static constexpr int kBuckets = 60;
    static constexpr qint64 kBucketMs = 10'000;
    struct Window {
        std::array<qint64, kBuckets> bytes{};
        qint64 newest = 0; // the bucket number (nowMs / kBucketMs) of the newest entry
    };
    void advance(Window &w, qint64 bucket) const;
    void forgetIdle(QHash<QString, Window> &windows, qint64 bucket) const;
    // 0 when `bytes` fit in the window's budget now, else how long until they would.
    qint64 waitFor(Window &w, qint64 budget, qint64 bytes, qint64 nowMs) const;
    static qint64 sum(const Window &w);

    qint64 m_budget;
    QHash<QString, Window> m_agents;
    QHash<QString, Window> m_openers;
};

} // namespace interlock
