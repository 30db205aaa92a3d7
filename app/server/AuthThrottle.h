#pragma once

#include <QByteArray>
#include <QHash>
#include <QHostAddress>
#include <deque>
#include <functional>

namespace interlock {

// Counts failed sign-ins (a wrong or malformed bearer token) per client address in a sliding
// window. Past the limit, the address is blocked for a while: its failed attempts are answered
// 429 rate_limited with Retry-After. Only failures are throttled: a valid token is accepted from
// any address at any time, so a flood of guesses from 127.0.0.1 never locks out the on-call
// engineer on the same machine. IPv6 addresses count by their /64 (one host's usual share);
// the table is bounded, so rotating addresses cannot grow it without end.
class AuthThrottle
{
public:
    struct Config {
        int maxFailures = 20;
        qint64 windowMs = 10'000;
        qint64 blockMs = 30'000;
        int maxPeers = 4096;
    };
    // nowMs: a monotonic time source in milliseconds.
    explicit AuthThrottle(std::function<qint64()> nowMs);
    AuthThrottle(std::function<qint64()> nowMs, Config config);

    struct Verdict {
        bool refused = false;      // the peer was already blocked: answer 429, not 401
        bool blockStarted = false; // this failure started a block
        qint64 retryAfterMs = 0;   // while blocked
        int recentFailures = 0;    // in the window, this one included
    };
    Verdict recordFailure(const QHostAddress &peer);
    // Milliseconds until the peer may fail again without a 429 (0: not blocked).
    qint64 blockedFor(const QHostAddress &peer) const;
    int blockedPeers() const;
    int trackedPeers() const { return int(m_peers.size()); }
    const Config &config() const { return m_config; }

    // The key an address is counted under: IPv4 (also IPv4-mapped) whole, IPv6 by its /64.
    static QByteArray peerKey(const QHostAddress &peer);

private:
    struct Peer {
        std::deque<qint64> failures; // the last maxFailures times
        qint64 blockedUntil = 0;
        qint64 lastSeen = 0;
    };
    void evict(qint64 now);

    std::function<qint64()> m_now;
    Config m_config;
    QHash<QByteArray, Peer> m_peers;
};

} // namespace interlock
