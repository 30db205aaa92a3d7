#include "HttpConnection.h"

#include <QAbstractSocket>
#include <QJsonDocument>
#include <QJsonObject>
#include <chrono>
#include <sys/socket.h>

namespace interlock::http {

namespace {
constexpr qint64 kReadChunk = 64 * 1024;
constexpr qint64 kMaxDiscard = 16 * 1024 * 1024; // read and dropped after an error answer

QByteArray reason(int status)
{
    switch (status) {
    case 100:
        return "Continue";
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 204:
        return "No Content";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 409:
        return "Conflict";
    case 411:
        return "Length Required";
    case 413:
        return "Content Too Large";
    case 414:
        return "URI Too Long";
    case 415:
        return "Unsupported Media Type";
    case 422:
        return "Unprocessable Content";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 503:
        return "Service Unavailable";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return "Status";
    }
}

QByteArray errorBody(const ParseError &e)
{
    const QJsonObject error{{QStringLiteral("code"), QString::fromLatin1(e.code)},
                            {QStringLiteral("message"), QString::fromLatin1(e.message)}};
    return QJsonDocument(QJsonObject{{QStringLiteral("error"), error}})
        .toJson(QJsonDocument::Compact);
}
} // namespace

qint64 HttpConnection::now() const
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

HttpConnection::HttpConnection(QAbstractSocket *socket, const ConnectionSettings &settings,
                               RequestHandler handler, qint64 nowMs, bool handshaking)
    : m_socket(socket)
    , m_socketKey(socket)
    , m_settings(settings)
    , m_handler(std::move(handler))
    , m_parser(settings.parser)
    , m_phase(handshaking ? Phase::Handshake : Phase::Waiting)
    , m_acceptedAt(nowMs)
    , m_deadline(nowMs + settings.headerTimeoutMs)
    , m_tls(socket->inherits("QSslSocket"))
{
    bool v4 = false;
    const quint32 ipv4 = socket->peerAddress().toIPv4Address(&v4);
    m_peer = v4 ? QHostAddress(ipv4) : socket->peerAddress();
    // Pipelined requests wait in a bounded buffer: beyond it the kernel holds them back.
    socket->setReadBufferSize(kReadChunk);
    connect(socket, &QObject::destroyed, this, [this] { end(); });
    connect(socket, &QAbstractSocket::disconnected, this, &HttpConnection::onDisconnected);
    if (!handshaking)
        handshakeDone();
}

HttpConnection::~HttpConnection()
{
    if (m_current)
        m_current->close();
    if (m_socket) {
        m_socket->disconnect(this);
        if (m_phase == Phase::Handshake)
            m_socket->deleteLater(); // its server's child: deleted there, not by us
        else
            delete m_socket.data();
    }
}

void HttpConnection::handshakeDone()
{
    if (m_phase == Phase::Handshake)
        m_phase = Phase::Waiting;
    m_socket->setParent(this);
    connect(m_socket, &QIODevice::readyRead, this, &HttpConnection::onReadyRead);
    connect(m_socket, &QIODevice::bytesWritten, this, &HttpConnection::onBytesWritten);
    processInput();
}

void HttpConnection::onReadyRead()
{
    if (m_phase == Phase::Closing) {
        // Read and drop what the client still sends, so that it sees our answer before the
        // connection closes; bounded, then the connection is cut.
        while (m_socket && m_socket->bytesAvailable() > 0) {
            m_discarded += m_socket->skip(kReadChunk);
            if (m_discarded > kMaxDiscard)
                return abort();
        }
        return;
    }
    processInput();
}

void HttpConnection::processInput()
{
    while (!m_ended && m_socket &&
           (m_phase == Phase::Waiting || m_phase == Phase::Head || m_phase == Phase::Body)) {
        if (m_pending.isEmpty()) {
            if (m_socket->bytesAvailable() <= 0)
                return;
            m_pending = m_socket->read(kReadChunk);
            if (m_pending.isEmpty())
                return;
        }
        const qsizetype used = m_parser.feed(m_pending.constData(), m_pending.size());
        m_pending.remove(0, used);
        const qint64 t = now();
        switch (m_parser.state()) {
        case RequestParser::State::Idle:
            break;
        case RequestParser::State::Head:
            if (m_phase == Phase::Waiting) {
                m_phase = Phase::Head;
                // A kept-alive connection's next head gets its full time from its first byte;
                // a new connection's from its acceptance.
                if (m_served > 0)
                    m_deadline = t + m_settings.headerTimeoutMs;
            }
            break;
        case RequestParser::State::Body:
            if (m_phase != Phase::Body) {
                m_phase = Phase::Body;
                const qint64 length = m_parser.contentLength();
                m_deadline = t + m_settings.headerTimeoutMs +
                             length * 1000 / qMax(1, m_settings.bodyMinBytesPerSecond);
                if (m_parser.expectsContinue() && m_pending.isEmpty() &&
                    m_socket->bytesAvailable() == 0)
                    write("HTTP/1.1 100 Continue\r\n\r\n");
            }
            break;
        case RequestParser::State::Complete: {
            m_keepAlive = m_parser.keepAlive();
            startRequest(m_parser.take());
            if (m_phase == Phase::Waiting)
                continue; // answered at once (503 server_busy): the next one, in this loop
            return;
        }
        case RequestParser::State::Failed:
            return refuse(m_parser.error());
        }
    }
}

void HttpConnection::startRequest(HttpRequest &&request)
{
    m_phase = Phase::Serving;
    m_deadline = 0;
    ++m_served;
    request.peer = m_peer; // failed sign-ins are counted per address (SignInGuard)
    m_wroteHead = false;
    m_headOnly = request.method == "HEAD";
    if (m_headOnly)
        request.method = "GET"; // answered as GET, without the body
    m_lastWrite = now();
    m_current = std::make_shared<ReplyChannel>(this, this, m_headOnly);
    // An answer given before the handler returns (ReplyChannel::deliverNow) must not start the
    // next pipelined request from inside it: one stack frame per request otherwise.
    m_inHandler = true;
    m_handler(std::move(request), m_current);
    m_inHandler = false;
}

void HttpConnection::deliver(ReplyChannel *channel, ResponsePart part)
{
    if (!m_current || channel != m_current.get() || !m_socket)
        return;
    switch (part.kind) {
    case ResponsePart::Kind::Whole:
        writeHead(part.status, part.contentType, part.headers, part.body.size(), false);
        if (!m_headOnly)
            write(part.body);
        return complete();
    case ResponsePart::Kind::StreamHead:
        writeHead(part.status, part.contentType, part.headers, -1, true);
        if (m_headOnly) {
            m_current->finish();
            return complete();
        }
        return;
    case ResponsePart::Kind::Chunk:
        if (!part.body.isEmpty())
            write(QByteArray::number(part.body.size(), 16) + "\r\n" + part.body + "\r\n");
        return;
    case ResponsePart::Kind::StreamEnd:
        write("0\r\n\r\n");
        return complete();
    case ResponsePart::Kind::StreamCut:
        // What was written stays (it ends with the producer's own statement that it failed);
        // no final chunk, and the connection closes.
        m_keepAlive = false;
        return complete();
    case ResponsePart::Kind::Abandon:
        if (m_wroteHead)
            return abort();
        m_keepAlive = false;
        refuse({500, "internal", "The request could not be answered."});
        return;
    }
}

void HttpConnection::writeHead(int status, const QByteArray &contentType, const HeaderList &headers,
                               qint64 length, bool chunked)
{
    QByteArray head = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reason(status) + "\r\n";
    if (!contentType.isEmpty())
        head += "Content-Type: " + contentType + "\r\n";
    if (chunked)
        head += "Transfer-Encoding: chunked\r\n";
    else
        head += "Content-Length: " + QByteArray::number(length) + "\r\n";
    head += "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n";
    for (const auto &h : headers)
        head += h.first + ": " + h.second + "\r\n";
    if (!m_keepAlive)
        head += "Connection: close\r\n";
    head += "\r\n";
    m_wroteHead = true;
    write(head);
}

void HttpConnection::write(const QByteArray &bytes)
{
    if (!m_socket || bytes.isEmpty())
        return;
    if (m_socket->bytesToWrite() == 0)
        m_lastWrite = now();
    m_socket->write(bytes);
}

void HttpConnection::complete()
{
    // The answer leaves now, not when the event loop next polls this socket for writing: under
    // load that poll comes after every other connection ready in the same pass has been handled
    // (a breaker's 423 or a long-poll's decision waited behind them).
    if (m_socket)
        m_socket->flush();
    if (m_current) {
        m_current->done();
        m_current.reset();
    }
    if (!m_keepAlive)
        return beginClose();
    m_phase = Phase::Waiting;
    m_deadline = now() + m_settings.idleTimeoutMs;
    Q_EMIT answered(this);
    if (!m_inHandler)
        processInput(); // a pipelined request may be waiting already
}

void HttpConnection::refuse(const ParseError &error)
{
    if (m_current) {
        m_current->close();
        m_current.reset();
    }
    m_keepAlive = false;
    writeHead(error.status, "application/json", {}, errorBody(error).size(), false);
    write(errorBody(error));
    beginClose();
}

void HttpConnection::beginClose()
{
    m_phase = Phase::Closing;
    m_pending.clear();
    m_deadline = now() + m_settings.lingerMs;
    onBytesWritten(0);
    onReadyRead();
}

void HttpConnection::onBytesWritten(qint64 bytes)
{
    if (!m_socket)
        return;
    if (bytes > 0)
        m_lastWrite = now();
    if (m_current && bytes > 0)
        m_current->drained(bytes);
    if (m_phase == Phase::Closing && m_socket->bytesToWrite() == 0) {
        if (m_settings.lingerMs <= 0)
            return abort();
        // The answer is out: say we are done writing and wait (briefly) for the client to
        // close, reading and dropping anything it still sends.
        if (m_tls)
            m_socket->disconnectFromHost();
        else
            ::shutdown(int(m_socket->socketDescriptor()), SHUT_WR);
    }
}

void HttpConnection::checkDeadline(qint64 nowMs)
{
    if (m_ended)
        return;
    switch (m_phase) {
    case Phase::Handshake:
    case Phase::Waiting:
        if (nowMs >= m_deadline) {
            Q_EMIT timedOut();
            abort();
        }
        return;
    case Phase::Head:
    case Phase::Body:
        if (nowMs >= m_deadline) {
            Q_EMIT timedOut();
            refuse({408, "request_timeout",
                    m_phase == Phase::Head ? "The request head did not arrive in time."
                                           : "The request body did not arrive in time."});
        }
        return;
    case Phase::Serving:
        if (m_socket && m_socket->bytesToWrite() > 0 &&
            nowMs - m_lastWrite >= m_settings.writeTimeoutMs) {
            Q_EMIT timedOut();
            abort();
        }
        return;
    case Phase::Closing:
        if (nowMs >= m_deadline)
            abort();
        return;
    }
}

void HttpConnection::readPending()
{
    if (m_socket && (m_phase == Phase::Waiting || m_phase == Phase::Head))
        m_socket->waitForReadyRead(0); // reads into the socket's buffer; readyRead parses it
}

void HttpConnection::abort()
{
    if (m_ended)
        return;
    if (m_socket)
        m_socket->abort();
    end();
}

void HttpConnection::onDisconnected()
{
    end();
}

void HttpConnection::end()
{
    if (m_ended)
        return;
    m_ended = true;
    if (m_current) {
        m_current->close(); // a long-poll or a stream learns that its client left
        m_current.reset();
    }
    Q_EMIT finished(this);
}

} // namespace interlock::http
