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
    void request(const QByteArray &method, const QString &path, const QJsonObject *body, Done done);

private:
    void onReadyRead();

    QTcpSocket m_socket;
    QByteArray m_auth;
    QByteArray m_buffer;
    Done m_done;
};

} // namespace interlock::ctl
