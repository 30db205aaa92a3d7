// Every endpoint x every kind of caller, over real HTTP against a real database file.
#include "support/TestServer.h"

#include <QtTest>

using namespace interlock;
using namespace interlock::test;

namespace {
enum Caller {
    None,
    Bad,
    Agent,
    OwnSession,
    OtherSession,
    Reviewer,
    Oncall,
    Manager,
    Admin,
    CallerCount
};
const char *const kCallerNames[] = {"none",     "bad",    "agent",   "own-session", "other-session",
                                    "reviewer", "oncall", "manager", "admin"};

struct Endpoint {
    const char *name;
    QByteArray method;
    QString path; // {S} own session id, {A} own action id
    std::optional<QJsonObject> body;
    int expected[CallerCount];
};
} // namespace

class TestRoles : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        m_server = std::make_unique<TestServer>();
        const auto own = m_server->openSession(QStringLiteral("agent-a"));
        const auto other = m_server->openSession(QStringLiteral("agent-b"));
        m_ownSession = own.first;
        m_tokens[None] = QString();
        m_tokens[Bad] = QStringLiteral("ilk_not-a-real-token");
        m_tokens[Agent] = m_server->token(Role::Agent);
        m_tokens[OwnSession] = own.second;
        m_tokens[OtherSession] = other.second;
        m_tokens[Reviewer] = m_server->token(Role::Reviewer);
        m_tokens[Oncall] = m_server->token(Role::Oncall);
        m_tokens[Manager] = m_server->token(Role::Manager);
        m_tokens[Admin] = m_server->token(Role::Admin);
        m_ownAction = m_server->submit(own.second, sampleAction());
        QVERIFY(!m_ownAction.isEmpty());
    }

    void access_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QJsonObject>("body");
        QTest::addColumn<bool>("hasBody");
        QTest::addColumn<int>("caller");
        QTest::addColumn<int>("expected");

        // Bodies are chosen so that an allowed caller changes nothing: a decision with a stale
        // version (409) and a receipt with a bad outcome (422).
        const QJsonObject staleDecision{{QStringLiteral("decision"), QStringLiteral("approve")},
                                        {QStringLiteral("version"), 999}};
        const QJsonObject badReceipt{
            {QStringLiteral("outcome"), QStringLiteral("maybe")},
            {QStringLiteral("payload_sha256"), QString(64, QLatin1Char('0'))}};
        //                                                       none bad  agent own  other rev oncl
        //                                                       mgr  admin
        const Endpoint endpoints[] = {
            {"health",
             "GET",
             QStringLiteral("/v1/health"),
             {},
             {200, 200, 200, 200, 200, 200, 200, 200, 200}},
            {"me",
             "GET",
             QStringLiteral("/v1/me"),
             {},
             {401, 401, 200, 200, 200, 200, 200, 200, 200}},
            {"open-session",
             "POST",
             QStringLiteral("/v1/sessions"),
             QJsonObject{{QStringLiteral("agent"), QStringLiteral("x")}},
             {401, 401, 201, 403, 403, 403, 403, 403, 201}},
            // clang-format off
            {"get-session", "GET", QStringLiteral("/v1/sessions/{S}"), {}, {401, 401, 403, 200, 404, 200, 200, 200, 200}},
            {"kill-unknown", "POST", QStringLiteral("/v1/sessions/ses_none/kill"), QJsonObject{}, {401, 401, 403, 403, 403, 404, 404, 403, 404}},
            {"terminated-bad-body", "POST", QStringLiteral("/v1/sessions/{S}/terminated"),
             QJsonObject{{QStringLiteral("exit_code"), QStringLiteral("x")}}, {401, 401, 403, 403, 403, 403, 403, 403, 403}},
            {"audit", "GET", QStringLiteral("/v1/audit"), {}, {401, 401, 403, 403, 403, 403, 403, 200, 200}},
            {"audit-verify", "GET", QStringLiteral("/v1/audit/verify"), {}, {401, 401, 403, 403, 403, 403, 403, 200, 200}},
            {"history", "GET", QStringLiteral("/v1/history"), {}, {401, 401, 403, 403, 403, 403, 403, 200, 200}},
            {"history-export", "GET", QStringLiteral("/v1/history/export?format=json"), {}, {401, 401, 403, 403, 403, 403, 403, 200, 200}},
            {"stats", "GET", QStringLiteral("/v1/stats"), {}, {401, 401, 403, 403, 403, 403, 403, 200, 200}},
            // clang-format on
            {"list-sessions",
             "GET",
             QStringLiteral("/v1/sessions"),
             {},
             {401, 401, 403, 403, 403, 200, 200, 200, 200}},
            {"session-events",
             "GET",
             QStringLiteral("/v1/sessions/{S}/events"),
             {},
             {401, 401, 403, 200, 404, 200, 200, 200, 200}},
            {"submit",
             "POST",
             QStringLiteral("/v1/actions"),
             sampleAction(),
             {401, 401, 403, 201, 201, 403, 403, 403, 403}},
            {"list-actions",
             "GET",
             QStringLiteral("/v1/actions"),
             {},
             {401, 401, 403, 403, 403, 200, 200, 200, 200}},
            {"get-action",
             "GET",
             QStringLiteral("/v1/actions/{A}"),
             {},
             {401, 401, 403, 200, 404, 200, 200, 200, 200}},
            {"collect-decision",
             "GET",
             QStringLiteral("/v1/actions/{A}/decision"),
             {},
             {401, 401, 403, 200, 404, 403, 403, 403, 403}},
            {"decide",
             "POST",
             QStringLiteral("/v1/actions/{A}/decision"),
             staleDecision,
             {401, 401, 403, 403, 403, 409, 403, 403, 409}},
            {"receipt",
             "POST",
             QStringLiteral("/v1/actions/{A}/receipt"),
             badReceipt,
             {401, 401, 403, 422, 404, 403, 403, 403, 403}},
            {"withdraw",
             "POST",
             QStringLiteral("/v1/actions/{A}/withdraw"),
             QJsonObject{{QStringLiteral("reason"), 5}},
             {401, 401, 403, 422, 404, 403, 403, 403, 403}},
            {"events",
             "GET",
             QStringLiteral("/v1/events"),
             {},
             {401, 401, 403, 403, 403, 200, 200, 200, 200}},
        };
        for (const Endpoint &e : endpoints) {
            for (int c = 0; c < CallerCount; ++c) {
                QTest::addRow("%s/%s", e.name, kCallerNames[c])
                    << e.method << e.path << e.body.value_or(QJsonObject()) << e.body.has_value()
                    << c << e.expected[c];
            }
        }
    }

    void access()
    {
        QFETCH(QByteArray, method);
        QFETCH(QString, path);
        QFETCH(QJsonObject, body);
        QFETCH(bool, hasBody);
        QFETCH(int, caller);
        QFETCH(int, expected);
        path.replace(QStringLiteral("{S}"), m_ownSession)
            .replace(QStringLiteral("{A}"), m_ownAction);
        // An agent name belongs to the token that first used it: each caller opens its own.
        if (body.contains(QStringLiteral("agent")))
            body.insert(QStringLiteral("agent"),
                        QString(body.value(QStringLiteral("agent")).toString() + QLatin1Char('-') +
                                QLatin1String(kCallerNames[caller])));
        const ApiResult r = m_server->call(m_tokens[caller], method, path,
                                           hasBody ? std::optional(body) : std::nullopt);
        QCOMPARE(r.status, expected);
        if (expected >= 400) {
            // Every refusal carries the documented error shape.
            QVERIFY2(!r.error().code.isEmpty(), qPrintable(r.describe()));
            QVERIFY(!r.error().message.isEmpty());
            if (expected == 401)
                QCOMPARE(r.error().code, QStringLiteral("unauthenticated"));
            if (expected == 403)
                QCOMPARE(r.error().code, QStringLiteral("forbidden"));
        }
    }

    void meNamesTheCaller()
    {
        const ApiResult r = m_server->call(m_tokens[OwnSession], "GET", QStringLiteral("/v1/me"));
        QCOMPARE(r.body.value(QStringLiteral("role")).toString(), QStringLiteral("session"));
        QCOMPARE(r.body.value(QStringLiteral("session_id")).toString(), m_ownSession);
        const ApiResult rev = m_server->call(m_tokens[Reviewer], "GET", QStringLiteral("/v1/me"));
        QCOMPARE(rev.body.value(QStringLiteral("role")).toString(), QStringLiteral("reviewer"));
        QCOMPARE(rev.body.value(QStringLiteral("name")).toString(),
                 QStringLiteral("reviewer-user"));
    }

private:
    std::unique_ptr<TestServer> m_server;
    QString m_tokens[CallerCount];
    QString m_ownSession;
    QString m_ownAction;
};

QTEST_GUILESS_MAIN(TestRoles)
#include "tst_roles.moc"
