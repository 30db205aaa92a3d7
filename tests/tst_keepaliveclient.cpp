// ApiClient's kept-alive transport (KeepAlivePool, AnswerParser), as the hook and the MCP gateway
// use it: against a scripted server on loopback, every way an answer can go wrong ends in status 0
// with the reason (the integrations then deny), a kept-alive connection is reused, and a request
// the server may have received is sent again only when that is safe.
#include "client/AnswerParser.h"
#include "client/ApiClient.h"
#include "support/TestServer.h"

#include <QJsonDocument>
#include <QTcpServer>
#include <QTcpSocket>
#include <QtTest>
#include <functional>

using namespace interlock;
using namespace interlock::test;

namespace {
// Reads requests (head and Content-Length body) on every connection and hands each to `answer`,
// which writes whatever it likes to the socket.
class ScriptedServer : public QObject
{
public:
    struct Request {
        QByteArray line;
        QByteArray head;
        QByteArray body;
        int connection = 0; // which connection it came on (1, 2, …)
    };
    std::function<void(QTcpSocket *, const Request &)> answer;
    QList<Request> requests;
    int connections = 0;

    ScriptedServer()
    {
        QVERIFY(m_server.listen(QHostAddress::LocalHost));
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = m_server.nextPendingConnection()) {
                s->setParent(this);
                s->setProperty("connection", ++connections);
                connect(s, &QTcpSocket::readyRead, this, [this, s] { onReadable(s); });
            }
        });
    }
    QUrl url() const
    {
        return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_server.serverPort()));
    }
    static QByteArray json(int status, const QJsonObject &body, const QByteArray &extra = {})
    {
        const QByteArray data = QJsonDocument(body).toJson(QJsonDocument::Compact);
        return "HTTP/1.1 " + QByteArray::number(status) +
               " X\r\nContent-Type: application/json\r\n" + extra +
               "Content-Length: " + QByteArray::number(data.size()) + "\r\n\r\n" + data;
    }

private:
    void onReadable(QTcpSocket *s)
    {
        QByteArray &buffer = m_buffers[s];
        buffer += s->readAll();
        for (;;) {
            const qsizetype end = buffer.indexOf("\r\n\r\n");
            if (end < 0)
                return;
            Request r;
            r.head = buffer.left(end);
            qsizetype length = 0;
            for (const QByteArray &line : r.head.split('\n')) {
                if (line.toLower().startsWith("content-length:"))
                    length = line.mid(15).trimmed().toLongLong();
            }
            if (buffer.size() < end + 4 + length)
                return;
            r.line = r.head.left(r.head.indexOf('\r'));
            r.body = buffer.mid(end + 4, length);
            r.connection = s->property("connection").toInt();
            buffer.remove(0, end + 4 + length);
            requests.append(r);
            if (answer)
                answer(s, r);
            if (s->state() != QAbstractSocket::ConnectedState)
                return;
        }
    }

    QTcpServer m_server;
    QHash<QTcpSocket *, QByteArray> m_buffers;
};

std::unique_ptr<ApiClient> keptAlive(const QUrl &url)
{
    auto client = std::make_unique<ApiClient>(url, QStringLiteral("ilk_test"));
    client->setKeepAlive(true);
    return client;
}

AnswerParser parsed(const QByteArray &bytes, int pieceSize, AnswerLimits limits = {})
{
    AnswerParser p(limits);
    for (qsizetype i = 0; i < bytes.size(); i += pieceSize)
        p.feed(bytes.constData() + i, qMin<qsizetype>(pieceSize, bytes.size() - i));
    return p;
}
} // namespace

class TestKeepAliveClient : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parserReadsAnswersInAnyPieces_data()
    {
        QTest::addColumn<int>("pieceSize");
        QTest::newRow("whole") << 100000;
        QTest::newRow("byte by byte") << 1;
        QTest::newRow("3 bytes") << 3;
    }
    void parserReadsAnswersInAnyPieces()
    {
        QFETCH(int, pieceSize);
        const QByteArray plain = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-"
                                 "Length: 7\r\nX-Thing: a\r\nx-thing: b\r\n\r\n{\"a\":1}";
        AnswerParser p = parsed(plain, pieceSize);
        QCOMPARE(p.state(), AnswerParser::State::Complete);
        QCOMPARE(p.status(), 201);
        QCOMPARE(p.body(), QByteArray("{\"a\":1}"));
        QCOMPARE(p.headers().value("x-thing"), QByteArray("a, b"));
        QVERIFY(p.keepAlive());
        const QByteArray chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: "
                                   "close\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n";
        p = parsed(chunked, pieceSize);
        QCOMPARE(p.state(), AnswerParser::State::Complete);
        QCOMPARE(p.body(), QByteArray("abcde"));
        QVERIFY(!p.keepAlive());
    }

    void parserRefusesWhatIsNotAnAnswer_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("why");
        QTest::newRow("not HTTP") << QByteArray("SSH-2.0-OpenSSH\r\n\r\n") << "status line";
        QTest::newRow("bad code") << QByteArray("HTTP/1.1 2x0 OK\r\n\r\n") << "status line";
        QTest::newRow("HTTP/2") << QByteArray("HTTP/2 200\r\n\r\n") << "status line";
        QTest::newRow("no colon") << QByteArray("HTTP/1.1 200 OK\r\nbroken\r\n\r\n") << "garbled";
        QTest::newRow("bare LF") << QByteArray("HTTP/1.1 200 OK\r\nA: b\n\r\n\r\n") << "CRLF";
        QTest::newRow("two lengths")
            << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n")
            << "Content-Length";
        QTest::newRow("length not a number")
            << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n") << "Content-Length";
        QTest::newRow("gzip") << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n")
                              << "transfer coding";
        QTest::newRow("bad chunk")
            << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")
            << "chunked";
        QTest::newRow("body too long")
            << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 1025\r\n\r\n") << "longer than";
        QTest::newRow("chunk too long")
            << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n401\r\n")
            << "longer than";
        QTest::newRow("head too long")
            << QByteArray("HTTP/1.1 200 OK\r\nX: " + QByteArray(2000, 'a') + "\r\n\r\n")
            << "head is longer";
        QTest::newRow("head too long, no end") << QByteArray(3000, 'H') << "head is longer";
    }
    void parserRefusesWhatIsNotAnAnswer()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, why);
        for (const int piece : {100000, 1}) {
            const AnswerParser p = parsed(bytes, piece, AnswerLimits{1024, 1024});
            QCOMPARE(p.state(), AnswerParser::State::Failed);
            QVERIFY2(p.error().contains(why), qPrintable(p.error()));
            QVERIFY(!p.keepAlive());
        }
    }

    void parserEndOfInput()
    {
        AnswerParser p = parsed("HTTP/1.0 200 OK\r\n\r\nto the end", 4);
        QCOMPARE(p.state(), AnswerParser::State::Body);
        p.endOfInput();
        QCOMPARE(p.state(), AnswerParser::State::Complete);
        QCOMPARE(p.body(), QByteArray("to the end"));
        p = parsed("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", 100);
        p.endOfInput();
        QCOMPARE(p.state(), AnswerParser::State::Failed);
        QVERIFY(p.error().contains("middle"));
    }

    void reusesOneConnection()
    {
        ScriptedServer server;
        server.answer = [](QTcpSocket *s, const ScriptedServer::Request &r) {
            s->write(ScriptedServer::json(200, {{"n", QString::fromLatin1(r.line)}}));
        };
        auto client = keptAlive(server.url());
        for (int i = 0; i < 3; ++i) {
            const ApiResult r = client->call("GET", QStringLiteral("/v1/me?i=%1").arg(i));
            QCOMPARE(r.status, 200);
            QCOMPARE(r.body.value("n").toString(),
                     QStringLiteral("GET /v1/me?i=%1 HTTP/1.1").arg(i));
        }
        const ApiResult posted = client->call("POST", "/v1/actions", QJsonObject{{"a", 1}});
        QCOMPARE(posted.status, 200);
        QCOMPARE(server.connections, 1);
        QCOMPARE(server.requests.size(), 4);
        const ScriptedServer::Request &post = server.requests.last();
        QCOMPARE(post.body, QByteArray("{\"a\":1}"));
        QVERIFY(post.head.contains("\r\nAuthorization: Bearer ilk_test\r\n"));
        QVERIFY(post.head.contains("\r\nContent-Type: application/json\r\n"));
        QVERIFY(post.head.contains(
            QStringLiteral("\r\nHost: 127.0.0.1:%1").arg(server.url().port()).toLatin1()));
    }

    void failuresAreStatusZero_data()
    {
        QTest::addColumn<QByteArray>("answer");
        QTest::addColumn<bool>("close");
        QTest::addColumn<QString>("why");
        QTest::newRow("closed mid-answer")
            << QByteArray("HTTP/1.1 201 Created\r\nContent-Length: 100\r\n\r\n{\"id\":") << true
            << "middle of its answer";
        QTest::newRow("closed in the head") << QByteArray("HTTP/1.1 201 Cre") << true << "middle";
        QTest::newRow("closed without a byte") << QByteArray() << true << "closed";
        QTest::newRow("garbled status line")
            << QByteArray("HTTP/1.1 OK 200\r\nContent-Length: 2\r\n\r\n{}") << false
            << "status line";
        QTest::newRow("oversized head")
            << QByteArray("HTTP/1.1 200 OK\r\nX-Big: " + QByteArray(70 * 1024, 'a') + "\r\n\r\n{}")
            << false << "head is longer";
        QTest::newRow("oversized body")
            << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 68719476736\r\n\r\n") << false
            << "longer than";
        QTest::newRow("oversized chunked body")
            << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10000000\r\n")
            << false << "longer than";
    }
    void failuresAreStatusZero()
    {
        QFETCH(QByteArray, answer);
        QFETCH(bool, close);
        QFETCH(QString, why);
        ScriptedServer server;
        server.answer = [&](QTcpSocket *s, const ScriptedServer::Request &) {
            s->write(answer);
            if (close)
                s->disconnectFromHost();
        };
        auto client = keptAlive(server.url());
        const ApiResult r = client->call("POST", "/v1/actions", QJsonObject{{"kind", "x"}});
        QCOMPARE(r.status, 0);
        QVERIFY(!r.ok());
        QVERIFY2(r.networkError.contains(why), qPrintable(r.networkError));
        QCOMPARE(server.requests.size(), 1); // a request that reached the server: never resent
        // The connection is not used again: the next request gets a new one.
        server.answer = [](QTcpSocket *s, const ScriptedServer::Request &) {
            s->write(ScriptedServer::json(200, {}));
        };
        QCOMPARE(client->call("GET", "/v1/me").status, 200);
        QCOMPARE(server.connections, 2);
    }

    void garbledJsonIsUnreadable()
    {
        ScriptedServer server;
        server.answer = [](QTcpSocket *s, const ScriptedServer::Request &) {
            s->write("HTTP/1.1 201 Created\r\nContent-Length: 8\r\n\r\n{\"id\":\"a");
        };
        auto client = keptAlive(server.url());
        const ApiResult r = client->call("POST", "/v1/actions", QJsonObject{});
        QCOMPARE(r.status, 201);
        QVERIFY(!r.ok());
        QVERIFY(!r.unreadable.isEmpty());
    }

    void killedSessionIsA403()
    {
        ScriptedServer server;
        server.answer = [](QTcpSocket *s, const ScriptedServer::Request &) {
            s->write(ScriptedServer::json(
                403, {{"error", QJsonObject{{"code", "session_killed"}, {"message", "killed"}}}}));
        };
        auto client = keptAlive(server.url());
        const ApiResult r = client->call("POST", "/v1/actions", QJsonObject{});
        QCOMPARE(r.status, 403);
        QCOMPARE(r.error().code, QStringLiteral("session_killed"));
    }

    void timesOut()
    {
        ScriptedServer server; // reads, never answers
        auto client = keptAlive(server.url());
        const ApiResult r = client->call("GET", "/v1/me", std::nullopt, {}, 300);
        QCOMPARE(r.status, 0);
        QVERIFY2(r.networkError.contains("no answer within"), qPrintable(r.networkError));
    }

    void unreachable()
    {
        quint16 port = 0;
        {
            QTcpServer probe; // a port nobody listens on any more
            QVERIFY(probe.listen(QHostAddress::LocalHost));
            port = probe.serverPort();
        }
        auto client = keptAlive(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)));
        const ApiResult r = client->call("POST", "/v1/actions", QJsonObject{});
        QCOMPARE(r.status, 0);
        QVERIFY(!r.networkError.isEmpty());
        QVERIFY(r.describe().startsWith("cannot reach the server"));
    }

    void refusedRemotePlainHttpIsNeverSent()
    {
        auto client = keptAlive(QUrl("http://192.0.2.1:9"));
        const ApiResult r = client->call("GET", "/v1/me");
        QVERIFY(r.refused);
        QCOMPARE(r.status, 0);
    }

    void headerInjectionIsNotSent()
    {
        ScriptedServer server;
        server.answer = [](QTcpSocket *s, const ScriptedServer::Request &) {
            s->write(ScriptedServer::json(404, {}));
        };
        auto client = keptAlive(server.url());
        const ApiResult r = client->call("POST", "/v1/actions", QJsonObject{},
                                         {{"Idempotency-Key", "a\r\nX-Evil: 1"}});
        QCOMPARE(r.status, 0);
        QVERIFY(r.networkError.contains("not sent"));
        const ApiResult path = client->call("GET", "/v1/actions/a b\r\nX: y");
        QVERIFY(path.status == 0 || path.status == 404); // encoded, or refused: never a header
        QVERIFY(std::none_of(server.requests.begin(), server.requests.end(),
                             [](const auto &req) { return req.head.contains("\r\nX"); }));
    }

    // The server closes a kept-alive connection just as the next request goes out (its idle
    // timeout): a GET or a submission with an Idempotency-Key is sent once more on a new
    // connection; anything else fails, as the server may have acted on it.
    void closedBetweenRequests_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<bool>("withKey");
        QTest::addColumn<bool>("resent");
        QTest::newRow("GET") << QByteArray("GET") << false << true;
        QTest::newRow("POST with key") << QByteArray("POST") << true << true;
        QTest::newRow("POST without key") << QByteArray("POST") << false << false;
    }
    void closedBetweenRequests()
    {
        QFETCH(QByteArray, method);
        QFETCH(bool, withKey);
        QFETCH(bool, resent);
        ScriptedServer server;
        server.answer = [&server](QTcpSocket *s, const ScriptedServer::Request &r) {
            if (server.requests.size() == 2 && r.connection == 1)
                return s->abort(); // read the second request, then gone without a byte
            s->write(ScriptedServer::json(200, {{"connection", r.connection}}));
        };
        auto client = keptAlive(server.url());
        QCOMPARE(client->call("GET", "/v1/me").status, 200);
        ApiClient::Headers headers;
        if (withKey)
            headers.append(std::make_pair(QByteArray("Idempotency-Key"), QByteArray("k1")));
        const ApiResult r =
            client->call(method, "/v1/actions",
                         method == "POST" ? std::optional(QJsonObject{}) : std::nullopt, headers);
        if (resent) {
            QCOMPARE(r.status, 200);
            QCOMPARE(r.body.value("connection").toInt(), 2);
            QCOMPARE(server.requests.size(), 3);
        } else {
            QCOMPARE(r.status, 0);
            QVERIFY2(r.networkError.contains("not sent again"), qPrintable(r.networkError));
            QCOMPARE(server.requests.size(), 2);
        }
        // Resent once only: a second close of the new connection is a failure.
        server.answer = [](QTcpSocket *s, const ScriptedServer::Request &) { s->abort(); };
        const ApiResult again = client->call("GET", "/v1/me");
        QCOMPARE(again.status, 0);
    }

    // What makes resending a submission safe: the server answers a repeat of the same
    // Idempotency-Key with the action it made the first time.
    void repeatedSubmissionIsReplayed()
    {
        TestServer s;
        const auto [id, token] = s.openSession(QStringLiteral("agent-k"));
        ApiClient client(s.url(), token);
        client.setKeepAlive(true);
        const ApiClient::Headers key{{"Idempotency-Key", "gateway:1"}};
        const ApiResult first = client.call("POST", "/v1/actions", sampleAction(), key);
        QCOMPARE(first.status, 201);
        const ApiResult second = client.call("POST", "/v1/actions", sampleAction(), key);
        QCOMPARE(second.status, 201);
        QCOMPARE(second.body.value("id"), first.body.value("id"));
        QCOMPARE(second.headers.value("idempotent-replayed"), QByteArray("true"));
    }

    void manyRequestsAtOnceShareAFewConnections()
    {
        ScriptedServer server;
        QList<QTcpSocket *> held;
        server.answer = [&held](QTcpSocket *s, const ScriptedServer::Request &) { held.append(s); };
        auto client = keptAlive(server.url());
        int done = 0;
        for (int i = 0; i < 10; ++i)
            client->request("GET", "/v1/me", std::nullopt,
                            [&done](const ApiResult &r) { done += r.status == 200; });
        QTRY_COMPARE(server.requests.size(), 6); // six connections, four requests waiting
        for (int answered = 0; answered < 10; ++answered) {
            QTRY_VERIFY(!held.isEmpty());
            held.takeFirst()->write(ScriptedServer::json(200, {}));
        }
        QTRY_COMPARE(done, 10);
        QCOMPARE(server.connections, 6);
        QCOMPARE(server.requests.size(), 10);
    }

    void droppingTheClientInItsCallbackIsSafe()
    {
        ScriptedServer server;
        server.answer = [](QTcpSocket *s, const ScriptedServer::Request &) {
            s->write(ScriptedServer::json(200, {}));
        };
        auto client = keptAlive(server.url());
        bool done = false;
        client->request("GET", "/v1/me", std::nullopt, [&](const ApiResult &r) {
            QCOMPARE(r.status, 200);
            client.reset();
            done = true;
        });
        QTRY_VERIFY(done);
    }
};

QTEST_GUILESS_MAIN(TestKeepAliveClient)
#include "tst_keepaliveclient.moc"
