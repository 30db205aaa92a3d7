#include "HttpExchange.h"

#include <QJsonDocument>
#include <QTimer>

namespace interlock {

using http::ResponsePart;

namespace {
// A stream produces while fewer bytes than this wait to be written, and resumes below half.
constexpr qint64 kStreamBudget = 512 * 1024;

QList<std::pair<QByteArray, QByteArray>> errorHeaders(const ApiError &error)
{
    if (error.retryAfterSeconds <= 0)
        return {};
    return {{"Retry-After", QByteArray::number(error.retryAfterSeconds)}};
}
} // namespace

HttpReply::HttpReply(std::shared_ptr<http::ReplyChannel> channel, ReplyGate *gate)
    : m_channel(std::move(channel))
    , m_gate(gate)
{
    m_channel->attach(this, this);
}

HttpReply::~HttpReply()
{
    m_channel->detach();
    // A request nobody answered (a handler that dropped its reply) still gets an answer.
    if (!m_sent && m_channel->isOpen())
        m_channel->post(ResponsePart{ResponsePart::Kind::Abandon, 0, {}, {}, {}});
}

bool HttpReply::isOpen() const
{
    return !m_sent && !m_gone && m_channel->isOpen();
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

void HttpReply::write(const Response &r)
{
    m_channel->post(
        ResponsePart{ResponsePart::Kind::Whole, r.status, r.contentType, r.headers, r.body});
}

void HttpReply::release(const ApiError &replacement)
{
    if (m_next && (!m_pieces.isEmpty() || m_piecesEnd)) {
        if (replacement.isError()) {
            m_channel->post(ResponsePart{ResponsePart::Kind::Abandon, 0, {}, {}, {}});
            return endStream();
        }
        return postPieces();
    }
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
                       std::function<QByteArray()> next, std::function<bool()> failed)
{
    if (!isOpen())
        return;
    m_sent = true;
    m_next = std::move(next);
    m_failed = std::move(failed);
    m_channel->post(
        ResponsePart{ResponsePart::Kind::StreamHead, status, contentType, extraHeaders, {}});
    QTimer::singleShot(0, this, &HttpReply::pump);
}

void HttpReply::pump()
{
    if (!m_next)
        return;
    if (m_gone || !m_channel->isOpen())
        return endStream();
    if (!m_pieces.isEmpty() || m_piecesEnd)
        return; // held by the gate: release() goes on
    if (m_gate && m_gate->broken()) {
        m_channel->post(ResponsePart{ResponsePart::Kind::Abandon, 0, {}, {}, {}});
        return endStream();
    }
    if (m_gate && m_gate->writing()) {
        // Never read what a commit in progress could still undo: come back after it.
        QTimer::singleShot(0, this, &HttpReply::pump);
        return;
    }
    qint64 budget = kStreamBudget - m_channel->unsent();
    while (budget > 0) {
        QByteArray piece = m_next();
        if (piece.isEmpty()) {
            m_piecesEnd = true;
            break;
        }
        budget -= piece.size();
        m_pieces.append(std::move(piece));
    }
    if (m_pieces.isEmpty() && !m_piecesEnd)
        return m_channel->wantRoom(kStreamBudget / 2);
    // What was read may still wait for the disk to confirm the last commit.
    if (m_gate && m_gate->holding())
        return m_gate->hold(this);
    postPieces();
}

void HttpReply::postPieces()
{
    for (QByteArray &piece : std::exchange(m_pieces, {}))
        m_channel->post(ResponsePart{ResponsePart::Kind::Chunk, 0, {}, {}, std::move(piece)});
    if (std::exchange(m_piecesEnd, false)) {
        const bool failed = m_failed && m_failed();
        m_channel->post(ResponsePart{
            failed ? ResponsePart::Kind::StreamCut : ResponsePart::Kind::StreamEnd, 0, {}, {}, {}});
        return endStream();
    }
    m_channel->wantRoom(kStreamBudget / 2);
}

void HttpReply::endStream()
{
    if (!m_next)
        return;
    m_next = nullptr;
    m_failed = nullptr;
    if (m_disposed)
        deleteLater();
}

void HttpReply::channelClosed()
{
    if (m_gone)
        return;
    m_gone = true;
    endStream();
    Q_EMIT clientGone();
}

void HttpReply::channelWritable()
{
    pump();
}

void HttpReply::channelFinished()
{
    endStream(); // HEAD: the head went out and no body is wanted
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

void HttpReply::sendRefusal(const ApiError &error)
{
    if (!isOpen())
        return;
    m_sent = true;
    write(Response{error.status, "application/json",
                   QJsonDocument(error.toJson()).toJson(QJsonDocument::Compact),
                   errorHeaders(error)});
}

} // namespace interlock
