#pragma once

#include <QByteArray>
#include <QHash>
#include <QString>
#include <array>
#include <vector>

namespace interlock {

struct EventRecord;
class SafetyGuard;
class Store;
class WebhookNotifier;

// A Prometheus histogram with fixed upper bounds (seconds).
class Histogram
{
public:
    explicit Histogram(std::vector<double> bounds);
    void observe(double value);
    // The _bucket, _sum and _count lines (after HELP and TYPE).
    QByteArray render(const QByteArray &name) const;

private:
    std::vector<double> m_bounds;
    std::vector<qint64> m_counts; // per bound, not cumulative; the last is +Inf
    double m_sum = 0;
    qint64 m_count = 0;
};

// GET /v1/metrics (docs/safety.md "Metrics"): counters and histograms since the server
// started, fed by the committed events (EventTap) and the group commits, plus gauges read when
// scraped (queue depth by level from the store, frozen sessions, active grants, webhook queue).
class ServerMetrics
{
public:
    ServerMetrics();

    void observe(const EventRecord &event, Store &store);
    void commitTook(qint64 nanoseconds, bool ok);

    // The Prometheus text exposition format (version 0.0.4).
    QByteArray render(Store &store, const SafetyGuard &guard,
                      const WebhookNotifier *notifier) const;

private:
    QHash<QString, qint64> m_decisions; // by outcome
    qint64 m_grantApprovals = 0;
    qint64 m_kills = 0;
    qint64 m_stopAlls = 0;
    qint64 m_violations = 0;
    qint64 m_commitFailures = 0;
    QHash<QString, qint64> m_trips; // "rule\naction"
    Histogram m_timeToDecision;
    Histogram m_killLatency;
    Histogram m_commit;
};

} // namespace interlock
