#include "KeepAlivePool.h"

#include <QElapsedTimer>
#include <QPointer>
#include <QTcpSocket>
#include <QTimer>
#include <algorithm>

namespace interlock {

// One connection, one request at a time. The socket is replaced whenever a connection ends.
class KeepAliveLink : public QObject
{
public:
    KeepAliveLink(const QString &host, quint16 port, AnswerParser::Limits limits, QObject *parent)
        : QObject(parent)
        , m_host(host)
        , m_port(port)
        , m_limits(limits)
    {
        m_timer.setSingleShot(true);
        connect(&m_timer, &QTimer::timeout, this, [this] {
            dropSocket();
            finish(
                failure(QStringLiteral("no answer within %1 s").arg(m_request.timeoutMs / 1000.0)));
        });
    }

    bool busy() const { return bool(m_done); }
    // Forgets the request in flight (its `done` never runs) and closes the connection.
    void abandon()
    {
        m_timer.stop();
        m_done = nullptr;
        dropSocket();
    }

    bool warm() const { return m_socket && m_socket->state() == QAbstractSocket::ConnectedState; }

    void send(KeepAlivePool::Request request, KeepAlivePool::Done done)
    {
        m_request = std::move(request);
        m_done = std::move(done);
        m_resent = false;
        m_timer.start(qMax(1, m_request.timeoutMs));
        // An idle connection with bytes waiting holds something nobody asked for: not reused.
        if (warm() && m_socket->bytesAvailable() > 0)
            dropSocket();
        transmit();
    }

private:
    static KeepAlivePool::Answer failure(const QString &why)
    {
        KeepAlivePool::Answer a;
        a.error = why;
        return a;
    }

    void transmit()
    {
        m_parser = AnswerParser(m_limits);
        m_parser.expectNoBody(m_request.headOnly);
        m_reused = warm();
        if (!m_reused) {
            dropSocket();
            m_socket = new QTcpSocket(this);
            m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
            QTcpSocket *socket = m_socket;
            connect(socket, &QTcpSocket::readyRead, this, [this, socket] {
                if (socket == m_socket)
                    onReadable();
            });
            connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
                if (socket == m_socket)
                    onClosed(QStringLiteral("the server closed the connection"));
            });
            connect(socket, &QTcpSocket::errorOccurred, this, [this, socket] {
                if (socket == m_socket)
                    onClosed(socket->errorString());
            });
            socket->connectToHost(m_host, m_port);
        }
        m_socket->write(m_request.bytes); // before the connection is up: sent once it is
        if (m_reused)
            m_socket->flush();
    }

    void dropSocket()
    {
        if (!m_socket)
            return;
        QTcpSocket *socket = std::exchange(m_socket, nullptr);
        socket->disconnect(this);
        socket->abort();
        socket->deleteLater();
    }

    void onReadable()
    {
        const QByteArray data = m_socket->readAll();
        if (!busy()) { // nothing was asked: the connection is not to be trusted any more
            dropSocket();
            return;
        }
        const qsizetype used = m_parser.feed(data.constData(), data.size());
        if (m_parser.state() == AnswerParser::State::Failed) {
            dropSocket();
            return finish(failure(m_parser.error()));
        }
        if (m_parser.state() != AnswerParser::State::Complete)
            return;
        if (!m_parser.keepAlive() || used < data.size()) // bytes past the answer: garbage
            dropSocket();
        complete();
    }

    void onClosed(const QString &why)
    {
        if (!busy()) {
            dropSocket();
            return;
        }
        if (m_socket && m_socket->bytesAvailable() > 0) {
            onReadable();
            if (!busy())
                return;
        }
        if (!m_parser.started() && m_reused) {
            // The server closed a kept-alive connection before it read this request (its idle
            // timeout), or while it did: which, nobody can tell.
            if (m_request.repeatable && !m_resent) {
                m_resent = true;
                dropSocket();
                return transmit();
            }
            dropSocket();
            return finish(failure(QStringLiteral("the server closed the kept-alive connection "
                                                 "before answering; the request was not sent "
                                                 "again (it is not safe to repeat)")));
        }
        m_parser.endOfInput();
        dropSocket();
        if (m_parser.state() == AnswerParser::State::Complete)
            return complete();
        finish(failure(m_parser.started() ? m_parser.error() : why));
    }

    void complete()
    {
        KeepAlivePool::Answer a;
        a.status = m_parser.status();
        a.headers = m_parser.headers();
        a.body = m_parser.body();
        finish(a);
    }

    void finish(const KeepAlivePool::Answer &answer)
    {
        m_timer.stop();
        m_request = {};
        m_parser = AnswerParser(m_limits);
        if (auto done = std::exchange(m_done, nullptr))
            done(answer); // may destroy this link (and its pool)
    }

    const QString m_host;
    const quint16 m_port;
    const AnswerParser::Limits m_limits;
    QTcpSocket *m_socket = nullptr;
    AnswerParser m_parser;
    KeepAlivePool::Request m_request;
    KeepAlivePool::Done m_done;
    QTimer m_timer;
    bool m_reused = false;
    bool m_resent = false;
};

struct KeepAlivePool::Queued {
    Request request;
    Done done;
    QElapsedTimer waited;
    std::unique_ptr<QTimer> timer;
};

KeepAlivePool::KeepAlivePool(QString host, quint16 port, AnswerParser::Limits limits, int maxLinks,
                             QObject *parent)
    : QObject(parent)
    , m_host(std::move(host))
    , m_port(port)
    , m_limits(limits)
    , m_maxLinks(qMax(1, maxLinks))
{}

KeepAlivePool::~KeepAlivePool() = default;

bool KeepAlivePool::canDispatch() const
{
    return int(m_links.size()) < m_maxLinks ||
           std::any_of(m_links.begin(), m_links.end(),
                       [](const KeepAliveLink *link) { return !link->busy(); });
}

void KeepAlivePool::send(Request request, Done done)
{
    if (canDispatch())
        return dispatch(std::move(request), std::move(done));
    auto q = std::make_shared<Queued>();
    q->request = std::move(request);
    q->done = std::move(done);
    q->waited.start();
    q->timer = std::make_unique<QTimer>();
    q->timer->setSingleShot(true);
    std::weak_ptr<Queued> weak = q;
    connect(q->timer.get(), &QTimer::timeout, this, [this, weak] {
        const auto q = weak.lock();
        if (!q)
            return;
        std::erase(m_queue, q);
        Answer a;
        a.error = QStringLiteral("no connection to the server became free within %1 s")
                      .arg(q->request.timeoutMs / 1000.0);
        if (auto done = std::exchange(q->done, nullptr))
            done(a);
    });
    q->timer->start(qMax(1, q->request.timeoutMs));
    m_queue.push_back(std::move(q));
}

void KeepAlivePool::abandon()
{
    m_queue.clear();
    for (KeepAliveLink *link : m_links)
        link->abandon();
}

void KeepAlivePool::dispatch(Request request, Done done)
{
    // A warm idle connection first, then an idle one, then a new one.
    KeepAliveLink *pick = nullptr;
    for (KeepAliveLink *link : m_links) {
        if (link->busy())
            continue;
        if (!pick || (link->warm() && !pick->warm()))
            pick = link;
    }
    if (!pick) {
        pick = new KeepAliveLink(m_host, m_port, m_limits, this);
        m_links.push_back(pick);
    }
    QPointer<KeepAlivePool> self(this);
    pick->send(std::move(request), [self, done = std::move(done)](const Answer &a) {
        done(a);
        if (self)
            self->next();
    });
}

void KeepAlivePool::next()
{
    if (m_queue.empty() || !canDispatch())
        return;
    const std::shared_ptr<Queued> q = m_queue.front();
    m_queue.pop_front();
    q->timer->stop();
    q->request.timeoutMs = int(qMax<qint64>(1, q->request.timeoutMs - q->waited.elapsed()));
    dispatch(std::move(q->request), std::move(q->done));
}

} // namespace interlock
