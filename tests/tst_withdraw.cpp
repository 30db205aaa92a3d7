// POST /v1/actions/{id}/withdraw: an agent takes back a pending action nobody should decide
// any more (the MCP client cancelled the call, the hook's deadline passed).
#include "support/TestServer.h"

#include <QJsonArray>
#include <QtTest>

using namespace interlock;
using namespace interlock::test;

class TestWithdraw : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void pendingBecomesCancelled()
    {
        TestServer s;
        const auto [sessionId, token] = s.openSession(QStringLiteral("gateway"));
        const QString id = s.submit(token, sampleAction());
        // A long-poll of the decision is woken by the withdrawal and says so.
        ApiClient agent(s.url(), token);
        ApiResult waited;
        agent.request("GET", QStringLiteral("/v1/actions/%1/decision?wait=30").arg(id),
                      std::nullopt, [&](const ApiResult &r) { waited = r; });
        const ApiResult r =
            s.call(token, "POST", QStringLiteral("/v1/actions/%1/withdraw").arg(id),
                   QJsonObject{{QStringLiteral("reason"), QStringLiteral("the client cancelled")}});
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body.value("status").toString(), QStringLiteral("cancelled"));
        QCOMPARE(r.body.value("withdrawn").toObject().value("reason").toString(),
                 QStringLiteral("the client cancelled"));
        QTRY_COMPARE_WITH_TIMEOUT(waited.status, 200, 5000);
        QCOMPARE(waited.body.value("status").toString(), QStringLiteral("cancelled"));
        // Nobody can decide it any more, and it cannot be withdrawn twice.
        const ApiResult decide = s.call(
            s.token(Role::Reviewer), "POST", QStringLiteral("/v1/actions/%1/decision").arg(id),
            QJsonObject{{QStringLiteral("decision"), QStringLiteral("approve")}});
        QCOMPARE(decide.status, 409);
        QCOMPARE(
            s.call(token, "POST", QStringLiteral("/v1/actions/%1/withdraw").arg(id), QJsonObject{})
                .status,
            409);
        // Recorded in the audit chain, by the session.
        const QJsonArray audit =
            s.call(s.token(Role::Admin), "GET", QStringLiteral("/v1/audit?limit=500"))
                .body.value("entries")
                .toArray();
        bool found = false;
        for (const QJsonValue &e : audit)
            found =
                found || e.toObject().value("type").toString() == QLatin1String("action.withdraw");
        QVERIFY(found);
        QVERIFY(s.call(s.token(Role::Admin), "GET", QStringLiteral("/v1/audit/verify"))
                    .body.value("ok")
                    .toBool());
    }

    void onlyItsOwnPendingActions()
    {
        TestServer s;
        const auto own = s.openSession(QStringLiteral("a"));
        const auto other = s.openSession(QStringLiteral("b"));
        const QString id = s.submit(own.second, sampleAction());
        const QString path = QStringLiteral("/v1/actions/%1/withdraw").arg(id);
        QCOMPARE(s.call(other.second, "POST", path, QJsonObject{}).status, 404);
        QCOMPARE(s.call(s.token(Role::Reviewer), "POST", path, QJsonObject{}).status, 403);
        QCOMPARE(
            s.call(own.second, "POST", path, QJsonObject{{"reason", QString(501, 'x')}}).status,
            422);
        QCOMPARE(s.call(own.second, "POST", path, QJsonObject{{"status", "approved"}}).status, 422);
        QCOMPARE(s.call(s.token(Role::Reviewer), "POST",
                        QStringLiteral("/v1/actions/%1/decision").arg(id),
                        QJsonObject{{"decision", "reject"}, {"comment", "no"}})
                     .status,
                 200);
        const ApiResult late = s.call(own.second, "POST", path, QJsonObject{});
        QCOMPARE(late.status, 409);
        QCOMPARE(late.error().code, QStringLiteral("already_decided"));
    }

    void agentsCannotSetItThemselves()
    {
        TestServer s;
        const auto own = s.openSession(QStringLiteral("a"));
        QJsonObject body = sampleAction();
        body.insert(QStringLiteral("withdrawn"), QJsonObject{{"at", "2026-01-01T00:00:00Z"}});
        QCOMPARE(s.call(own.second, "POST", QStringLiteral("/v1/actions"), body).status, 422);
    }
};

QTEST_GUILESS_MAIN(TestWithdraw)
#include "tst_withdraw.moc"
