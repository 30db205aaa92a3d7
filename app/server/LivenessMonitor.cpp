#include "LivenessMonitor.h"

#include <QRegularExpression>

#include "KillSwitch.h"
#include "core/ApiError.h"
#include "core/Timestamp.h"

#include <QJsonDocument>

#include <QRandomGenerator>

namespace interlock {

namespace {
QString newPingId()
{
    quint32 words[4];
    QRandomGenerator::system()->fillRange(words);
    return QString::fromLatin1(
        QByteArray(reinterpret_cast<const char *>(words), sizeof(words)).toHex());
}
} // namespace

QJsonObject LivenessMonitor::Ping::toJson() const
{
    return {{QStringLiteral("type"), QStringLiteral("session.ping")},
            {QStringLiteral("id"), id},
            {QStringLiteral("deadline_ms"), deadlineMs}};
}

LivenessMonitor::LivenessMonitor(Settings settings, const KillSwitch &killSwitch,
                                 std::function<qint64()> monotonicMs,
                                 std::function<qint64()> wallMs)
    : m_settings(settings)
    , m_killSwitch(killSwitch)
    , m_mono(std::move(monotonicMs))
    , m_wall(std::move(wallMs))
{}

void LivenessMonitor::watch(const QString &sessionId)
{
    const qint64 now = m_mono();
    QMutexLocker lock(&m_mutex);
    if (!m_states.contains(sessionId))
        m_states.insert(sessionId, State{now, {}, 0, false, false, -1, -1});
}

bool LivenessMonitor::watched(const QString &sessionId) const
{
    QMutexLocker lock(&m_mutex);
    return m_states.contains(sessionId);
}

QStringList LivenessMonitor::tick()
{
    const qint64 now = m_mono();
    QStringList deliver;
    QList<Change> changes;
    {
        QMutexLocker lock(&m_mutex);
        for (auto it = m_states.begin(); it != m_states.end();) {
            const QString &id = it.key();
            State &s = it.value();
            if (m_killSwitch.isKilled(id)) {
                markKilled(s, now);
                if (now - s.killedMono > confirmAfterMs(s)) {
                    changes.append({id,
                                    true,
                                    {{QStringLiteral("kill_confirmed"), false},
                                     {QStringLiteral("waited_ms"), now - s.killedMono},
                                     {QStringLiteral("kill_path_verified_at"),
                                      s.verifiedWall < 0 ? QJsonValue(QJsonValue::Null)
                                                         : QJsonValue(toRfc3339(s.verifiedWall))}},
                                    true});
                    markUnconfirmed(id);
                    it = m_states.erase(it); // raised once: nothing more this server can do
                    continue;
                }
                ++it;
                continue;
            }
            if (!m_killSwitch.isActive(id)) {
                it = m_states.erase(it); // over: nothing left to guard
                continue;
            }
            if (s.pingId.isEmpty() && now >= s.nextDueMono) {
                s.pingId = newPingId();
                s.pingIssuedMono = now;
                s.delivered = false;
            }
            if (!s.pingId.isEmpty() && !s.late && now - s.pingIssuedMono > lateAfterMs(s)) {
                s.late = true;
                QJsonObject data{{QStringLiteral("liveness"), QStringLiteral("late")},
                                 {QStringLiteral("ping_id"), s.pingId},
                                 {QStringLiteral("deadline_ms"), m_settings.deadlineMs},
                                 {QStringLiteral("delivered"), s.delivered},
                                 {QStringLiteral("kill_path_verified_at"),
                                  s.verifiedWall < 0 ? QJsonValue(QJsonValue::Null)
                                                     : QJsonValue(toRfc3339(s.verifiedWall))}};
                s.raised = true;
                changes.append({id, true, data});
            }
            if (!s.pingId.isEmpty() && !s.delivered)
                deliver.append(id);
            ++it;
        }
    }
    notify(changes);
    return deliver;
}

std::optional<LivenessMonitor::Ping> LivenessMonitor::take(const QString &sessionId)
{
    const qint64 now = m_mono();
    QMutexLocker lock(&m_mutex);
    auto it = m_states.find(sessionId);
    if (it == m_states.end())
        return std::nullopt;
    if (it->pingId.isEmpty() && now >= it->nextDueMono) { // due: issued now rather than at a tick
        it->pingId = newPingId();
        it->pingIssuedMono = now;
    }
    if (it->pingId.isEmpty() || it->killedMono >= 0)
        return std::nullopt;
    it->delivered = true;
    it->pollsHere = true;
    return Ping{it->pingId, m_settings.deadlineMs};
}

void LivenessMonitor::proven(State &s, qint64 nowMono, qint64 wallMs) const
{
    s.pingId.clear();
    s.delivered = false;
    s.late = false;
    s.raised = false;
    s.verifiedMono = nowMono;
    s.verifiedWall = wallMs;
    s.nextDueMono = nowMono + m_settings.intervalMs;
}

LivenessMonitor::Answer LivenessMonitor::answer(const QString &sessionId, const QString &pingId)
{
    const qint64 now = m_mono();
    const qint64 wall = m_wall();
    QList<Change> changes;
    {
        QMutexLocker lock(&m_mutex);
        auto it = m_states.find(sessionId);
        if (it == m_states.end())
            return Answer::NotWatched;
        State &s = it.value();
        if (s.pingId.isEmpty() || pingId != s.pingId)
            return Answer::UnknownPing;
        const qint64 tookMs = now - s.pingIssuedMono;
        if (s.late && s.raised)
            changes.append({sessionId,
                            false,
                            {{QStringLiteral("liveness"), QStringLiteral("ok")},
                             {QStringLiteral("ping_id"), pingId},
                             {QStringLiteral("answered_after_ms"), tookMs},
                             {QStringLiteral("kill_path_verified_at"), toRfc3339(wall)}}});
        proven(s, now, wall);
    }
    notify(changes);
    {
        QMutexLocker lock(&m_relayMutex);
        if (m_peers.verified)
            m_peers.verified(sessionId, wall);
    }
    return Answer::Verified;
}

std::pair<int, QJsonObject> LivenessMonitor::pong(const QString &sessionId, const QByteArray &body)
{
    const QJsonObject o = QJsonDocument::fromJson(body).object();
    const QString pingId = o.value(QStringLiteral("ping")).toString();
    if (pingId.isEmpty() || pingId.size() > 64 || o.size() != 1)
        return {422, ApiError::invalidField(QStringLiteral("ping"),
                                            QStringLiteral("The body must be {\"ping\": ID} with "
                                                           "the id of the session.ping answered."))
                         .toJson()};
    switch (answer(sessionId, pingId)) {
    case Answer::Verified: {
        const View v = view(sessionId);
        return {200,
                {{QStringLiteral("session_id"), sessionId},
                 {QStringLiteral("liveness"), v.liveness},
                 {QStringLiteral("kill_path_verified_at"), toRfc3339(v.verifiedAtMs)}}};
    }
    case Answer::UnknownPing:
        if (relayed(sessionId, pingId))
            return {200,
                    {{QStringLiteral("session_id"), sessionId}, {QStringLiteral("relayed"), true}}};
        return {409, ApiError::conflict(QStringLiteral("unknown_ping"),
                                        QStringLiteral("No ping with this id is outstanding for "
                                                       "the session (answered already, or never "
                                                       "sent)."))
                         .toJson()};
    case Answer::NotWatched:
        if (relayed(sessionId, pingId))
            return {200,
                    {{QStringLiteral("session_id"), sessionId}, {QStringLiteral("relayed"), true}}};
        break;
    }
    return {409, ApiError::conflict(QStringLiteral("not_pinged"),
                                    QStringLiteral("This session is not pinged: it is not an "
                                                   "active supervised session."))
                     .toJson()};
}

LivenessMonitor::View LivenessMonitor::view(const QString &sessionId) const
{
    const qint64 now = m_mono();
    QMutexLocker lock(&m_mutex);
    const auto it = m_states.constFind(sessionId);
    if (it == m_states.cend())
        return {};
    const State &s = it.value();
    View v;
    v.watched = true;
    v.verifiedAtMs = s.verifiedWall;
    v.verifiedAgoMs = s.verifiedMono < 0 ? -1 : now - s.verifiedMono;
    v.pinging = !s.pingId.isEmpty();
    // Late as soon as the deadline has passed, even before the next tick notices it.
    const bool late = s.late || (!s.pingId.isEmpty() && now - s.pingIssuedMono > lateAfterMs(s));
    if (late) {
        v.liveness = QStringLiteral("late");
        v.lateForMs = qMax<qint64>(0, now - s.pingIssuedMono - m_settings.deadlineMs);
    } else {
        v.liveness = s.verifiedMono < 0 ? QStringLiteral("unknown") : QStringLiteral("ok");
    }
    return v;
}

int LivenessMonitor::lateCount() const
{
    QMutexLocker lock(&m_mutex);
    int n = 0;
    for (const State &s : m_states)
        n += s.late ? 1 : 0;
    return n;
}

void LivenessMonitor::setPeers(Peers peers)
{
    QMutexLocker lock(&m_relayMutex);
    m_sharing = bool(peers.verified);
    m_peers = std::move(peers);
}

void LivenessMonitor::verifiedElsewhere(const QString &sessionId, qint64 wallMs)
{
    if (!m_killSwitch.isActive(sessionId) || m_killSwitch.isKilled(sessionId))
        return;
    const qint64 now = m_mono();
    const qint64 ageMs = qMax<qint64>(0, m_wall() - wallMs);
    if (ageMs > m_settings.intervalMs + m_settings.deadlineMs)
        return; // stale: it says nothing about now
    const qint64 provenMono = now - ageMs;
    QList<Change> changes;
    {
        QMutexLocker lock(&m_mutex);
        State &s = m_states[sessionId];
        if (s.verifiedMono >= 0 && provenMono <= s.verifiedMono)
            return; // known already
        if (!s.pingId.isEmpty() && provenMono < s.pingIssuedMono) {
            // Before this server's outstanding ping: shown, but that ping still waits.
            s.verifiedMono = provenMono;
            s.verifiedWall = wallMs;
            return;
        }
        if (s.late && s.raised)
            changes.append({sessionId,
                            false,
                            {{QStringLiteral("liveness"), QStringLiteral("ok")},
                             {QStringLiteral("answered_elsewhere"), true},
                             {QStringLiteral("kill_path_verified_at"), toRfc3339(wallMs)}}});
        proven(s, provenMono, wallMs);
        s.pollsHere = false; // the supervisor polls another server
    }
    notify(changes);
}

void LivenessMonitor::lostElsewhere(const QString &sessionId)
{
    QMutexLocker lock(&m_mutex);
    const auto it = m_states.find(sessionId);
    if (it != m_states.end() && !it->pingId.isEmpty())
        it->late = true; // raised by the other server; this one stays silent
}

void LivenessMonitor::killed(const QStringList &sessionIds)
{
    const qint64 now = m_mono();
    QMutexLocker lock(&m_mutex);
    for (const QString &id : sessionIds) {
        if (const auto it = m_states.find(id); it != m_states.end())
            markKilled(*it, now);
        else if (m_killSwitch.isSupervised(id) && !m_unconfirmed.contains(id) &&
                 !m_reported.contains(id))
            markKilled(m_states[id], now); // never watched here: awaited all the same
    }
}

void LivenessMonitor::terminated(const QString &sessionId)
{
    QMutexLocker lock(&m_mutex);
    m_states.remove(sessionId);
    m_unconfirmed.remove(sessionId);
    // A kill asked again after the report (KillSwitch tells of every kill, repeated or not), or
    // a peer's session.killed that arrives after the report, awaits nothing.
    if (m_reported.size() >= 10000) // bounded: the oldest are forgotten all at once
        m_reported.clear();
    m_reported.insert(sessionId);
}

void LivenessMonitor::unconfirmedElsewhere(const QString &sessionId)
{
    QMutexLocker lock(&m_mutex);
    m_states.remove(sessionId);
    markUnconfirmed(sessionId);
}

void LivenessMonitor::markKilled(State &s, qint64 nowMono)
{
    if (s.killedMono >= 0)
        return;
    s.killedMono = nowMono; // no more pings: the supervisor's report is due
    s.pingId.clear();
}

void LivenessMonitor::markUnconfirmed(const QString &sessionId)
{
    if (m_unconfirmed.size() >= 10000) // bounded: the oldest are forgotten all at once
        m_unconfirmed.clear();
    m_unconfirmed.insert(sessionId);
}

bool LivenessMonitor::killUnconfirmed(const QString &sessionId) const
{
    QMutexLocker lock(&m_mutex);
    return m_unconfirmed.contains(sessionId);
}

qint64 LivenessMonitor::confirmAfterMs(const State &s) const
{
    const qint64 base = qint64(m_settings.intervalMs) + m_settings.deadlineMs;
    return s.pollsHere || !m_sharing ? base : base + m_settings.intervalMs;
}

qint64 LivenessMonitor::lateAfterMs(const State &s) const
{
    return s.delivered || !m_sharing ? m_settings.deadlineMs
                                     : m_settings.deadlineMs + m_settings.intervalMs;
}

bool LivenessMonitor::relayed(const QString &sessionId, const QString &pingId)
{
    // Only well-formed ids of active sessions: a supervisor's token cannot make every server
    // busy with junk (nor more than once a second per session).
    static const QRegularExpression hex(QStringLiteral("^[0-9a-f]{32}$"));
    if (!hex.match(pingId).hasMatch() || !m_killSwitch.isActive(sessionId))
        return false;
    QMutexLocker lock(&m_relayMutex);
    if (!m_peers.relay)
        return false;
    const qint64 now = m_mono();
    const auto last = m_lastRelay.constFind(sessionId);
    if (last != m_lastRelay.cend() && now - *last < 1000)
        return false;
    // And 200 a second in all, whatever number of sessions a token opened.
    if (now / 1000 != m_relaySecond) {
        m_relaySecond = now / 1000;
        m_relaysThisSecond = 0;
    }
    if (++m_relaysThisSecond > 200)
        return false;
    if (m_lastRelay.size() > 10000)
        m_lastRelay.removeIf([now](const auto &e) { return now - e.value() >= 1000; });
    m_lastRelay.insert(sessionId, now);
    m_peers.relay(sessionId, pingId);
    return true;
}

void LivenessMonitor::setObserver(std::function<void(const Change &)> observer)
{
    QMutexLocker lock(&m_observerMutex);
    m_observer = std::move(observer);
}

void LivenessMonitor::notify(const QList<Change> &changes)
{
    if (changes.isEmpty())
        return;
    QMutexLocker lock(&m_observerMutex);
    if (!m_observer)
        return;
    for (const Change &c : changes)
        m_observer(c);
}

} // namespace interlock
