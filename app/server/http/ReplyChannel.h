#pragma once

#include <QByteArray>
#include <QList>
#include <QMutex>
#include <memory>

class QObject;

namespace interlock::http {

using HeaderList = QList<std::pair<QByteArray, QByteArray>>;

// One piece of an answer, as the answering side hands it over; the connection turns it into
// bytes (status line, framing, Connection: close, nothing after the head for HEAD).
struct ResponsePart {
    // StreamCut: a stream that failed after its head went out ends without the final chunk once
    // what was posted is written (the client sees a truncated transfer, not a complete answer).
    enum class Kind { Whole, StreamHead, Chunk, StreamEnd, StreamCut, Abandon };
    Kind kind = Kind::Whole;
    int status = 0;
    QByteArray contentType;
    HeaderList headers;
    QByteArray body;
};

class ReplyChannel;

// The writing end of a channel: a connection, or the control path waiting for the API thread.
// Implemented by a QObject that lives on the I/O thread; parts reach it as queued calls.
class ReplySink
{
public:
    virtual ~ReplySink() = default;
    virtual void deliver(ReplyChannel *channel, ResponsePart part) = 0;
};

// The answering end: HttpReply on the API thread, or a waiter of the control path.
class ReplySource
{
public:
    virtual ~ReplySource() = default;
    virtual void channelClosed() = 0;   // the client left; nothing more will be written
    virtual void channelWritable() = 0; // room again after wantRoom()
    virtual void channelFinished() {}   // HEAD: the head is written and no body is wanted
};

// Joins the two ends of one request's answer across threads. Both ends are QObjects that may
// live on different threads and be destroyed at any time: every notification is a queued call
// posted while the mutex is held, and each end detaches itself (under the mutex) before it is
// destroyed, so a call is only ever posted to a live object; Qt drops calls still queued for an
// object that is deleted afterwards.
class ReplyChannel : public std::enable_shared_from_this<ReplyChannel>
{
public:
    ReplyChannel(QObject *sinkObject, ReplySink *sink, bool headOnly);

    bool headOnly() const { return m_headOnly; }

    // The answering end (any thread).
    void attach(QObject *object, ReplySource *source);
    void detach();
    bool isOpen() const;
    void post(ResponsePart part);
    // On the writing end's own thread: hands `part` over at once instead of queued (the
    // connection is then idle again before this returns).
    void deliverNow(ResponsePart part);
    // Bytes posted and not yet written to the socket: streams keep it bounded.
    qint64 unsent() const;
    // channelWritable() once unsent() falls to `lowWater` or below.
    void wantRoom(qint64 lowWater);

    // The writing end (its own thread).
    void drained(qint64 bytes);
    void close();  // the client left: tells the source
    void done();   // the answer is complete: nothing more is accepted, nobody is told
    void finish(); // a HEAD answer's head is written: tells the source to stop producing

    // Keeps `what` until the answer is complete (done()), or as long as the channel lives (until
    // both ends let go of it) when it never is: a client that leaves does not free it before the
    // API thread has dropped the request.
    void keep(std::shared_ptr<void> what) { m_kept = std::move(what); }

private:
    void notify(void (ReplySource::*what)());

    mutable QMutex m_mutex;
    QObject *m_sinkObject;
    ReplySink *m_sink;
    QObject *m_sourceObject = nullptr;
    ReplySource *m_source = nullptr;
    bool m_open = true;
    const bool m_headOnly;
    qint64 m_unsent = 0;
    qint64 m_lowWater = -1;
    std::shared_ptr<void> m_kept;
};

} // namespace interlock::http
