#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QTcpSocket>
#include <functional>

namespace interlock::ctl {

// A minimal keep-alive HTTP/1.1 client for the benchmarks: one connection, one request in
// flight, no thread hop. It keeps the load generator cheap, so the numbers are the server's.
class BenchConnection : public QObject
{
    Q_OBJECT
public:
    using Done = std::function<void(int status, const QJsonObject &body)>;

    BenchConnection(quint16 port, QString token, QObject *parent = nullptr);
    // The socket outlives the other members: its last signals (disconnected, as it closes) must
    // not reach them.
    ~BenchConnection() override;
    // Written to the socket at once (not when the event loop next runs), so that a request's
    // send time is when it left.
    void request(const QByteArray &method, const QString &path, const QJsonObject *body, Done done);
    // Answers' bodies are not parsed (Done gets an empty object): a cheaper load generator.
    void setStatusOnly(bool statusOnly) { m_statusOnly = statusOnly; }

private:
    void onReadyRead();

    QTcpSocket m_socket;
    quint16 m_port = 0;
    QByteArray m_auth;
    QByteArray m_buffer;
    Done m_done;
    bool m_statusOnly = false;
};

} // namespace interlock::ctl
