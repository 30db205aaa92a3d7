#pragma once

#include "RiskEngine.h"

#include <QHash>

namespace interlock {

// One rule of the rules file, validated.
struct RiskEngine::Rule {
    enum class Detector {
        Kind,
        UnknownKind,
        Equals,
        Regex,
        AclWidening,
        Count,
        ExternalEmail,
        ExternalUrl,
        Secret,
        ClaimedHints
    };
    QString id;
    Detector detector = Detector::Kind;
    QStringList kinds; // empty: every kind
    int weight = 0;
    int broadWeight = 0;
    QString message;
    QString field;
    QStringList fields;
    QList<QRegularExpression> patterns;
    QJsonArray values;
    QList<std::pair<int, int>> thresholds; // (at least N, weight), ascending
    QJsonObject when;                      // claimed_hints: hint -> the value that fires the rule
    QJsonObject defaults; // claimed_hints: the value of a hint the payload does not claim
};

struct Finding {
    QString rule;
    int weight;
    QString message;
};

struct DetectorContext {
    const RiskInput &input;
    const QStringList &knownKinds;
    const QStringList &internalDomains;
    const QList<QRegularExpression> &broad;
};

QList<Finding> detect(const RiskEngine::Rule &rule, const DetectorContext &context);

// Reads and validates a rules file; errors name the rule (by id or position) and the field.
class RulesReader
{
public:
    explicit RulesReader(const QJsonObject &root)
        : m_root(root)
    {}
    bool read(QList<RiskEngine::Rule> *rules, RiskPolicy *policy, QStringList *internalDomains,
              QList<QRegularExpression> *broad, QString *error);

private:
    bool readRule(const QJsonValue &value, int index, RiskEngine::Rule *rule, QString *error);
    bool readPolicy(RiskPolicy *policy, QString *error);
    QJsonObject m_root;
};

// Shell-style wildcard (only '*') to an anchored, case-insensitive expression; a lone "*" is the
// literal principal "*".
QRegularExpression wildcard(const QString &pattern);

} // namespace interlock
