// MCP tool annotations are the server's unverified claims: the rules use them as hints only,
// and a tool that claims nothing is scored as destructive and open-world.
#include "server/RiskEngine.h"

#include <QJsonArray>
#include <QtTest>

using namespace interlock;

namespace {
RiskAssessment score(const QString &kind, const QJsonObject &payload)
{
    static const auto engine = RiskEngine::builtIn();
    RiskInput input;
    input.kind = kind;
    input.payload = payload;
    return engine->assess(input);
}

QStringList rules(const RiskAssessment &a)
{
    QStringList out;
    for (const QJsonValue &r : a.reasons)
        out.append(r.toObject().value(QStringLiteral("rule")).toString());
    return out;
}

QJsonObject call(const QJsonValue &annotations)
{
    QJsonObject p{{"server", "filesystem"},
                  {"tool", "write_file"},
                  {"arguments", QJsonObject{{"path", "/srv/a"}, {"content", "x"}}}};
    if (!annotations.isUndefined())
        p.insert("annotations", annotations);
    return p;
}
} // namespace

class TestMcpRisk : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void annotationsAreHints_data()
    {
        QTest::addColumn<QJsonValue>("annotations");
        QTest::addColumn<QStringList>("expected");
        QTest::addColumn<QString>("level");
        const QStringList all{"kind.mcp", "mcp.destructive", "mcp.open-world"};
        QTest::newRow("no annotations") << QJsonValue(QJsonValue::Undefined) << all << "medium";
        QTest::newRow("empty") << QJsonValue(QJsonObject{}) << all << "medium";
        QTest::newRow("claims read-only, closed world")
            << QJsonValue(QJsonObject{{"readOnlyHint", true}, {"openWorldHint", false}})
            << QStringList{"kind.mcp"} << "low";
        QTest::newRow("claims read-only only")
            << QJsonValue(QJsonObject{{"readOnlyHint", true}})
            << QStringList{"kind.mcp", "mcp.open-world"} << "low";
        QTest::newRow("claims non-destructive write")
            << QJsonValue(QJsonObject{
                   {"readOnlyHint", false}, {"destructiveHint", false}, {"openWorldHint", false}})
            << QStringList{"kind.mcp"} << "low";
        QTest::newRow("claims destructive")
            << QJsonValue(QJsonObject{{"destructiveHint", true}, {"openWorldHint", false}})
            << QStringList{"kind.mcp", "mcp.destructive"} << "medium";
        QTest::newRow("hints that are not booleans count as unclaimed")
            << QJsonValue(QJsonObject{{"readOnlyHint", "yes"}, {"openWorldHint", 0}}) << all
            << "medium";
    }
    void annotationsAreHints()
    {
        QFETCH(QJsonValue, annotations);
        QFETCH(QStringList, expected);
        QFETCH(QString, level);
        const RiskAssessment a = score(QStringLiteral("mcp.tool_call"), call(annotations));
        QCOMPARE(rules(a), expected);
        QCOMPARE(a.toJson().value("level").toString(), level);
    }

    void reasonsSayWhatWasClaimed()
    {
        const RiskAssessment a =
            score(QStringLiteral("mcp.tool_call"), call(QJsonValue::Undefined));
        const QString text = a.reasons.at(1).toObject().value("message").toString();
        QVERIFY2(text.contains("write_file") && text.contains("destructiveHint not claimed"),
                 qPrintable(text));
        const RiskAssessment b =
            score(QStringLiteral("mcp.tool_call"), call(QJsonObject{{"destructiveHint", true}}));
        QVERIFY(b.reasons.at(1).toObject().value("message").toString().contains(
            "destructiveHint claimed true"));
    }

    void secretsInArgumentsStillCount()
    {
        QJsonObject p = call(QJsonObject{{"readOnlyHint", true}, {"openWorldHint", false}});
        p.insert("arguments",
                 QJsonObject{{"token", QString("ghp_" + QString(36, QLatin1Char('a')))}});
        QVERIFY(rules(score(QStringLiteral("mcp.tool_call"), p)).contains("secret.token"));
    }

    void agentSettingsAreSensitive()
    {
        const RiskAssessment a =
            score(QStringLiteral("fs.write"),
                  {{"path", "/home/dev/app/.claude/settings.json"}, {"content", "{}"}});
        QVERIFY(rules(a).contains("fs.agent-config"));
        QCOMPARE(a.toJson().value("level").toString(), QStringLiteral("high"));
        QVERIFY(!rules(score(QStringLiteral("fs.write"), {{"path", "/home/dev/app/settings.json"}}))
                     .contains("fs.agent-config"));
    }

    void rulesFileErrorsNameTheRule()
    {
        QString error;
        const QByteArray bad =
            R"({"version":1,"rules":[{"id":"h","detector":"claimed_hints","field":"annotations","when":{"readOnlyHint":"no"},"weight":5,"message":"m"}]})";
        QVERIFY(!RiskEngine::fromJson(bad, &error));
        QVERIFY2(error.contains("rule 'h'") && error.contains("when"), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(TestMcpRisk)
#include "tst_mcprisk.moc"
