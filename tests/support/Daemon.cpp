#include "Daemon.h"

#include <QRegularExpression>
#include <csignal>

namespace interlock::test {

Daemon::Daemon(QString db, QStringList extraArguments)
    : m_db(std::move(db))
    , m_arguments(std::move(extraArguments))
{}

Daemon::~Daemon()
{
    if (m_process.state() != QProcess::NotRunning)
        stop();
}

bool Daemon::start()
{
    m_process.setProgram(QStringLiteral(INTERLOCKD_PATH));
    m_process.setArguments(QStringList{QStringLiteral("--db"), m_db, QStringLiteral("--listen"),
                                       QStringLiteral("127.0.0.1:0")} +
                           m_arguments);
    m_process.start();
    if (!m_process.waitForStarted(10000))
        return false;
    QByteArray out;
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

} // namespace interlock::test
