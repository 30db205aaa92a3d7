#pragma once

#include <QHostAddress>
#include <QProcess>
#include <QTemporaryDir>
#include <QUrl>
#include <memory>
#include <vector>

namespace interlock::ctl {

// Several interlockd processes on one database behind HAProxy, on this machine: for
// `interlockctl cluster` (a demo, a team trying it out), the benchmarks and the fault tests.
// HAProxy's configuration is packaging/haproxy/interlock.cfg (built in) with its bind and server
// lines replaced. Everything started is stopped when the runner goes.
class ClusterRunner
{
public:
    struct Options {
        QString db; // a PostgreSQL URL
        int instances = 2;
        QHostAddress address = QHostAddress::LocalHost; // HAProxy's
        quint16 port = 7878;
        QString interlockd;          // empty: next to this program, in the build tree, or on PATH
        QString haproxy;             // empty: on PATH or /usr/sbin
        QStringList daemonArguments; // more for every interlockd, e.g. --max-pending N
    };
    struct Instance {
        qint64 pid = 0;
        quint16 port = 0;
        QUrl url;
    };

    explicit ClusterRunner(Options options);
    ~ClusterRunner();

    // Starts the servers, then HAProxy, and waits until a request goes through it.
    bool start(QString *error);
    void stop();

    QUrl url() const; // HAProxy's
    const std::vector<Instance> &instances() const { return m_instances; }
    qint64 haproxyPid() const;
    QString configPath() const;
    // A process of the cluster ended: which one (an instance's index or -1 for HAProxy).
    bool anyEnded(QString *which) const;

    static QString findInterlockd();
    static QString findHaproxy();
    // The packaged configuration with the bind and server lines of this cluster.
    static QByteArray haproxyConfig(const QHostAddress &address, quint16 port,
                                    const std::vector<Instance> &instances);

private:
    bool startInstance(int index, QString *error);

    Options m_options;
    QTemporaryDir m_dir;
    std::vector<std::unique_ptr<QProcess>> m_daemons;
    std::vector<Instance> m_instances;
    std::unique_ptr<QProcess> m_haproxy;
};

} // namespace interlock::ctl
