#pragma once

#include <QProcess>
#include <QStringList>
#include <QUrl>

namespace interlock::test {

// The real interlockd as a child process on a free loopback port (tests over the real daemon).
class Daemon
{
public:
    explicit Daemon(QString db, QStringList extraArguments = {});
    ~Daemon(); // SIGTERM, then SIGKILL if it does not stop

    // Starts it and waits for "listening on …"; false (see errorOutput()) if it did not get there.
    bool start();
    // SIGTERM and wait; returns the exit code (-1 if it had to be killed).
    int stop();
    QUrl url() const { return m_url; }
    qint64 pid() const { return m_process.processId(); }
    // Everything it wrote to stderr so far.
    QString errorOutput();

private:
    QString m_db;
    QStringList m_arguments;
    QProcess m_process;
    QUrl m_url;
    QByteArray m_stderr;
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

} // namespace interlock::test
