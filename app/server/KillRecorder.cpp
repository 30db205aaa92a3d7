#include "KillRecorder.h"

#include "KillSwitch.h"
#include "SessionService.h"
#include "Store.h"

namespace interlock {

namespace {
constexpr int kFirstCheckMs = 250;
constexpr int kLongestIntervalMs = 5000;
} // namespace

KillRecorder::KillRecorder(Store &store, SessionService &sessions, const KillSwitch &killSwitch,
                           QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_sessions(sessions)
    , m_killSwitch(killSwitch)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &KillRecorder::check);
}

void KillRecorder::track(const Principal &who, const QString &reason)
{
    m_who = who;
    m_reason = reason;
    m_intervalMs = kFirstCheckMs;
    m_timer.start(m_intervalMs);
}

void KillRecorder::check()
{
    QStringList missing;
    for (const SessionRecord &s : m_store.sessions(QStringLiteral("active"))) {
        if (m_killSwitch.isKilled(s.id))
            missing.append(s.id);
    }
    m_unrecorded = int(missing.size());
    if (missing.isEmpty())
        return;
    QJsonObject body;
    if (!m_reason.isEmpty())
        body.insert(QStringLiteral("reason"), m_reason);
    const SessionService::Ended ended = m_sessions.kill(m_who, missing, body);
    if (ended.error.isError())
        qWarning("interlock: %lld killed session(s) still not recorded: %s; retrying",
                 qint64(missing.size()), qPrintable(ended.error.message));
    // Checked again even after a success: the group commit may still fail.
    m_intervalMs = qMin(m_intervalMs * 2, kLongestIntervalMs);
    m_timer.start(m_intervalMs);
}

} // namespace interlock
