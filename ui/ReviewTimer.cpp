#include "ReviewTimer.h"

#include <QDateTime>

namespace interlock::ui {

ReviewTimer::ReviewTimer(QObject *parent)
    : QObject(parent)
    , m_now([] { return QDateTime::currentMSecsSinceEpoch(); })
{
    m_timer.setInterval(250);
    connect(&m_timer, &QTimer::timeout, this, &ReviewTimer::tick);
}

void ReviewTimer::note(const QString &id, const QJsonObject &review)
{
    const qint64 left = qMax<qint64>(0, review.value(QStringLiteral("remaining_ms")).toInteger());
    const qint64 readyAt = m_now() + left;
    // The first answer counts: a later fetch never moves the moment earlier or later.
    if (!m_readyAt.contains(id))
        m_readyAt.insert(id, readyAt);
    if (left > 0 && !m_timer.isActive())
        m_timer.start();
    Q_EMIT changed();
}

qint64 ReviewTimer::remainingMs(const QString &id) const
{
    const auto it = m_readyAt.constFind(id);
    if (it == m_readyAt.constEnd())
        return -1;
    return qMax<qint64>(0, *it - m_now());
}

void ReviewTimer::tick()
{
    const qint64 now = m_now();
    bool running = false;
    for (auto it = m_readyAt.cbegin(); it != m_readyAt.cend(); ++it)
        running = running || *it > now;
    if (!running)
        m_timer.stop();
    Q_EMIT changed();
}

} // namespace interlock::ui
