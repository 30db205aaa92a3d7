// Hostile and malformed input: each gets its documented error JSON, and the server stays healthy.
#include "server/WaitHub.h"
#include "support/TestServer.h"

#include <QJsonDocument>
#include <QRandomGenerator>
#include <QTcpSocket>
#include <QtTest>

using namespace interlock;
using namespace interlock::test;

namespace {
QByteArray json(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QByteArray withField(const QString &key, const QJsonValue &value)
{
    QJsonObject o = sampleAction();
    o.insert(key, value);
    return json(o);
}

QByteArray without(const QString &key)
{
    QJsonObject o = sampleAction();
    o.remove(key);
    return json(o);
}
} // namespace

class TestBadInput : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        m_server = std::make_unique<TestServer>();
        const auto session = m_server->openSession(QStringLiteral("fuzzed"));
        m_session = session.second;
    }

    void documentedErrors_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QByteArray>("contentType");
        QTest::addColumn<QString>("who");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("field");

        const QByteArray ct = "application/json";
        const QByteArray post = "POST", get = "GET", actions = "/v1/actions";
        const QString ses = QStringLiteral("session"), rev = QStringLiteral("reviewer"),
                      agent = QStringLiteral("agent");
        const QString invalidField = QStringLiteral("invalid_field");
        QTest::newRow("malformed json")
            << post << actions << QByteArray("{\"kind\":") << ct << ses << 400 << "invalid_json"
            << "";
        QTest::newRow("trailing garbage")
            << post << actions << QByteArray("{} x") << ct << ses << 400 << "invalid_json"
            << "";
        // A leading U+FEFF is dropped by JSON readers (Qt's among them) once written raw: a
        // second "command" after storage or in the console, a title that changes.
        QTest::newRow("name starting with a byte order mark")
            << post << actions
            << QByteArray("{\"kind\":\"shell.exec\",\"title\":\"List\",\"payload\":"
                          "{\"\\ufeffcommand\":\"rm -rf /\",\"command\":\"ls\"}}")
            << ct << ses << 422 << invalidField << QString::fromUtf16(u"payload.\uFEFFcommand");
        QTest::newRow("text starting with a byte order mark")
            << post << actions
            << QByteArray("{\"kind\":\"shell.exec\",\"title\":\"List\",\"payload\":"
                          "{\"command\":\"ls\",\"args\":[\"a\",\"\\uFEFFb\"]}}")
            << ct << ses << 422 << invalidField << QStringLiteral("payload.args[1]");
        QTest::newRow("empty body")
            << post << actions << QByteArray() << ct << ses << 400 << "invalid_json"
            << "";
        QTest::newRow("array body")
            << post << actions << QByteArray("[1,2]") << ct << ses << 422 << invalidField << "";
        QTest::newRow("invalid utf-8")
            << post << actions
            << QByteArray("{\"kind\":\"shell.exec\",\"title\":\"\xff\xfe\",\"payload\":{}}") << ct
            << ses << 400 << "invalid_json"
            << "";
        QTest::newRow("overlong utf-8")
            << post << actions
            << QByteArray("{\"kind\":\"shell.exec\",\"title\":\"\xc0\xaf\",\"payload\":{}}") << ct
            << ses << 400 << "invalid_json"
            << "";
        QTest::newRow("title wrong type")
            << post << actions << withField(QStringLiteral("title"), 5) << ct << ses << 422
            << invalidField << "title";
        QTest::newRow("title missing") << post << actions << without(QStringLiteral("title")) << ct
                                       << ses << 422 << invalidField << "title";
        QTest::newRow("kind missing") << post << actions << without(QStringLiteral("kind")) << ct
                                      << ses << 422 << invalidField << "kind";
        QTest::newRow("payload missing") << post << actions << without(QStringLiteral("payload"))
                                         << ct << ses << 422 << invalidField << "payload";
        QTest::newRow("payload string")
            << post << actions << withField(QStringLiteral("payload"), QStringLiteral("rm -rf /"))
            << ct << ses << 422 << invalidField << "payload";
        QTest::newRow("kind shape")
            << post << actions << withField(QStringLiteral("kind"), QStringLiteral("Rm -rf")) << ct
            << ses << 422 << invalidField << "kind";
        QTest::newRow("control char")
            << post << actions << withField(QStringLiteral("title"), QStringLiteral("a\u001bb"))
            << ct << ses << 422 << invalidField << "title";
        QTest::newRow("title too long")
            << post << actions << withField(QStringLiteral("title"), QString(201, QLatin1Char('t')))
            << ct << ses << 422 << invalidField << "title";
        QTest::newRow("unknown field")
            << post << actions << withField(QStringLiteral("run_now"), true) << ct << ses << 422
            << invalidField << "run_now";
        QTest::newRow("expires_in zero")
            << post << actions << withField(QStringLiteral("expires_in"), 0) << ct << ses << 422
            << invalidField << "expires_in";
        QTest::newRow("expires_in string")
            << post << actions << withField(QStringLiteral("expires_in"), QStringLiteral("10"))
            << ct << ses << 422 << invalidField << "expires_in";
        QTest::newRow("expires_in fraction")
            << post << actions << withField(QStringLiteral("expires_in"), 1.5) << ct << ses << 422
            << invalidField << "expires_in";
        QTest::newRow("risk score 101")
            << post << actions
            << withField(QStringLiteral("risk"), QJsonObject{{QStringLiteral("score"), 101}}) << ct
            << ses << 422 << invalidField << "risk.score";
        QTest::newRow("risk level by agent")
            << post << actions
            << withField(QStringLiteral("risk"),
                         QJsonObject{{QStringLiteral("level"), QStringLiteral("low")}})
            << ct << ses << 422 << invalidField << "risk.level";
        QTest::newRow("change not object")
            << post << actions << withField(QStringLiteral("changes"), QJsonArray{1}) << ct << ses
            << 422 << invalidField << "changes[0]";
        QTest::newRow("change path missing")
            << post << actions
            << withField(QStringLiteral("changes"),
                         QJsonArray{QJsonObject{{QStringLiteral("after"), QStringLiteral("x")}}})
            << ct << ses << 422 << invalidField << "changes[0].path";
        {
            QJsonObject both = sampleAction();
            both.insert(QStringLiteral("diff"), QStringLiteral("--- a\n+++ b\n"));
            both.insert(QStringLiteral("changes"),
                        QJsonArray{QJsonObject{{QStringLiteral("path"), QStringLiteral("a")}}});
            QTest::newRow("diff and changes")
                << post << actions << json(both) << ct << ses << 422 << invalidField << "diff";
        }
        QTest::newRow("2 MiB body")
            << post << actions
            << withField(QStringLiteral("summary"), QString(2 * 1024 * 1024, QLatin1Char('x')))
            << ct << ses << 413 << "payload_too_large"
            << "";
        QTest::newRow("text/plain")
            << post << actions << json(sampleAction()) << QByteArray("text/plain") << ses << 415
            << "unsupported_media_type"
            << "";
        QTest::newRow("no content type") << post << actions << json(sampleAction()) << QByteArray()
                                         << ses << 415 << "unsupported_media_type"
                                         << "";
        QTest::newRow("form encoded") << post << actions << QByteArray("kind=shell.exec")
                                      << QByteArray("application/x-www-form-urlencoded") << ses
                                      << 415 << "unsupported_media_type"
                                      << "";
        QTest::newRow("unknown path") << get << QByteArray("/v1/nothing") << QByteArray()
                                      << QByteArray() << rev << 404 << "not_found"
                                      << "";
        QTest::newRow("v2 path") << get << QByteArray("/v2/actions") << QByteArray() << QByteArray()
                                 << rev << 404 << "not_found"
                                 << "";
        QTest::newRow("root") << get << QByteArray("/") << QByteArray() << QByteArray() << rev
                              << 404 << "not_found"
                              << "";
        QTest::newRow("unknown action") << get << QByteArray("/v1/actions/act_nope") << QByteArray()
                                        << QByteArray() << rev << 404 << "not_found"
                                        << "";
        QTest::newRow("wrong method") << QByteArray("PUT") << actions << QByteArray()
                                      << QByteArray() << rev << 405 << "method_not_allowed"
                                      << "";
        QTest::newRow("huge wait") << get << QByteArray("/v1/events?wait=100000") << QByteArray()
                                   << QByteArray() << rev << 422 << invalidField << "wait";
        QTest::newRow("negative wait") << get << QByteArray("/v1/events?wait=-1") << QByteArray()
                                       << QByteArray() << rev << 422 << invalidField << "wait";
        QTest::newRow("wait not a number")
            << get << QByteArray("/v1/events?wait=soon") << QByteArray() << QByteArray() << rev
            << 422 << invalidField << "wait";
        QTest::newRow("wait nan") << get << QByteArray("/v1/events?wait=nan") << QByteArray()
                                  << QByteArray() << rev << 422 << invalidField << "wait";
        QTest::newRow("after negative") << get << QByteArray("/v1/events?after=-2") << QByteArray()
                                        << QByteArray() << rev << 422 << invalidField << "after";
        QTest::newRow("limit zero") << get << QByteArray("/v1/actions?limit=0") << QByteArray()
                                    << QByteArray() << rev << 422 << invalidField << "limit";
        QTest::newRow("limit huge")
            << get << QByteArray("/v1/actions?limit=99999999999") << QByteArray() << QByteArray()
            << rev << 422 << invalidField << "limit";
        QTest::newRow("risk_min 101")
            << get << QByteArray("/v1/actions?risk_min=101") << QByteArray() << QByteArray() << rev
            << 422 << invalidField << "risk_min";
        QTest::newRow("status bogus")
            << get << QByteArray("/v1/actions?status=done") << QByteArray() << QByteArray() << rev
            << 422 << invalidField << "status";
        QTest::newRow("cursor forged")
            << get << QByteArray("/v1/actions?cursor=!!!") << QByteArray() << QByteArray() << rev
            << 422 << invalidField << "cursor";
        QTest::newRow("decision unknown") << post << QByteArray("/v1/actions/act_x/decision")
                                          << QByteArray("{\"decision\":\"yes\"}") << ct << rev
                                          << 422 << invalidField << "decision";
        QTest::newRow("edit without payload") << post << QByteArray("/v1/actions/act_x/decision")
                                              << QByteArray("{\"decision\":\"edit\"}") << ct << rev
                                              << 422 << invalidField << "payload";
        QTest::newRow("session agent empty")
            << post << QByteArray("/v1/sessions") << QByteArray("{\"agent\":\"\"}") << ct << agent
            << 422 << invalidField << "agent";
        // Reviewers read the name and breakers count by it: "deploy-bot" and "deploy-bot" with a
        // zero-width space or a mathematical letter must not be two agents that look like one.
        QTest::newRow("session agent with a zero-width space")
            << post << QByteArray("/v1/sessions") << QByteArray("{\"agent\":\"deploy-bot\\u200b\"}")
            << ct << agent << 422 << invalidField << "agent";
        QTest::newRow("session agent with a mathematical letter")
            << post << QByteArray("/v1/sessions")
            << QByteArray("{\"agent\":\"deploy-b\\ud835\\uddc8t\"}") << ct << agent << 422
            << invalidField << "agent";
        QTest::newRow("session agent mixing scripts")
            << post << QByteArray("/v1/sessions") << QByteArray("{\"agent\":\"d\\u0435ploy-bot\"}")
            << ct << agent << 422 << invalidField << "agent";
        // Found by the review: these drew like plain names and were accepted.
        for (const char *name : {"\\uff41\\uff44\\uff4d\\uff49\\uff4e", // fullwidth admin
                                 "\\u24d0\\u24d3\\u24dc\\u24d8\\u24dd", // circled admin
                                 "age\\u0301", "admin ", " admin", "ad\\u00a0min"})
            QTest::newRow(qPrintable(QStringLiteral("session agent not in plain form: ") + name))
                << post << QByteArray("/v1/sessions") << QByteArray("{\"agent\":\"") + name + "\"}"
                << ct << agent << 422 << invalidField << "agent";
        QTest::newRow("session agent with a right-to-left override")
            << post << QByteArray("/v1/sessions") << QByteArray("{\"agent\":\"tob\\u202e\"}") << ct
            << agent << 422 << invalidField << "agent";
        QTest::newRow("session supervised string")
            << post << QByteArray("/v1/sessions")
            << QByteArray("{\"agent\":\"a\",\"supervised\":\"yes\"}") << ct << agent << 422
            << invalidField << "supervised";
        QTest::newRow("session sets id") << post << QByteArray("/v1/sessions")
                                         << QByteArray("{\"agent\":\"a\",\"id\":\"ses_mine\"}")
                                         << ct << agent << 422 << invalidField << "id";
    }

    void documentedErrors()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, path);
        QFETCH(QByteArray, body);
        QFETCH(QByteArray, contentType);
        QFETCH(QString, who);
        QFETCH(int, status);
        QFETCH(QString, code);
        QFETCH(QString, field);
        const QString token =
            who == QLatin1String("session") ? m_session : m_server->token(*parseRole(who));
        QList<QByteArray> headers{"Authorization: Bearer " + token.toUtf8()};
        if (!contentType.isEmpty())
            headers.append("Content-Type: " + contentType);
        const RawResponse r = rawHttp(m_server->port(), rawRequest(method, path, body, headers));
        QCOMPARE(r.status, status);
        const QJsonObject error = r.json().value(QStringLiteral("error")).toObject();
        QCOMPARE(error.value(QStringLiteral("code")).toString(), code);
        QVERIFY(!error.value(QStringLiteral("message")).toString().isEmpty());
        QCOMPARE(error.value(QStringLiteral("field")).toString(), field);
    }

    void badAuthorizationHeaders_data()
    {
        QTest::addColumn<QByteArray>("header");
        QTest::newRow("basic") << QByteArray("Authorization: Basic YWxpY2U6c2VjcmV0");
        QTest::newRow("empty bearer") << QByteArray("Authorization: Bearer ");
        QTest::newRow("unknown token")
            << QByteArray("Authorization: Bearer ilk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        QTest::newRow("huge token") << QByteArray("Authorization: Bearer " + QByteArray(4000, 'A'));
        QTest::newRow("binary token") << QByteArray("Authorization: Bearer \xfe\xff");
    }
    void badAuthorizationHeaders()
    {
        QFETCH(QByteArray, header);
        const RawResponse r = rawHttp(m_server->port(), rawRequest("GET", "/v1/me", {}, {header}));
        QCOMPARE(r.status, 401);
        QCOMPARE(r.json()
                     .value(QStringLiteral("error"))
                     .toObject()
                     .value(QStringLiteral("code"))
                     .toString(),
                 QStringLiteral("unauthenticated"));
    }

    // Control bytes in a header never reach a route: the transport refuses the request.
    void controlBytesInHeadersAreRefused()
    {
        const RawResponse r = rawHttp(
            m_server->port(), rawRequest("GET", "/v1/me", {}, {"Authorization: Bearer \x01\x02"}));
        QCOMPARE(r.status, 400);
        QCOMPARE(r.json().value(QStringLiteral("error")).toObject().value(QStringLiteral("code")),
                 QJsonValue(QStringLiteral("bad_request")));
    }

    void garbageBurstLeavesServerHealthy()
    {
        auto *rng = QRandomGenerator::global();
        QList<QByteArray> garbage{
            "\r\n\r\n",
            "GET\r\n\r\n",
            "GET /v1/health HTTP/9.9\r\n\r\n",
            "POST /v1/actions HTTP/1.1\r\nContent-Length: 100\r\n\r\n{\"kind\"",
            "POST /v1/actions HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
            "POST /v1/actions HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\n",
            "GET /" + QByteArray(20000, 'a') + " HTTP/1.1\r\n\r\n",
            "GET /v1/health HTTP/1.1\r\nX: " + QByteArray(70000, 'b') + "\r\n\r\n",
        };
        for (int i = 0; i < 200; ++i) {
            QByteArray random(rng->bounded(1, 2048), Qt::Uninitialized);
            for (char &c : random)
                c = char(rng->bounded(256));
            garbage.append(random);
        }
        QList<QTcpSocket *> sockets;
        for (const QByteArray &g : std::as_const(garbage)) {
            auto *socket = new QTcpSocket(this);
            connect(socket, &QTcpSocket::connected, socket, [socket, g] {
                socket->write(g);
                socket->disconnectFromHost();
            });
            socket->connectToHost(QHostAddress::LocalHost, m_server->port());
            sockets.append(socket);
        }
        QTRY_VERIFY_WITH_TIMEOUT(std::all_of(sockets.cbegin(), sockets.cend(),
                                             [](QTcpSocket *s) {
                                                 return s->state() ==
                                                        QAbstractSocket::UnconnectedState;
                                             }),
                                 20000);
        qDeleteAll(sockets);
        const RawResponse health =
            rawHttp(m_server->port(), rawRequest("GET", "/v1/health", {}, {}));
        QCOMPARE(health.status, 200);
        QCOMPARE(health.json().value(QStringLiteral("status")).toString(), QStringLiteral("ok"));
        QVERIFY(!m_server->submit(m_session, sampleAction()).isEmpty());
    }

    void clientLeavingALongPollIsForgotten()
    {
        const QString action = m_server->submit(m_session, sampleAction());
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_server->port());
        QVERIFY(socket.waitForConnected(5000));
        socket.write(rawRequest("GET", "/v1/actions/" + action.toUtf8() + "/decision?wait=60", {},
                                {"Authorization: Bearer " + m_session.toUtf8()}));
        QTRY_COMPARE(m_server->server().waitHub().waiting(), 1);
        socket.abort();
        QTRY_COMPARE(m_server->server().waitHub().waiting(), 0);
        // Deciding afterwards writes to nobody and breaks nothing.
        const ApiResult r =
            m_server->call(m_server->token(Role::Reviewer), "POST",
                           QStringLiteral("/v1/actions/%1/decision").arg(action),
                           QJsonObject{{QStringLiteral("decision"), QStringLiteral("approve")}});
        QCOMPARE(r.status, 200);
        QCOMPARE(rawHttp(m_server->port(), rawRequest("GET", "/v1/health", {}, {})).status, 200);
    }

private:
    std::unique_ptr<TestServer> m_server;
    QString m_session;
};

QTEST_GUILESS_MAIN(TestBadInput)
#include "tst_badinput.moc"
