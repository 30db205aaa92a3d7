#include "Clock.h"

#include <QDateTime>

namespace interlock {

qint64 SystemClock::nowMs() const
{
    return QDateTime::currentMSecsSinceEpoch();
}

ManualClock::ManualClock(qint64 startMs, QObject *parent)
    : Clock(parent)
    , m_now(startMs)
{}

void ManualClock::advance(qint64 ms)
{
    m_now += ms;
    Q_EMIT jumped();
}

} // namespace interlock
