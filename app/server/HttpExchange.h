#pragma once

#include "core/ApiError.h"
#include "http/ReplyChannel.h"

#include <QHash>
#include <QHostAddress>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QUrlQuery>
#include <functional>
#include <memory>
#include <optional>

namespace interlock {

// A request as the API sees it (parsed by app/server/http).
struct HttpRequest {
    QByteArray method; // "GET", "POST", …
    QString path;      // decoded path, no query
    QUrlQuery query;
    QHash<QByteArray, QByteArray> headers; // lower-case names
    QByteArray body;
    QStringList params; // filled by the router from {placeholders}
    QHostAddress peer;  // the client's address (failed sign-ins are counted per address)

    QByteArray header(const QByteArray &lowerName) const { return headers.value(lowerName); }
};

class HttpReply;

// Decides whether a reply may leave now. While the store holds uncommitted changes, replies are
// held and released only after the commit (see CommitGroup): nobody is told about a change
// that a crash could still undo.
class ReplyGate
{
public:
    virtual ~ReplyGate() = default;
    virtual bool holding() const = 0;
    virtual void hold(HttpReply *reply) = 0;
    // A transaction is open: what is read now may still be undone (a stream waits to read).
    virtual bool writing() const { return holding(); }
    // Nothing can be released any more (the disk failed): a stream is cut off.
    virtual bool broken() const { return false; }
};

// One response still owed to a client. It lives on the API thread; the connection it answers
// lives on the transport's I/O thread, and what is sent reaches it through a ReplyChannel. It
// may be kept past the handler (long-poll); once the client disconnects it turns into a no-op and
// emits clientGone(), so nothing is ever written for a client that left.
class HttpReply : public QObject, private http::ReplySource
{
    Q_OBJECT
public:
    explicit HttpReply(std::shared_ptr<http::ReplyChannel> channel, ReplyGate *gate = nullptr);
    ~HttpReply() override;

    bool isOpen() const;
    void send(int status, const QByteArray &contentType, const QByteArray &body,
              const QList<std::pair<QByteArray, QByteArray>> &extraHeaders = {});
    void sendJson(int status, const QJsonObject &body,
                  const QList<std::pair<QByteArray, QByteArray>> &extraHeaders = {});
    void sendError(const ApiError &error);
    // A refusal that states nothing a crash could undo (423 session_frozen: the submission was
    // not stored; the freeze already holds in memory): written at once, not held for the group
    // commit like every other answer.
    void sendRefusal(const ApiError &error);
    // A response of unknown length (chunked transfer encoding), produced piece by piece: `next`
    // is called whenever the connection has room and returns the next piece; an empty piece
    // ends the response. Memory stays bounded by one piece plus the budget of unsent bytes.
    // `failed`, asked once the stream has ended: true when it did not produce all it should
    // have; the response then ends without its final chunk (ResponsePart::Kind::StreamCut), so
    // no HTTP client takes it for complete.
    void stream(int status, const QByteArray &contentType,
                const QList<std::pair<QByteArray, QByteArray>> &extraHeaders,
                std::function<QByteArray()> next, std::function<bool()> failed = {});
    // For the gate: write the held response (or `replacement` instead, when the commit failed).
    void release(const ApiError &replacement = {});
    // For HttpReplyPtr: delete now, or once the held response has been released.
    void dispose();

Q_SIGNALS:
    void clientGone();

private:
    struct Response {
        int status;
        QByteArray contentType;
        QByteArray body;
        QList<std::pair<QByteArray, QByteArray>> headers;
    };
    void write(const Response &response);
    void pump();
    void postPieces();
    void endStream();
    void channelClosed() override;
    void channelWritable() override;
    void channelFinished() override;

    std::shared_ptr<http::ReplyChannel> m_channel;
    ReplyGate *m_gate;
    std::optional<Response> m_held;
    bool m_sent = false;
    bool m_disposed = false;
    bool m_gone = false;
    std::function<QByteArray()> m_next; // set while streaming
    std::function<bool()> m_failed;     // whether the stream that ended failed
    QList<QByteArray> m_pieces;         // read, held until what they show is durable
    bool m_piecesEnd = false;           // the last of them ends the stream
};

struct DisposeReply {
    void operator()(HttpReply *reply) const { reply->dispose(); }
};
using HttpReplyPtr = std::unique_ptr<HttpReply, DisposeReply>;

} // namespace interlock
