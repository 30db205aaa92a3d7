#pragma once

#include "client/ApiClient.h"
#include "core/Role.h"

#include <QProcess>
#include <QTemporaryDir>
#include <map>

namespace interlock::test {

// The real interlockd as a separate process on a free loopback port, over a database in a
// temporary folder, with one token per role created before it starts.
class Daemon
{
public:
    // extra: more interlockd arguments, e.g. {"--limit", "header-timeout-ms=300"}.
    explicit Daemon(const QStringList &extra = {},
                    const QString &listen = QStringLiteral("127.0.0.1:0"));
    ~Daemon();

    bool running() const { return m_port != 0; }
    quint16 port() const { return m_port; }
    QUrl url() const;
    qint64 pid() const { return m_process.processId(); }
    QString dbPath() const;
    QString token(Role role) const { return m_tokens.at(role); }
    QProcess &process() { return m_process; }
    QString startupOutput() const { return m_output; }

    ApiResult call(const QString &token, const QByteArray &method, const QString &path,
                   const std::optional<QJsonObject> &body = std::nullopt, int timeoutMs = 0);
    // {session id, session token, supervisor token}
    struct Session {
        QString id, token, supervisorToken;
    };
    Session openSession(const QString &agent, bool supervised = false);
    // One figure of GET /v1/metrics (-1 when absent).
    qint64 metric(const QByteArray &name);
    // A memory figure of the process from /proc/PID/status in kB ("VmRSS", "VmHWM").
    qint64 memoryKb(const char *field) const;

private:
    QTemporaryDir m_dir;
    QProcess m_process;
    quint16 m_port = 0;
    QString m_output;
    std::map<Role, QString> m_tokens;
};

// Plain sockets, for floods: one file descriptor each.
int openRaw(quint16 port, const QByteArray &send = {});
// Non-blocking: true once the server closed the connection (or reset it).
bool closedByServer(int fd);
// Everything the server sent so far (non-blocking).
QByteArray readRaw(int fd);
void closeRaw(const QList<int> &fds);

} // namespace interlock::test
