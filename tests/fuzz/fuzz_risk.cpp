// libFuzzer: the risk engine with the shipped rules over any submission the server accepts.
// Scores stay within 0..100, never below the agent's own, the level follows the score, and the
// same input always scores the same (deterministic, explainable).
#include "core/ActionSubmission.h"
#include "core/FieldReader.h"
#include "core/HiddenText.h"
#include "core/RiskLevel.h"
#include "server/RiskEngine.h"

#include <QJsonArray>
#include <cstdio>
#include <cstdlib>

using namespace interlock;

namespace {
void require(bool condition, const char *what)
{
    if (!condition) {
        std::fprintf(stderr, "fuzz_risk: property violated: %s\n", what);
        std::abort();
    }
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const std::unique_ptr<RiskEngine> engine = RiskEngine::builtIn();
    const QByteArray body(reinterpret_cast<const char *>(data), qsizetype(size));
    QJsonObject object;
    if (parseJsonObject(body, &object).isError())
        return 0;
    ActionSubmission submission;
    if (ActionSubmission::parse(object, Limits{}, &submission).isError())
        return 0;
    const RiskInput input = RiskInput::from(submission);
    const RiskAssessment a = engine->assess(input);
    require(a.score >= 0 && a.score <= 100, "score in 0..100");
    require(a.score >= submission.agentScore, "never below the agent's own score");
    require(a.level == levelForScore(a.score), "the level follows the score");
    require(a.requiredApprovals >= 1 && a.deadlineSeconds > 0, "a policy for every level");
    for (const QJsonValue &r : a.reasons) {
        const QJsonObject reason = r.toObject();
        require(!reason.value(QStringLiteral("rule")).toString().isEmpty(),
                "every reason names its rule");
        require(!reason.value(QStringLiteral("message")).toString().isEmpty(), "and says why");
    }
    require(engine->assess(input).toJson() == a.toJson(), "deterministic");
    // Hidden text: every finding is a place in a field, a run of blanks as long as a run is.
    for (const QJsonValue &v : a.hiddenText) {
        const QJsonObject f = v.toObject();
        require(!f.value(QStringLiteral("field")).toString().isEmpty(),
                "a finding names its field");
        require(f.value(QStringLiteral("position")).toInteger() >= 0 &&
                    f.value(QStringLiteral("length")).toInteger() >= 1,
                "a finding has a place");
        if (f.value(QStringLiteral("class")).toString() == QLatin1String("blank_run"))
            require(f.value(QStringLiteral("length")).toInteger() >= HiddenText::kMinBlankRun,
                    "a blank run is at least kMinBlankRun long");
    }
    require(a.hiddenTotal >= a.hiddenText.size(), "the total counts what is listed");
    // An edit is scored from its payload alone (ActionService::decide).
    const RiskAssessment edited = engine->assess(
        RiskInput{submission.kind, submission.payload, submission.target, {}, 0, {}});
    require(edited.score >= 0 && edited.score <= 100, "an edit's score in 0..100");
    return 0;
}
