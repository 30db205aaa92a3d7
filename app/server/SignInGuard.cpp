#include "SignInGuard.h"

#include "Store.h"
#include "core/Clock.h"

namespace interlock {

namespace {
constexpr qint64 kLogEveryMs = 10'000;
constexpr qint64 kAuditEveryMs = 60'000;
} // namespace

SignInGuard::SignInGuard(Store &store, Clock &clock, std::function<qint64()> monotonicMs,
                         AuthThrottle::Config config)
    : m_store(store)
    , m_clock(clock)
    , m_monotonic(monotonicMs)
    , m_throttle(std::move(monotonicMs), config)
{}

std::optional<SignInGuard::Refusal> SignInGuard::failed(const QHostAddress &peer)
{
    ++m_failures;
    const AuthThrottle::Verdict v = m_throttle.recordFailure(peer);
    if (v.blockStarted)
        trace(peer, v);
    if (!v.refused)
        return std::nullopt;
    ++m_refused;
    const int seconds = int((v.retryAfterMs + 999) / 1000);
    return Refusal{ApiError::rateLimited(QStringLiteral("Too many failed sign-ins from this "
                                                        "address; try again in %1 s.")
                                             .arg(seconds)),
                   seconds};
}

void SignInGuard::trace(const QHostAddress &peer, const AuthThrottle::Verdict &v)
{
    const qint64 now = m_monotonic();
    const AuthThrottle::Config &c = m_throttle.config();
    const QString address = peer.toString();
    ++m_blocksUnlogged;
    ++m_blocksUnaudited;
    if (!m_lastLog || now - *m_lastLog >= kLogEveryMs) {
        const int others = m_blocksUnlogged - 1;
        qWarning(
            "interlock: %d failed sign-ins from %s within %lld s: its failed attempts are "
            "answered 429 for %lld s (valid tokens still work)%s",
            v.recentFailures, qPrintable(address), c.windowMs / 1000, c.blockMs / 1000,
            others > 0
                ? qPrintable(QStringLiteral("; %1 more blocks since the last line").arg(others))
                : "");
        m_lastLog = now;
        m_blocksUnlogged = 0;
    }
    if (!m_lastAudit || now - *m_lastAudit >= kAuditEveryMs) {
        const Transition t{
            {},
            {{QStringLiteral("peer"), address},
             {QStringLiteral("failures"), v.recentFailures},
             {QStringLiteral("window_s"), c.windowMs / 1000},
             {QStringLiteral("blocked_s"), c.blockMs / 1000},
             {QStringLiteral("blocks_since_last_entry"), m_blocksUnaudited},
             {QStringLiteral("refused_since_last_entry"), m_refused - m_refusedAtLastAudit},
             {QStringLiteral("failures_total"), m_failures}},
            QStringLiteral("auth.throttled"),
            QStringLiteral("system"),
            m_clock.nowMs()};
        // A trace that cannot be written (a full disk) must not turn into an error reply.
        if (m_store.appendAuditEntry(t)) {
            m_lastAudit = now;
            m_blocksUnaudited = 0;
            m_refusedAtLastAudit = m_refused;
        }
    }
}

} // namespace interlock
