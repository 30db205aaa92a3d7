#include "ClusterRunner.h"

#include "client/ApiClient.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QThread>
#include <QTimer>
#include <csignal>

namespace interlock::ctl {

namespace {
void pause(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

void terminate(QProcess &p)
{
    if (p.state() == QProcess::NotRunning)
        return;
    p.terminate();
    if (!p.waitForFinished(5000)) {
        p.kill();
        p.waitForFinished(2000);
    }
}
} // namespace

ClusterRunner::ClusterRunner(Options options)
    : m_options(std::move(options))
{}

ClusterRunner::~ClusterRunner()
{
    stop();
}

QString ClusterRunner::findInterlockd()
{
    const QString here = QCoreApplication::applicationDirPath();
    // A QStringList, not a braced list: with QStringBuilder that was a list of builders pointing
    // at temporaries already gone (Qt warned "Broken filename passed to function").
    const QStringList candidates{here + QStringLiteral("/interlockd"),
                                 here + QStringLiteral("/../daemon/interlockd")};
    for (const QString &candidate : candidates) {
        if (QFileInfo(candidate).isExecutable())
            return QFileInfo(candidate).canonicalFilePath();
    }
    return QStandardPaths::findExecutable(QStringLiteral("interlockd"));
}

QString ClusterRunner::findHaproxy()
{
    QString found = QStandardPaths::findExecutable(QStringLiteral("haproxy"));
    if (found.isEmpty())
        found = QStandardPaths::findExecutable(
            QStringLiteral("haproxy"),
            {QStringLiteral("/usr/sbin"), QStringLiteral("/usr/local/sbin")});
    return found;
}

QByteArray ClusterRunner::haproxyConfig(const QHostAddress &address, quint16 port,
                                        const std::vector<Instance> &instances)
{
    QFile packaged(QStringLiteral(":/cluster/interlock.cfg"));
    packaged.open(QIODevice::ReadOnly);
    QByteArray out;
    bool serversWritten = false;
    for (const QByteArray &line : packaged.readAll().split('\n')) {
        const QByteArray trimmed = line.trimmed();
        if (trimmed.startsWith("bind ")) {
            out +=
                "    bind " + address.toString().toLatin1() + ':' + QByteArray::number(port) + '\n';
        } else if (trimmed.startsWith("server ")) {
            if (!serversWritten) {
                for (size_t i = 0; i < instances.size(); ++i)
                    out += "    server interlockd" + QByteArray::number(qulonglong(i + 1)) +
                           " 127.0.0.1:" + QByteArray::number(instances[i].port) + " check\n";
                serversWritten = true;
            }
        } else {
            out += line + '\n';
        }
    }
    return out.trimmed() + '\n';
}

bool ClusterRunner::startInstance(int index, QString *error)
{
    auto p = std::make_unique<QProcess>();
    // Its stdout says where it listens; what it logs (warnings, reconnects) goes to our stderr.
    p->setProcessChannelMode(QProcess::ForwardedErrorChannel);
    p->start(m_options.interlockd,
             QStringList{QStringLiteral("--db"), m_options.db, QStringLiteral("--listen"),
                         QStringLiteral("127.0.0.1:0")}
                 << m_options.daemonArguments);
    if (!p->waitForStarted(10000)) {
        *error = QStringLiteral("cannot start %1: %2").arg(m_options.interlockd, p->errorString());
        return false;
    }
    QByteArray output;
    QDeadlineTimer deadline(30000);
    while (!output.contains('\n') && !deadline.hasExpired() && p->state() == QProcess::Running)
        if (p->waitForReadyRead(int(qMax<qint64>(1, deadline.remainingTime()))))
            output += p->readAllStandardOutput();
    const auto m = QRegularExpression(QStringLiteral("listening on (http://[^:]+:(\\d+))"))
                       .match(QString::fromUtf8(output));
    if (!m.hasMatch()) {
        *error = QStringLiteral("interlockd %1 did not start (see above)").arg(index + 1);
        return false;
    }
    m_instances.push_back(
        Instance{p->processId(), quint16(m.captured(2).toUInt()), QUrl(m.captured(1))});
    m_daemons.push_back(std::move(p));
    return true;
}

bool ClusterRunner::start(QString *error)
{
    if (m_options.interlockd.isEmpty())
        m_options.interlockd = findInterlockd();
    if (m_options.haproxy.isEmpty())
        m_options.haproxy = findHaproxy();
    if (m_options.interlockd.isEmpty()) {
        *error = QStringLiteral("interlockd not found (next to interlockctl or on PATH)");
        return false;
    }
    if (m_options.haproxy.isEmpty()) {
        *error = QStringLiteral("haproxy not found (Debian: apt-get install haproxy)");
        return false;
    }
    if (!m_dir.isValid()) {
        *error = QStringLiteral("cannot create a temporary folder");
        return false;
    }
    for (int i = 0; i < m_options.instances; ++i) {
        if (!startInstance(i, error))
            return false;
    }
    QFile config(configPath());
    if (!config.open(QIODevice::WriteOnly) ||
        config.write(haproxyConfig(m_options.address, m_options.port, m_instances)) < 0) {
        *error = QStringLiteral("cannot write %1").arg(configPath());
        return false;
    }
    config.close();
    m_haproxy = std::make_unique<QProcess>();
    m_haproxy->setProcessChannelMode(QProcess::ForwardedErrorChannel);
    m_haproxy->start(m_options.haproxy,
                     {QStringLiteral("-db"), QStringLiteral("-f"), configPath()});
    if (!m_haproxy->waitForStarted(10000)) {
        *error = QStringLiteral("cannot start haproxy: ") + m_haproxy->errorString();
        return false;
    }
    // Ready when a health check goes through the proxy to a server.
    ApiClient probe(url());
    QDeadlineTimer deadline(20000);
    while (!deadline.hasExpired()) {
        if (m_haproxy->state() != QProcess::Running) {
            *error = QStringLiteral("haproxy stopped (is %1:%2 free?)")
                         .arg(m_options.address.toString())
                         .arg(m_options.port);
            return false;
        }
        if (probe.call("GET", QStringLiteral("/v1/health"), std::nullopt, {}, 2000).status == 200)
            return true;
        pause(100);
    }
    *error = QStringLiteral("no request went through haproxy within 20 s");
    return false;
}

void ClusterRunner::stop()
{
    if (m_haproxy)
        terminate(*m_haproxy);
    for (auto &p : m_daemons)
        terminate(*p);
    m_haproxy.reset();
    m_daemons.clear();
}

QUrl ClusterRunner::url() const
{
    QUrl u;
    u.setScheme(QStringLiteral("http"));
    u.setHost(m_options.address.toString());
    u.setPort(m_options.port);
    return u;
}

qint64 ClusterRunner::haproxyPid() const
{
    return m_haproxy ? m_haproxy->processId() : 0;
}

QString ClusterRunner::configPath() const
{
    return m_dir.filePath(QStringLiteral("haproxy.cfg"));
}

bool ClusterRunner::anyEnded(QString *which) const
{
    for (size_t i = 0; i < m_daemons.size(); ++i) {
        if (m_daemons[i]->state() == QProcess::NotRunning) {
            *which = QStringLiteral("interlockd %1 (pid %2)").arg(i + 1).arg(m_instances[i].pid);
            return true;
        }
    }
    if (m_haproxy && m_haproxy->state() == QProcess::NotRunning) {
        *which = QStringLiteral("haproxy");
        return true;
    }
    return false;
}

} // namespace interlock::ctl
