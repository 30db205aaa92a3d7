#pragma once

#include "BreakerRules.h"

#include <QHash>
#include <QJsonArray>
#include <deque>
#include <limits>
#include <memory>
#include <vector>

namespace interlock {

// A rule that a submission or a decision crossed, with the figures that crossed it.
struct BreakerTrip {
    const BreakerRule *rule = nullptr;
    QString key;        // the session id or the agent name, by the rule's scope
    qint64 count = 0;   // the figure that went past the limit
    qint64 sinceMs = 0; // the oldest event counted (windowed rules)
};

// The breakers' counters, in memory: per rule, one sliding window (or one run of rejections) per
// session or agent. A submission costs O(rules) amortised O(1) steps: each event enters its
// window once and leaves it once. Windows hold only events that count (a submission that is not
// destructive never enters a destructive window), so a window never holds more than the rule's
// limit plus one before it trips.
class CircuitBreakers
{
public:
    explicit CircuitBreakers(std::shared_ptr<const BreakerRules> rules);

    const BreakerRules &rules() const { return *m_rules; }
    ActionFacts factsOf(const QJsonObject &action) const { return m_rules->factsOf(action); }

    // The rules this submission would trip; nothing is recorded.
    QList<BreakerTrip> check(const QString &sessionId, const QString &agent, const QString &kind,
                             const ActionFacts &facts, qint64 nowMs);
    // Counts a stored submission made at `atMs` (now, or a moment ago on another server sharing
    // the database); one older than a window is not counted there.
    void record(const QString &sessionId, const QString &agent, const QString &kind,
                const ActionFacts &facts, qint64 atMs, qint64 nowMs);
    // A person's decision on an action of `kind`, made at `atMs`: a rejection extends the runs,
    // an approval ends them. Returns the rules a rejection trips.
    QList<BreakerTrip> decided(const QString &sessionId, const QString &agent, const QString &kind,
                               bool rejected, qint64 atMs);
    // After a restart: counts the stored actions again (submissions by their creation time, then
    // people's decisions in the order they were made), without tripping anything.
    void restore(const QList<QJsonObject> &actions);
    // Starts the counts of a session and of its agent afresh (people resumed it at `atMs`):
    // what was made until then no longer counts, also when another server's event of it
    // arrives later; what was made after it still does.
    void forget(const QString &sessionId, const QString &agent, qint64 atMs);
    // Drops windows with nothing left in them (a timer calls it; nothing else needs it).
    void prune(qint64 nowMs);
    int windowCount() const;
    // What counts toward each rule for this session now (rules with nothing counted are left
    // out): [{"breaker", "scope", "count", "more_than", "window_seconds"}].
    QJsonArray counts(const QString &sessionId, const QString &agent, qint64 nowMs) const;

private:
    static constexpr qint64 kNoFloor = std::numeric_limits<qint64>::min();
    struct Window {
        std::deque<std::pair<qint64, qint64>> events; // (at, amount), oldest first
        qint64 sum = 0;
        qint64 floor = kNoFloor; // forgotten up to here (a resume)
        void evict(qint64 olderThanOrAt);
    };
    struct Run {
        qint64 rejections = 0; // in a row
        qint64 floor = kNoFloor;
    };
    qint64 amountFor(const BreakerRule &rule, const QString &kind, const ActionFacts &facts) const;
    const QString &keyFor(const BreakerRule &rule, const QString &sessionId,
                          const QString &agent) const;

    std::shared_ptr<const BreakerRules> m_rules;
    std::vector<QHash<QString, Window>> m_windows; // by rule index
    std::vector<QHash<QString, Run>> m_runs;       // by rule index
};

} // namespace interlock
