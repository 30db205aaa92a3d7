#include "HttpServerAdapter.h"

#include "http/ConnectionTable.h"

#include <QTcpServer>
#include <QThread>

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
                    forward(std::move(request), std::move(channel));
                },
                *m_counters);
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

void HttpServerAdapter::forward(HttpRequest &&request, std::shared_ptr<http::ReplyChannel> channel)
{
    QMetaObject::invokeMethod(
        this,
        [this, request = std::move(request), channel = std::move(channel)]() mutable {
            m_dispatch(std::move(request), HttpReplyPtr(new HttpReply(std::move(channel), m_gate)));
        },
        Qt::QueuedConnection);
}

} // namespace interlock
