#include "Clock.h"

#include <QDateTime>
#include <QElapsedTimer>

namespace interlock {

qint64 SystemClock::nowMs() const
{
    return QDateTime::currentMSecsSinceEpoch();
}

qint64 SystemClock::monotonicMs() const
{
    // QElapsedTimer reads CLOCK_MONOTONIC on Linux; msecsSinceReference() is its absolute value.
    QElapsedTimer timer;
    timer.start();
    return timer.msecsSinceReference();
}

ManualClock::ManualClock(qint64 startMs, QObject *parent)
    : Clock(parent)
    , m_now(startMs)
{}

void ManualClock::advance(qint64 ms)
{
    m_now += ms;
    m_monotonic += ms;
    Q_EMIT jumped();
}

void ManualClock::stepWallClock(qint64 ms)
{
    m_now += ms;
    Q_EMIT jumped();
}

DeadlineClock::DeadlineClock(const Clock &clock)
    : m_clock(clock)
    , m_wallAtStart(clock.nowMs())
    , m_monotonicAtStart(clock.monotonicMs())
{}

qint64 DeadlineClock::nowMs() const
{
    return m_wallAtStart + (m_clock.monotonicMs() - m_monotonicAtStart);
}

} // namespace interlock
