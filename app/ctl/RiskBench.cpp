#include "RiskBench.h"

#include "BenchReport.h"
#include "CtlCommon.h"
#include "core/ActionSubmission.h"
#include "server/RiskCorpus.h"
#include "server/RiskEngine.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

#include <time.h>

namespace interlock::ctl {

namespace {
std::optional<QList<CorpusCase>> loadCorpus(const QString &name)
{
    QFile file(QStringLiteral(":/bench/") + name);
    QString error;
    if (!file.open(QIODevice::ReadOnly))
        return std::nullopt;
    return RiskCorpus::parse(file.readAll(), &error);
}

// CPU time of this thread: on a shared machine, wall time also counts other programs' turns.
double threadCpuSeconds()
{
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return double(t.tv_sec) + double(t.tv_nsec) / 1e9;
}

QString percent(double share)
{
    return formatNumber(100 * share, 1) + QStringLiteral(" %");
}

// The share at the expected level and the false alarms, per file and for both.
void printFigures(const RiskEngine &engine, const QList<CorpusCase> &corpus,
                  const QList<CorpusCase> &heldOut, const QString &rulesName)
{
    const CorpusFigures c = RiskCorpus::figures(engine, corpus);
    const CorpusFigures h = RiskCorpus::figures(engine, heldOut);
    const CorpusFigures all = RiskCorpus::figures(engine, corpus + heldOut);
    const auto row = [](const QString &label, const CorpusFigures &f) {
        return std::make_pair(label, QStringLiteral("%1 cases, %2 at the expected level, %3 false "
                                                    "alarms (%4 of %5 harmless), %6 risky "
                                                    "under-scored")
                                         .arg(f.cases)
                                         .arg(percent(f.share()))
                                         .arg(percent(f.falseAlarmRate()))
                                         .arg(f.falseAlarms)
                                         .arg(f.harmless)
                                         .arg(f.underScored));
    };
    printTable(QStringLiteral("Interlock bench risk: scoring quality (%1, %2 rules)")
                   .arg(rulesName)
                   .arg(engine.ruleCount()),
               {row(QStringLiteral("risk-corpus.json"), c),
                row(QStringLiteral("risk-heldout.json"), h), row(QStringLiteral("both"), all)});
    for (const CorpusResult &miss : all.misses)
        out(QStringLiteral("  not at the expected level: %1 (expected %2, scored %3 %4)")
                .arg(miss.item->name, miss.item->expect, miss.level())
                .arg(miss.assessment.score));
    out(QStringLiteral("target: >= 95 percent at the expected level and < 5 percent false alarms: "
                       "%1\n")
            .arg(all.share() >= 0.95 && all.falseAlarmRate() < 0.05 ? QStringLiteral("met")
                                                                    : QStringLiteral("MISSED")));
}
// The largest submissions an agent can make to cost scoring the most (bodies under the 1 MiB
// limit): a scoring time that grows faster than the body shows here first.
void printHostileFigures(const RiskEngine &engine)
{
    QString recipients, lookAlikes, paths, commands, ids;
    for (int i = 0; i < 80000; ++i)
        recipients += QStringLiteral("a@x%1.io,").arg(i);
    for (int i = 0; i < 30000; ++i)
        lookAlikes += QStringLiteral("a@ex\u0430mple%1.com,").arg(i);
    for (int i = 0; i < 45000; ++i) {
        paths += QStringLiteral("/srv/./d//%1/../x, ").arg(i);
        ids += QStringLiteral("m%1;").arg(i);
    }
    for (int i = 0; i < 22000; ++i)
        commands += QStringLiteral("\"rm\" -f -r /srv/%1 ;; $(echo '%1') | ").arg(i);
    const QString longWord(400000, QChar(0x0434)); // д
    QString hyphens;
    for (int i = 0; i < 200000; ++i)
        hyphens += QStringLiteral("a-");
    hyphens += QStringLiteral(".x");
    const struct {
        const char *label;
        QString kind;
        QString field;
        QString value;
    } cases[] = {
        {"email.send, 80,000 outside recipients", QStringLiteral("email.send"),
         QStringLiteral("to"), recipients},
        {"email.send, 30,000 look-alike domains", QStringLiteral("email.send"),
         QStringLiteral("to"), lookAlikes},
        {"fs.delete, 45,000 paths in one string", QStringLiteral("fs.delete"),
         QStringLiteral("paths"), paths},
        {"shell.exec, 22,000 commands in one line", QStringLiteral("shell.exec"),
         QStringLiteral("command"), commands},
        {"email.delete, 45,000 ids in one string", QStringLiteral("email.delete"),
         QStringLiteral("message_ids"), ids},
        {"message.post, one 400,000-letter Cyrillic word", QStringLiteral("message.post"),
         QStringLiteral("text"), longWord},
        {"message.post, 200,000 'a-' then '.x'", QStringLiteral("message.post"),
         QStringLiteral("text"), hyphens},
    };
    std::vector<std::pair<QString, QString>> rows;
    for (const auto &c : cases) {
        RiskInput in;
        in.kind = c.kind;
        in.title = QStringLiteral("hostile");
        in.payload = QJsonObject{{c.field, c.value}};
        const QByteArray body = QJsonDocument(in.payload).toJson(QJsonDocument::Compact);
        QElapsedTimer parse;
        parse.start();
        const bool parsed = QJsonDocument::fromJson(body).isObject();
        const double parseMs = double(parse.nsecsElapsed()) / 1e6;
        const double cpu = threadCpuSeconds();
        const int score = engine.assess(in).score;
        const double ms = (threadCpuSeconds() - cpu) * 1e3;
        rows.push_back({QString::fromLatin1(c.label),
                        QStringLiteral("%1 KB: %2 ms CPU (score %3), %4x its JSON parse%5")
                            .arg(body.size() / 1024)
                            .arg(formatNumber(ms, 1))
                            .arg(score)
                            .arg(formatNumber(parseMs > 0 ? ms / parseMs : 0, 0))
                            .arg(parsed ? QString() : QStringLiteral(" (did not parse)"))});
    }
    printTable(QStringLiteral("Interlock bench risk: hostile submissions near the 1 MiB limit"),
               rows);
    out(QStringLiteral("target: each under 1 s of CPU (the API thread is shared by every "
                       "reviewer)\n"));
}
} // namespace

int runRiskBench(int rounds, const QString &baselineRules)
{
    const auto corpus = loadCorpus(QStringLiteral("risk-corpus.json"));
    const auto heldOut = loadCorpus(QStringLiteral("risk-heldout.json"));
    if (!corpus || !heldOut)
        return fail(QStringLiteral("bench risk: the corpus is missing from this build"));
    std::unique_ptr<RiskEngine> baseline;
    if (!baselineRules.isEmpty()) {
        QString error;
        baseline = RiskEngine::fromFile(baselineRules, &error);
        if (!baseline)
            return fail(QStringLiteral("bench risk: --baseline-rules: ") + error, Usage);
        printFigures(*baseline, *corpus, *heldOut, baselineRules);
    }
    const auto engine = RiskEngine::builtIn();
    printFigures(*engine, *corpus, *heldOut, QStringLiteral("built-in rules"));
    printHostileFigures(*engine);

    std::vector<RiskInput> inputs;
    std::vector<QByteArray> bodies;
    QStringList names;
    for (const CorpusCase &c : *corpus + *heldOut) {
        ActionSubmission s;
        if (ActionSubmission::parse(c.action, Limits{}, &s).isError())
            continue;
        inputs.push_back(RiskInput::from(s));
        bodies.push_back(QJsonDocument(c.action).toJson(QJsonDocument::Compact));
        names.append(c.name);
    }
    const size_t n = inputs.size() * size_t(rounds);

    // Warm up (regex JIT), then measure each on its own, single-threaded.
    for (const RiskInput &in : inputs)
        engine->assess(in);
    std::vector<double> perActionUs;
    perActionUs.reserve(n);
    QElapsedTimer total;
    total.start();
    const double cpuStart = threadCpuSeconds();
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
    const double scoreCpuSeconds = threadCpuSeconds() - cpuStart;

    // The costliest actions (median over the rounds), for whoever makes scoring faster.
    std::vector<std::pair<double, qsizetype>> byAction;
    for (size_t a = 0; a < inputs.size(); ++a) {
        std::vector<double> times;
        for (int r = 0; r < rounds; ++r)
            times.push_back(perActionUs[size_t(r) * inputs.size() + a]);
        byAction.push_back({percentile(times, 0.5), qsizetype(a)});
    }
    std::sort(byAction.rbegin(), byAction.rend());
    std::vector<std::pair<QString, QString>> slowest;
    for (size_t i = 0; i < 5 && i < byAction.size(); ++i)
        slowest.push_back({names[byAction[i].second].left(50), formatNumber(byAction[i].first, 1)});
    printTable(QStringLiteral("Interlock bench risk: the costliest actions, median us"), slowest);

    QElapsedTimer parse;
    parse.start();
    for (int r = 0; r < rounds; ++r) {
        for (const QByteArray &body : bodies)
            sink += int(QJsonDocument::fromJson(body).object().size());
    }
    const double parseSeconds = double(parse.nsecsElapsed()) / 1e9;

    // The baseline rules against the built-in ones over the same actions, a round of each in
    // turn: on a shared machine the load drifts, and both see the same drift.
    double baselineCpuRate = 0, builtInCpuRate = 0;
    if (baseline) {
        for (const RiskInput &in : inputs)
            baseline->assess(in);
        double baselineCpu = 0, builtInCpu = 0;
        for (int r = 0; r < rounds; ++r) {
            for (const auto &[rules, cpu] :
                 {std::pair{engine.get(), &builtInCpu}, std::pair{baseline.get(), &baselineCpu}}) {
                const double start = threadCpuSeconds();
                for (const RiskInput &in : inputs)
                    sink += rules->assess(in).score;
                *cpu += threadCpuSeconds() - start;
            }
        }
        baselineCpuRate = double(n) / baselineCpu;
        builtInCpuRate = double(n) / builtInCpu;
    }

    const double rate = double(n) / scoreSeconds;
    const double cpuRate = double(n) / scoreCpuSeconds;
    printTable(
        QStringLiteral("Interlock bench risk: %1 corpus actions x %2 rounds, %3 rules, one "
                       "thread (checksum %4)")
            .arg(inputs.size())
            .arg(rounds)
            .arg(engine->ruleCount())
            .arg(sink % 1000),
        {
            {QStringLiteral("scored actions/s (wall clock)"), formatNumber(rate)},
            {QStringLiteral("scored actions per CPU second of the thread"), formatNumber(cpuRate)},
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
    if (baseline)
        printTable(
            QStringLiteral("Interlock bench risk: the same actions with the baseline rules"),
            {{QStringLiteral("built-in rules, actions per CPU second (rounds in turn)"),
              formatNumber(builtInCpuRate)},
             {baselineRules +
                  QStringLiteral(" (%1 rules), actions per CPU second").arg(baseline->ruleCount()),
              formatNumber(baselineCpuRate)}});
    out(QStringLiteral("\ntarget: >= 100,000 actions/s on one core: %1 (per CPU second of the "
                       "scoring thread; the wall clock also counts other programs on a shared "
                       "machine)")
            .arg(cpuRate >= 100000 ? QStringLiteral("met") : QStringLiteral("MISSED")));
    return Ok;
}

} // namespace interlock::ctl
