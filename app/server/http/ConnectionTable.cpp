#include "ConnectionTable.h"

#include <QChildEvent>
#include <QTcpServer>
#include <QTcpSocket>
#include <chrono>
#include <limits>
#include <sys/resource.h>

namespace interlock::http {

namespace {
qint64 monotonicMs()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

constexpr int kAcceptBatch = 32;

bool exemptFromPeerCap(const QHostAddress &peer)
{
    return peer.isLoopback();
}
} // namespace

int ConnectionTable::defaultMaxConnections()
{
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY)
        return 4096;
    const qint64 files = qint64(qMin<rlim_t>(limit.rlim_cur, 1 << 22));
    const qint64 reserve = qMax<qint64>(256, files / 10);
    return int(qMax<qint64>(32, files - reserve));
}

ConnectionTable::ConnectionTable(const TransportSettings &settings, RequestHandler handler,
                                 TransportCounters &counters, QObject *parent)
    : QObject(parent)
    , m_settings(settings)
    , m_handler(std::move(handler))
    , m_counters(counters)
    , m_maxConnections(settings.maxConnections > 0 ? settings.maxConnections
                                                   : defaultMaxConnections())
{
    const ConnectionSettings &c = settings.connection;
    const int shortest = std::min({c.headerTimeoutMs, c.idleTimeoutMs, c.writeTimeoutMs,
                                   c.lingerMs > 0 ? c.lingerMs : c.headerTimeoutMs});
    m_sweep.setInterval(qBound(5, shortest / 8, 250));
    connect(&m_sweep, &QTimer::timeout, this, &ConnectionTable::sweep);
    m_sweep.start();
}

ConnectionTable::~ConnectionTable()
{
    m_where.clear();
    for (List *list : {&m_fresh, &m_served}) {
        for (HttpConnection *c : std::exchange(*list, {})) {
            c->disconnect(this);
            delete c;
        }
    }
    for (QTcpServer *server : std::as_const(m_servers))
        server->removeEventFilter(this);
    qDeleteAll(m_servers);
    m_counters.open = 0;
}

void ConnectionTable::addServer(QTcpServer *server)
{
    m_servers.append(server);
    server->setParent(this);
    server->installEventFilter(this);
    connect(server, &QTcpServer::acceptError, this, [this, server] { onAcceptError(server); });
    if (server->inherits("QSslServer")) {
        // Sockets in a TLS handshake count as pending there, and at its maximum the server stops
        // accepting until a handshake ends on its own clock: they are capped (and evicted) here
        // instead, so they are taken as soon as the server creates them.
        server->setMaxPendingConnections(std::numeric_limits<int>::max());
        connect(server, &QTcpServer::newConnection, this, [this, server] { takePending(server); });
        connect(server, &QTcpServer::pendingConnectionAvailable, this,
                [this, server] { takePending(server); });
        return;
    }
    // At most a batch of connections is accepted per pass of the event loop (the server pauses
    // at its pending maximum and resumes when they are taken): a flood of connections cannot
    // keep the I/O thread in its accept loop while answers, deadlines and control polls wait.
    server->setMaxPendingConnections(kAcceptBatch);
    connect(server, &QTcpServer::pendingConnectionAvailable, this, [this, server] {
        if (m_takeScheduled.contains(server))
            return;
        m_takeScheduled.insert(server);
        QMetaObject::invokeMethod(
            this,
            [this, server] {
                m_takeScheduled.remove(server);
                takePending(server);
            },
            Qt::QueuedConnection);
    });
}

bool ConnectionTable::eventFilter(QObject *watched, QEvent *event)
{
    // A server creates each connection's socket as its child: seen here before the server
    // hands it out, which for TLS is only after the handshake.
    if (event->type() == QEvent::ChildAdded)
        m_newChildren.append(QPointer<QObject>(static_cast<QChildEvent *>(event)->child()));
    return QObject::eventFilter(watched, event);
}

void ConnectionTable::takePending(QTcpServer *server)
{
    while (server->hasPendingConnections()) {
        QTcpSocket *socket = server->nextPendingConnection();
        if (!socket)
            break;
        if (HttpConnection *known = m_bySocket.value(socket)) {
            known->handshakeDone();
            continue;
        }
        admit(socket, false);
    }
    for (const QPointer<QObject> &child : std::exchange(m_newChildren, {})) {
        auto *socket = qobject_cast<QAbstractSocket *>(child.data());
        if (socket && socket->parent() == server && !m_bySocket.contains(socket) &&
            socket->state() == QAbstractSocket::ConnectedState)
            admit(socket, true);
    }
}

void ConnectionTable::admit(QAbstractSocket *socket, bool handshaking)
{
    ++m_counters.accepted;
    bool v4 = false;
    const quint32 ipv4 = socket->peerAddress().toIPv4Address(&v4);
    const QHostAddress peer = v4 ? QHostAddress(ipv4) : socket->peerAddress();
    const bool capped = !exemptFromPeerCap(peer);
    const bool room = (!capped || m_perPeer.value(peer) < m_settings.maxConnectionsPerPeer ||
                       evictOldest(&peer)) &&
                      (count() < m_maxConnections || evictOldest(nullptr));
    if (!room) {
        ++m_counters.refused;
        socket->abort();
        socket->deleteLater();
        return;
    }
    auto *connection =
        new HttpConnection(socket, m_settings.connection, m_handler, monotonicMs(), handshaking);
    connection->setParent(this);
    m_fresh.push_back(connection);
    m_where.insert(connection, Place{&m_fresh, std::prev(m_fresh.end())});
    m_bySocket.insert(socket, connection);
    if (capped)
        ++m_perPeer[connection->peer()];
    m_counters.open = count();
    connect(connection, &HttpConnection::finished, this, &ConnectionTable::remove);
    connect(connection, &HttpConnection::answered, this, &ConnectionTable::served);
    connect(connection, &HttpConnection::timedOut, this, [this] { ++m_counters.timedOut; });
}

void ConnectionTable::served(HttpConnection *connection)
{
    const auto it = m_where.find(connection);
    if (it == m_where.end())
        return;
    m_served.splice(m_served.end(), *it->list, it->at);
    it.value() = Place{&m_served, std::prev(m_served.end())};
}

bool ConnectionTable::evictOldest(const QHostAddress *peer)
{
    for (List *list : {&m_fresh, &m_served}) {
        for (auto it = list->begin(); it != list->end();) {
            HttpConnection *c = *it++; // reading may end or move c, never another connection
            if (!c->evictable() || (peer && c->peer() != *peer))
                continue;
            // A request that has already arrived whole is served, not evicted: only connections
            // that are idle or still sending lose their place.
            c->readPending();
            if (!m_where.contains(c))
                return true; // it ended meanwhile: that made room
            if (!c->evictable())
                continue;
            ++m_counters.evicted;
            c->abort(); // removes it from the table through finished()
            return true;
        }
    }
    return false;
}

void ConnectionTable::remove(HttpConnection *connection)
{
    const auto it = m_where.find(connection);
    if (it == m_where.end())
        return;
    it->list->erase(it->at);
    m_where.erase(it);
    m_bySocket.remove(connection->socketKey());
    if (!exemptFromPeerCap(connection->peer())) {
        auto count = m_perPeer.find(connection->peer());
        if (count != m_perPeer.end() && --count.value() <= 0)
            m_perPeer.erase(count);
    }
    m_counters.open = count();
    connection->deleteLater();
}

void ConnectionTable::onAcceptError(QTcpServer *server)
{
    // Out of file descriptors (EMFILE): the server stopped accepting. Make room and resume, so
    // that the next connection (a kill, perhaps) gets in.
    evictOldest(nullptr);
    QTimer::singleShot(20, server, [server] { server->resumeAccepting(); });
}

void ConnectionTable::sweep()
{
    const qint64 now = monotonicMs();
    // Deadlines may close connections: walk a copy.
    List all = m_fresh;
    all.insert(all.end(), m_served.begin(), m_served.end());
    for (HttpConnection *c : all) {
        if (m_where.contains(c))
            c->checkDeadline(now);
    }
}

} // namespace interlock::http
