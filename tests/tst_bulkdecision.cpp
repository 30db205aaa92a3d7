// POST /v1/actions/bulk-decision over real HTTP: refused as a whole when anything listed may
// not be decided together, otherwise each action decided on its own (own decision, own audit
// entry), with per-item conflicts, self-approval and freezes.
#include "support/TestServer.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest>

using namespace interlock;
using namespace interlock::test;

namespace {
QJsonObject bulk(const QStringList &ids, const QString &decision, const QString &comment = {})
{
    QJsonObject o{{QStringLiteral("ids"), QJsonArray::fromStringList(ids)},
                  {QStringLiteral("decision"), decision}};
    if (!comment.isEmpty())
        o.insert(QStringLiteral("comment"), comment);
    return o;
}

QJsonObject highAction()
{
    QJsonObject a =
        sampleAction(QStringLiteral("shell.exec"), QStringLiteral("Wipe the build host"));
    a.insert(QStringLiteral("payload"),
             QJsonObject{{QStringLiteral("command"), QStringLiteral("rm -rf /srv/build")}});
    return a;
}

const QString kBulk = QStringLiteral("/v1/actions/bulk-decision");
} // namespace

class TestBulkDecision : public QObject
{
    Q_OBJECT

private:
    static QString statusOf(TestServer &s, const QString &id)
    {
        return s.call(s.token(Role::Admin), "GET", QStringLiteral("/v1/actions/") + id)
            .body.value(QStringLiteral("status"))
            .toString();
    }

private Q_SLOTS:
    void approvesEachWithItsOwnDecisionAndAuditEntry()
    {
        TestServer s;
        const auto [sid, token] = s.openSession(QStringLiteral("builder"));
        QStringList ids;
        for (int i = 0; i < 3; ++i)
            ids.append(s.submit(token, sampleAction()));
        ids.append(s.submit(token, sampleAction(QStringLiteral("message.post")))); // medium? low
        const ApiResult r = s.call(s.token(Role::Reviewer), "POST", kBulk,
                                   bulk(ids, QStringLiteral("approve"), QStringLiteral("routine")));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body.value(QStringLiteral("decided")).toInt(), 4);
        QCOMPARE(r.body.value(QStringLiteral("failed")).toInt(), 0);
        const QJsonArray results = r.body.value(QStringLiteral("results")).toArray();
        QCOMPARE(results.size(), 4);
        for (int i = 0; i < 4; ++i) {
            const QJsonObject item = results[i].toObject();
            QCOMPARE(item.value(QStringLiteral("id")).toString(), ids[i]);
            QVERIFY(item.value(QStringLiteral("ok")).toBool());
            const QJsonObject decision = item.value(QStringLiteral("action"))
                                             .toObject()
                                             .value(QStringLiteral("decision"))
                                             .toObject();
            QCOMPARE(decision.value(QStringLiteral("by")).toString(),
                     QStringLiteral("reviewer-user"));
            QCOMPARE(decision.value(QStringLiteral("comment")).toString(),
                     QStringLiteral("routine"));
            QCOMPARE(statusOf(s, ids[i]), QStringLiteral("approved"));
        }
        QSet<QString> audited;
        for (const QJsonValue &v :
             s.call(s.token(Role::Admin), "GET", QStringLiteral("/v1/audit?limit=500"))
                 .body.value(QStringLiteral("entries"))
                 .toArray()) {
            const QJsonObject e = v.toObject();
            if (e.value(QStringLiteral("type")).toString() == QLatin1String("action.approve"))
                audited.insert(e.value(QStringLiteral("subject")).toString());
        }
        QCOMPARE(audited, QSet<QString>(ids.cbegin(), ids.cend()));
        Q_UNUSED(sid);
    }

    void refusedAsAWhole_data()
    {
        QTest::addColumn<QString>("decision");
        QTest::addColumn<QString>("odd"); // high | decided | unknown
        QTest::addColumn<QString>("reason");
        QTest::newRow("a high action") << "approve"
                                       << "high"
                                       << "high";
        QTest::newRow("a critical action") << "approve"
                                           << "critical"
                                           << "critical";
        QTest::newRow("a decided action") << "approve"
                                          << "decided"
                                          << "not_pending";
        QTest::newRow("an unknown id") << "approve"
                                       << "unknown"
                                       << "not_found";
        QTest::newRow("reject: a decided action") << "reject"
                                                  << "decided"
                                                  << "not_pending";
    }
    void refusedAsAWhole()
    {
        QFETCH(QString, decision);
        QFETCH(QString, odd);
        QFETCH(QString, reason);
        TestServer s;
        const auto [sid, token] = s.openSession(QStringLiteral("builder"));
        const QString a = s.submit(token, sampleAction());
        const QString b = s.submit(token, sampleAction());
        QString oddId;
        if (odd == QLatin1String("high")) {
            oddId = s.submit(token, highAction());
        } else if (odd == QLatin1String("critical")) {
            QJsonObject c = sampleAction();
            c.insert(QStringLiteral("risk"), QJsonObject{{QStringLiteral("score"), 90}});
            oddId = s.submit(token, c);
        } else if (odd == QLatin1String("decided")) {
            oddId = s.submit(token, sampleAction());
            QCOMPARE(s.call(s.token(Role::Reviewer), "POST",
                            QStringLiteral("/v1/actions/%1/decision").arg(oddId),
                            QJsonObject{{QStringLiteral("decision"), QStringLiteral("approve")}})
                         .status,
                     200);
        } else {
            oddId = QStringLiteral("act_nothing");
        }
        const ApiResult r = s.call(s.token(Role::Reviewer), "POST", kBulk,
                                   bulk({a, oddId, b}, decision, QStringLiteral("batch")));
        QCOMPARE(r.status, 422);
        QCOMPARE(r.error().code, QStringLiteral("bulk_refused"));
        QVERIFY2(r.error().message.contains(oddId), qPrintable(r.error().message));
        const QJsonArray refused = r.body.value(QStringLiteral("error"))
                                       .toObject()
                                       .value(QStringLiteral("refused"))
                                       .toArray();
        QCOMPARE(refused.size(), 1);
        QCOMPARE(refused[0].toObject().value(QStringLiteral("id")).toString(), oddId);
        QCOMPARE(refused[0].toObject().value(QStringLiteral("reason")).toString(), reason);
        // Nothing was decided.
        QCOMPARE(statusOf(s, a), QStringLiteral("pending"));
        QCOMPARE(statusOf(s, b), QStringLiteral("pending"));
        Q_UNUSED(sid);
    }

    void highAndCriticalCanBeRejectedTogether()
    {
        TestServer s;
        const auto [sid, token] = s.openSession(QStringLiteral("builder"));
        const QStringList ids{s.submit(token, highAction()), s.submit(token, highAction()),
                              s.submit(token, sampleAction())};
        const ApiResult r =
            s.call(s.token(Role::Reviewer), "POST", kBulk,
                   bulk(ids, QStringLiteral("reject"), QStringLiteral("not today")));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body.value(QStringLiteral("decided")).toInt(), 3);
        for (const QString &id : ids)
            QCOMPARE(statusOf(s, id), QStringLiteral("rejected"));
        Q_UNUSED(sid);
    }

    void badRequests()
    {
        TestServer s;
        const auto [sid, token] = s.openSession(QStringLiteral("builder"));
        const QString a = s.submit(token, sampleAction());
        const QString reviewer = s.token(Role::Reviewer);
        const auto code = [&](const QJsonObject &body) {
            return s.call(reviewer, "POST", kBulk, body).error().code;
        };
        QCOMPARE(code(bulk({a}, QStringLiteral("reject"))),
                 QStringLiteral("invalid_field")); // no comment
        QCOMPARE(code(bulk({}, QStringLiteral("approve"))), QStringLiteral("invalid_field"));
        QCOMPARE(code(bulk({a, a}, QStringLiteral("approve"))), QStringLiteral("invalid_field"));
        QCOMPARE(code(bulk({a}, QStringLiteral("edit"))), QStringLiteral("invalid_field"));
        QStringList many;
        for (int i = 0; i < 501; ++i)
            many.append(QStringLiteral("act_%1").arg(i));
        QCOMPARE(code(bulk(many, QStringLiteral("approve"))), QStringLiteral("invalid_field"));
        // Who may: reviewers and admins, as for one decision.
        for (Role role : {Role::Oncall, Role::Manager, Role::Agent})
            QCOMPARE(
                s.call(s.token(role), "POST", kBulk, bulk({a}, QStringLiteral("approve"))).status,
                403);
        QCOMPARE(s.call(token, "POST", kBulk, bulk({a}, QStringLiteral("approve"))).status, 403);
        QCOMPARE(statusOf(s, a), QStringLiteral("pending"));
        Q_UNUSED(sid);
    }

    // Per item: the owner's own action is refused (self-approval), a stale version is a
    // conflict; the others are approved.
    void perItemRulesHold()
    {
        TestServer s;
        const auto [mine, myToken] =
            s.openSession(QStringLiteral("builder"), QStringLiteral("reviewer-user"));
        const auto [theirs, token] = s.openSession(QStringLiteral("builder"));
        const QString own = s.submit(myToken, sampleAction());
        const QString stale = s.submit(token, sampleAction());
        const QString fine = s.submit(token, sampleAction());
        QJsonObject body = bulk({own, stale, fine}, QStringLiteral("approve"));
        body.insert(QStringLiteral("versions"), QJsonObject{{stale, 7}, {fine, 1}});
        const ApiResult r = s.call(s.token(Role::Reviewer), "POST", kBulk, body);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body.value(QStringLiteral("decided")).toInt(), 1);
        const QJsonArray results = r.body.value(QStringLiteral("results")).toArray();
        QCOMPARE(results[0]
                     .toObject()
                     .value(QStringLiteral("error"))
                     .toObject()
                     .value(QStringLiteral("code"))
                     .toString(),
                 QStringLiteral("self_approval"));
        QCOMPARE(results[0].toObject().value(QStringLiteral("status")).toInt(), 403);
        QCOMPARE(results[1]
                     .toObject()
                     .value(QStringLiteral("error"))
                     .toObject()
                     .value(QStringLiteral("code"))
                     .toString(),
                 QStringLiteral("version_conflict"));
        QCOMPARE(results[1].toObject().value(QStringLiteral("status")).toInt(), 409);
        QVERIFY(results[2].toObject().value(QStringLiteral("ok")).toBool());
        QCOMPARE(statusOf(s, own), QStringLiteral("pending"));
        QCOMPARE(statusOf(s, stale), QStringLiteral("pending"));
        QCOMPARE(statusOf(s, fine), QStringLiteral("approved"));
        Q_UNUSED(mine);
        Q_UNUSED(theirs);
    }

    // Decided in the meantime: a bulk rejection trips a kill breaker halfway, the session's other
    // pending actions are cancelled, and the rest of the list is reported as conflicts.
    void decidedMeanwhileIsAConflict()
    {
        QFile f(QStringLiteral(":/risk/rules.json"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QJsonObject root = QJsonDocument::fromJson(f.readAll()).object();
        root.insert(QStringLiteral("breakers"),
                    QJsonArray{QJsonObject{
                        {QStringLiteral("id"), QStringLiteral("rejected")},
                        {QStringLiteral("measure"), QStringLiteral("rejections_in_a_row")},
                        {QStringLiteral("more_than"), 2},
                        {QStringLiteral("action"), QStringLiteral("kill")}}});
        TestServer::Options o;
        o.riskRules = QJsonDocument(root).toJson();
        TestServer s(o);
        const auto [sid, token] = s.openSession(QStringLiteral("forum-bot"));
        QStringList ids;
        for (int i = 0; i < 5; ++i)
            ids.append(s.submit(token, sampleAction()));
        const ApiResult r = s.call(s.token(Role::Reviewer), "POST", kBulk,
                                   bulk(ids, QStringLiteral("reject"), QStringLiteral("spam")));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body.value(QStringLiteral("decided")).toInt(), 3);
        // Decided in id order; the results keep the order given.
        const QJsonArray results = r.body.value(QStringLiteral("results")).toArray();
        QStringList byId = ids;
        byId.sort();
        for (int i = 0; i < 5; ++i) {
            const QJsonObject result = results[i].toObject();
            QCOMPARE(result.value(QStringLiteral("id")).toString(), ids[i]);
            const bool late = byId.indexOf(ids[i]) >= 3;
            QCOMPARE(result.value(QStringLiteral("status")).toInt(), late ? 409 : 200);
            QCOMPARE(statusOf(s, ids[i]),
                     late ? QStringLiteral("cancelled") : QStringLiteral("rejected"));
        }
        QCOMPARE(s.call(token, "GET", QStringLiteral("/v1/me")).error().code,
                 QStringLiteral("session_killed"));
        Q_UNUSED(sid);
    }
};

QTEST_GUILESS_MAIN(TestBulkDecision)
#include "tst_bulkdecision.moc"
