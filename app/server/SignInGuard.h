#pragma once

#include "AuthThrottle.h"
#include "core/ApiError.h"

#include <functional>
#include <optional>

namespace interlock {

class Clock;
class Store;

// What the server does with a failed sign-in: counts it per address (AuthThrottle), answers a
// blocked address 429 rate_limited with Retry-After instead of 401, and leaves a trace of every
// block: a line on stderr (at most one per 10 s) and an `auth.throttled` audit entry (at most
// one a minute), each counting what it passed over, so that a flood cannot fill the log or the
// disk.
class SignInGuard
{
public:
    // clock: business time for the audit entry; monotonicMs: for windows and blocks.
    SignInGuard(Store &store, Clock &clock, std::function<qint64()> monotonicMs,
                AuthThrottle::Config config = {});

    struct Refusal {
        ApiError error; // 429 rate_limited
        int retryAfterSeconds = 0;
    };
    // Records a failed sign-in from `peer`; a refusal when the address is blocked.
    std::optional<Refusal> failed(const QHostAddress &peer);

    qint64 failures() const { return m_failures; }
    qint64 refused() const { return m_refused; }
    const AuthThrottle &throttle() const { return m_throttle; }

private:
    void trace(const QHostAddress &peer, const AuthThrottle::Verdict &verdict);

    Store &m_store;
    Clock &m_clock;
    std::function<qint64()> m_monotonic;
    AuthThrottle m_throttle;
    qint64 m_failures = 0;
    qint64 m_refused = 0;
    std::optional<qint64> m_lastLog;
    std::optional<qint64> m_lastAudit;
    int m_blocksUnlogged = 0;
    int m_blocksUnaudited = 0;
    qint64 m_refusedAtLastAudit = 0;
};

} // namespace interlock
