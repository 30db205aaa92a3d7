#pragma once

#include <QString>

namespace interlock::ctl {

// `interlockctl bench breaker`: agents that delete e-mails in a loop, several requests in flight
// each, against a fresh server whose breaker freezes a session after `limit` destructive actions.
// Measures, over real HTTP, the time from the submission that trips the breaker to the session
// frozen: in the server's memory (from then on nothing is accepted), at the agent (the 423 of
// that submission, which leaves at once) and durable (the group commit that carries the freeze),
// and to the session.frozen event reaching the session's supervisor stream; and counts the
// submissions accepted beyond the limit or after a refusal (both must be 0); next to the floor
// of the same run: the latency of the accepted submissions and of a bare HTTP round trip.
class BreakerBench
{
public:
    struct Options {
        int agents = 16;
        int lanes = 2;  // requests in flight per agent
        int limit = 20; // the breaker: more than `limit` destructive actions in 60 s
        int after = 10; // submissions each lane keeps sending after its first refusal
        int rounds = 8; // fresh sessions each round; one trip per agent and round
        QString dir;
    };
    explicit BreakerBench(Options options)
        : m_options(std::move(options))
    {}
    int run();

private:
    Options m_options;
};

} // namespace interlock::ctl
