// The risk engine over a corpus of realistic actions (tests/data/risk-corpus.json), the rules
// file's error messages, and the policy that follows from the level, over HTTP.
#include "core/ActionSubmission.h"
#include "core/Timestamp.h"
#include "server/RiskEngine.h"
#include "support/TestServer.h"

#include <QFile>
#include <QJsonDocument>
#include <QProcess>
#include <QtTest>

using namespace interlock;
using namespace interlock::test;

namespace {
// Test JSON written with single quotes (moc 6.4 misreads raw string literals).
QByteArray json(const char *singleQuoted)
{
    return QByteArray(singleQuoted).replace('\'', '"');
}

QByteArray builtInRules()
{
    QFile f(QStringLiteral(SOURCE_DIR "/resources/risk/rules.json"));
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

RiskInput inputFor(const QJsonObject &action)
{
    ActionSubmission s;
    const ApiError e = ActionSubmission::parse(action, Limits{}, &s);
    if (e.isError())
        qWarning("corpus action is not a valid submission: %s", qPrintable(e.message));
    return RiskInput::from(s);
}
} // namespace

class TestRiskEngine : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void corpus_data()
    {
        QTest::addColumn<QJsonObject>("action");
        QTest::addColumn<QString>("level");
        QTest::addColumn<QStringList>("rules");
        QFile f(QStringLiteral(SOURCE_DIR "/tests/data/risk-corpus.json"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonArray items = QJsonDocument::fromJson(f.readAll()).array();
        QVERIFY(items.size() >= 40);
        for (const QJsonValue &v : items) {
            const QJsonObject item = v.toObject();
            QStringList rules;
            for (const QJsonValue &r : item.value(QStringLiteral("rules")).toArray())
                rules.append(r.toString());
            QTest::newRow(qPrintable(item.value(QStringLiteral("name")).toString()))
                << item.value(QStringLiteral("action")).toObject()
                << item.value(QStringLiteral("expect")).toString() << rules;
        }
    }
    void corpus()
    {
        QFETCH(QJsonObject, action);
        QFETCH(QString, level);
        QFETCH(QStringList, rules);
        static const auto engine = RiskEngine::builtIn();
        const RiskAssessment a = engine->assess(inputFor(action));
        QStringList fired;
        for (const QJsonValue &r : a.reasons) {
            const QJsonObject reason = r.toObject();
            fired.append(reason.value(QStringLiteral("rule")).toString());
            QVERIFY(!reason.value(QStringLiteral("message")).toString().isEmpty());
            QVERIFY(reason.value(QStringLiteral("weight")).toInt() >= 0);
        }
        const QString explain =
            QStringLiteral("score %1 from %2")
                .arg(a.score)
                .arg(QString::fromUtf8(QJsonDocument(a.reasons).toJson(QJsonDocument::Compact)));
        QVERIFY2(
            levelName(a.level) == level,
            qPrintable(
                QStringLiteral("expected %1, got %2: %3").arg(level, levelName(a.level), explain)));
        for (const QString &rule : rules)
            QVERIFY2(fired.contains(rule),
                     qPrintable(rule + QStringLiteral(" did not fire: ") + explain));
        QVERIFY(
            a.score >=
            action.value(QStringLiteral("risk")).toObject().value(QStringLiteral("score")).toInt());
    }

    void messagesNameTheFactsButNeverTheSecret()
    {
        const auto engine = RiskEngine::builtIn();
        const QJsonObject acl{
            {QStringLiteral("resource"), QStringLiteral("drive://corp/payments-data")},
            {QStringLiteral("grants_before"), QJsonArray{}},
            {QStringLiteral("grants_after"),
             QJsonArray{
                 QJsonObject{{QStringLiteral("principal"), QStringLiteral("group:all-engineering")},
                             {QStringLiteral("access"), QStringLiteral("read")}}}}};
        const RiskAssessment a =
            engine->assess(RiskInput{QStringLiteral("acl.change"), acl, {}, {}, 0, {}});
        QCOMPARE(a.reasons.at(1).toObject().value(QStringLiteral("message")).toString(),
                 QStringLiteral("grants read on drive://corp/payments-data to "
                                "group:all-engineering, which had no access"));
        const QString key = QStringLiteral("AKIAABCDEFGHIJKLMNOP");
        const RiskAssessment s = engine->assess(RiskInput{
            QStringLiteral("fs.write"), {{QStringLiteral("content"), key}}, {}, {}, 0, {}});
        QVERIFY(!QString::fromUtf8(QJsonDocument(s.reasons).toJson()).contains(key));
        QVERIFY(QString::fromUtf8(QJsonDocument(s.reasons).toJson())
                    .contains(QStringLiteral("cloud access key")));
    }

    void badRulesFilesSayWhatIsWrong_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("message");
        QTest::newRow("malformed")
            << QByteArray("{\n  \"version\": 1,\n  \"rules\": [\n    {\"id\": \"x\",,}\n  ]\n}")
            << "line 4:";
        QTest::newRow("no rules") << (json("{'version': 1, 'rules': []}"))
                                  << "\"rules\" must be a non-empty array";
        QTest::newRow("wrong version")
            << (json("{'version': 2, 'rules': []}")) << "\"version\" must be 1";
        QTest::newRow("unknown detector")
            << (json("{'version': 1, 'rules': [{'id': 'r1', 'detector': 'vibes', 'weight': 5, "
                     "'message': 'm'}]}"))
            << "rule 'r1': unknown detector \"vibes\"";
        QTest::newRow("bad regex")
            << (json(
                   "{'version': 1, 'rules': [{'id': 're', 'detector': 'regex', 'fields': "
                   "['command'], 'patterns': ['ok', '(unclosed'], 'weight': 5, 'message': 'm'}]}"))
            << "rule 're': pattern 2 is not a valid regular expression";
        QTest::newRow("weight out of range")
            << (json("{'version': 1, 'rules': [{'id': 'w', 'detector': 'kind', 'kinds': ['a'], "
                     "'weight': 500, 'message': 'm'}]}"))
            << "rule 'w': \"weight\" must be a whole number from 0 to 100";
        QTest::newRow("missing id") << (json("{'version': 1, 'rules': [{'detector': 'kind', "
                                             "'kinds': ['a'], 'weight': 5, 'message': 'm'}]}"))
                                    << "rule #1: needs an \"id\"";
        QTest::newRow("duplicate id")
            << (json("{'version': 1, 'rules': [{'id': 'd', 'detector': 'kind', 'kinds': ['a'], "
                     "'weight': 5, 'message': 'm'}, {'id': 'd', 'detector': 'kind', 'kinds': "
                     "['b'], 'weight': 5, 'message': 'm'}]}"))
            << "rule 'd': the id is used twice";
        QTest::newRow("bad policy")
            << (json("{'version': 1, 'policy': {'required_approvals': {'critical': 0}}, 'rules': "
                     "[{'id': 'k', 'detector': 'kind', 'kinds': ['a'], 'weight': 5, 'message': "
                     "'m'}]}"))
            << "policy.required_approvals.critical";
    }
    void badRulesFilesSayWhatIsWrong()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, message);
        QString error;
        QVERIFY(!RiskEngine::fromJson(json, &error));
        QVERIFY2(error.contains(message), qPrintable(error));
    }

    void interlockdRefusesToStartWithBadRules()
    {
        QTemporaryDir dir;
        QFile rules(dir.filePath(QStringLiteral("rules.json")));
        QVERIFY(rules.open(QIODevice::WriteOnly));
        rules.write(json("{'version': 1, 'rules': [{'id': 'oops', 'detector': 'regex', 'fields': "
                         "['x'], 'patterns': ['['], 'weight': 1, 'message': 'm'}]}"));
        rules.close();
        QProcess daemon;
        daemon.start(QStringLiteral(INTERLOCKD_PATH),
                     {QStringLiteral("--db"), dir.filePath(QStringLiteral("d.db")),
                      QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                      QStringLiteral("--rules"), rules.fileName()});
        QVERIFY(daemon.waitForFinished(10000));
        QCOMPARE(daemon.exitCode(), 1);
        const QByteArray err = daemon.readAllStandardError();
        QVERIFY2(err.contains("rule 'oops': pattern 1 is not a valid regular expression"),
                 err.constData());
    }

    void deadlineFollowsTheLevel()
    {
        TestServer s;
        const auto session = s.openSession(QStringLiteral("a"));
        QJsonObject critical = sampleAction();
        critical.insert(QStringLiteral("risk"), QJsonObject{{QStringLiteral("score"), 90}});
        critical.insert(QStringLiteral("expires_in"), 3600); // asks for more than the policy allows
        const ApiResult r = s.call(session.second, "POST", QStringLiteral("/v1/actions"), critical);
        const qint64 created = *fromRfc3339(r.body.value(QStringLiteral("created_at")).toString());
        const qint64 expires = *fromRfc3339(r.body.value(QStringLiteral("expires_at")).toString());
        QCOMPARE(expires - created, qint64(900) * 1000);
        QJsonObject low = sampleAction();
        low.remove(QStringLiteral("expires_in"));
        const ApiResult l = s.call(session.second, "POST", QStringLiteral("/v1/actions"), low);
        QCOMPARE(*fromRfc3339(l.body.value(QStringLiteral("expires_at")).toString()) -
                     *fromRfc3339(l.body.value(QStringLiteral("created_at")).toString()),
                 qint64(86400) * 1000);
    }

    void autoApproveOfLowIsOffByDefaultAndRecordedAsPolicy()
    {
        {
            TestServer s;
            const auto session = s.openSession(QStringLiteral("a"));
            const ApiResult r =
                s.call(session.second, "POST", QStringLiteral("/v1/actions"), sampleAction());
            QCOMPARE(r.body.value(QStringLiteral("risk"))
                         .toObject()
                         .value(QStringLiteral("level"))
                         .toString(),
                     QStringLiteral("low"));
            QCOMPARE(r.body.value(QStringLiteral("status")).toString(), QStringLiteral("pending"));
        }
        QByteArray rules = builtInRules();
        rules.replace("\"auto_approve_low\": false", "\"auto_approve_low\": true");
        QVERIFY(rules.contains("\"auto_approve_low\": true"));
        TestServer s(TestServer::Options{false, {}, rules});
        const auto session = s.openSession(QStringLiteral("a"));
        const ApiResult low =
            s.call(session.second, "POST", QStringLiteral("/v1/actions"), sampleAction());
        QCOMPARE(low.body.value(QStringLiteral("status")).toString(), QStringLiteral("approved"));
        QCOMPARE(low.body.value(QStringLiteral("decision"))
                     .toObject()
                     .value(QStringLiteral("by"))
                     .toString(),
                 QStringLiteral("policy"));
        QCOMPARE(low.body.value(QStringLiteral("approvals")).toArray().size(),
                 0); // no person approved it
        const ApiResult d = s.call(session.second, "GET",
                                   QStringLiteral("/v1/actions/%1/decision?wait=5")
                                       .arg(low.body.value(QStringLiteral("id")).toString()));
        QCOMPARE(d.body.value(QStringLiteral("status")).toString(), QStringLiteral("approved"));
        QJsonObject risky = sampleAction(QStringLiteral("shell.exec"));
        risky.insert(QStringLiteral("payload"),
                     QJsonObject{{QStringLiteral("command"), QStringLiteral("rm -rf /srv/data")}});
        QCOMPARE(s.call(session.second, "POST", QStringLiteral("/v1/actions"), risky)
                     .body.value(QStringLiteral("status"))
                     .toString(),
                 QStringLiteral("pending"));
    }

    void anEditThatRaisesTheLevelRaisesTheApprovals()
    {
        TestServer s;
        const auto session = s.openSession(QStringLiteral("a"));
        const QString id = s.submit(session.second, sampleAction());
        const QJsonObject worse{{QStringLiteral("command"), QStringLiteral("rm -rf /srv/data")}};
        const ApiResult r = s.call(s.token(Role::Reviewer), "POST",
                                   QStringLiteral("/v1/actions/%1/decision").arg(id),
                                   QJsonObject{{QStringLiteral("decision"), QStringLiteral("edit")},
                                               {QStringLiteral("payload"), worse}});
        QCOMPARE(r.status, 200);
        // host://ci-runner-3 is not production: rm -rf alone is high, still one approval…
        QCOMPARE(r.body.value(QStringLiteral("approved_risk"))
                     .toObject()
                     .value(QStringLiteral("level"))
                     .toString(),
                 QStringLiteral("high"));
        QCOMPARE(r.body.value(QStringLiteral("payload")).toObject(),
                 sampleAction().value(QStringLiteral("payload")).toObject());
        // …while on a production target the edit becomes critical and needs a second reviewer.
        QJsonObject prod = sampleAction();
        prod.insert(QStringLiteral("target"), QStringLiteral("host://prod-db-1"));
        const QString id2 = s.submit(session.second, prod);
        const ApiResult r2 = s.call(
            s.token(Role::Reviewer), "POST", QStringLiteral("/v1/actions/%1/decision").arg(id2),
            QJsonObject{{QStringLiteral("decision"), QStringLiteral("edit")},
                        {QStringLiteral("payload"), worse}});
        QCOMPARE(r2.body.value(QStringLiteral("required_approvals")).toInt(), 2);
        QCOMPARE(r2.body.value(QStringLiteral("status")).toString(), QStringLiteral("pending"));
    }
};

QTEST_GUILESS_MAIN(TestRiskEngine)
#include "tst_riskengine.moc"
