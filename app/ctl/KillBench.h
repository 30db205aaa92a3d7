#pragma once

#include <QString>

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

private:
    Options m_options;
};

} // namespace interlock::ctl
