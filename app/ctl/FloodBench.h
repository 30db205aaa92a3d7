#pragma once

#include <QString>

class QProcess;

namespace interlock::ctl {

// `interlockctl bench flood`: the control path under attack, against a real interlockd process.
//   - the kill's answer time, on an idle server and with thousands of idle connections and
//     hundreds of parked long-polls open;
//   - interlockd's peak resident memory while a client uploads a 1 GiB body, against its idle
//     memory;
//   - a reviewer's reads of the queue while an agent floods the API thread with heavy
//     submissions on `submitters` connections, against the same reads with no flood;
//   - the dead-man switch's firing time when the server stops (SIGSTOP) while the supervised
//     agent floods the server with connections, against the same without the flood; and the
//     kill reaching that agent.
class FloodBench
{
public:
    struct Options {
        int connections = 2000;
        int polls = 300;
        int samples = 200;
        int uploadMiB = 1024;
        int deadManSeconds = 3;
        int agentConnections = 3000;
        int submitters = 48;
        int floodSeconds = 20;
        QString dir;
        QString interlockd; // empty: next to interlockctl
    };
    explicit FloodBench(Options options);
    int run();

private:
    bool startDaemon(QProcess &daemon, const QString &db, const QStringList &extra);
    double deadManFiring(const QString &url, const QString &enrollment, bool flood,
                         QProcess &daemon, double *killMs);

    Options m_options;
    quint16 m_port = 0;
    QString m_oncall;
};

} // namespace interlock::ctl
