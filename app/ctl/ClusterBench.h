#pragma once

#include <QString>

namespace interlock::ctl {

// `interlockctl bench submit --store postgresql://…`: interlockd on PostgreSQL, one and two
// instances behind HAProxy (ClusterRunner), each on a fresh database of that cluster: durable
// submits/s next to pgbench's single-row commit rate measured in the same run; decision delivery
// and kill -> reaped latency with the reviewer (on-call) on the agent's own server and on the
// other one.
class ClusterBench
{
public:
    struct Options {
        QString store; // a PostgreSQL URL; its cluster must let this user CREATE DATABASE
        int agents = 16;
        int actions = 20000;
        int deliveries = 1000;
        int sessions = 20; // kill: supervised agents
        int procs = 5;     // kill: processes in each agent's tree
        QString dir;
    };
    explicit ClusterBench(Options options)
        : m_options(std::move(options))
    {}
    int run();

private:
    Options m_options;
};

} // namespace interlock::ctl
