#pragma once

#include <QObject>

namespace interlock {

// Source of business time (expiry, timestamps). Tests inject a ManualClock so that
// nothing waits on the wall clock to see time pass.
class Clock : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    virtual qint64 nowMs() const = 0;

Q_SIGNALS:
    // Emitted when time jumps (ManualClock::advance); the real clock never emits it.
    void jumped();
};

class SystemClock final : public Clock
{
    Q_OBJECT
public:
    using Clock::Clock;
    qint64 nowMs() const override;
};

class ManualClock final : public Clock
{
    Q_OBJECT
public:
    explicit ManualClock(qint64 startMs, QObject *parent = nullptr);
    qint64 nowMs() const override { return m_now; }
    void advance(qint64 ms);

private:
    qint64 m_now;
};

} // namespace interlock
