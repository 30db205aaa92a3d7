// The gateway checks a reviewer's edited MCP arguments against the tool's inputSchema.
#include "integrations/JsonSchemaCheck.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest>

using namespace interlock::integrations;

namespace {
QJsonValue json(const char *text)
{
    return QJsonDocument::fromJson(QByteArray("[") + text + "]").array().first();
}
} // namespace

class TestJsonSchemaCheck : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void check_data()
    {
        QTest::addColumn<QJsonValue>("schema");
        QTest::addColumn<QJsonValue>("value");
        QTest::addColumn<QString>("problem"); // empty: fits
        // server-filesystem's write_file (zod-to-json-schema)
        const QJsonValue writeFile = json(
            "{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\"},\"content\":{"
            "\"type\":\"string\"}},\"required\":[\"path\",\"content\"],\"additionalProperties\":"
            "false,\"$schema\":\"http://json-schema.org/draft-07/schema#\"}");
        const auto row = [](const char *name, const QJsonValue &schema, const char *value,
                            const char *problem) {
            QTest::newRow(name) << schema << json(value) << QString::fromUtf8(problem);
        };
        row("write_file fits", writeFile, "{\"path\":\"/a\",\"content\":\"x\"}", "");
        row("missing", writeFile, "{\"path\":\"/a\"}", "arguments: 'content' is required");
        row("wrong type", writeFile, "{\"path\":1,\"content\":\"x\"}",
            "arguments.path: expected string");
        row("extra", writeFile, "{\"path\":\"/a\",\"content\":\"x\",\"mode\":7}",
            "arguments: 'mode' is not allowed");
        const QJsonValue rich =
            json("{\"type\":\"object\",\"properties\":{"
                 "\"n\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":10},"
                 "\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\",\"maxLength\":3},"
                 "\"maxItems\":2},"
                 "\"mode\":{\"enum\":[\"a\",\"b\"]},"
                 "\"id\":{\"type\":\"string\",\"pattern\":\"^[a-z]+$\"},"
                 "\"ref\":{\"$ref\":\"#/$defs/pos\"},"
                 "\"either\":{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"null\"}]},"
                 "\"one\":{\"oneOf\":[{\"type\":\"integer\"},{\"type\":\"number\"}]}},"
                 "\"$defs\":{\"pos\":{\"type\":\"number\",\"exclusiveMinimum\":0}}}");
        row("rich fits", rich,
            "{\"n\":3,\"tags\":[\"ab\"],\"mode\":\"a\",\"id\":\"abc\",\"ref\":2,\"either\":null,"
            "\"one\":1.5}",
            "");
        row("integer", rich, "{\"n\":2.5}", "arguments.n: expected integer");
        row("maximum", rich, "{\"n\":11}", "arguments.n: above the maximum 10");
        row("item", rich, "{\"tags\":[\"abcd\"]}", "arguments.tags[0]: longer than 3 characters");
        row("items", rich, "{\"tags\":[\"a\",\"b\",\"c\"]}", "arguments.tags: more than 2 items");
        row("enum", rich, "{\"mode\":\"c\"}", "arguments.mode: must be one of […2 values]");
        row("pattern", rich, "{\"id\":\"ABC\"}",
            "arguments.id: does not match the pattern ^[a-z]+$");
        row("ref", rich, "{\"ref\":0}", "arguments.ref: must be above 0");
        row("anyOf", rich, "{\"either\":3}", "arguments.either: expected string");
        row("oneOf both", rich, "{\"one\":2}",
            "arguments.one: must fit exactly one of oneOf (fits 2)");
        row("missing ref", json("{\"$ref\":\"#/nowhere\"}"), "1",
            "arguments: the schema refers to #/nowhere, which it does not hold");
        row("false schema", json("false"), "1", "arguments: no value is allowed");
        row("true schema", json("true"), "{\"anything\":[1]}", "");
        row("unknown keywords pass", json("{\"format\":\"uri\",\"type\":\"string\"}"), "\"x\"", "");
    }
    void check()
    {
        QFETCH(QJsonValue, schema);
        QFETCH(QJsonValue, value);
        QFETCH(QString, problem);
        QCOMPARE(checkJsonSchema(schema, value), problem);
    }

    void selfReferenceIsBounded()
    {
        const QJsonValue loop = json("{\"$ref\":\"#\"}");
        QVERIFY(checkJsonSchema(loop, json("1")).contains(QStringLiteral("too deeply")));
    }
};

QTEST_GUILESS_MAIN(TestJsonSchemaCheck)
#include "tst_jsonschemacheck.moc"
