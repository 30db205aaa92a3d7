#pragma once

#include "AnswerParser.h"

#include <QByteArray>
#include <QHash>
#include <QObject>
#include <QString>
#include <deque>
#include <functional>
#include <memory>
#include <vector>

namespace interlock {

class KeepAliveLink;

// Plain HTTP/1.1 to one server over a few kept-alive QTcpSockets, in the caller's thread: no
// HTTP thread, no queued signals, no reply objects. Each connection carries one request at a
// time; a request waits when every connection is busy and `maxLinks` are open. A request the
// server could not have seen (a kept-alive connection that the server closed before any byte of
// the answer came back) is sent once more on a new connection only if it is safe to repeat
// (`repeatable`: a GET, or a submission with an Idempotency-Key); otherwise it fails like every
// other failure: status 0 and why (refused, unreachable, timed out, closed in the middle, a
// garbled or oversized answer).
class KeepAlivePool : public QObject
{
public:
    struct Answer {
        int status = 0; // 0: no complete, readable answer
        QHash<QByteArray, QByteArray> headers;
        QByteArray body;
        QString error;
    };
    struct Request {
        QByteArray bytes; // the whole request: line, head and body
        bool repeatable = false;
        bool headOnly = false;
        int timeoutMs = 30000;
    };
    using Done = std::function<void(const Answer &)>;

    KeepAlivePool(QString host, quint16 port, AnswerParser::Limits limits = {}, int maxLinks = 6,
                  QObject *parent = nullptr);
    ~KeepAlivePool() override;

    // `done` runs later, from the event loop, exactly once (unless the pool is destroyed first).
    void send(Request request, Done done);
    int openLinks() const { return int(m_links.size()); }
    // Drops every request (no `done` runs any more) and closes the connections: for an owner
    // that goes away, then deleteLater()s the pool (it may be inside one of its sockets' signals).
    void abandon();

private:
    struct Queued;
    bool canDispatch() const;
    void dispatch(Request request, Done done);
    void next();

    const QString m_host;
    const quint16 m_port;
    const AnswerParser::Limits m_limits;
    const int m_maxLinks;
    std::vector<KeepAliveLink *> m_links; // children
    std::deque<std::shared_ptr<Queued>> m_queue;
};

} // namespace interlock
