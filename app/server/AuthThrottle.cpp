#include "AuthThrottle.h"

#include <algorithm>

namespace interlock {

AuthThrottle::AuthThrottle(std::function<qint64()> nowMs)
    : AuthThrottle(std::move(nowMs), Config{})
{}

AuthThrottle::AuthThrottle(std::function<qint64()> nowMs, Config config)
    : m_now(std::move(nowMs))
    , m_config(config)
{}

QByteArray AuthThrottle::peerKey(const QHostAddress &peer)
{
    bool isV4 = false;
    const quint32 v4 = peer.toIPv4Address(&isV4); // also for ::ffff:a.b.c.d
    if (isV4)
        return QByteArray::number(v4);
    if (peer.protocol() != QAbstractSocket::IPv6Protocol)
        return QByteArrayLiteral("?");
    const Q_IPV6ADDR a = peer.toIPv6Address();
    return QByteArray(reinterpret_cast<const char *>(a.c), 8); // the /64
}

AuthThrottle::Verdict AuthThrottle::recordFailure(const QHostAddress &peer)
{
    const qint64 now = m_now();
    const QByteArray key = peerKey(peer);
    if (!m_peers.contains(key) && m_peers.size() >= m_config.maxPeers)
        evict(now);
    Peer &p = m_peers[key];
    p.lastSeen = now;
    Verdict v;
    v.refused = p.blockedUntil > now;
    p.failures.push_back(now);
    while (!p.failures.empty() && (p.failures.front() <= now - m_config.windowMs ||
                                   p.failures.size() > size_t(m_config.maxFailures)))
        p.failures.pop_front();
    v.recentFailures = int(p.failures.size());
    if (v.recentFailures >= m_config.maxFailures) {
        // Still failing while blocked keeps the block going.
        v.blockStarted = !v.refused;
        p.blockedUntil = now + m_config.blockMs;
    }
    v.retryAfterMs = qMax<qint64>(0, p.blockedUntil - now);
    return v;
}

qint64 AuthThrottle::blockedFor(const QHostAddress &peer) const
{
    const auto it = m_peers.constFind(peerKey(peer));
    return it == m_peers.constEnd() ? 0 : qMax<qint64>(0, it->blockedUntil - m_now());
}

int AuthThrottle::blockedPeers() const
{
    const qint64 now = m_now();
    return int(std::count_if(m_peers.cbegin(), m_peers.cend(),
                             [now](const Peer &p) { return p.blockedUntil > now; }));
}

void AuthThrottle::evict(qint64 now)
{
    // First whatever no longer matters: not blocked and nothing in the window.
    for (auto it = m_peers.begin(); it != m_peers.end();) {
        if (it->blockedUntil <= now &&
            (it->failures.empty() || it->failures.back() <= now - m_config.windowMs))
            it = m_peers.erase(it);
        else
            ++it;
    }
    if (m_peers.size() < m_config.maxPeers)
        return;
    // Then the quarter least recently seen (a full table of live attackers: the oldest go).
    QList<qint64> seen;
    seen.reserve(m_peers.size());
    for (const Peer &p : std::as_const(m_peers))
        seen.append(p.lastSeen);
    const qsizetype cut = seen.size() / 4;
    std::nth_element(seen.begin(), seen.begin() + cut, seen.end());
    const qint64 threshold = seen.at(cut);
    for (auto it = m_peers.begin(); it != m_peers.end();) {
        if (it->lastSeen <= threshold)
            it = m_peers.erase(it);
        else
            ++it;
    }
}

} // namespace interlock
