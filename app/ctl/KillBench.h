#pragma once

#include <QString>
#include <QUrl>
#include <utility>
#include <vector>

namespace interlock::ctl {

// `interlockctl bench kill`: supervised agents each running a tree of processes; time from sending
// the kill to the supervisor having reaped every process; requests accepted with a killed token
// after the kill returned; and the floor: the same kind of tree killed and reaped directly.
class KillBench
{
public:
    struct Options {
        int sessions = 50;
        int procs = 20;
        QString dir;
    };
    explicit KillBench(Options options)
        : m_options(std::move(options))
    {}
    int run();

    // One measurement: `sessions` supervised agents of `procs` processes started against
    // `supervisorUrl` with `enrollment`, then killed one by one, kill i sent to killers[i % n]
    // (a server's port and an on-call token): to the supervisors' own server or another one.
    struct Killer {
        quint16 port = 0;
        QString oncallToken;
    };
    struct Measured {
        std::vector<double> killMs;       // kill sent -> every process reaped
        std::vector<double> supervisorMs; // as the supervisors reported
        int acceptedAfterKill = 0;
        int survivors = 0;
        int failures = 0;
    };
    // In a folder of its own (the tree script and ready files go there); the caller must be a
    // child subreaper (ProcessTree::becomeSubreaper()).
    static bool measure(const QString &dir, int sessions, int procs, const QUrl &supervisorUrl,
                        const QString &enrollment, const std::vector<Killer> &killers,
                        std::vector<Measured> *perKiller, QString *error);

private:
    Options m_options;
};

} // namespace interlock::ctl
