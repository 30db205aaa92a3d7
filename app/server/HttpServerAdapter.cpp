#include "HttpServerAdapter.h"

#include <QAbstractHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#if QT_VERSION >= QT_VERSION_CHECK(6, 8, 0)
#include <QHttpHeaders>
#endif
#include <QJsonDocument>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

namespace interlock {

namespace {
QByteArray methodName(QHttpServerRequest::Method m)
{
    switch (m) {
    case QHttpServerRequest::Method::Get:
        return "GET";
    case QHttpServerRequest::Method::Put:
        return "PUT";
    case QHttpServerRequest::Method::Delete:
        return "DELETE";
    case QHttpServerRequest::Method::Post:
        return "POST";
    case QHttpServerRequest::Method::Head:
        return "HEAD";
    case QHttpServerRequest::Method::Options:
        return "OPTIONS";
    case QHttpServerRequest::Method::Patch:
        return "PATCH";
    default:
        return "OTHER";
    }
}

QList<std::pair<QByteArray, QByteArray>> errorHeaders(const ApiError &error)
{
    if (error.retryAfterSeconds <= 0)
        return {};
    return {{"Retry-After", QByteArray::number(error.retryAfterSeconds)}};
}

HttpRequest convert(const QHttpServerRequest &r)
{
    HttpRequest out;
    out.method = methodName(r.method());
    out.path = r.url().path();
    out.query = r.query();
#if QT_VERSION >= QT_VERSION_CHECK(6, 8, 0)
    const QHttpHeaders &headers = r.headers();
    for (qsizetype i = 0; i < headers.size(); ++i)
        out.headers.insert(QByteArray(headers.nameAt(i).data(), headers.nameAt(i).size()).toLower(),
                           headers.valueAt(i).toByteArray());
#else
    for (const auto &h : r.headers())
        out.headers.insert(h.first.toLower(), h.second);
#endif
    out.body = r.body();
    return out;
}
} // namespace

HttpReply::HttpReply(std::unique_ptr<QHttpServerResponder> responder, QTcpSocket *socket,
                     ReplyGate *gate)
    : m_responder(std::move(responder))
    , m_socket(socket)
    , m_gate(gate)
{
    if (socket) {
        connect(socket, &QTcpSocket::disconnected, this, &HttpReply::clientGone);
        connect(socket, &QObject::destroyed, this, &HttpReply::clientGone);
    }
}

HttpReply::~HttpReply() = default;

bool HttpReply::isOpen() const
{
    return !m_sent && m_socket && m_socket->state() == QAbstractSocket::ConnectedState;
}

void HttpReply::send(int status, const QByteArray &contentType, const QByteArray &body,
                     const QList<std::pair<QByteArray, QByteArray>> &extraHeaders)
{
    if (!isOpen())
        return;
    m_sent = true;
    Response response{status, contentType, body, extraHeaders};
    if (m_gate && m_gate->holding()) {
        m_held = std::move(response);
        m_gate->hold(this);
        return;
    }
    write(response);
}

// The only code that writes to a QHttpServerResponder: its API changed in Qt 6.8 (headers as
// QHttpHeaders, chunked writing built in; no more status-line/header/body calls).
void HttpReply::begin(int status, const QByteArray &contentType,
                      const QList<std::pair<QByteArray, QByteArray>> &extraHeaders,
                      std::optional<QByteArray> body)
{
    const auto code = QHttpServerResponder::StatusCode(status);
#if QT_VERSION >= QT_VERSION_CHECK(6, 8, 0)
    QHttpHeaders headers;
    headers.append(QHttpHeaders::WellKnownHeader::ContentType, contentType);
    headers.append(QHttpHeaders::WellKnownHeader::CacheControl, "no-store");
    headers.append("X-Content-Type-Options", "nosniff");
    for (const auto &h : extraHeaders)
        headers.append(h.first, h.second);
    if (body)
        m_responder->write(*body, headers, code); // sets Content-Length
    else
        m_responder->writeBeginChunked(headers, code);
#else
    m_responder->writeStatusLine(code);
    m_responder->writeHeader("Content-Type", contentType);
    if (body)
        m_responder->writeHeader("Content-Length", QByteArray::number(body->size()));
    else
        m_responder->writeHeader("Transfer-Encoding", "chunked");
    m_responder->writeHeader("Cache-Control", "no-store");
    m_responder->writeHeader("X-Content-Type-Options", "nosniff");
    for (const auto &h : extraHeaders)
        m_responder->writeHeader(h.first, h.second);
    if (body)
        m_responder->writeBody(*body);
#endif
}

void HttpReply::writeChunk(const QByteArray &piece)
{
#if QT_VERSION >= QT_VERSION_CHECK(6, 8, 0)
    if (piece.isEmpty())
        m_responder->writeEndChunked(QByteArray());
    else
        m_responder->writeChunk(piece);
#else
    if (piece.isEmpty()) {
        m_responder->writeBody(QByteArrayLiteral("0\r\n\r\n"));
        return;
    }
    m_responder->writeBody(QByteArray::number(piece.size(), 16) + "\r\n");
    m_responder->writeBody(piece);
    m_responder->writeBody("\r\n", 2);
#endif
}

void HttpReply::write(const Response &r)
{
    if (!m_socket || m_socket->state() != QAbstractSocket::ConnectedState)
        return;
    begin(r.status, r.contentType, r.headers, r.body);
}

void HttpReply::release(const ApiError &replacement)
{
    if (m_held) {
        const Response held = std::move(*m_held);
        m_held.reset();
        if (replacement.isError())
            write(Response{replacement.status, "application/json",
                           QJsonDocument(replacement.toJson()).toJson(QJsonDocument::Compact),
                           errorHeaders(replacement)});
        else
            write(held);
    }
    if (m_disposed)
        deleteLater();
}

void HttpReply::dispose()
{
    m_disposed = true;
    if (!m_held && !m_next)
        deleteLater();
}

void HttpReply::stream(int status, const QByteArray &contentType,
                       const QList<std::pair<QByteArray, QByteArray>> &extraHeaders,
                       std::function<QByteArray()> next)
{
    if (!isOpen())
        return;
    m_sent = true;
    m_next = std::move(next);
    begin(status, contentType, extraHeaders, std::nullopt);
    connect(m_socket, &QTcpSocket::bytesWritten, this, &HttpReply::pump);
    connect(this, &HttpReply::clientGone, this, &HttpReply::endStream);
    QTimer::singleShot(0, this, &HttpReply::pump);
}

void HttpReply::pump()
{
    constexpr qint64 kSocketBudget = 512 * 1024;
    if (!m_next)
        return;
    if (!m_socket || m_socket->state() != QAbstractSocket::ConnectedState)
        return endStream();
    if (m_gate && m_gate->holding()) {
        // Never read what a commit in progress could still undo: come back after it.
        QTimer::singleShot(0, this, &HttpReply::pump);
        return;
    }
    while (m_next && m_socket->bytesToWrite() < kSocketBudget) {
        const QByteArray piece = m_next();
        writeChunk(piece); // an empty piece ends the response
        if (piece.isEmpty())
            return endStream();
    }
}

void HttpReply::endStream()
{
    if (!m_next)
        return;
    m_next = nullptr;
    if (m_socket)
        disconnect(m_socket, &QTcpSocket::bytesWritten, this, &HttpReply::pump);
    if (m_disposed)
        deleteLater();
}

void HttpReply::sendJson(int status, const QJsonObject &body,
                         const QList<std::pair<QByteArray, QByteArray>> &extraHeaders)
{
    send(status, "application/json", QJsonDocument(body).toJson(QJsonDocument::Compact),
         extraHeaders);
}

void HttpReply::sendError(const ApiError &error)
{
    sendJson(error.status, error.toJson(), errorHeaders(error));
}

class HttpServerAdapter::Impl : public QAbstractHttpServer
{
public:
    Impl(Dispatch dispatch, ReplyGate *gate)
        : m_dispatch(std::move(dispatch))
        , m_gate(gate)
    {}

protected:
#if QT_VERSION < QT_VERSION_CHECK(6, 5, 0)
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override
    {
        auto responder = std::make_unique<QHttpServerResponder>(makeResponder(request, socket));
        m_dispatch(convert(request),
                   HttpReplyPtr(new HttpReply(std::move(responder), socket, m_gate)));
        return true;
    }
    void missingHandler(const QHttpServerRequest &, QTcpSocket *) override {}
#else
    // Qt 6.5+: the responder is handed in by reference and can be moved out for long-polls.
    bool handleRequest(const QHttpServerRequest &request, QHttpServerResponder &responder) override
    {
        auto owned = std::make_unique<QHttpServerResponder>(std::move(responder));
#if QT_VERSION >= QT_VERSION_CHECK(6, 8, 0)
        QTcpSocket *socket = socketOf(request);
#else
        QTcpSocket *socket = qobject_cast<QTcpSocket *>(owned->socket());
#endif
        m_dispatch(convert(request), HttpReplyPtr(new HttpReply(std::move(owned), socket, m_gate)));
        return true;
    }
#if QT_VERSION < QT_VERSION_CHECK(6, 8, 0)
    void missingHandler(const QHttpServerRequest &, QHttpServerResponder &&) override {}
#else
    void missingHandler(const QHttpServerRequest &, QHttpServerResponder &) override {}

    // Qt 6.8 no longer hands out the connection's socket; the reply needs it to notice a client
    // that left and to pace streamed bodies. HTTP/1.1 serves one request at a time per
    // connection, so the peer's address and port name it.
    QTcpSocket *socketOf(const QHttpServerRequest &request) const
    {
        QList<QTcpSocket *> sockets = findChildren<QTcpSocket *>();
        for (QTcpServer *server : servers())
            sockets += server->findChildren<QTcpSocket *>();
        for (QTcpSocket *s : std::as_const(sockets)) {
            if (s->peerPort() == request.remotePort() &&
                s->peerAddress() == request.remoteAddress())
                return s;
        }
        return nullptr;
    }
#endif
#endif

private:
    Dispatch m_dispatch;
    ReplyGate *m_gate;
};

HttpServerAdapter::HttpServerAdapter(Dispatch dispatch, ReplyGate *gate, QObject *parent)
    : QObject(parent)
    , m_impl(std::make_unique<Impl>(std::move(dispatch), gate))
{}

HttpServerAdapter::~HttpServerAdapter() = default;

quint16 HttpServerAdapter::listen(const QHostAddress &address, quint16 port, QString *error,
                                  QTcpServer *server)
{
    QTcpServer *tcp = server ? server : new QTcpServer;
    tcp->setParent(m_impl.get());
    if (!tcp->listen(address, port)) {
        *error = tcp->errorString();
        delete tcp;
        return 0;
    }
    m_impl->bind(tcp);
    return tcp->serverPort();
}

} // namespace interlock
