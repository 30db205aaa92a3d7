#pragma once

#include "HttpExchange.h"

#include <QHostAddress>
#include <functional>

class QTcpServer;

namespace interlock {

// The only class that knows QHttpServer's API, which changes between Qt 6.4 and 6.8
// (DESIGN.md "Platform facts"). It turns every request into an HttpRequest plus an HttpReply
// and hands both to one dispatch function.
class HttpServerAdapter : public QObject
{
    Q_OBJECT
public:
    using Dispatch = std::function<void(HttpRequest &&, HttpReplyPtr)>;

    // gate may be null: replies then always leave at once.
    HttpServerAdapter(Dispatch dispatch, ReplyGate *gate, QObject *parent = nullptr);
    ~HttpServerAdapter() override;

    // Returns the bound port, or 0 with *error set. `server` (taken over) listens instead of a
    // plain QTcpServer, e.g. TLS from createTlsListener().
    quint16 listen(const QHostAddress &address, quint16 port, QString *error,
                   QTcpServer *server = nullptr);

private:
    class Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace interlock
