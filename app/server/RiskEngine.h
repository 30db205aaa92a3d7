#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QStringList>

namespace interlock {

struct RiskAssessment {
    int score = 0;
    QJsonArray reasons; // [{rule, weight, message}]

    QJsonObject toJson() const;
    int requiredApprovals() const; // critical needs two distinct reviewers
};

// Server-side, deterministic scoring. This is the baseline of the foundation: a weight per
// conventional kind, unknown kinds at least medium, and the agent's own score as a floor. The
// rule-file engine with detectors (issue "Risk engine") replaces the kind table.
class RiskEngine
{
public:
    virtual ~RiskEngine() = default;
    virtual RiskAssessment assess(const QString &kind, const QJsonObject &payload, int agentScore,
                                  const QStringList &agentReasons) const;
};

} // namespace interlock
