#pragma once

#include "HttpConnection.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QTimer>
#include <atomic>
#include <list>

class QTcpServer;

namespace interlock::http {

struct TransportSettings {
    ConnectionSettings connection;
    int maxConnections = 0; // 0: derived from the open-file limit
    int maxConnectionsPerPeer = 256;
};

// Figures any thread may read (tests, metrics, the benchmark).
struct TransportCounters {
    std::atomic<qint64> accepted{0};
    std::atomic<qint64> evicted{0};
    std::atomic<qint64> refused{0};
    std::atomic<qint64> timedOut{0};
    std::atomic<qint64> busy{0}; // answered 503 at once: too many requests wait for the API thread
    std::atomic<int> open{0};
};

// Every open connection of the transport, on the I/O thread. Accepts from any QTcpServer it is
// given (a QSslServer too: its sockets are counted from the moment they are accepted, during
// the TLS handshake, and held to the head's deadline). At the cap, a new connection evicts the
// oldest one that has no complete request in progress, whether idle or still sending, so idle
// or slow connections can never keep a kill out; per remote address (loopback excepted) the
// same rule holds with its own cap. "Oldest" ranks connections that have never completed a
// request by when they were accepted, before any that has, and those by when their last answer
// left: a flood of connections that never send a request goes before a kept-alive client
// between two requests (a supervisor between two control polls). A request that has arrived
// whole is read and served, never evicted. One timer checks every connection's deadline.
class ConnectionTable : public QObject
{
    Q_OBJECT
public:
    ConnectionTable(const TransportSettings &settings, RequestHandler handler,
                    TransportCounters &counters, QObject *parent = nullptr);
    ~ConnectionTable() override;

    // Takes over a listening server that lives on this thread.
    void addServer(QTcpServer *server);
    int maxConnections() const { return m_maxConnections; }
    // The open-file limit less a reserve for the database, the log and the listeners.
    static int defaultMaxConnections();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void takePending(QTcpServer *server);
    void admit(QAbstractSocket *socket, bool handshaking);
    bool evictOldest(const QHostAddress *peer);
    void remove(HttpConnection *connection);
    void onAcceptError(QTcpServer *server);
    void sweep();

    TransportSettings m_settings;
    RequestHandler m_handler;
    TransportCounters &m_counters;
    int m_maxConnections;
    QList<QTcpServer *> m_servers;
    using List = std::list<HttpConnection *>;
    struct Place {
        List *list;
        List::iterator at;
    };
    void served(HttpConnection *connection);
    int count() const { return int(m_fresh.size() + m_served.size()); }

    List m_fresh;  // no request completed yet, by acceptance, oldest first
    List m_served; // by their last answer, least recent first
    QHash<HttpConnection *, Place> m_where;
    QHash<QAbstractSocket *, HttpConnection *> m_bySocket;
    QHash<QHostAddress, int> m_perPeer;
    QList<QPointer<QObject>> m_newChildren; // objects just created by a server: maybe sockets
    QSet<QTcpServer *> m_takeScheduled;
    QTimer m_sweep;
};

} // namespace interlock::http
