#include "CircuitBreakers.h"

#include "core/Timestamp.h"

#include <QJsonArray>
#include <algorithm>

namespace interlock {

namespace {
// A decision made by a person (not by a standing grant or the policy).
bool byPerson(const QJsonObject &decision)
{
    const QString by = decision.value(QStringLiteral("by")).toString();
    return !by.isEmpty() && by != QLatin1String("policy") &&
           !decision.contains(QStringLiteral("grant"));
}
} // namespace

void CircuitBreakers::Window::evict(qint64 olderThanOrAt)
{
    while (!events.empty() && events.front().first <= olderThanOrAt) {
        sum -= events.front().second;
        events.pop_front();
    }
}

CircuitBreakers::CircuitBreakers(std::shared_ptr<const BreakerRules> rules)
    : m_rules(std::move(rules))
    , m_windows(size_t(m_rules->rules().size()))
    , m_runs(size_t(m_rules->rules().size()))
{}

qint64 CircuitBreakers::amountFor(const BreakerRule &rule, const QString &kind,
                                  const ActionFacts &facts) const
{
    if (!rule.appliesTo(kind))
        return 0;
    switch (rule.measure) {
    case BreakerRule::Measure::DestructiveActions:
        return facts.destructive ? 1 : 0;
    case BreakerRule::Measure::DeletedItems:
        return facts.deletedItems;
    case BreakerRule::Measure::Submissions:
        return 1;
    case BreakerRule::Measure::RejectionsInARow:
        return 0;
    }
    return 0;
}

const QString &CircuitBreakers::keyFor(const BreakerRule &rule, const QString &sessionId,
                                       const QString &agent) const
{
    return rule.scope == BreakerRule::Scope::Agent ? agent : sessionId;
}

QList<BreakerTrip> CircuitBreakers::check(const QString &sessionId, const QString &agent,
                                          const QString &kind, const ActionFacts &facts,
                                          qint64 nowMs)
{
    QList<BreakerTrip> trips;
    const QList<BreakerRule> &rules = m_rules->rules();
    for (size_t i = 0; i < size_t(rules.size()); ++i) {
        const BreakerRule &rule = rules[qsizetype(i)];
        const qint64 amount = rule.windowed() ? amountFor(rule, kind, facts) : 0;
        if (amount == 0)
            continue;
        const QString &key = keyFor(rule, sessionId, agent);
        auto it = m_windows[i].find(key);
        qint64 sum = 0;
        qint64 since = nowMs;
        if (it != m_windows[i].end()) {
            it->evict(nowMs - qint64(rule.windowSeconds) * 1000);
            sum = it->sum;
            if (!it->events.empty())
                since = it->events.front().first;
        }
        if (sum + amount > rule.moreThan)
            trips.append(BreakerTrip{&rule, key, sum + amount, since});
    }
    return trips;
}

void CircuitBreakers::record(const QString &sessionId, const QString &agent, const QString &kind,
                             const ActionFacts &facts, qint64 atMs, qint64 nowMs)
{
    const QList<BreakerRule> &rules = m_rules->rules();
    for (size_t i = 0; i < size_t(rules.size()); ++i) {
        const BreakerRule &rule = rules[qsizetype(i)];
        const qint64 amount = rule.windowed() ? amountFor(rule, kind, facts) : 0;
        const qint64 cutoff = nowMs - qint64(rule.windowSeconds) * 1000;
        if (amount == 0 || atMs <= cutoff)
            continue;
        Window &w = m_windows[i][keyFor(rule, sessionId, agent)];
        if (atMs <= w.floor)
            continue; // made before people resumed it
        w.evict(cutoff);
        // In time order: another server's submission may be older than the last one here.
        auto at = w.events.end();
        while (at != w.events.begin() && std::prev(at)->first > atMs)
            --at;
        w.events.emplace(at, atMs, amount);
        w.sum += amount;
    }
}

QList<BreakerTrip> CircuitBreakers::decided(const QString &sessionId, const QString &agent,
                                            const QString &kind, bool rejected, qint64 atMs)
{
    QList<BreakerTrip> trips;
    const QList<BreakerRule> &rules = m_rules->rules();
    for (size_t i = 0; i < size_t(rules.size()); ++i) {
        const BreakerRule &rule = rules[qsizetype(i)];
        if (rule.windowed() || !rule.appliesTo(kind))
            continue;
        const QString &key = keyFor(rule, sessionId, agent);
        Run &run = m_runs[i][key];
        if (atMs <= run.floor)
            continue; // made before people resumed it
        if (!rejected) {
            run.rejections = 0;
            continue;
        }
        if (++run.rejections > rule.moreThan)
            trips.append(BreakerTrip{&rule, key, run.rejections, 0});
    }
    return trips;
}

void CircuitBreakers::restore(const QList<QJsonObject> &actions)
{
    struct Decision {
        qint64 at;
        const QJsonObject *action;
        bool rejected;
    };
    std::vector<const QJsonObject *> byCreation;
    std::vector<Decision> decisions;
    for (const QJsonObject &a : actions) {
        byCreation.push_back(&a);
        const QJsonObject decision = a.value(QStringLiteral("decision")).toObject();
        const QString status = a.value(QStringLiteral("status")).toString();
        if (!byPerson(decision) ||
            (status != QLatin1String("approved") && status != QLatin1String("rejected")))
            continue;
        if (const auto at = fromRfc3339(decision.value(QStringLiteral("at")).toString()))
            decisions.push_back({*at, &a, status == QLatin1String("rejected")});
    }
    const auto created = [](const QJsonObject *a) {
        return fromRfc3339(a->value(QStringLiteral("created_at")).toString()).value_or(0);
    };
    std::stable_sort(
        byCreation.begin(), byCreation.end(),
        [&](const QJsonObject *x, const QJsonObject *y) { return created(x) < created(y); });
    for (const QJsonObject *a : byCreation)
        record(a->value(QStringLiteral("session_id")).toString(),
               a->value(QStringLiteral("agent")).toString(),
               a->value(QStringLiteral("kind")).toString(), factsOf(*a), created(a), created(a));
    std::stable_sort(decisions.begin(), decisions.end(),
                     [](const Decision &x, const Decision &y) { return x.at < y.at; });
    for (const Decision &d : decisions)
        decided(d.action->value(QStringLiteral("session_id")).toString(),
                d.action->value(QStringLiteral("agent")).toString(),
                d.action->value(QStringLiteral("kind")).toString(), d.rejected, d.at);
}

void CircuitBreakers::forget(const QString &sessionId, const QString &agent, qint64 atMs)
{
    const QList<BreakerRule> &rules = m_rules->rules();
    for (size_t i = 0; i < m_windows.size(); ++i) {
        const QString &key = keyFor(rules[qsizetype(i)], sessionId, agent);
        if (rules[qsizetype(i)].windowed()) {
            Window &w = m_windows[i][key];
            w.evict(atMs);
            w.floor = qMax(w.floor, atMs);
        } else {
            Run &run = m_runs[i][key];
            run.rejections = 0;
            run.floor = qMax(run.floor, atMs);
        }
    }
}

void CircuitBreakers::prune(qint64 nowMs)
{
    const QList<BreakerRule> &rules = m_rules->rules();
    for (size_t i = 0; i < m_windows.size(); ++i) {
        const qint64 cutoff = nowMs - qint64(rules[qsizetype(i)].windowSeconds) * 1000;
        for (auto it = m_windows[i].begin(); it != m_windows[i].end();) {
            it->evict(cutoff);
            // A floor inside the window still turns away late events from before it.
            it = it->events.empty() && it->floor <= cutoff ? m_windows[i].erase(it) : std::next(it);
        }
        // Runs with no rejections: their floor only matters for events delivered late (the
        // change feed: milliseconds; an hour covers a long outage).
        const qint64 runCutoff = nowMs - 3600 * 1000;
        for (auto it = m_runs[i].begin(); it != m_runs[i].end();)
            it =
                it->rejections == 0 && it->floor <= runCutoff ? m_runs[i].erase(it) : std::next(it);
    }
}

int CircuitBreakers::windowCount() const
{
    int n = 0;
    for (const auto &w : m_windows)
        n += int(w.size());
    return n;
}

QJsonArray CircuitBreakers::counts(const QString &sessionId, const QString &agent,
                                   qint64 nowMs) const
{
    QJsonArray out;
    const QList<BreakerRule> &rules = m_rules->rules();
    for (size_t i = 0; i < size_t(rules.size()); ++i) {
        const BreakerRule &rule = rules[qsizetype(i)];
        const QString &key = keyFor(rule, sessionId, agent);
        qint64 count = 0;
        if (rule.windowed()) {
            const auto it = m_windows[i].constFind(key);
            const qint64 cutoff = nowMs - qint64(rule.windowSeconds) * 1000;
            if (it != m_windows[i].cend()) {
                for (auto e = it->events.crbegin(); e != it->events.crend() && e->first > cutoff;
                     ++e)
                    count += e->second;
            }
        } else {
            count = m_runs[i].value(key).rejections;
        }
        if (count == 0)
            continue;
        QJsonObject o{{QStringLiteral("breaker"), rule.id},
                      {QStringLiteral("scope"), rule.scopeName()},
                      {QStringLiteral("measure"), rule.measureName()},
                      {QStringLiteral("count"), count},
                      {QStringLiteral("more_than"), rule.moreThan}};
        if (rule.windowed())
            o.insert(QStringLiteral("window_seconds"), rule.windowSeconds);
        out.append(o);
    }
    return out;
}

} // namespace interlock
