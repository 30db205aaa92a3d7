// The transport's incremental request parser: limits hold while bytes arrive, smuggling shapes
// are refused, and a request split anywhere parses the same as in one piece.
#include "server/http/RequestParser.h"

#include <QtTest>

using namespace interlock;
using namespace interlock::http;

namespace {
RequestParser::Config smallLimits()
{
    RequestParser::Config c;
    c.maxLineBytes = 64;
    c.maxHeaderBytes = 256;
    c.maxHeaderCount = 5;
    c.maxBodyBytes = 100;
    return c;
}

// Feeds `bytes` in pieces of `step` bytes; returns the parser's state after the last piece and
// how many bytes it took in all.
RequestParser::State feedInPieces(RequestParser &p, const QByteArray &bytes, int step,
                                  qsizetype *used)
{
    *used = 0;
    for (qsizetype at = 0; at < bytes.size(); at += step) {
        const QByteArray piece = bytes.mid(at, step);
        *used += p.feed(piece.constData(), piece.size());
        if (p.state() == RequestParser::State::Complete ||
            p.state() == RequestParser::State::Failed)
            break;
    }
    return p.state();
}
} // namespace

class TestRequestParser : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsesTheSameInAnyPieces_data()
    {
        QTest::addColumn<int>("step");
        for (int step : {1, 2, 3, 7, 16, 1000})
            QTest::addRow("%d-byte pieces", step) << step;
    }
    void parsesTheSameInAnyPieces()
    {
        QFETCH(int, step);
        const QByteArray bytes = "POST /v1/actions/a%20b?wait=1.5&x=%C3%A9 HTTP/1.1\r\n"
                                 "Host: 127.0.0.1\r\nAuthorization: Bearer ilk_x\r\n"
                                 "X-Twice: a\r\nx-twice: b\r\nContent-Length: 7\r\n\r\n"
                                 "{\"a\":1}GET /next";
        RequestParser p(smallLimits());
        qsizetype used = 0;
        QCOMPARE(feedInPieces(p, bytes, step, &used), RequestParser::State::Complete);
        QCOMPARE(bytes.mid(used), QByteArray("GET /next")); // the next request stays unread
        QVERIFY(p.keepAlive());
        const HttpRequest r = p.take();
        QCOMPARE(r.method, QByteArray("POST"));
        QCOMPARE(r.path, QStringLiteral("/v1/actions/a b"));
        QCOMPARE(r.query.queryItemValue(QStringLiteral("wait")), QStringLiteral("1.5"));
        QCOMPARE(r.query.queryItemValue(QStringLiteral("x")), QStringLiteral("é"));
        QCOMPARE(r.header("authorization"), QByteArray("Bearer ilk_x"));
        QCOMPARE(r.header("x-twice"), QByteArray("a, b"));
        QCOMPARE(r.body, QByteArray("{\"a\":1}"));
        QCOMPARE(p.state(), RequestParser::State::Idle);
    }

    void refusesWithTheRightStatus_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("status");
        const QByteArray line = "GET / HTTP/1.1\r\n";
        QTest::newRow("request line too long, no newline yet")
            << QByteArray("GET /" + QByteArray(80, 'a')) << 414;
        QTest::newRow("header line too long, no newline yet")
            << QByteArray(line + "X: " + QByteArray(80, 'a')) << 431;
        QByteArray many = line;
        for (int i = 0; i < 6; ++i)
            many += "X" + QByteArray::number(i) + ": y\r\n";
        QTest::newRow("too many headers") << many << 431;
        QByteArray big = line;
        for (int i = 0; i < 5; ++i)
            big += "X" + QByteArray::number(i) + ": " + QByteArray(55, 'y') + "\r\n";
        QTest::newRow("headers too large") << big << 431;
        QTest::newRow("body over the limit, refused from its length")
            << QByteArray(line + "Content-Length: 101\r\n\r\n") << 413;
        QTest::newRow("Content-Length with Transfer-Encoding")
            << QByteArray(line + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n") << 400;
        QTest::newRow("Transfer-Encoding with Content-Length")
            << QByteArray(line + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n") << 400;
        QTest::newRow("chunked body")
            << QByteArray(line + "Transfer-Encoding: chunked\r\n\r\n") << 411;
        QTest::newRow("other transfer coding")
            << QByteArray(line + "Transfer-Encoding: gzip\r\n\r\n") << 501;
        QTest::newRow("two Content-Lengths")
            << QByteArray(line + "Content-Length: 1\r\nContent-Length: 1\r\n\r\n") << 400;
        QTest::newRow("negative Content-Length")
            << QByteArray(line + "Content-Length: -1\r\n\r\n") << 400;
        QTest::newRow("Content-Length with a sign")
            << QByteArray(line + "Content-Length: +1\r\n\r\n") << 400;
        QTest::newRow("Content-Length list")
            << QByteArray(line + "Content-Length: 1, 1\r\n\r\n") << 400;
        QTest::newRow("two Hosts") << QByteArray(line + "Host: a\r\nHost: b\r\n\r\n") << 400;
        QTest::newRow("folded header") << QByteArray(line + "X: a\r\n b\r\n\r\n") << 400;
        QTest::newRow("space before colon") << QByteArray(line + "X : a\r\n\r\n") << 400;
        QTest::newRow("control byte in a value") << QByteArray(line + "X: a\x01\r\n\r\n") << 400;
        QTest::newRow("bare carriage return") << QByteArray("GET / HTTP/1.1\rX: a\r\n\r\n") << 400;
        QTest::newRow("HTTP/2 line") << QByteArray("GET / HTTP/2.0\r\n\r\n") << 505;
        QTest::newRow("not HTTP") << QByteArray("\x16\x03\x01\x02\x05\r\n") << 400;
        QTest::newRow("target not a path") << QByteArray("GET foo HTTP/1.1\r\n\r\n") << 400;
        QTest::newRow("four parts") << QByteArray("GET / x HTTP/1.1\r\n\r\n") << 400;
    }
    void refusesWithTheRightStatus()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(int, status);
        for (int step : {1, 5, int(bytes.size())}) {
            RequestParser p(smallLimits());
            qsizetype used = 0;
            QCOMPARE(feedInPieces(p, bytes, step, &used), RequestParser::State::Failed);
            QCOMPARE(p.error().status, status);
            QVERIFY(!p.error().code.isEmpty());
        }
    }

    void neverHoldsMoreThanALine()
    {
        // 1 MiB of a request line without a newline: refused after the limit, not buffered.
        RequestParser p(smallLimits());
        const QByteArray flood(1 << 20, 'a');
        p.feed(flood.constData(), flood.size());
        QCOMPARE(p.state(), RequestParser::State::Failed);
        QCOMPARE(p.error().status, 414);
        // The same for a header line and for the headers as a whole.
        RequestParser h(smallLimits());
        const QByteArray head = "GET / HTTP/1.1\r\nX: " + flood;
        h.feed(head.constData(), head.size());
        QCOMPARE(h.error().status, 431);
    }

    void connectionAndExpectHeaders()
    {
        RequestParser p(smallLimits());
        QByteArray r = "POST / HTTP/1.1\r\nConnection: close\r\nExpect: 100-continue\r\n"
                       "Content-Length: 2\r\n\r\n";
        p.feed(r.constData(), r.size());
        QCOMPARE(p.state(), RequestParser::State::Body);
        QVERIFY(p.expectsContinue());
        QVERIFY(!p.keepAlive());
        p.feed("{}", 2);
        QCOMPARE(p.state(), RequestParser::State::Complete);
        p.take();
        r = "GET / HTTP/1.0\r\n\r\n";
        p.feed(r.constData(), r.size());
        QVERIFY(!p.keepAlive()); // HTTP/1.0 closes unless asked
        p.take();
        r = "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n";
        p.feed(r.constData(), r.size());
        QVERIFY(p.keepAlive());
        p.take();
        r = "\r\n\r\nGET / HTTP/1.1\r\n\r\n"; // stray empty lines before a request are skipped
        p.feed(r.constData(), r.size());
        QCOMPARE(p.state(), RequestParser::State::Complete);
        QVERIFY(p.keepAlive());
    }

    void absoluteFormTargets()
    {
        RequestParser p(smallLimits());
        const QByteArray r = "GET http://example.org/v1/health?x=1 HTTP/1.1\r\n\r\n";
        p.feed(r.constData(), r.size());
        QCOMPARE(p.state(), RequestParser::State::Complete);
        const HttpRequest req = p.take();
        QCOMPARE(req.path, QStringLiteral("/v1/health"));
        QCOMPARE(req.query.queryItemValue(QStringLiteral("x")), QStringLiteral("1"));
    }
};

QTEST_GUILESS_MAIN(TestRequestParser)
#include "tst_requestparser.moc"
