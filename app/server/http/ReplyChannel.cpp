#include "ReplyChannel.h"

#include <QMetaObject>
#include <QObject>

namespace interlock::http {

ReplyChannel::ReplyChannel(QObject *sinkObject, ReplySink *sink, bool headOnly)
    : m_sinkObject(sinkObject)
    , m_sink(sink)
    , m_headOnly(headOnly)
{}

void ReplyChannel::notify(void (ReplySource::*what)())
{
    if (!m_source)
        return;
    ReplySource *source = m_source;
    QMetaObject::invokeMethod(
        m_sourceObject, [source, what] { (source->*what)(); }, Qt::QueuedConnection);
}

void ReplyChannel::attach(QObject *object, ReplySource *source)
{
    const QMutexLocker lock(&m_mutex);
    m_sourceObject = object;
    m_source = source;
    if (!m_open)
        notify(&ReplySource::channelClosed);
}

void ReplyChannel::detach()
{
    const QMutexLocker lock(&m_mutex);
    m_sourceObject = nullptr;
    m_source = nullptr;
}

bool ReplyChannel::isOpen() const
{
    const QMutexLocker lock(&m_mutex);
    return m_open;
}

void ReplyChannel::post(ResponsePart part)
{
    const QMutexLocker lock(&m_mutex);
    if (!m_open)
        return;
    m_unsent += part.body.size();
    ReplySink *sink = m_sink;
    QMetaObject::invokeMethod(
        m_sinkObject,
        [sink, self = shared_from_this(), part = std::move(part)]() mutable {
            sink->deliver(self.get(), std::move(part));
        },
        Qt::QueuedConnection);
}

void ReplyChannel::deliverNow(ResponsePart part)
{
    ReplySink *sink = nullptr;
    {
        const QMutexLocker lock(&m_mutex);
        if (!m_open)
            return;
        sink = m_sink;
    }
    sink->deliver(this, std::move(part));
}

qint64 ReplyChannel::unsent() const
{
    const QMutexLocker lock(&m_mutex);
    return m_unsent;
}

void ReplyChannel::wantRoom(qint64 lowWater)
{
    const QMutexLocker lock(&m_mutex);
    if (!m_open)
        return;
    if (m_unsent <= lowWater) {
        notify(&ReplySource::channelWritable);
        return;
    }
    m_lowWater = lowWater;
}

void ReplyChannel::drained(qint64 bytes)
{
    const QMutexLocker lock(&m_mutex);
    // Framing bytes are counted here but not when posted: the count stays a slight underestimate.
    m_unsent = qMax<qint64>(0, m_unsent - bytes);
    if (m_lowWater >= 0 && m_unsent <= m_lowWater) {
        m_lowWater = -1;
        notify(&ReplySource::channelWritable);
    }
}

void ReplyChannel::close()
{
    const QMutexLocker lock(&m_mutex);
    if (!m_open)
        return;
    m_open = false;
    notify(&ReplySource::channelClosed);
}

void ReplyChannel::done()
{
    const QMutexLocker lock(&m_mutex);
    m_open = false;
    // The request no longer waits for (nor is served by) anyone: what was kept for it goes now,
    // not when the API thread gets round to dropping its end.
    m_kept.reset();
}

void ReplyChannel::finish()
{
    const QMutexLocker lock(&m_mutex);
    if (!m_open)
        return;
    m_open = false;
    notify(&ReplySource::channelFinished);
}

} // namespace interlock::http
