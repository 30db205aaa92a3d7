#include "RiskEngine.h"

#include "BreakerRules.h"
#include "FastRegex.h"
#include "HiddenTextScanner.h"
#include "RiskRules.h"
#include "core/ActionSubmission.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>

namespace interlock {

QJsonObject RiskAssessment::toJson() const
{
    return {{QStringLiteral("score"), score},
            {QStringLiteral("level"), levelName(level)},
            {QStringLiteral("reasons"), reasons}};
}

RiskInput RiskInput::from(const ActionSubmission &s)
{
    QString text = s.summary + QLatin1Char('\n') + s.diff.value_or(QString());
    for (const QJsonValue &c : s.changes)
        text += QLatin1Char('\n') + c.toObject().value(QStringLiteral("after")).toString();
    return RiskInput{s.kind,
                     s.payload,
                     s.target,
                     text,
                     s.agentScore,
                     s.agentReasons,
                     s.title,
                     s.summary,
                     s.changes,
                     s.diff,
                     PayloadView::check(s.kind, s.payload, s.changes, s.diff)};
}

RiskEngine::RiskEngine() = default;
RiskEngine::~RiskEngine() = default;

int RiskEngine::ruleCount() const
{
    return int(m_rules.size());
}

std::unique_ptr<RiskEngine> RiskEngine::fromFile(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("%1: %2").arg(path, file.errorString());
        return nullptr;
    }
    auto engine = fromJson(file.readAll(), error, QFileInfo(path).absolutePath());
    if (!engine)
        *error = path + QStringLiteral(": ") + *error;
    return engine;
}

std::unique_ptr<RiskEngine> RiskEngine::builtIn()
{
    QFile file(QStringLiteral(":/risk/rules.json"));
    QString error;
    std::unique_ptr<RiskEngine> engine =
        file.open(QIODevice::ReadOnly) ? fromJson(file.readAll(), &error) : nullptr;
    if (!engine)
        qFatal("the built-in risk rules are broken: %s", qPrintable(error));
    return engine;
}

std::unique_ptr<RiskEngine> RiskEngine::fromJson(const QByteArray &json, QString *error,
                                                 const QString &listDir)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        const int line = int(json.left(parseError.offset).count('\n')) + 1;
        *error = QStringLiteral("line %1: %2").arg(line).arg(parseError.errorString());
        return nullptr;
    }
    if (!doc.isObject()) {
        *error = QStringLiteral("the rules file must be a JSON object");
        return nullptr;
    }
    std::unique_ptr<RiskEngine> engine(new RiskEngine);
    RulesReader reader(doc.object(), listDir);
    if (!reader.read(&engine->m_rules, &engine->m_policy, &engine->m_internalDomains,
                     &engine->m_broad, error))
        return nullptr;
    engine->m_hidden = std::make_unique<HiddenTextScanner>(engine->m_internalDomains);

    for (Rule &rule : engine->m_rules) {
        rule.fieldAndFields = rule.fields;
        if (!rule.field.isEmpty())
            rule.fieldAndFields.prepend(rule.field);
    }
    engine->m_breakers = BreakerRules::read(doc.object(), json, error);
    if (!engine->m_breakers)
        return nullptr;
    for (const Rule &rule : std::as_const(engine->m_rules)) {
        if (rule.detector == Rule::Detector::UnknownKind)
            continue;
        for (const QString &kind : rule.kinds.exact + rule.kinds.prefixes) {
            if (!engine->m_knownKinds.contains(kind))
                engine->m_knownKinds.append(kind); // a prefix ends with '.'
        }
    }
    // The rules that apply to each kind named in the file, in file order: most actions are of
    // those kinds, and skip the per-rule kind test.
    for (const QString &kind : std::as_const(engine->m_knownKinds)) {
        if (kind.endsWith(QLatin1Char('.')))
            continue;
        QList<qsizetype> &list = engine->m_rulesByKind[kind];
        for (qsizetype i = 0; i < engine->m_rules.size(); ++i) {
            if (engine->m_rules[i].appliesTo(kind))
                list.append(i);
        }
    }
    return engine;
}

RiskAssessment RiskEngine::assess(const RiskInput &input) const
{
    RiskAssessment out;
    RiskFacts facts(input, m_internalDomains, *m_hidden);
    DetectorContext context{input, m_knownKinds, m_internalDomains, m_broad, facts};
    int sum = 0;
    // Each reason is a copy of this with its values replaced: no key is looked up or inserted
    // (building each object anew was a sixth of the scoring time).
    static const QJsonObject reasonTemplate{{QStringLiteral("message"), QString()},
                                            {QStringLiteral("rule"), QString()},
                                            {QStringLiteral("weight"), 0}};
    const quint64 gaveUpBefore = FastRegex::searchesGivenUp();
    const auto indexed = m_rulesByKind.constFind(input.kind);
    const qsizetype count = indexed != m_rulesByKind.constEnd() ? indexed->size() : m_rules.size();
    const bool isIndexed = indexed != m_rulesByKind.constEnd();
    for (qsizetype i = 0; i < count; ++i) {
        const Rule &rule = m_rules[isIndexed ? indexed->at(i) : i];
        if ((!isIndexed && !rule.appliesTo(input.kind)) || !rule.preconditionHolds(input.payload))
            continue;
        const QList<Finding> found = detect(rule, context);
        for (const Finding &f : found) {
            sum += f.weight;
            QJsonObject reason = reasonTemplate;
            auto value = reason.begin(); // message, rule, weight: the keys in sorted order
            *value = f.message;
            *++value = f.rule;
            *++value = f.weight;
            out.reasons.append(reason);
        }
    }
    if (const quint64 gaveUp = FastRegex::searchesGivenUp() - gaveUpBefore; gaveUp > 0) {
        // A rule could not tell whether its pattern is in the text (the text was made to exhaust
        // the search): fail closed, at least high, and say so.
        constexpr int kHighFloor = 50; // levelForScore: high from 50
        const int weight = qMax(10, kHighFloor - sum);
        sum += weight;
        out.reasons.append(QJsonObject{
            {QStringLiteral("rule"), QStringLiteral("risk.unchecked")},
            {QStringLiteral("weight"), weight},
            {QStringLiteral("message"),
             QStringLiteral("%1 search(es) of the risk rules gave up on this text (built to "
                            "exhaust them?): what they look for may be in it, so it is rated "
                            "high at least")
                 .arg(gaveUp)}});
    }
    out.score = qMin(100, sum);
    if (input.agentScore > out.score) {
        const QString why =
            input.agentReasons.isEmpty()
                ? QStringLiteral("the agent rated this action %1").arg(input.agentScore)
                : QStringLiteral("the agent rated this action %1: %2")
                      .arg(input.agentScore)
                      .arg(input.agentReasons.join(QStringLiteral("; ")));
        out.reasons.append(
            QJsonObject{{QStringLiteral("rule"), QStringLiteral("agent.self_assessment")},
                        {QStringLiteral("weight"), input.agentScore - out.score},
                        {QStringLiteral("message"), why}});
        out.score = input.agentScore;
    }
    const HiddenScan &hidden = facts.hidden();
    out.hiddenText = hidden.toJson(RiskAssessment::kMaxHiddenListed);
    out.hiddenTotal = hidden.total;
    out.level = levelForScore(out.score);
    out.requiredApprovals = m_policy.requiredApprovals[int(out.level)];
    out.deadlineSeconds = m_policy.deadlineSeconds[int(out.level)];
    return out;
}

void RiskEngine::setMinReviewSeconds(int high, int critical)
{
    m_policy.minReviewSeconds[int(RiskLevel::High)] = high;
    m_policy.minReviewSeconds[int(RiskLevel::Critical)] = critical;
}

} // namespace interlock
