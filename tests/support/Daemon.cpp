#include "Daemon.h"

#include "TestServer.h"

#include "server/SqliteStore.h"
#include "server/Tokens.h"

#include <QDateTime>
#include <QFile>
#include <QRegularExpression>
#include <arpa/inet.h>
#include <cerrno>
#include <csignal>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace interlock::test {

Daemon::Daemon(const QStringList &extra, const QString &listen)
{
    {
        SqliteStore store(dbPath());
        QString error;
        if (!store.open(&error))
            qFatal("cannot create %s: %s", qPrintable(dbPath()), qPrintable(error));
        for (Role r : {Role::Agent, Role::Reviewer, Role::Oncall, Role::Manager, Role::Admin})
            m_tokens[r] = issueToken(store, r, roleName(r) + QStringLiteral("-user"),
                                     QDateTime::currentMSecsSinceEpoch(), QStringLiteral("test"));
    }
    m_process.setProgram(QStringLiteral(INTERLOCKD_PATH));
    m_process.setArguments(
        QStringList{QStringLiteral("--db"), dbPath(), QStringLiteral("--listen"), listen} + extra);
    m_process.start();
    if (!m_process.waitForStarted(10000))
        return;
    QByteArray out;
    while (out.count('\n') < 2 && m_process.waitForReadyRead(20000))
        out += m_process.readAllStandardOutput();
    m_output = QString::fromUtf8(out);
    const auto m =
        QRegularExpression(QStringLiteral("listening on http://[^:]+:(\\d+)")).match(m_output);
    m_port = m.hasMatch() ? quint16(m.captured(1).toUInt()) : 0;
    if (!m_port)
        qWarning("interlockd did not start: %s %s", qPrintable(m_output),
                 m_process.readAllStandardError().constData());
}

Daemon::~Daemon()
{
    if (m_process.state() != QProcess::NotRunning) {
        ::kill(pid_t(m_process.processId()), SIGCONT); // a test may have stopped it
        m_process.terminate();
        if (!m_process.waitForFinished(10000))
            m_process.kill();
        m_process.waitForFinished(5000);
    }
}

QUrl Daemon::url() const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_port));
}

QString Daemon::dbPath() const
{
    return m_dir.filePath(QStringLiteral("interlock.db"));
}

ApiResult Daemon::call(const QString &token, const QByteArray &method, const QString &path,
                       const std::optional<QJsonObject> &body, int timeoutMs)
{
    ApiClient client(url(), token);
    return client.call(method, path, body, {}, timeoutMs);
}

Daemon::Session Daemon::openSession(const QString &agent, bool supervised)
{
    const ApiResult r = call(
        token(Role::Agent), "POST", QStringLiteral("/v1/sessions"),
        QJsonObject{{QStringLiteral("agent"), agent}, {QStringLiteral("supervised"), supervised}});
    if (r.status != 201)
        qWarning("openSession failed: %s", qPrintable(r.describe()));
    return {
        r.body.value(QStringLiteral("session")).toObject().value(QStringLiteral("id")).toString(),
        r.body.value(QStringLiteral("token")).toString(),
        r.body.value(QStringLiteral("supervisor_token")).toString()};
}

qint64 Daemon::metric(const QByteArray &name)
{
    const RawResponse r =
        rawHttp(m_port, rawRequest("GET", "/v1/metrics", {},
                                   {"Authorization: Bearer " + token(Role::Admin).toUtf8()}));
    for (const QByteArray &line : r.body.split('\n')) {
        if (line.startsWith(QByteArray(name + ' ')))
            return line.mid(name.size() + 1).toLongLong();
    }
    return -1;
}

qint64 Daemon::memoryKb(const char *field) const
{
    QFile status(QStringLiteral("/proc/%1/status").arg(m_process.processId()));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith(field))
            return line.mid(line.indexOf(':') + 1).trimmed().split(' ').first().toLongLong();
    }
    return -1;
}

int openRaw(quint16 port, const QByteArray &send)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0) {
        if (fd >= 0)
            ::close(fd);
        return -1;
    }
    if (!send.isEmpty())
        (void)!::send(fd, send.constData(), size_t(send.size()), MSG_NOSIGNAL);
    return fd;
}

bool closedByServer(int fd)
{
    char buffer[4096];
    for (;;) {
        const ssize_t n = ::recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
        if (n == 0)
            return true;
        if (n < 0)
            return errno != EAGAIN && errno != EWOULDBLOCK;
    }
}

QByteArray readRaw(int fd)
{
    QByteArray out;
    char buffer[4096];
    for (;;) {
        const ssize_t n = ::recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
        if (n <= 0)
            return out;
        out.append(buffer, n);
    }
}

void closeRaw(const QList<int> &fds)
{
    for (int fd : fds) {
        if (fd >= 0)
            ::close(fd);
    }
}

} // namespace interlock::test
