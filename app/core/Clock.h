#pragma once

#include <QObject>

namespace interlock {

// Source of time. Two clocks, because they answer different questions:
// - nowMs(): the wall clock (ms since the Unix epoch), for timestamps people read (RFC 3339) and
//   for deadlines that must survive a restart. It can be stepped: by an administrator, by NTP,
//   by a virtual machine resumed days later.
// - monotonicMs(): a clock that only ever moves forward at the rate time passes (ms since an
//   arbitrary origin, CLOCK_MONOTONIC): the only one a running server measures deadlines with.
// Tests inject a ManualClock so that nothing waits on real time to see time pass.
class Clock : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    virtual qint64 nowMs() const = 0;
    virtual qint64 monotonicMs() const = 0;

Q_SIGNALS:
    // Emitted when a ManualClock is moved; the real clocks never emit it.
    void jumped();
};

class SystemClock final : public Clock
{
    Q_OBJECT
public:
    using Clock::Clock;
    qint64 nowMs() const override;
    qint64 monotonicMs() const override;
};

class ManualClock final : public Clock
{
    Q_OBJECT
public:
    explicit ManualClock(qint64 startMs, QObject *parent = nullptr);
    qint64 nowMs() const override { return m_now; }
    qint64 monotonicMs() const override { return m_monotonic; }
    // Time passes: both clocks move on by ms.
    void advance(qint64 ms);
    // Someone sets the wall clock (ms may be negative): the monotonic clock does not move.
    void stepWallClock(qint64 ms);

private:
    qint64 m_now;
    qint64 m_monotonic = 0;
};

// The clock a running server measures deadlines on: the wall-clock time at start, moved on by
// the monotonic clock. While the server runs, stepping the wall clock neither extends nor cuts
// short a deadline; where the wall clock is not stepped, both read the same. Deadlines are
// stored in this clock's terms, so after a restart (which takes the wall clock again) a stored
// deadline is honoured in wall-clock time.
class DeadlineClock
{
public:
    explicit DeadlineClock(const Clock &clock);
    qint64 nowMs() const;

private:
    const Clock &m_clock;
    qint64 m_wallAtStart;
    qint64 m_monotonicAtStart;
};

} // namespace interlock
