#pragma once

#include "FairQueue.h"
#include "HttpExchange.h"
#include "core/Limits.h"

#include <QHostAddress>
#include <atomic>
#include <functional>
#include <memory>

class QTcpServer;
class QThread;

namespace interlock {

namespace http {
class ConnectionTable;
struct TransportCounters;
} // namespace http

// Our own HTTP/1.1 transport (app/server/http), behind the interface the routes have always
// used: each complete request becomes an HttpRequest plus an HttpReply handed to one dispatch
// function on the thread that owns this adapter (the API thread). Connections are read and
// written on the adapter's own I/O thread, with every limit of Limits enforced while reading,
// so neither slow clients nor the store can stall the other. Qt's QHttpServer could not do
// this (docs/security.md).
class HttpServerAdapter : public QObject
{
    Q_OBJECT
public:
    using Dispatch = std::function<void(HttpRequest &&, HttpReplyPtr)>;
    // Runs on the I/O thread before a request goes to the API thread; true when it answered it.
    using Front = std::function<bool(HttpRequest &, const std::shared_ptr<http::ReplyChannel> &)>;

    // gate may be null: replies then always leave at once.
    HttpServerAdapter(Dispatch dispatch, ReplyGate *gate, const Limits &limits,
                      QObject *parent = nullptr);
    ~HttpServerAdapter() override;

    // Call before listen(): `front` runs on the I/O thread; `frontObject` (may be null) is moved
    // there and deleted there when the adapter goes.
    void setFront(QObject *frontObject, Front front);
    // Call before listen(): whether a request comes from a person (a reviewer's, on-call's,
    // manager's or admin's token), on the I/O thread. A quarter of the requests that may wait
    // for the API thread are kept for people: an agent's flood leaves them room.
    void setPeople(std::function<bool(const HttpRequest &)> isPerson);
    QThread *ioThread() const { return m_io; }

    // Returns the bound port, or 0 with *error set. `server`, when given, listens instead of a
    // plain QTcpServer (a QSslServer from createTlsListener()): not yet listening, in this
    // thread; the adapter takes it over (whatever its parent) and moves it to the I/O thread.
    quint16 listen(const QHostAddress &address, quint16 port, QString *error,
                   QTcpServer *server = nullptr);

    // Hands a request to the API thread as if a client had sent it, before any client's waiting
    // request (the control path's kills, to be recorded before a supervisor's report on them);
    // its answer goes to `channel`. Any thread.
    void forward(HttpRequest &&request, std::shared_ptr<http::ReplyChannel> channel);

    const http::TransportCounters &counters() const { return *m_counters; }
    int maxConnections() const;

    // How many requests from clients may wait for (or be served by) the API thread at once, and
    // how many of them only people's.
    int maxForwarded() const { return m_maxForwarded; }
    int peopleReserve() const { return m_peopleReserve; }

private:
    bool takeForwardSlot(http::ReplyChannel &channel, bool person);
    // A client's request: in its caller's turn (FairQueue).
    void enqueue(HttpRequest &&request, std::shared_ptr<http::ReplyChannel> channel);
    // On the API thread: the next caller's request (FairQueue), then the next, one event each.
    void serveNext();

    Dispatch m_dispatch;
    ReplyGate *m_gate;
    std::shared_ptr<std::atomic<int>> m_forwarded = std::make_shared<std::atomic<int>>(0);
    int m_maxForwarded = 0;
    int m_peopleReserve = 0;
    std::function<bool(const HttpRequest &)> m_isPerson;
    FairQueue m_queue;
    std::unique_ptr<http::TransportCounters> m_counters;
    QThread *m_io;
    QObject *m_anchor;                // lives on the I/O thread
    http::ConnectionTable *m_table;   // lives on the I/O thread
    QObject *m_frontObject = nullptr; // lives on the I/O thread
    Front m_front;
};

} // namespace interlock
