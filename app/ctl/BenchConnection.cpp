#include "BenchConnection.h"

#include <QJsonDocument>

namespace interlock::ctl {

BenchConnection::BenchConnection(quint16 port, QString token, QObject *parent)
    : QObject(parent)
    , m_port(port)
    , m_auth("Authorization: Bearer " + token.toUtf8() + "\r\n")
{
    m_socket.setSocketOption(QAbstractSocket::LowDelayOption, 1);
    m_socket.connectToHost(QHostAddress::LocalHost, port);
    connect(&m_socket, &QTcpSocket::readyRead, this, &BenchConnection::onReadyRead);
    connect(&m_socket, &QTcpSocket::disconnected, this, [this] {
        if (auto done = std::exchange(m_done, nullptr))
            done(0, {});
    });
}

BenchConnection::~BenchConnection()
{
    m_socket.disconnect(this);
}

void BenchConnection::request(const QByteArray &method, const QString &path,
                              const QJsonObject *body, Done done)
{
    m_done = std::move(done);
    // A connection the server (or HAProxy) closed is opened again: a request written to a closed
    // socket would never be answered and the bench would wait for it forever.
    if (m_socket.state() == QAbstractSocket::UnconnectedState) {
        m_buffer.clear();
        m_socket.connectToHost(QHostAddress::LocalHost, m_port);
    }
    QByteArray data = body ? QJsonDocument(*body).toJson(QJsonDocument::Compact) : QByteArray();
    QByteArray out = method + ' ' + path.toUtf8() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + m_auth;
    if (body)
        out += "Content-Type: application/json\r\n";
    out += "Content-Length: " + QByteArray::number(data.size()) + "\r\n\r\n" + data;
    m_socket.write(out);
    if (m_socket.state() == QAbstractSocket::ConnectedState)
        m_socket.flush(); // else it leaves once connected
}

void BenchConnection::onReadyRead()
{
    m_buffer += m_socket.readAll();
    const qsizetype end = m_buffer.indexOf("\r\n\r\n");
    if (end < 0)
        return;
    qsizetype length = 0;
    for (const QByteArray &line : m_buffer.left(end).split('\n')) {
        if (line.size() > 15 && line.left(15).toLower() == "content-length:")
            length = line.mid(15).trimmed().toLongLong();
    }
    if (m_buffer.size() < end + 4 + length)
        return;
    const int status = m_buffer.mid(9, 3).toInt();
    const QJsonObject body = m_statusOnly
                                 ? QJsonObject()
                                 : QJsonDocument::fromJson(m_buffer.mid(end + 4, length)).object();
    m_buffer.remove(0, end + 4 + length);
    if (auto done = std::exchange(m_done, nullptr))
        done(status, body);
}

} // namespace interlock::ctl
