#include "RiskEngine.h"

#include "core/RiskLevel.h"

#include <QHash>

namespace interlock {

namespace {
struct KindWeight {
    int weight;
    const char *message;
};

const QHash<QString, KindWeight> &kindWeights()
{
    static const QHash<QString, KindWeight> table{
        {QStringLiteral("shell.exec"), {30, "runs a shell command"}},
        {QStringLiteral("fs.write"), {20, "writes a file"}},
        {QStringLiteral("fs.delete"), {40, "deletes files"}},
        {QStringLiteral("acl.change"), {40, "changes who can access a resource"}},
        {QStringLiteral("message.post"), {20, "posts a message other people will read"}},
        {QStringLiteral("email.send"), {20, "sends e-mail"}},
        {QStringLiteral("email.delete"), {30, "deletes e-mail"}},
        {QStringLiteral("sql.exec"), {30, "runs a SQL statement"}},
        {QStringLiteral("http.request"), {15, "makes an HTTP request"}},
        {QStringLiteral("git.push"), {25, "pushes to a git remote"}},
    };
    return table;
}

QJsonObject reason(const QString &rule, int weight, const QString &message)
{
    return {{QStringLiteral("rule"), rule},
            {QStringLiteral("weight"), weight},
            {QStringLiteral("message"), message}};
}
} // namespace

QJsonObject RiskAssessment::toJson() const
{
    return {{QStringLiteral("score"), score},
            {QStringLiteral("level"), levelName(levelForScore(score))},
            {QStringLiteral("reasons"), reasons}};
}

int RiskAssessment::requiredApprovals() const
{
    return levelForScore(score) == RiskLevel::Critical ? 2 : 1;
}

RiskAssessment RiskEngine::assess(const QString &kind, const QJsonObject &payload, int agentScore,
                                  const QStringList &agentReasons) const
{
    Q_UNUSED(payload)
    RiskAssessment out;
    int sum = 0;
    const auto it = kindWeights().constFind(kind);
    if (it != kindWeights().constEnd()) {
        sum += it->weight;
        out.reasons.append(reason(QStringLiteral("kind.baseline"), it->weight,
                                  kind + QLatin1Char(' ') + QString::fromLatin1(it->message)));
    } else {
        sum += 25;
        out.reasons.append(reason(QStringLiteral("kind.unknown"), 25,
                                  QStringLiteral("'%1' is not a known kind, so it is scored as at "
                                                 "least medium")
                                      .arg(kind)));
    }
    out.score = qMin(100, sum);
    if (agentScore > out.score) {
        const QString why = agentReasons.isEmpty()
                                ? QStringLiteral("the agent rated this action %1").arg(agentScore)
                                : QStringLiteral("the agent rated this action %1: %2")
                                      .arg(agentScore)
                                      .arg(agentReasons.join(QStringLiteral("; ")));
        out.reasons.append(
            reason(QStringLiteral("agent.self_assessment"), agentScore - out.score, why));
        out.score = agentScore;
    }
    return out;
}

} // namespace interlock
