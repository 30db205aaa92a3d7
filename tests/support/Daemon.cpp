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

Daemon::Daemon(QString db, QStringList extraArguments)
    : m_db(std::move(db))
    , m_arguments(std::move(extraArguments))
{}

Daemon::Daemon(const QStringList &extra, const QString &listen)
    : m_db(m_dir.filePath(QStringLiteral("interlock.db")))
    , m_arguments(extra)
    , m_listen(listen)
{
    {
        SqliteStore store(m_db);
        QString error;
        if (!store.open(&error))
            qFatal("cannot create %s: %s", qPrintable(m_db), qPrintable(error));
        for (Role r : {Role::Agent, Role::Reviewer, Role::Oncall, Role::Manager, Role::Admin})
            m_tokens[r] = issueToken(store, r, roleName(r) + QStringLiteral("-user"),
                                     QDateTime::currentMSecsSinceEpoch(), QStringLiteral("test"));
    }
    if (!start())
        qWarning("interlockd did not start: %s", qPrintable(errorOutput()));
}

Daemon::~Daemon()
{
    if (m_process.state() != QProcess::NotRunning) {
        ::kill(pid_t(m_process.processId()), SIGCONT); // a test may have stopped it
        stop();
    }
}

bool Daemon::start()
{
    m_process.setProgram(QStringLiteral(INTERLOCKD_PATH));
    m_process.setArguments(
        QStringList{QStringLiteral("--db"), m_db, QStringLiteral("--listen"), m_listen} +
        m_arguments);
    m_process.start();
    if (!m_process.waitForStarted(10000))
        return false;
    QByteArray &out = m_stdout;
    while (!out.contains('\n') && m_process.waitForReadyRead(20000))
        out += m_process.readAllStandardOutput();
    const auto m = QRegularExpression(QStringLiteral("listening on (https?://\\S+)"))
                       .match(QString::fromUtf8(out));
    m_url = m.hasMatch() ? QUrl(m.captured(1)) : QUrl();
    return m_url.isValid();
}

int Daemon::stop()
{
    if (m_process.state() == QProcess::NotRunning)
        return m_process.exitCode();
    ::kill(pid_t(m_process.processId()), SIGTERM);
    if (!m_process.waitForFinished(20000)) {
        m_process.kill();
        m_process.waitForFinished(5000);
        return -1;
    }
    return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
}

QString Daemon::startupOutput()
{
    while (!m_stdout.contains("open-file limit") && m_process.waitForReadyRead(5000))
        m_stdout += m_process.readAllStandardOutput();
    return QString::fromUtf8(m_stdout);
}

QString Daemon::errorOutput()
{
    m_stderr += m_process.readAllStandardError();
    return QString::fromUtf8(m_stderr);
}

CtlResult runCtl(const QStringList &arguments, int timeoutMs)
{
    QProcess ctl;
    ctl.start(QStringLiteral(INTERLOCKCTL_PATH), arguments);
    CtlResult r;
    if (!ctl.waitForFinished(timeoutMs)) {
        ctl.kill();
        ctl.waitForFinished(5000);
        r.err = QStringLiteral("(interlockctl did not finish in %1 ms)").arg(timeoutMs);
        return r;
    }
    r.exitCode = ctl.exitStatus() == QProcess::NormalExit ? ctl.exitCode() : -1;
    r.out = QString::fromUtf8(ctl.readAllStandardOutput());
    r.err = QString::fromUtf8(ctl.readAllStandardError());
    return r;
}

QString createToken(const QString &db, const QString &role, const QString &name)
{
    const CtlResult r =
        runCtl({QStringLiteral("token"), QStringLiteral("create"), QStringLiteral("--db"), db,
                QStringLiteral("--role"), role, QStringLiteral("--name"), name});
    return r.exitCode == 0 ? r.out.trimmed() : QString();
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

qint64 Daemon::metric(const QByteArray &name, const QString &as)
{
    const QString bearer = as.isEmpty() ? token(Role::Admin) : as;
    const RawResponse r = rawHttp(
        port(), rawRequest("GET", "/v1/metrics", {}, {"Authorization: Bearer " + bearer.toUtf8()}));
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
