#include "DeepLink.h"

#include <QDir>
#include <QLocalServer>
#include <QLocalSocket>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QUrl>

namespace interlock::ui {

DeepLink::~DeepLink() = default;

QString DeepLink::actionId(const QString &link)
{
    // Only this one form; an id is what the server makes (letters, digits, _ and -).
    static const QRegularExpression form(
        QStringLiteral("^interlock://action/([A-Za-z0-9_-]{1,64})/?$"),
        QRegularExpression::CaseInsensitiveOption);
    const QRegularExpressionMatch m = form.match(link.trimmed());
    return m.hasMatch() ? m.captured(1) : QString();
}

QString DeepLink::defaultName()
{
    QString dir = QStandardPaths::writableLocation(QStandardPaths::RuntimeLocation);
    if (dir.isEmpty())
        dir = QDir::tempPath();
    return dir + QStringLiteral("/interlock-console.socket");
}

bool DeepLink::forward(const QString &link, const QString &name, int timeoutMs)
{
    QLocalSocket socket;
    socket.connectToServer(name);
    if (!socket.waitForConnected(timeoutMs))
        return false;
    socket.write(link.trimmed().toUtf8().left(512) + '\n');
    if (!socket.waitForBytesWritten(timeoutMs))
        return false;
    // The running console answers "ok" once it took the link.
    return socket.waitForReadyRead(timeoutMs) && socket.readLine().trimmed() == "ok";
}

bool DeepLink::listen(const QString &name)
{
    // Another console listens there: it keeps the links. (Asked first: with user-only access Qt
    // binds a new socket beside the path and renames it over whatever is there.)
    QLocalSocket probe;
    probe.connectToServer(name);
    if (probe.waitForConnected(500))
        return false;
    // A socket left by a console that crashed: nobody answers on it, so it is taken over.
    QLocalServer::removeServer(name);
    delete m_server;
    m_server = new QLocalServer(this);
    m_server->setSocketOptions(QLocalServer::UserAccessOption);
    if (!m_server->listen(name))
        return false;
    connect(m_server, &QLocalServer::newConnection, this, [this] {
        while (QLocalSocket *socket = m_server->nextPendingConnection()) {
            connect(socket, &QLocalSocket::disconnected, socket, &QObject::deleteLater);
            connect(socket, &QLocalSocket::readyRead, this, [this, socket] {
                if (!socket->canReadLine()) {
                    if (socket->bytesAvailable() > 512)
                        socket->abort();
                    return;
                }
                const QString id = actionId(QString::fromUtf8(socket->readLine(513)));
                socket->write(id.isEmpty() ? "refused\n" : "ok\n");
                socket->flush();
                socket->disconnectFromServer();
                if (!id.isEmpty())
                    Q_EMIT actionRequested(id);
            });
        }
    });
    return true;
}

} // namespace interlock::ui
