#include "RiskBench.h"

#include "BenchReport.h"
#include "CtlCommon.h"
#include "core/ActionSubmission.h"
#include "server/RiskEngine.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

namespace interlock::ctl {

int runRiskBench(int rounds)
{
    QFile file(QStringLiteral(":/bench/risk-corpus.json"));
    if (!file.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("bench risk: the corpus is missing from this build"));
    const QJsonArray items = QJsonDocument::fromJson(file.readAll()).array();
    const auto engine = RiskEngine::builtIn();
    std::vector<RiskInput> inputs;
    std::vector<QByteArray> bodies;
    for (const QJsonValue &v : items) {
        const QJsonObject action = v.toObject().value(QStringLiteral("action")).toObject();
        ActionSubmission s;
        if (ActionSubmission::parse(action, Limits{}, &s).isError())
            continue;
        inputs.push_back(RiskInput::from(s));
        bodies.push_back(QJsonDocument(action).toJson(QJsonDocument::Compact));
    }
    const size_t n = inputs.size() * size_t(rounds);

    // Warm up (regex JIT), then measure each on its own, single-threaded.
    for (const RiskInput &in : inputs)
        engine->assess(in);
    std::vector<double> perActionUs;
    perActionUs.reserve(n);
    QElapsedTimer total;
    total.start();
    int sink = 0;
    for (int r = 0; r < rounds; ++r) {
        for (const RiskInput &in : inputs) {
            QElapsedTimer one;
            one.start();
            sink += engine->assess(in).score;
            perActionUs.push_back(double(one.nsecsElapsed()) / 1e3);
        }
    }
    const double scoreSeconds = double(total.nsecsElapsed()) / 1e9;

    QElapsedTimer parse;
    parse.start();
    for (int r = 0; r < rounds; ++r) {
        for (const QByteArray &body : bodies)
            sink += int(QJsonDocument::fromJson(body).object().size());
    }
    const double parseSeconds = double(parse.nsecsElapsed()) / 1e9;

    const double rate = double(n) / scoreSeconds;
    printTable(QStringLiteral("Interlock bench risk: %1 corpus actions x %2 rounds, %3 rules, one "
                              "thread (checksum %4)")
                   .arg(inputs.size())
                   .arg(rounds)
                   .arg(engine->ruleCount())
                   .arg(sink % 1000),
               {
                   {QStringLiteral("scored actions/s"), formatNumber(rate)},
                   {QStringLiteral("added latency per submission p50 (us)"),
                    formatNumber(percentile(perActionUs, 0.5), 1)},
                   {QStringLiteral("added latency per submission p99 (us)"),
                    formatNumber(percentile(perActionUs, 0.99), 1)},
                   {QStringLiteral("added latency per submission max (us)"),
                    formatNumber(percentile(perActionUs, 1.0), 1)},
                   {QStringLiteral("reference: parsing the same JSON, actions/s"),
                    formatNumber(double(n) / parseSeconds)},
                   {QStringLiteral("scoring cost in parses of the same action"),
                    formatNumber(parseSeconds > 0 ? scoreSeconds / parseSeconds : 0, 2)},
               });
    out(QStringLiteral("\ntarget: >= 50,000 actions/s: %1")
            .arg(rate >= 50000 ? QStringLiteral("met") : QStringLiteral("MISSED")));
    return Ok;
}

} // namespace interlock::ctl
