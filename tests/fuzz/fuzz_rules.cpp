// libFuzzer: a risk rules file (interlockd --rules FILE). Any file is either refused with a
// message or gives an engine whose scores stay within 0..100 on a few typical actions.
#include "server/RiskEngine.h"

#include <cstdio>
#include <cstdlib>

using namespace interlock;

namespace {
void require(bool condition, const char *what)
{
    if (!condition) {
        std::fprintf(stderr, "fuzz_rules: property violated: %s\n", what);
        std::abort();
    }
}

QList<RiskInput> typicalInputs()
{
    const auto obj = [](std::initializer_list<std::pair<QString, QJsonValue>> fields) {
        QJsonObject o;
        for (const auto &[k, v] : fields)
            o.insert(k, v);
        return o;
    };
    return {
        RiskInput{QStringLiteral("shell.exec"),
                  obj({{QStringLiteral("command"), QStringLiteral("rm -rf /srv/data")}}),
                  QStringLiteral("host://prod-db-1"),
                  QStringLiteral("AKIAABCDEFGHIJKLMNOP"),
                  10,
                  {QStringLiteral("mine")}},
        RiskInput{QStringLiteral("acl.change"),
                  obj({{QStringLiteral("resource"), QStringLiteral("drive://corp/x")},
                       {QStringLiteral("grants_before"), QJsonArray{}},
                       {QStringLiteral("grants_after"),
                        QJsonArray{obj({{QStringLiteral("principal"), QStringLiteral("group:all")},
                                        {QStringLiteral("access"), QStringLiteral("read")}})}}}),
                  QStringLiteral("drive://corp/x"),
                  {},
                  0,
                  {}},
        RiskInput{QStringLiteral("email.send"),
                  obj({{QStringLiteral("to"), QJsonArray{QStringLiteral("a@example.com")}},
                       {QStringLiteral("subject"), QStringLiteral("hi")},
                       {QStringLiteral("body"), QStringLiteral("see https://evil.test/x")}}),
                  {},
                  {},
                  0,
                  {}},
        RiskInput{QStringLiteral("unknown.kind"), {}, {}, {}, 100, {}},
    };
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const QList<RiskInput> inputs = typicalInputs();
    const QByteArray file(reinterpret_cast<const char *>(data), qsizetype(size));
    QString error;
    const std::unique_ptr<RiskEngine> engine = RiskEngine::fromJson(file, &error);
    if (!engine) {
        require(!error.isEmpty(), "a refused rules file says why");
        return 0;
    }
    for (const RiskInput &input : inputs) {
        const RiskAssessment a = engine->assess(input);
        require(a.score >= 0 && a.score <= 100, "score in 0..100");
        require(a.score >= input.agentScore, "never below the agent's own score");
        require(a.requiredApprovals >= 1, "at least one approval");
    }
    return 0;
}
