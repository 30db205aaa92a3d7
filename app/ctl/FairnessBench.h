#pragma once

#include <QString>
#include <vector>

namespace interlock::ctl {

// A reviewer's reads of the queue while an agent floods the API thread with heavy submissions
// (each an e-mail to thousands of outside recipients, tens of ms of scoring) on many connections,
// against the same reads with no flood: how long a person waits behind an agent.
struct FairnessFigures {
    std::vector<double> idleMs;    // GET /v1/actions?limit=1, nothing else running
    std::vector<double> floodedMs; // the same during the flood (503s not counted)
    int reviewerBusy = 0;          // the reviewer's reads answered 503 during the flood
    int agentAnswered = 0;         // the agent's submissions answered, whatever the status
    int agentBusy = 0;             // … of them 503 server_busy or 429
};

FairnessFigures measureFairness(quint16 port, const QString &agentSessionToken,
                                const QString &reviewerToken, int connections, int seconds);

} // namespace interlock::ctl
