#pragma once

#include "client/ApiClient.h"
#include "core/Role.h"

#include <QProcess>
#include <QStringList>
#include <QTemporaryDir>
#include <QUrl>
#include <map>

namespace interlock::test {

// The real interlockd as a child process on a free loopback port (tests over the real daemon).
class Daemon
{
public:
    // On `db` (which the test prepares), started by start().
    explicit Daemon(QString db, QStringList extraArguments = {});
    // On a new database in a temporary folder with one token per role (token()), started at once
    // (see running()). extra: more interlockd arguments, e.g. {"--limit", "header-timeout-ms=300"}.
    explicit Daemon(const QStringList &extra = {},
                    const QString &listen = QStringLiteral("127.0.0.1:0"));
    ~Daemon(); // SIGCONT (a test may have stopped it), SIGTERM, then SIGKILL if it does not stop

    // Starts it and waits for "listening on …"; false (see errorOutput()) if it did not get there.
    bool start();
    // SIGTERM and wait; returns the exit code (-1 if it had to be killed).
    int stop();
    bool running() const { return m_url.isValid(); }
    QUrl url() const { return m_url; }
    quint16 port() const { return quint16(m_url.port(0)); }
    qint64 pid() const { return m_process.processId(); }
    QString dbPath() const { return m_db; }
    QProcess &process() { return m_process; }
    // Everything it wrote to stderr so far.
    QString errorOutput();
    // What it wrote to stdout at start, up to the line on its connection cap.
    QString startupOutput();

    // The tokens made by the second constructor.
    QString token(Role role) const { return m_tokens.at(role); }
    ApiResult call(const QString &token, const QByteArray &method, const QString &path,
                   const std::optional<QJsonObject> &body = std::nullopt, int timeoutMs = 0);
    // {session id, session token, supervisor token}
    struct Session {
        QString id, token, supervisorToken;
    };
    Session openSession(const QString &agent, bool supervised = false);
    // One figure of GET /v1/metrics (-1 when absent), read with `as` (default: the admin's).
    qint64 metric(const QByteArray &name, const QString &as = {});
    // A memory figure of the process from /proc/PID/status in kB ("VmRSS", "VmHWM").
    qint64 memoryKb(const char *field) const;

private:
    QTemporaryDir m_dir;
    QString m_db;
    QStringList m_arguments;
    QString m_listen = QStringLiteral("127.0.0.1:0");
    QProcess m_process;
    QUrl m_url;
    QByteArray m_stderr;
    QByteArray m_stdout;
    std::map<Role, QString> m_tokens;
};

struct CtlResult {
    int exitCode = -1;
    QString out;
    QString err;
};
// Runs interlockctl with `arguments` and waits for it.
CtlResult runCtl(const QStringList &arguments, int timeoutMs = 30000);
// interlockctl token create --db db --role role --name name: the token, or empty.
QString createToken(const QString &db, const QString &role, const QString &name);

// Plain sockets, for floods: one file descriptor each.
int openRaw(quint16 port, const QByteArray &send = {});
// Non-blocking: true once the server closed the connection (or reset it).
bool closedByServer(int fd);
// Everything the server sent so far (non-blocking).
QByteArray readRaw(int fd);
void closeRaw(const QList<int> &fds);

} // namespace interlock::test
