#pragma once

#include "core/PayloadView.h"
#include "core/RiskLevel.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
#include <QStringList>
#include <memory>

namespace interlock {

// The policy that follows from the level (rules.json "policy").
struct RiskPolicy {
    int requiredApprovals[4] = {1, 1, 1, 2}; // by RiskLevel
    int deadlineSeconds[4] = {86400, 3600, 1800, 900};
    bool autoApproveLow = false;
    // Approving (approve or edit) sooner than this after the reviewer first opened the action is
    // refused with 422 too_fast (issue #15, reading time); 0: no minimum.
    int minReviewSeconds[4] = {0, 0, 3, 10};
};

struct ActionSubmission;
class BreakerRules;
class HiddenTextScanner;

struct RiskInput {
    QString kind;
    QJsonObject payload;
    QString target;
    QString text; // summary, diff and changes: searched for secrets
    int agentScore = 0;
    QStringList agentReasons;
    // What the reviewer reads, scanned for hidden text (issue #15); empty for a re-scored edit.
    QString title;
    QString summary;
    QJsonArray changes;
    std::optional<QString> diff;
    ViewCheck view; // the agent's changes/diff checked against the payload

    // Everything a submission says, with summary, diff and changes as the text to search.
    static RiskInput from(const ActionSubmission &submission);
};

struct RiskAssessment {
    int score = 0;
    RiskLevel level = RiskLevel::Low;
    QJsonArray reasons; // [{rule, weight, message}]
    int requiredApprovals = 1;
    int deadlineSeconds = 900;
    QJsonArray hiddenText; // the first kMaxHiddenListed findings (HiddenFinding::toJson)
    qsizetype hiddenTotal = 0;

    static constexpr qsizetype kMaxHiddenListed = 50;
    QJsonObject toJson() const; // {score, level, reasons}
};

// Server-side, deterministic, explainable scoring (DESIGN.md "Risk"). Every weight, pattern,
// threshold and message lives in a rules file (resources/risk/rules.json, docs/risk-rules.md);
// the code holds the detectors they parameterise. Each matching rule adds {rule, weight,
// message} naming the concrete fact; the score is their sum (at most 100) and never lower than
// the agent's own.
class RiskEngine
{
public:
    ~RiskEngine();
    // nullptr with *error naming the line (malformed JSON) or the rule at fault. A list a rule
    // names ("popular": "popular-packages.json") is read from `listDir`, else the built-in one.
    static std::unique_ptr<RiskEngine> fromJson(const QByteArray &json, QString *error,
                                                const QString &listDir = {});
    static std::unique_ptr<RiskEngine> fromFile(const QString &path, QString *error);
    static std::unique_ptr<RiskEngine> builtIn(); // the shipped resources/risk/rules.json

    RiskAssessment assess(const RiskInput &input) const;
    const RiskPolicy &policy() const { return m_policy; }
    // The circuit breakers of the same file ("breakers", "destructive"; BreakerRules).
    std::shared_ptr<const BreakerRules> breakers() const { return m_breakers; }
    void setMinReviewSeconds(int high, int critical); // tests about other things: 0, 0
    int ruleCount() const;

    struct Rule;

private:
    RiskEngine();
    QList<Rule> m_rules;
    QHash<QString, QList<qsizetype>> m_rulesByKind; // for the kinds the rules name exactly
    QStringList m_knownKinds;
    QStringList m_internalDomains;
    QList<QRegularExpression> m_broad;
    RiskPolicy m_policy;
    std::unique_ptr<HiddenTextScanner> m_hidden;
    std::shared_ptr<const BreakerRules> m_breakers;
};

} // namespace interlock
