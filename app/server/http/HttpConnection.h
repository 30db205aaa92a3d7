#pragma once

#include "ReplyChannel.h"
#include "RequestParser.h"

#include <QHostAddress>
#include <QObject>
#include <QPointer>
#include <functional>

class QAbstractSocket;

namespace interlock::http {

struct ConnectionSettings {
    RequestParser::Config parser;
    int headerTimeoutMs = 10000;
    int bodyMinBytesPerSecond = 16 * 1024;
    int idleTimeoutMs = 30000;
    int writeTimeoutMs = 30000;
    int lingerMs = 2000;
};

// Called on the I/O thread with each complete request and the channel its answer goes through.
using RequestHandler = std::function<void(HttpRequest &&, std::shared_ptr<ReplyChannel>)>;

// One client connection on the I/O thread: reads one request at a time through the
// RequestParser, hands it on, writes its answer, then reads the next (pipelined requests wait
// in the socket's bounded buffer, so answers leave in order). Every phase has a deadline that
// the ConnectionTable checks: the head must arrive in time, the body at a minimum rate, an idle
// kept-alive connection is closed, and a client that stops reading its answer is dropped.
class HttpConnection : public QObject, public ReplySink
{
    Q_OBJECT
public:
    enum class Phase {
        Handshake, // TLS handshake in progress (the socket still belongs to its server)
        Waiting,   // nothing of a request yet (new, or kept alive after an answer)
        Head,      // reading a request's head
        Body,      // reading its body
        Serving,   // a complete request is being answered
        Closing,   // an answer that ends the connection is being flushed
    };

    HttpConnection(QAbstractSocket *socket, const ConnectionSettings &settings,
                   RequestHandler handler, qint64 nowMs, bool handshaking);
    ~HttpConnection() override;

    // For a socket admitted during its TLS handshake: the handshake is done, HTTP may start.
    void handshakeDone();
    // Enforces the current phase's deadline.
    void checkDeadline(qint64 nowMs);
    // Reads what the kernel already holds for this connection: a request that has arrived whole
    // is taken (and the connection is no longer evictable). Called before an eviction.
    void readPending();
    // Closes at once (eviction, shutdown).
    void abort();

    Phase phase() const { return m_phase; }
    // A connection without a complete request in progress may be evicted for a new one.
    bool evictable() const { return m_phase != Phase::Serving; }
    // The socket this connection was made for (stays valid as a key after the socket is gone).
    QAbstractSocket *socketKey() const { return m_socketKey; }
    QHostAddress peer() const { return m_peer; }

    void deliver(ReplyChannel *channel, ResponsePart part) override;

Q_SIGNALS:
    // The connection is over; its owner deletes it.
    void finished(interlock::http::HttpConnection *connection);
    // An answer was written in full (the connection stays open for the next request).
    void answered(interlock::http::HttpConnection *connection);
    void timedOut();

private:
    void onReadyRead();
    void processInput();
    void startRequest(HttpRequest &&request);
    void complete();
    void refuse(const ParseError &error);
    void beginClose();
    void onBytesWritten(qint64 bytes);
    void onDisconnected();
    void end();
    void writeHead(int status, const QByteArray &contentType, const HeaderList &headers,
                   qint64 length, bool chunked);
    void write(const QByteArray &bytes);
    qint64 now() const;

    QPointer<QAbstractSocket> m_socket;
    QAbstractSocket *const m_socketKey;
    ConnectionSettings m_settings;
    RequestHandler m_handler;
    RequestParser m_parser;
    QHostAddress m_peer;
    Phase m_phase;
    qint64 m_acceptedAt;
    qint64 m_deadline = 0;
    qint64 m_lastWrite = 0;
    qint64 m_discarded = 0;
    int m_served = 0;     // requests taken on this connection
    QByteArray m_pending; // read from the socket, not yet parsed (at most one read's worth)
    std::shared_ptr<ReplyChannel> m_current;
    bool m_keepAlive = true;
    bool m_headOnly = false;
    bool m_wroteHead = false;
    bool m_ended = false;
    bool m_tls = false;
    bool m_inHandler = false; // startRequest() is handing a request over
};

} // namespace interlock::http
