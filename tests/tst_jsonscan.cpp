// The strict JSON scanner the hook's front and the MCP gateway read hostile text with.
#include "integrations/front/JsonScan.h"

#include <QJsonDocument>
#include <QtTest>

using namespace interlock::integrations;

class TestJsonScan : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void verdicts_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<QString>("error");
        const auto add = [](const char *name, const QByteArray &text, bool ok, const char *error) {
            QTest::newRow(name) << text << ok << QString::fromLatin1(error);
        };
        add("object", "{\"a\":[1,-2.5e3,true,false,null,\"x\"],\"b\":{}}", true, "");
        add("array root", "[{\"jsonrpc\":\"2.0\"}]", true, "");
        add("string root", "\"just text\"", true, "");
        add("whitespace around", " \t\r\n{}\n ", true, "");
        add("escapes", "{\"s\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\"}", true, "");
        add("utf-8", "{\"s\":\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"}", true, "");
        add("duplicate key", "{\"method\":\"tools/list\",\"method\":\"tools/call\"}", false,
            "duplicate member name");
        add("duplicate key nested", "{\"p\":{\"name\":\"a\",\"x\":1,\"name\":\"b\"}}", false,
            "duplicate member name");
        add("duplicate key by escape", "{\"name\":\"a\",\"n\\u0061me\":\"b\"}", false,
            "duplicate member name");
        add("lone high surrogate", "{\"s\":\"\\ud800\"}", false, "lone surrogate in a string");
        add("lone low surrogate", "{\"s\":\"\\udc00x\"}", false, "lone surrogate in a string");
        add("overlong utf-8", "{\"s\":\"\xc0\xaf\"}", false, "invalid UTF-8");
        add("utf-8 surrogate", "{\"s\":\"\xed\xa0\x80\"}", false, "invalid UTF-8");
        add("truncated utf-8", "{\"s\":\"\xe2\x82\"}", false, "invalid UTF-8");
        add("control char", "{\"s\":\"a\x01\"}", false, "control character in a string");
        add("raw newline in string", "{\"s\":\"a\nb\"}", false, "control character in a string");
        add("trailing comma", "{\"a\":1,}", false, "expected a member name");
        add("trailing text", "{\"a\":1} {\"b\":2}", false, "unexpected text after the JSON value");
        add("leading zero", "{\"a\":01}", false, "expected ',' or '}'");
        add("bare word", "{\"a\":NaN}", false, "unexpected character");
        add("single quotes", "{'a':1}", false, "expected a member name");
        add("comment", "{\"a\":1 /* x */}", false, "expected ',' or '}'");
        add("empty", "", false, "unexpected end of the text");
        add("unterminated", "{\"a\":\"b", false, "unterminated string");
    }
    void verdicts()
    {
        QFETCH(QByteArray, text);
        QFETCH(bool, ok);
        QFETCH(QString, error);
        const JsonScan s = scanJson(std::string_view(text.constData(), size_t(text.size())));
        QCOMPARE(s.ok, ok);
        QCOMPARE(QString::fromStdString(s.error), error);
        if (ok) // everything accepted is read the same way by Qt
            QVERIFY(!QJsonDocument::fromJson(text).isNull() || text.trimmed().startsWith('"'));
    }

    void depthIsBounded()
    {
        const QByteArray deep = QByteArray(64, '[') + QByteArray(64, ']');
        QVERIFY(scanJson(deep.toStdString(), JsonScanLimits{64}).ok);
        const QByteArray deeper = QByteArray(65, '[') + QByteArray(65, ']');
        const JsonScan s = scanJson(deeper.toStdString(), JsonScanLimits{64});
        QVERIFY(!s.ok);
        QCOMPARE(s.error, std::string("nested too deeply"));
        // A million brackets are refused at the limit, without recursing a million times.
        const QByteArray hostile(1000000, '[');
        QVERIFY(!scanJson(hostile.toStdString()).ok);
    }

    void integersBeyondWhatADoubleHoldsAreRefusedWhenAsked()
    {
        JsonScanLimits safe;
        safe.safeIntegers = true;
        QVERIFY(scanJson("{\"n\":9007199254740991}", safe).ok);
        QVERIFY(scanJson("{\"n\":-9007199254740991}", safe).ok);
        QVERIFY(scanJson("{\"n\":1.5e300}", safe).ok); // read as a double everywhere
        for (const char *text :
             {"{\"n\":9007199254740992}", "{\"n\":-9007199254740992}", "[1234567890123456789]"}) {
            const JsonScan s = scanJson(text, safe);
            QVERIFY2(!s.ok, text);
            QVERIFY2(s.error.find("2^53") != std::string::npos, s.error.c_str());
            QVERIFY(scanJson(text).ok); // only when asked
        }
        QVERIFY(!scanJson("[12345678901234567891]", safe).ok);
    }

    void topLevelStringsAreUnescaped()
    {
        const JsonScan s = scanJson("{\"tool_name\":\"R\\u0065ad\",\"session_id\":\"abc\",\"tool_"
                                    "input\":{\"tool_name\":\"Bash\"},\"n\":1}",
                                    {}, true);
        QVERIFY(s.ok);
        QCOMPARE(s.root, '{');
        QVERIFY(s.topString("tool_name"));
        QCOMPARE(*s.topString("tool_name"), std::string("Read"));
        QCOMPARE(*s.topString("session_id"), std::string("abc"));
        QVERIFY(!s.topString("n"));
        QCOMPARE(s.topStrings.size(), size_t(2)); // nested strings are not top-level
    }

    void quoting()
    {
        QCOMPARE(jsonQuote("a\"b\\c\nd\x01"), std::string("\"a\\\"b\\\\c\\nd\\u0001\""));
        const std::string q = jsonQuote("tab\there");
        QVERIFY(scanJson(q).ok);
    }
};

QTEST_GUILESS_MAIN(TestJsonScan)
#include "tst_jsonscan.moc"
