#pragma once

#include "core/ApiError.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QUrlQuery>
#include <memory>

class QHttpServerResponder;
class QTcpSocket;

namespace interlock {

// A request as the API sees it, independent of the QHttpServer version.
struct HttpRequest {
    QByteArray method;                    // "GET", "POST", …
    QString path;                         // decoded path, no query
    QUrlQuery query;
    QHash<QByteArray, QByteArray> headers; // lower-case names
    QByteArray body;
    QStringList params;                   // filled by the router from {placeholders}

    QByteArray header(const QByteArray &lowerName) const { return headers.value(lowerName); }
};

// One response still owed to a client. It may be kept past the handler (long-poll); once the
// client disconnects it turns into a no-op and emits clientGone(), so nothing is ever written to
// a socket that Qt has deleted.
class HttpReply : public QObject
{
    Q_OBJECT
public:
    HttpReply(std::unique_ptr<QHttpServerResponder> responder, QTcpSocket *socket);
    ~HttpReply() override;

    bool isOpen() const;
    void send(int status, const QByteArray &contentType, const QByteArray &body,
              const QList<std::pair<QByteArray, QByteArray>> &extraHeaders = {});
    void sendJson(int status, const QJsonObject &body,
                  const QList<std::pair<QByteArray, QByteArray>> &extraHeaders = {});
    void sendError(const ApiError &error);
    bool sent() const { return m_sent; }

Q_SIGNALS:
    void clientGone();

private:
    std::unique_ptr<QHttpServerResponder> m_responder;
    QPointer<QTcpSocket> m_socket;
    bool m_sent = false;
};

struct DeleteLater {
    void operator()(QObject *o) const { o->deleteLater(); }
};
using HttpReplyPtr = std::unique_ptr<HttpReply, DeleteLater>;

} // namespace interlock
