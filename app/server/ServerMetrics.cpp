#include "ServerMetrics.h"

#include "SafetyGuard.h"
#include "Store.h"
#include "WebhookNotifier.h"
#include "core/Timestamp.h"

namespace interlock {

namespace {
QByteArray number(double v)
{
    return QByteArray::number(v, 'g', 12);
}

// Label values escaped as the exposition format requires.
QByteArray label(const QString &value)
{
    QByteArray out;
    for (const char c : value.toUtf8()) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

void head(QByteArray &out, const char *name, const char *type, const char *help)
{
    out += QByteArray("# HELP ") + name + ' ' + help + "\n# TYPE " + name + ' ' + type + '\n';
}
} // namespace

Histogram::Histogram(std::vector<double> bounds)
    : m_bounds(std::move(bounds))
    , m_counts(m_bounds.size() + 1, 0)
{}

void Histogram::observe(double value)
{
    size_t i = 0;
    while (i < m_bounds.size() && value > m_bounds[i])
        ++i;
    ++m_counts[i];
    m_sum += value;
    ++m_count;
}

QByteArray Histogram::render(const QByteArray &name) const
{
    QByteArray out;
    qint64 cumulative = 0;
    for (size_t i = 0; i < m_bounds.size(); ++i) {
        cumulative += m_counts[i];
        out += name + "_bucket{le=\"" + number(m_bounds[i]) + "\"} " +
               QByteArray::number(cumulative) + '\n';
    }
    out += name + "_bucket{le=\"+Inf\"} " + QByteArray::number(m_count) + '\n';
    out += name + "_sum " + number(m_sum) + '\n';
    out += name + "_count " + QByteArray::number(m_count) + '\n';
    return out;
}

ServerMetrics::ServerMetrics()
    : m_timeToDecision({1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 14400, 43200, 86400})
    , m_killLatency({0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10})
    , m_commit({0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1})
{
    for (const char *outcome : {"approved", "rejected", "expired", "cancelled"})
        m_decisions.insert(QLatin1String(outcome), 0);
}

void ServerMetrics::observe(const EventRecord &event, Store &store)
{
    const QString status = event.data.value(QStringLiteral("status")).toString();
    if (event.type == QLatin1String("action.decided") ||
        (event.type == QLatin1String("action.updated") &&
         (status == QLatin1String("expired") || status == QLatin1String("cancelled"))) ||
        (event.type == QLatin1String("action.created") && status == QLatin1String("approved"))) {
        if (!m_decisions.contains(status))
            return;
        ++m_decisions[status];
        if (event.data.contains(QStringLiteral("grant_id")))
            ++m_grantApprovals;
        if (status == QLatin1String("approved") || status == QLatin1String("rejected")) {
            const auto action = store.action(event.actionId);
            const auto created =
                action ? fromRfc3339(action->value(QStringLiteral("created_at")).toString())
                       : std::nullopt;
            if (created)
                m_timeToDecision.observe(double(qMax<qint64>(0, event.at - *created)) / 1000.0);
        }
    } else if (event.type == QLatin1String("session.killed")) {
        ++m_kills;
    } else if (event.type == QLatin1String("stop.all")) {
        ++m_stopAlls;
    } else if (event.type == QLatin1String("session.terminated")) {
        const QJsonValue ms = event.data.value(QStringLiteral("kill_latency_ms"));
        if (ms.isDouble())
            m_killLatency.observe(ms.toDouble() / 1000.0);
    } else if (event.type == QLatin1String("receipt.violation")) {
        ++m_violations;
    } else if (event.type == QLatin1String("breaker.tripped")) {
        ++m_trips[event.data.value(QStringLiteral("rule")).toString() + QLatin1Char('\n') +
                  event.data.value(QStringLiteral("action")).toString()];
    }
}

void ServerMetrics::commitTook(qint64 nanoseconds, bool ok)
{
    m_commit.observe(double(nanoseconds) / 1e9);
    if (!ok)
        ++m_commitFailures;
}

QByteArray ServerMetrics::render(Store &store, const SafetyGuard &guard,
                                 const WebhookNotifier *notifier) const
{
    QByteArray out;
    out.reserve(8192);
    head(out, "interlock_queue_depth", "gauge", "Pending actions by risk level.");
    const std::array<qint64, 4> depth = store.pendingByLevel();
    const char *const levels[] = {"low", "medium", "high", "critical"};
    for (size_t i = 0; i < 4; ++i)
        out += QByteArray("interlock_queue_depth{level=\"") + levels[i] + "\"} " +
               QByteArray::number(depth[i]) + '\n';

    head(out, "interlock_decisions_total", "counter",
         "Actions decided since the server started, by outcome (approved includes edits, "
         "standing grants and the auto-approve policy).");
    for (const char *outcome : {"approved", "rejected", "expired", "cancelled"})
        out += QByteArray("interlock_decisions_total{outcome=\"") + outcome + "\"} " +
               QByteArray::number(m_decisions.value(QLatin1String(outcome))) + '\n';
    head(out, "interlock_grant_approvals_total", "counter",
         "Actions approved by a standing grant since the server started.");
    out += "interlock_grant_approvals_total " + QByteArray::number(m_grantApprovals) + '\n';
    head(out, "interlock_time_to_decision_seconds", "histogram",
         "Time from submission to approval or rejection.");
    out += m_timeToDecision.render("interlock_time_to_decision_seconds");

    head(out, "interlock_kills_total", "counter", "Sessions killed since the server started.");
    out += "interlock_kills_total " + QByteArray::number(m_kills) + '\n';
    head(out, "interlock_stop_all_total", "counter", "Stop-all requests since the server started.");
    out += "interlock_stop_all_total " + QByteArray::number(m_stopAlls) + '\n';
    head(out, "interlock_kill_latency_seconds", "histogram",
         "Kill to process tree reaped, as reported by the supervisors.");
    out += m_killLatency.render("interlock_kill_latency_seconds");

    head(out, "interlock_breaker_trips_total", "counter",
         "Circuit breaker trips since the server started, by rule and action.");
    for (auto it = m_trips.constBegin(); it != m_trips.constEnd(); ++it)
        out += "interlock_breaker_trips_total{rule=\"" + label(it.key().section(u'\n', 0, 0)) +
               "\",action=\"" + label(it.key().section(u'\n', 1)) + "\"} " +
               QByteArray::number(it.value()) + '\n';
    head(out, "interlock_freezes_active", "gauge",
         "Breaker trips whose freeze still holds (each holds a session or an agent).");
    out += "interlock_freezes_active " + QByteArray::number(guard.freezes().frozenCount()) + '\n';
    head(out, "interlock_grants_active", "gauge", "Standing grants in force.");
    out += "interlock_grants_active " + QByteArray::number(guard.grants().activeCount()) + '\n';

    head(out, "interlock_receipt_violations_total", "counter",
         "Receipts for something other than what was approved, since the server started.");
    out += "interlock_receipt_violations_total " + QByteArray::number(m_violations) + '\n';

    head(out, "interlock_store_commit_seconds", "histogram",
         "Duration of each group commit (one sync) of the store.");
    out += m_commit.render("interlock_store_commit_seconds");
    head(out, "interlock_store_commit_failures_total", "counter",
         "Group commits that failed and were rolled back.");
    out += "interlock_store_commit_failures_total " + QByteArray::number(m_commitFailures) + '\n';

    const WebhookNotifier::Counts w = notifier ? notifier->counts() : WebhookNotifier::Counts{};
    head(out, "interlock_webhooks_sent_total", "counter", "Webhook notifications delivered (2xx).");
    out += "interlock_webhooks_sent_total " + QByteArray::number(w.sent) + '\n';
    head(out, "interlock_webhooks_failed_total", "counter",
         "Webhook attempts that failed (network error, timeout or non-2xx); most are retried.");
    out += "interlock_webhooks_failed_total " + QByteArray::number(w.failed) + '\n';
    head(out, "interlock_webhooks_dropped_total", "counter",
         "Webhook notifications given up: out of attempts, refused, or pushed out of a full "
         "queue.");
    out += "interlock_webhooks_dropped_total " + QByteArray::number(w.dropped) + '\n';
    head(out, "interlock_webhook_queue_depth", "gauge", "Webhook notifications waiting, all URLs.");
    out += "interlock_webhook_queue_depth " + QByteArray::number(w.queued) + '\n';
    return out;
}

} // namespace interlock
