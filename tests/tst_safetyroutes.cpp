// Every route of the safety layer x every kind of caller (as tst_roles does for the others),
// over real HTTP. Bodies are chosen so that an allowed caller changes nothing.
#include "support/TestServer.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest>

using namespace interlock;
using namespace interlock::test;

namespace {
enum Caller { None, Bad, Agent, OwnSession, OtherSession, Reviewer, Oncall, Manager, Admin, Count };
} // namespace

class TestSafetyRoutes : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        m_server = std::make_unique<TestServer>();
        const auto own = m_server->openSession(QStringLiteral("agent-a"));
        const auto other = m_server->openSession(QStringLiteral("agent-b"));
        m_session = own.first;
        m_tokens[None] = QString();
        m_tokens[Bad] = QStringLiteral("ilk_not-a-real-token");
        m_tokens[Agent] = m_server->token(Role::Agent);
        m_tokens[OwnSession] = own.second;
        m_tokens[OtherSession] = other.second;
        m_tokens[Reviewer] = m_server->token(Role::Reviewer);
        m_tokens[Oncall] = m_server->token(Role::Oncall);
        m_tokens[Manager] = m_server->token(Role::Manager);
        m_tokens[Admin] = m_server->token(Role::Admin);
    }

    void access_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QJsonObject>("body");
        QTest::addColumn<int>("caller");
        QTest::addColumn<int>("expected");
        struct Row {
            const char *name;
            QByteArray method;
            QString path;
            QJsonObject body;
            int expected[Count];
        };
        // A bulk decision of an unknown id is refused as a whole (422): nothing changes.
        const QJsonObject bulk{{QStringLiteral("ids"), QJsonArray{QStringLiteral("act_none")}},
                               {QStringLiteral("decision"), QStringLiteral("approve")}};
        // clang-format off
        const Row rows[] = {
            //                                                               none bad agent own other rev oncall mgr admin
            {"grants", "GET", QStringLiteral("/v1/grants"), {},              {401, 401, 403, 403, 403, 200, 200, 200, 200}},
            {"grant", "GET", QStringLiteral("/v1/grants/grt_none"), {},      {401, 401, 403, 403, 403, 404, 404, 404, 404}},
            {"revoke", "DELETE", QStringLiteral("/v1/grants/grt_none"), {},  {401, 401, 403, 403, 403, 404, 404, 403, 404}},
            {"resume", "POST", QStringLiteral("/v1/sessions/{S}/resume"), {},{401, 401, 403, 403, 403, 409, 409, 403, 409}},
            {"trips", "GET", QStringLiteral("/v1/trips"), {},                {401, 401, 403, 403, 403, 200, 200, 200, 200}},
            {"breakers", "GET", QStringLiteral("/v1/breakers"), {},          {401, 401, 403, 403, 403, 200, 200, 200, 200}},
            {"bulk", "POST", QStringLiteral("/v1/actions/bulk-decision"), bulk, {401, 401, 403, 403, 403, 422, 403, 403, 422}},
            {"metrics", "GET", QStringLiteral("/v1/metrics"), {},            {401, 401, 403, 403, 403, 200, 200, 200, 200}},
        };
        // clang-format on
        static const char *const callers[] = {"none",        "bad",           "agent",
                                              "own-session", "other-session", "reviewer",
                                              "oncall",      "manager",       "admin"};
        for (const Row &r : rows) {
            for (int c = 0; c < Count; ++c)
                QTest::addRow("%s as %s", r.name, callers[c])
                    << r.method << r.path << r.body << c << r.expected[c];
        }
    }
    void access()
    {
        QFETCH(QByteArray, method);
        QFETCH(QString, path);
        QFETCH(QJsonObject, body);
        QFETCH(int, caller);
        QFETCH(int, expected);
        path.replace(QStringLiteral("{S}"), m_session);
        // Raw HTTP: the metrics answer is text, not JSON.
        QList<QByteArray> headers;
        if (!m_tokens[caller].isEmpty())
            headers.append("Authorization: Bearer " + m_tokens[caller].toLatin1());
        QByteArray bytes;
        if (method == "POST") {
            headers.append("Content-Type: application/json");
            bytes = QJsonDocument(body).toJson(QJsonDocument::Compact);
        }
        const RawResponse r =
            rawHttp(m_server->port(), rawRequest(method, path.toLatin1(), bytes, headers));
        QVERIFY2(r.status == expected, qPrintable(QStringLiteral("%1 %2: got %3, body %4")
                                                      .arg(QString::fromLatin1(method), path)
                                                      .arg(r.status)
                                                      .arg(QString::fromUtf8(r.body.left(300)))));
    }

private:
    std::unique_ptr<TestServer> m_server;
    QString m_session;
    QString m_tokens[Count];
};

QTEST_GUILESS_MAIN(TestSafetyRoutes)
#include "tst_safetyroutes.moc"
