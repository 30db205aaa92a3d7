// Core validators, canonical JSON and small value types, without a server.
#include "core/ActionSubmission.h"
#include "core/CanonicalJson.h"
#include "core/DecisionRequest.h"
#include "core/FieldReader.h"
#include "core/RiskLevel.h"
#include "core/Timestamp.h"
#include "server/ListenAddress.h"
#include "support/TestServer.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QtTest>

using namespace interlock;

class TestValidation : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void submission_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("field"); // empty: valid
        QTest::newRow("minimal") << QByteArray(R"({"kind":"shell.exec","title":"t","payload":{}})")
                                 << "";
        QTest::newRow("with changes")
            << QByteArray(
                   R"({"kind":"fs.write","title":"t","payload":{},"changes":[{"path":"a.py","language":"Python","before":"a\n","after":"b\n"}]})")
            << "";
        QTest::newRow("with diff")
            << QByteArray(
                   R"({"kind":"fs.write","title":"t","payload":{},"diff":"--- a\n+++ b\n@@ -1 +1 @@\n-a\n+b\n"})")
            << "";
        QTest::newRow("custom kind")
            << QByteArray(R"({"kind":"crm.contact_merge","title":"t","payload":{}})") << "";
        QTest::newRow("blank title")
            << QByteArray(R"({"kind":"a","title":"   ","payload":{}})") << "title";
        QTest::newRow("title newline")
            << QByteArray(R"({"kind":"a","title":"a\nb","payload":{}})") << "title";
        QTest::newRow("summary newline ok")
            << QByteArray(R"({"kind":"a","title":"t","summary":"a\nb","payload":{}})") << "";
        QTest::newRow("kind upper")
            << QByteArray(R"({"kind":"Shell","title":"t","payload":{}})") << "kind";
        QTest::newRow("kind trailing dot")
            << QByteArray(R"({"kind":"shell.","title":"t","payload":{}})") << "kind";
        QTest::newRow("payload array")
            << QByteArray(R"({"kind":"a","title":"t","payload":[]})") << "payload";
        QTest::newRow("payload null")
            << QByteArray(R"({"kind":"a","title":"t","payload":null})") << "payload";
        QTest::newRow("reason not string")
            << QByteArray(R"({"kind":"a","title":"t","payload":{},"risk":{"reasons":[1]}})")
            << "risk.reasons[0]";
        QTest::newRow("risk negative")
            << QByteArray(R"({"kind":"a","title":"t","payload":{},"risk":{"score":-1}})")
            << "risk.score";
        QTest::newRow("second change bad")
            << QByteArray(
                   R"({"kind":"a","title":"t","payload":{},"changes":[{"path":"a"},{"path":7}]})")
            << "changes[1].path";
        QTest::newRow("status smuggled")
            << QByteArray(R"({"kind":"a","title":"t","payload":{},"status":"approved"})")
            << "status";
    }
    void submission()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, field);
        QJsonObject object;
        QVERIFY(!parseJsonObject(body, &object).isError());
        ActionSubmission s;
        const ApiError e = ActionSubmission::parse(object, Limits{}, &s);
        QCOMPARE(e.isError(), !field.isEmpty());
        QCOMPARE(e.field, field);
        if (!field.isEmpty())
            QCOMPARE(e.status, 422);
    }

    void defaultsAndBounds()
    {
        ActionSubmission s;
        QJsonObject o;
        parseJsonObject(R"({"kind":"a","title":"t","payload":{}})", &o);
        Limits limits;
        QVERIFY(!ActionSubmission::parse(o, limits, &s).isError());
        QCOMPARE(s.expiresInSeconds, 0); // not given: the policy decides
        o.insert(QStringLiteral("expires_in"), limits.maxExpiresSeconds + 1);
        QCOMPARE(ActionSubmission::parse(o, limits, &s).field, QStringLiteral("expires_in"));
    }

    void decision_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("field");
        QTest::newRow("approve") << QByteArray(R"({"decision":"approve"})") << "";
        QTest::newRow("approve with payload")
            << QByteArray(R"({"decision":"approve","payload":{}})") << "payload";
        QTest::newRow("edit") << QByteArray(R"({"decision":"edit","payload":{"a":1}})") << "";
        QTest::newRow("reject") << QByteArray(R"({"decision":"reject","comment":"no"})") << "";
        QTest::newRow("reject blank")
            << QByteArray(R"({"decision":"reject","comment":" "})") << "comment";
        QTest::newRow("version zero")
            << QByteArray(R"({"decision":"approve","version":0})") << "version";
        QTest::newRow("extra") << QByteArray(R"({"decision":"approve","by":"ceo"})") << "by";
    }
    void decision()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, field);
        QJsonObject o;
        QVERIFY(!parseJsonObject(body, &o).isError());
        DecisionRequest d;
        QCOMPARE(DecisionRequest::parse(o, &d).field, field);
    }

    void canonicalJsonSortsKeysAndIsCompact()
    {
        const QJsonObject o =
            QJsonDocument::fromJson(R"({"b":1,"a":{"d":[1,"x"],"c":"é"}})").object();
        QCOMPARE(canonicalJson(o), QByteArray(R"({"a":{"c":"é","d":[1,"x"]},"b":1})"));
        // Computed with Python: json.dumps(v, sort_keys=True, separators=(",",":"),
        // ensure_ascii=False)
        QCOMPARE(sha256Hex(
                     canonicalJson(QJsonObject{{QStringLiteral("command"), QStringLiteral("ls")}})),
                 QByteArray("4cf29611a66934862f29acfcc817e30b905c1ab73d5e65831413eb6b454d49db"));
        QCOMPARE(canonicalJson(QJsonValue(QStringLiteral("x"))), QByteArray("\"x\""));
    }

    void riskLevels_data()
    {
        QTest::addColumn<int>("score");
        QTest::addColumn<QString>("level");
        QTest::newRow("0") << 0 << "low";
        QTest::newRow("24") << 24 << "low";
        QTest::newRow("25") << 25 << "medium";
        QTest::newRow("49") << 49 << "medium";
        QTest::newRow("50") << 50 << "high";
        QTest::newRow("74") << 74 << "high";
        QTest::newRow("75") << 75 << "critical";
        QTest::newRow("100") << 100 << "critical";
    }
    void riskLevels()
    {
        QFETCH(int, score);
        QFETCH(QString, level);
        QCOMPARE(levelName(levelForScore(score)), level);
    }

    void timestampsRoundTrip()
    {
        const qint64 ms = 1795487718123;
        QCOMPARE(toRfc3339(ms), QStringLiteral("2026-11-24T02:35:18.123Z"));
        QCOMPARE(fromRfc3339(toRfc3339(ms)).value_or(0), ms);
        QVERIFY(!fromRfc3339(QStringLiteral("yesterday")));
        // The fast path agrees with QDateTime across the calendar, leap days included.
        for (qint64 t = -2'000'000'000'000LL; t < 5'000'000'000'000LL; t += 7'777'777'777LL) {
            const QString text = toRfc3339(t);
            QCOMPARE(fromRfc3339(text).value_or(0), t);
            QCOMPARE(fromRfc3339(text).value_or(0),
                     QDateTime::fromString(text, Qt::ISODateWithMs).toMSecsSinceEpoch());
        }
        QCOMPARE(fromRfc3339(QStringLiteral("2024-02-29T12:00:00.000Z")).value_or(0),
                 QDateTime(QDate(2024, 2, 29), QTime(12, 0), Qt::UTC).toMSecsSinceEpoch());
        QVERIFY(!fromRfc3339(QStringLiteral("2023-02-29T12:00:00.000Z")));
        // Other valid RFC 3339 forms still parse (through QDateTime).
        QCOMPARE(fromRfc3339(QStringLiteral("2026-11-24T03:35:18.123+01:00")).value_or(0), ms);
    }

    void listenAddresses_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<quint16>("port");
        QTest::newRow("v4") << "127.0.0.1:7878" << true << quint16(7878);
        QTest::newRow("v6") << "[::1]:80" << true << quint16(80);
        QTest::newRow("localhost") << "localhost:0" << true << quint16(0);
        QTest::newRow("no port") << "127.0.0.1" << false << quint16(0);
        QTest::newRow("port too big") << "127.0.0.1:70000" << false << quint16(0);
        QTest::newRow("hostname") << "example.org:80" << false << quint16(0);
    }
    void listenAddresses()
    {
        QFETCH(QString, text);
        QFETCH(bool, valid);
        QFETCH(quint16, port);
        const auto parsed = parseListenAddress(text);
        QCOMPARE(parsed.has_value(), valid);
        if (valid)
            QCOMPARE(parsed->second, port);
    }
};

QTEST_GUILESS_MAIN(TestValidation)
#include "tst_validation.moc"
