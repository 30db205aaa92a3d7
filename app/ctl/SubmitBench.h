#pragma once

#include <QString>
#include <vector>

namespace interlock::ctl {

// `interlockctl bench submit`: durable submit throughput and latency, and decision delivery
// latency (approve sent -> the waiting agent's long-poll returns), against a fresh server running
// in its own thread, next to the raw SQLite ceiling of the same disk.
class SubmitBench
{
public:
    struct Options {
        int agents = 16;
        int actions = 20000;
        int deliveries = 2000;
        QString dir;
    };
    explicit SubmitBench(Options options);
    int run();

private:
    double rawCommitsPerSecond(const QString &path, int commits) const;

    Options m_options;
};

} // namespace interlock::ctl
