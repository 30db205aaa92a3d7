#include "HttpServerAdapter.h"

#include "http/ConnectionTable.h"

#include "core/ApiError.h"

#include <QJsonDocument>
#include <QTcpServer>
#include <QThread>
#include <algorithm>

namespace interlock {

namespace {
http::TransportSettings settingsFrom(const Limits &limits)
{
    http::TransportSettings s;
    s.connection.parser.maxLineBytes = limits.maxRequestLineBytes;
    s.connection.parser.maxHeaderBytes = limits.maxHeaderBytes;
    s.connection.parser.maxHeaderCount = limits.maxHeaderCount;
    s.connection.parser.maxBodyBytes = limits.maxBodyBytes;
    s.connection.headerTimeoutMs = limits.headerTimeoutMs;
    s.connection.bodyMinBytesPerSecond = limits.bodyMinBytesPerSecond;
    s.connection.idleTimeoutMs = limits.idleTimeoutMs;
    s.connection.writeTimeoutMs = limits.writeTimeoutMs;
    s.connection.lingerMs = limits.lingerMs;
    s.maxConnections = limits.maxConnections;
    s.maxConnectionsPerPeer = limits.maxConnectionsPerPeer;
    return s;
}

// A connection whose request waits for the API thread cannot be evicted: this many of the
// connection cap are kept for the others (an eighth, 1 to 1,024).
int forwardLimit(int maxConnections)
{
    return std::max(1, maxConnections - std::clamp(maxConnections / 8, 1, 1024));
}
} // namespace

HttpServerAdapter::HttpServerAdapter(Dispatch dispatch, ReplyGate *gate, const Limits &limits,
                                     QObject *parent)
    : QObject(parent)
    , m_dispatch(std::move(dispatch))
    , m_gate(gate)
    , m_counters(std::make_unique<http::TransportCounters>())
    , m_io(new QThread)
    , m_anchor(new QObject)
{
    m_io->setObjectName(QStringLiteral("interlock-io"));
    m_anchor->moveToThread(m_io);
    m_io->start();
    const http::TransportSettings settings = settingsFrom(limits);
    QMetaObject::invokeMethod(
        m_anchor,
        [this, settings] {
            m_table = new http::ConnectionTable(
                settings,
                [this](HttpRequest &&request, std::shared_ptr<http::ReplyChannel> channel) {
                    if (m_front && m_front(request, channel))
                        return;
                    if (takeForwardSlot(*channel, m_isPerson && m_isPerson(request)))
                        enqueue(std::move(request), std::move(channel));
                },
                *m_counters);
            m_maxForwarded = forwardLimit(m_table->maxConnections());
            m_peopleReserve = m_maxForwarded > 1 ? std::max(1, m_maxForwarded / 4) : 0;
        },
        Qt::BlockingQueuedConnection);
}

HttpServerAdapter::~HttpServerAdapter()
{
    // Connections and the control path go first, on their own thread; then the thread.
    QMetaObject::invokeMethod(
        m_anchor,
        [this] {
            delete m_table;
            delete m_frontObject;
        },
        Qt::BlockingQueuedConnection);
    m_io->quit();
    m_io->wait();
    delete m_anchor;
    delete m_io;
}

void HttpServerAdapter::setFront(QObject *frontObject, Front front)
{
    m_front = std::move(front);
    m_frontObject = frontObject;
    if (frontObject)
        frontObject->moveToThread(m_io);
}

void HttpServerAdapter::setPeople(std::function<bool(const HttpRequest &)> isPerson)
{
    m_isPerson = std::move(isPerson);
}

int HttpServerAdapter::maxConnections() const
{
    return m_table->maxConnections();
}

quint16 HttpServerAdapter::listen(const QHostAddress &address, quint16 port, QString *error,
                                  QTcpServer *server)
{
    if (!server)
        server = new QTcpServer;
    server->setParent(nullptr); // moveToThread needs a parentless object; the table owns it
    server->moveToThread(m_io);
    quint16 bound = 0;
    QMetaObject::invokeMethod(
        m_anchor,
        [&] {
            // A deep accept queue (the kernel caps it at somaxconn): a burst of connections
            // waits there instead of being dropped, and the table makes room as it takes them.
            server->setListenBacklogSize(4096);
            if (!server->listen(address, port)) {
                *error = server->errorString();
                delete server;
                return;
            }
            bound = server->serverPort();
            m_table->addServer(server);
        },
        Qt::BlockingQueuedConnection);
    return bound;
}

bool HttpServerAdapter::takeForwardSlot(http::ReplyChannel &channel, bool person)
{
    // An agent that keeps the API thread busy could otherwise fill every connection with a
    // complete request waiting for it: none could be evicted, and a new connection, an on-call
    // person's kill among them, would be refused. Past the limit a request is answered 503 here
    // at once; its connection, idle again, can be evicted, and the control path answers kills on
    // this thread. Agents may take all but the people's reserve: a reviewer's decision and an
    // on-call person's read of the queue still get through an agent's flood.
    if (m_forwarded->load() >= m_maxForwarded - (person ? 0 : m_peopleReserve)) {
        ++m_counters->busy;
        const ApiError busy{503,
                            QStringLiteral("server_busy"),
                            QStringLiteral("Too many requests are waiting for this server; try "
                                           "again shortly."),
                            {},
                            1};
        const QByteArray body = QJsonDocument(busy.toJson()).toJson(QJsonDocument::Compact);
        // At once, not queued: the connection must be evictable before the next one is taken.
        channel.deliverNow({http::ResponsePart::Kind::Whole,
                            503,
                            "application/json",
                            {{"Retry-After", "1"}},
                            body});
        return false;
    }
    ++*m_forwarded;
    channel.keep(std::shared_ptr<void>(nullptr, [n = m_forwarded](void *) { --*n; }));
    return true;
}

void HttpServerAdapter::forward(HttpRequest &&request, std::shared_ptr<http::ReplyChannel> channel)
{
    if (m_queue.putFirst({std::move(request), std::move(channel)}))
        QMetaObject::invokeMethod(this, &HttpServerAdapter::serveNext, Qt::QueuedConnection);
}

void HttpServerAdapter::enqueue(HttpRequest &&request, std::shared_ptr<http::ReplyChannel> channel)
{
    const QByteArray caller = FairQueue::callerOf(request);
    if (m_queue.put(caller, {std::move(request), std::move(channel)}))
        QMetaObject::invokeMethod(this, &HttpServerAdapter::serveNext, Qt::QueuedConnection);
}

void HttpServerAdapter::serveNext()
{
    bool more = false;
    std::optional<FairQueue::Item> item = m_queue.take(&more);
    if (more) // one event per request: whatever else the thread has to do comes in between
        QMetaObject::invokeMethod(this, &HttpServerAdapter::serveNext, Qt::QueuedConnection);
    if (item)
        m_dispatch(std::move(item->request),
                   HttpReplyPtr(new HttpReply(std::move(item->channel), m_gate)));
}

} // namespace interlock
