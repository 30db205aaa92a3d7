#pragma once

#include "RiskEngine.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QStringList>
#include <optional>

namespace interlock {

// A corpus of realistic actions with the level a careful reviewer expects (tests/data/
// risk-corpus.json, risk-heldout.json), and how well the engine scores it: the test and
// `interlockctl bench risk` report the same figures from here.
struct CorpusCase {
    QString name;
    QString domain;     // mail, chat, code, infra, data, finance, identity
    QString expect;     // low | medium | high | critical
    QStringList rules;  // rules that must fire
    QJsonObject action; // a POST /v1/actions body

    bool harmless() const; // expected low or medium
};

struct CorpusResult {
    const CorpusCase *item = nullptr;
    RiskAssessment assessment;
    QStringList fired;
    QStringList missingRules;
    bool valid = true; // the action is a valid submission

    QString level() const;
    bool atExpectedLevel() const;
    bool falseAlarm() const; // harmless, scored high or critical
    QString explain() const; // "score 45 from [...]"
};

struct CorpusFigures {
    int cases = 0;
    int atExpected = 0;
    int harmless = 0;
    int falseAlarms = 0;
    int risky = 0;
    int underScored = 0;        // risky, scored low or medium
    QList<CorpusResult> misses; // not at the expected level

    double share() const { return cases ? double(atExpected) / cases : 0; }
    double falseAlarmRate() const { return harmless ? double(falseAlarms) / harmless : 0; }
};

class RiskCorpus
{
public:
    // nullopt with *error when the file is not a JSON array of cases.
    static std::optional<QList<CorpusCase>> parse(const QByteArray &json, QString *error);
    static CorpusResult evaluate(const RiskEngine &engine, const CorpusCase &item);
    static CorpusFigures figures(const RiskEngine &engine, const QList<CorpusCase> &cases);
};

} // namespace interlock
