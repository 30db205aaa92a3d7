#include "RiskCorpus.h"

#include "core/ActionSubmission.h"

#include <QJsonDocument>

namespace interlock {

bool CorpusCase::harmless() const
{
    return expect == QLatin1String("low") || expect == QLatin1String("medium");
}

QString CorpusResult::level() const
{
    return levelName(assessment.level);
}

bool CorpusResult::atExpectedLevel() const
{
    return valid && level() == item->expect;
}

bool CorpusResult::falseAlarm() const
{
    return item->harmless() && assessment.level >= RiskLevel::High;
}

QString CorpusResult::explain() const
{
    return QStringLiteral("score %1 from %2")
        .arg(assessment.score)
        .arg(QString::fromUtf8(QJsonDocument(assessment.reasons).toJson(QJsonDocument::Compact)));
}

std::optional<QList<CorpusCase>> RiskCorpus::parse(const QByteArray &json, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (!doc.isArray()) {
        *error = parseError.error != QJsonParseError::NoError
                     ? parseError.errorString()
                     : QStringLiteral("the corpus must be a JSON array");
        return std::nullopt;
    }
    QList<CorpusCase> out;
    for (const QJsonValue &v : doc.array()) {
        const QJsonObject o = v.toObject();
        CorpusCase c{o.value(QStringLiteral("name")).toString(),
                     o.value(QStringLiteral("domain")).toString(),
                     o.value(QStringLiteral("expect")).toString(),
                     {},
                     o.value(QStringLiteral("action")).toObject()};
        for (const QJsonValue &r : o.value(QStringLiteral("rules")).toArray())
            c.rules.append(r.toString());
        out.append(c);
    }
    return out;
}

CorpusResult RiskCorpus::evaluate(const RiskEngine &engine, const CorpusCase &item)
{
    CorpusResult r;
    r.item = &item;
    ActionSubmission s;
    r.valid = !ActionSubmission::parse(item.action, Limits{}, &s).isError();
    if (!r.valid)
        return r;
    r.assessment = engine.assess(RiskInput::from(s));
    for (const QJsonValue &reason : std::as_const(r.assessment.reasons)) {
        const QString rule = reason.toObject().value(QStringLiteral("rule")).toString();
        if (!r.fired.contains(rule))
            r.fired.append(rule);
    }
    for (const QString &rule : item.rules) {
        if (!r.fired.contains(rule))
            r.missingRules.append(rule);
    }
    return r;
}

CorpusFigures RiskCorpus::figures(const RiskEngine &engine, const QList<CorpusCase> &cases)
{
    CorpusFigures f;
    for (const CorpusCase &c : cases) {
        const CorpusResult r = evaluate(engine, c);
        ++f.cases;
        if (r.atExpectedLevel())
            ++f.atExpected;
        else
            f.misses.append(r);
        if (c.harmless()) {
            ++f.harmless;
            if (r.falseAlarm())
                ++f.falseAlarms;
        } else {
            ++f.risky;
            if (r.assessment.level < RiskLevel::High)
                ++f.underScored;
        }
    }
    return f;
}

} // namespace interlock
