// The HTTP transport of the real interlockd under floods: limits while reading, timeouts,
// the connection cap and its eviction order, pipelining, and the kill and health still answered.
#include "support/Daemon.h"
#include "support/TestServer.h"

#include "server/HttpServerAdapter.h"
#include "server/http/ConnectionTable.h"

#include <QElapsedTimer>
#include <QNetworkInterface>
#include <QSslServer>
#include <QtTest>
#include <cerrno>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace interlock;
using namespace interlock::test;

namespace {
QStringList limits(const QStringList &assignments)
{
    QStringList out;
    for (const QString &a : assignments)
        out << QStringLiteral("--limit") << a;
    return out;
}

QByteArray waitingDecision(const QString &action, const QString &token, int waitS = 30)
{
    return "GET /v1/actions/" + action.toUtf8() + "/decision?wait=" + QByteArray::number(waitS) +
           " HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " + token.toUtf8() + "\r\n\r\n";
}

int statusOf(const QByteArray &response)
{
    return response.startsWith("HTTP/1.1 ") ? response.mid(9, 3).toInt() : 0;
}
} // namespace

class TestTransport : public QObject
{
    Q_OBJECT
    std::unique_ptr<Daemon> m_shared;

private Q_SLOTS:
    void cleanupTestCase() { m_shared.reset(); }

    void floodsOfIdleSlowAndHalfSentConnectionsDoNotStopTheKill()
    {
        // A small cap and long timeouts: only eviction keeps the door open here.
        Daemon d(
            limits({QStringLiteral("max-connections=64"), QStringLiteral("header-timeout-ms=60000"),
                    QStringLiteral("idle-timeout-ms=60000")}));
        QVERIFY(d.running());
        const auto session = d.openSession(QStringLiteral("victim"), true);
        QList<int> flood;
        for (int i = 0; i < 150; ++i)
            flood << openRaw(d.port());
        for (int i = 0; i < 100; ++i)
            flood << openRaw(d.port(), "GET /v1/heal");
        for (int i = 0; i < 100; ++i)
            flood << openRaw(d.port(), "POST /v1/actions HTTP/1.1\r\nHost: t\r\nContent-Type: "
                                       "application/json\r\nContent-Length: 900\r\n\r\n{\"a\":");
        QVERIFY(!flood.contains(-1));
        QCOMPARE(d.call({}, "GET", QStringLiteral("/v1/health")).status, 200);
        const ApiResult kill = d.call(d.token(Role::Oncall), "POST",
                                      QStringLiteral("/v1/sessions/%1/kill").arg(session.id));
        QCOMPARE(kill.status, 200);
        QCOMPARE(kill.body.value(QStringLiteral("recorded")).toBool(), true);
        QCOMPARE(d.call(session.token, "GET", QStringLiteral("/v1/me")).error().code,
                 QStringLiteral("session_killed"));
        // The oldest of the flood made room: the first idle ones are closed, the newest are not.
        QTRY_VERIFY(closedByServer(flood.first()));
        QVERIFY(!closedByServer(flood.last()));
        closeRaw(flood);
    }

    void evictionTakesTheOldestConnectionWithoutARequestInProgress()
    {
        Daemon d(limits(
            {QStringLiteral("max-connections=4"), QStringLiteral("header-timeout-ms=60000")}));
        QVERIFY(d.running());
        const auto session = d.openSession(QStringLiteral("waiter"));
        const QString action =
            d.call(session.token, "POST", QStringLiteral("/v1/actions"), sampleAction())
                .body.value(QStringLiteral("id"))
                .toString();
        QVERIFY(!action.isEmpty());
        // A: a long-poll (a complete request in progress), then B, C, D idle: the cap is full.
        const int a = openRaw(d.port(), waitingDecision(action, session.token));
        QTRY_COMPARE(d.metric("interlock_waiting_requests"), 1);
        const int b = openRaw(d.port());
        const int c = openRaw(d.port(), "GET /v1/hea"); // still sending: evictable as well
        const int e0 = openRaw(d.port());
        QVERIFY(!closedByServer(b));
        // E arrives: B, the oldest without a request in progress, goes; A stays.
        const int e = openRaw(d.port());
        QTRY_VERIFY(closedByServer(b));
        QVERIFY(!closedByServer(a));
        QVERIFY(!closedByServer(c));
        // F: then C.
        const int f = openRaw(d.port());
        QTRY_VERIFY(closedByServer(c));
        QVERIFY(!closedByServer(a));
        // The long-poll is still answered when its action is decided (the kill cancels it).
        QCOMPARE(d.call(d.token(Role::Oncall), "POST",
                        QStringLiteral("/v1/sessions/%1/kill").arg(session.id))
                     .status,
                 200);
        QByteArray answer;
        QTRY_VERIFY((answer += readRaw(a)).contains("cancelled"));
        QCOMPARE(statusOf(answer), 200);
        closeRaw({a, b, c, e0, e, f});
    }

    void requestsWaitingForTheApiThreadNeverFillTheTable()
    {
        // Found by an attack helper: an agent kept the API thread busy and filled every
        // connection with a complete request waiting for it; none could be evicted, so the
        // on-call person's kill, on a new connection, was refused. Requests beyond an eighth
        // short of the cap are answered 503 at once, which leaves them evictable.
        Daemon d(limits({QStringLiteral("max-connections=8")}));
        QVERIFY(d.running());
        const auto session = d.openSession(QStringLiteral("waiter"));
        const QString action =
            d.call(session.token, "POST", QStringLiteral("/v1/actions"), sampleAction())
                .body.value(QStringLiteral("id"))
                .toString();
        QVERIFY(!action.isEmpty());
        // Seven requests may wait for the API thread (8 less an eighth), one of them only a
        // person's. Six parked long-polls fill the agents' share (the metric's own request, an
        // admin's, takes the people's), then seven more are each answered 503 at once.
        QList<int> all;
        for (int i = 0; i < 6; ++i)
            all << openRaw(d.port(), waitingDecision(action, session.token));
        // Under load (CI runs two tests at once) six long-polls can take seconds to park.
        QTRY_COMPARE_WITH_TIMEOUT(d.metric("interlock_waiting_requests"), 6, 30000);
        for (int i = 0; i < 7; ++i)
            all << openRaw(d.port(), waitingDecision(action, session.token));
        // Each is answered 503 at once, and may then be evicted for a later one (a reset can
        // take the unread answer with it): either way no longer waiting.
        QHash<int, QByteArray> answers;
        QSet<int> gone;
        const auto notWaiting = [&] {
            for (int fd : std::as_const(all)) {
                char buffer[4096];
                for (;;) {
                    const ssize_t n = ::recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
                    if (n > 0) {
                        answers[fd].append(buffer, n);
                        continue;
                    }
                    if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
                        gone.insert(fd);
                    break;
                }
            }
            int n = 0;
            for (int fd : std::as_const(all))
                n += gone.contains(fd) || statusOf(answers[fd]) == 503;
            return n;
        };
        QTRY_COMPARE_WITH_TIMEOUT(notWaiting(), 7, 30000);
        QList<int> parked;
        int busy = 0;
        for (int fd : std::as_const(all)) {
            if (statusOf(answers[fd]) == 503) {
                ++busy;
                QVERIFY(answers[fd].contains("server_busy"));
                QVERIFY(answers[fd].contains("Retry-After: 1"));
            } else if (!gone.contains(fd)) {
                QVERIFY(answers[fd].isEmpty());
                parked << fd;
            }
        }
        QCOMPARE(parked.size(), 6);
        // The agent's flood leaves a reviewer room: without the people's share the seventh
        // long-poll parked and this was 503.
        QCOMPARE(
            d.call(d.token(Role::Reviewer), "GET", QStringLiteral("/v1/actions?limit=1")).status,
            200);
        QVERIFY(busy >= 1);
        const ApiResult kill = d.call(d.token(Role::Oncall), "POST",
                                      QStringLiteral("/v1/sessions/%1/kill").arg(session.id));
        QCOMPARE(kill.status, 200);
        QCOMPARE(kill.body.value(QStringLiteral("recorded")).toBool(), true);
        // The parked long-polls are answered (the kill cancels their action).
        for (int fd : std::as_const(parked)) {
            QByteArray answer;
            QTRY_VERIFY_WITH_TIMEOUT((answer += readRaw(fd)).contains("cancelled"), 30000);
            QCOMPARE(statusOf(answer), 200);
        }
        QVERIFY(d.metric("interlock_requests_busy_total") >= busy);
        QCOMPARE(d.metric("interlock_connections_refused_total"), 0);
        closeRaw(all);
    }

    void aPipelinedBurstAnsweredAtOnceIsAnsweredWhole()
    {
        // Each 503 is written before the handler returns: the next pipelined request is read by
        // the connection's loop, not from inside that answer (a review found a stack frame per
        // request; the socket's bounded read buffer kept it under the 8 MB stack here, so this
        // checks that the loop answers every one, which it did not when it returned instead).
        Daemon d(limits({QStringLiteral("max-connections=2")})); // one request may wait
        QVERIFY(d.running());
        const auto session = d.openSession(QStringLiteral("waiter"));
        const QString action =
            d.call(session.token, "POST", QStringLiteral("/v1/actions"), sampleAction())
                .body.value(QStringLiteral("id"))
                .toString();
        const int parked = openRaw(d.port(), waitingDecision(action, session.token));
        QTRY_COMPARE_WITH_TIMEOUT(d.call(session.token, "GET", QStringLiteral("/v1/me")).status,
                                  503, 30000);
        const int n = 20000;
        QByteArray burst;
        for (int i = 0; i < n; ++i)
            burst += "GET /v1/me HTTP/1.1\r\nHost: t\r\n\r\n";
        const int fd = openRaw(d.port());
        QByteArray answers;
        qsizetype sent = 0;
        const auto busyAnswers = [&] {
            if (sent < burst.size()) {
                const ssize_t w = ::send(fd, burst.constData() + sent, size_t(burst.size() - sent),
                                         MSG_DONTWAIT | MSG_NOSIGNAL);
                if (w > 0)
                    sent += w;
            }
            answers += readRaw(fd);
            return answers.count("server_busy");
        };
        QTRY_COMPARE_WITH_TIMEOUT(busyAnswers(), n, 60000);
        QVERIFY(d.running());
        QCOMPARE(d.call({}, "GET", QStringLiteral("/v1/health")).status, 200);
        closeRaw({parked, fd});
    }

    void timeoutsCloseIdleSlowAndStalledConnections()
    {
        Daemon d(
            limits({QStringLiteral("header-timeout-ms=300"), QStringLiteral("idle-timeout-ms=300"),
                    QStringLiteral("body-min-rate=1000")}));
        QVERIFY(d.running());
        const int silent = openRaw(d.port());
        const int slowHead = openRaw(d.port(), "GET /v1/health HTTP/1.1\r\nHost: t\r\n");
        // 2,000 bytes at 1,000 bytes/s: the body has 300 ms + 2 s.
        const int slowBody = openRaw(d.port(), "POST /v1/actions HTTP/1.1\r\nHost: t\r\n"
                                               "Content-Length: 2000\r\n\r\n{\"kind\":");
        const int keptAlive = openRaw(d.port(), "GET /v1/health HTTP/1.1\r\nHost: t\r\n\r\n");
        QByteArray slowHeadAnswer, slowBodyAnswer, keptAliveAnswer;
        QTRY_VERIFY_WITH_TIMEOUT(closedByServer(silent), 10000);
        QTRY_VERIFY_WITH_TIMEOUT((slowHeadAnswer += readRaw(slowHead)).contains("408"), 10000);
        QTRY_VERIFY_WITH_TIMEOUT((keptAliveAnswer += readRaw(keptAlive)).contains("\"ok\""), 10000);
        QCOMPARE(statusOf(keptAliveAnswer), 200);
        QVERIFY(!keptAliveAnswer.contains("Connection: close"));
        QTRY_VERIFY_WITH_TIMEOUT(closedByServer(keptAlive), 10000); // idle after its answer
        QVERIFY(!slowBodyAnswer.contains("408"));
        QTRY_VERIFY_WITH_TIMEOUT((slowBodyAnswer += readRaw(slowBody)).contains("408"), 15000);
        QVERIFY(slowBodyAnswer.contains("request_timeout"));
        QTRY_VERIFY_WITH_TIMEOUT(closedByServer(slowBody), 10000);
        closeRaw({silent, slowHead, slowBody, keptAlive});
        QCOMPARE(d.call({}, "GET", QStringLiteral("/v1/health")).status, 200);
    }

    void oversizedAndMalformedRequestsAreRefusedWhileReading_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<int>("status");
        const QByteArray get = "GET /v1/health HTTP/1.1\r\nHost: t\r\n";
        QTest::newRow("8 MiB request line")
            << QByteArray("GET /" + QByteArray(8 << 20, 'a')) << 414;
        QTest::newRow("8 MiB header line")
            << QByteArray(get + "X: " + QByteArray(8 << 20, 'a')) << 431;
        QByteArray many = get;
        for (int i = 0; i < 100000; ++i)
            many += "X" + QByteArray::number(i) + ": y\r\n";
        QTest::newRow("100,000 headers") << many << 431;
        QByteArray big = get;
        for (int i = 0; i < 9; ++i)
            big += "X" + QByteArray::number(i) + ": " + QByteArray(4000, 'y') + "\r\n";
        QTest::newRow("36 KB of headers") << big << 431;
        QTest::newRow("Content-Length and Transfer-Encoding")
            << QByteArray(
                   "POST /v1/actions HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n"
                   "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /v1/health HTTP/1.1\r\n\r\n")
            << 400;
        QTest::newRow("chunked body")
            << QByteArray("POST /v1/actions HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: "
                          "chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
            << 411;
        QTest::newRow("two Content-Lengths")
            << QByteArray("POST /v1/actions HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n"
                          "Content-Length: 2\r\n\r\n{}")
            << 400;
        QTest::newRow("invalid Content-Length")
            << QByteArray("POST /v1/actions HTTP/1.1\r\nHost: t\r\nContent-Length: 0x10\r\n\r\n")
            << 400;
    }
    void oversizedAndMalformedRequestsAreRefusedWhileReading()
    {
        QFETCH(QByteArray, request);
        QFETCH(int, status);
        if (!m_shared)
            m_shared = std::make_unique<Daemon>();
        Daemon &d = *m_shared;
        QVERIFY(d.running());
        const RawResponse r = rawHttp(d.port(), request);
        QCOMPARE(r.status, status);
        QVERIFY(r.head.contains("Connection: close"));
        QVERIFY(!r.json()
                     .value(QStringLiteral("error"))
                     .toObject()
                     .value(QStringLiteral("code"))
                     .toString()
                     .isEmpty());
        QCOMPARE(d.call({}, "GET", QStringLiteral("/v1/health")).status, 200);
    }

    void aHugeBodyIsRefusedFromItsLengthAndNeverBuffered()
    {
        Daemon d;
        QVERIFY(d.running());
        const qint64 peakBefore = d.memoryKb("VmHWM:");
        // Announce 1 GiB and keep sending until the server closes.
        const int fd = openRaw(d.port(), "POST /v1/actions HTTP/1.1\r\nHost: t\r\nContent-Type: "
                                         "application/json\r\nContent-Length: 1073741824\r\n\r\n");
        const QByteArray chunk(1 << 20, 'x');
        QByteArray answer;
        qint64 sent = 0;
        QElapsedTimer t;
        t.start();
        while (sent < (qint64(1) << 30) && t.elapsed() < 30000) {
            const ssize_t n =
                ::send(fd, chunk.constData(), size_t(chunk.size()), MSG_NOSIGNAL | MSG_DONTWAIT);
            answer += readRaw(fd);
            if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
                break; // the server closed the connection
            sent += qMax<ssize_t>(0, n);
        }
        QVERIFY2(sent < (qint64(1) << 30), "the server must close the connection");
        answer += readRaw(fd);
        QVERIFY2(answer.contains("413"), answer.left(200).constData());
        QVERIFY(answer.contains("payload_too_large"));
        ::close(fd);
        const qint64 grownKb = d.memoryKb("VmHWM:") - peakBefore;
        qInfo("sent %lld MB before the close; peak RSS grew by %lld kB", sent >> 20, grownKb);
        QVERIFY2(grownKb < 16 * 1024, "the body must not be buffered");
        QCOMPARE(d.call({}, "GET", QStringLiteral("/v1/health")).status, 200);
    }

    void pipelinedRequestsAreAnsweredInOrderOnOneConnection()
    {
        Daemon d;
        QVERIFY(d.running());
        const QString admin = d.token(Role::Admin);
        const QByteArray body = "{\"agent\":\"piped\"}";
        const QByteArray requests =
            "GET /v1/health HTTP/1.1\r\nHost: t\r\n\r\n"
            "GET /v1/nowhere HTTP/1.1\r\nHost: t\r\n\r\n"
            "POST /v1/sessions HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " +
            d.token(Role::Agent).toUtf8() +
            "\r\nContent-Type: application/json\r\nContent-Length: " +
            QByteArray::number(body.size()) + "\r\n\r\n" + body +
            "HEAD /v1/health HTTP/1.1\r\nHost: t\r\n\r\n"
            "GET /v1/me HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " +
            admin.toUtf8() + "\r\nConnection: close\r\n\r\n";
        const int fd = openRaw(d.port(), requests);
        QByteArray all;
        QTRY_VERIFY((all += readRaw(fd)).contains("\"role\":\"admin\""));
        const QList<int> expected{200, 404, 201, 200, 200};
        QList<int> statuses;
        for (qsizetype at = all.indexOf("HTTP/1.1 "); at >= 0;
             at = all.indexOf("HTTP/1.1 ", at + 1))
            statuses << all.mid(at + 9, 3).toInt();
        QCOMPARE(statuses, expected);
        // HEAD: the head with the length of the body it did not send.
        const qsizetype head = all.indexOf("HTTP/1.1 200", all.indexOf("HTTP/1.1 201"));
        const qsizetype next = all.indexOf("HTTP/1.1 ", head + 1);
        QVERIFY(all.mid(head, next - head).endsWith("\r\n\r\n"));
        QVERIFY(all.mid(head, next - head).contains("Content-Length: 33"));
        QTRY_VERIFY(closedByServer(fd)); // Connection: close on the last one
        ::close(fd);
    }

    void longPollsWhoseClientLeavesAreDropped()
    {
        Daemon d;
        QVERIFY(d.running());
        const auto session = d.openSession(QStringLiteral("leaver"), true);
        const QString action =
            d.call(session.token, "POST", QStringLiteral("/v1/actions"), sampleAction())
                .body.value(QStringLiteral("id"))
                .toString();
        const int decision = openRaw(d.port(), waitingDecision(action, session.token));
        const int control =
            openRaw(d.port(), "GET /v1/sessions/" + session.id.toUtf8() +
                                  "/control?wait=30 HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " +
                                  session.supervisorToken.toUtf8() + "\r\n\r\n");
        QTRY_COMPARE(d.metric("interlock_waiting_requests"), 1);
        QTRY_COMPARE(d.metric("interlock_control_polls"), 1);
        ::close(decision);
        ::close(control);
        QTRY_COMPARE(d.metric("interlock_waiting_requests"), 0);
        QTRY_COMPARE(d.metric("interlock_control_polls"), 0);
        QCOMPARE(d.metric("interlock_connections_open"), 1); // this probe
    }

    void longPollsPerCallerAreCapped()
    {
        Daemon d(limits({QStringLiteral("max-waits-per-token=3")}));
        QVERIFY(d.running());
        const auto greedy = d.openSession(QStringLiteral("greedy"));
        const auto other = d.openSession(QStringLiteral("other"));
        const QString a1 =
            d.call(greedy.token, "POST", QStringLiteral("/v1/actions"), sampleAction())
                .body.value(QStringLiteral("id"))
                .toString();
        const QString a2 =
            d.call(other.token, "POST", QStringLiteral("/v1/actions"), sampleAction())
                .body.value(QStringLiteral("id"))
                .toString();
        QList<int> parked;
        for (int i = 0; i < 3; ++i)
            parked << openRaw(d.port(), waitingDecision(a1, greedy.token));
        QTRY_COMPARE(d.metric("interlock_waiting_requests"), 3);
        // The fourth of the same caller is refused at once, another caller still waits.
        const RawResponse fourth = rawHttp(d.port(), waitingDecision(a1, greedy.token));
        QCOMPARE(fourth.status, 429);
        QCOMPARE(
            fourth.json().value(QStringLiteral("error")).toObject().value(QStringLiteral("code")),
            QJsonValue(QStringLiteral("rate_limited")));
        parked << openRaw(d.port(), waitingDecision(a2, other.token));
        for (int fd : std::as_const(parked))
            QVERIFY(readRaw(fd).isEmpty());
        // Once one is answered, there is room again.
        QCOMPARE(d.call(d.token(Role::Reviewer), "POST",
                        QStringLiteral("/v1/actions/%1/decision").arg(a1),
                        QJsonObject{{QStringLiteral("decision"), QStringLiteral("approve")}})
                     .status,
                 200);
        for (int i = 0; i < 3; ++i) {
            QByteArray answer;
            QTRY_VERIFY((answer += readRaw(parked[i])).contains("approved"));
        }
        const QString a3 =
            d.call(greedy.token, "POST", QStringLiteral("/v1/actions"), sampleAction())
                .body.value(QStringLiteral("id"))
                .toString();
        for (int i = 0; i < 3; ++i)
            parked << openRaw(d.port(), waitingDecision(a3, greedy.token));
        QTRY_COMPARE(d.metric("interlock_waiting_requests"), 4);
        QCOMPARE(rawHttp(d.port(), waitingDecision(a3, greedy.token)).status, 429);
        for (int i = 4; i < parked.size(); ++i)
            QVERIFY(readRaw(parked[i]).isEmpty());
        closeRaw(parked);
    }

    void theOpenFileLimitIsRaisedAtStart()
    {
        rlimit original{};
        QVERIFY(::getrlimit(RLIMIT_NOFILE, &original) == 0);
        if (original.rlim_max < 512)
            QSKIP("the hard open-file limit is too low to lower the soft one");
        rlimit lowered = original;
        lowered.rlim_cur = 256; // inherited by the daemon
        QVERIFY(::setrlimit(RLIMIT_NOFILE, &lowered) == 0);
        Daemon d;
        ::setrlimit(RLIMIT_NOFILE, &original);
        QVERIFY(d.running());
        QFile limitsFile(QStringLiteral("/proc/%1/limits").arg(d.pid()));
        QVERIFY(limitsFile.open(QIODevice::ReadOnly));
        QString line;
        for (const QString &l : QString::fromUtf8(limitsFile.readAll()).split(QLatin1Char('\n')))
            if (l.startsWith(QStringLiteral("Max open files")))
                line = l;
        const QStringList parts = line.simplified().split(QLatin1Char(' '));
        QCOMPARE(parts.value(3), parts.value(4)); // soft == hard
        QVERIFY(d.startupOutput().contains(
            QStringLiteral("open-file limit %1").arg(qint64(original.rlim_max))));
    }

    void remotePeersHaveTheirOwnCap()
    {
        QHostAddress own;
        for (const QHostAddress &a : QNetworkInterface::allAddresses())
            if (a.protocol() == QAbstractSocket::IPv4Protocol && !a.isLoopback())
                own = a;
        if (own.isNull())
            QSKIP("no non-loopback IPv4 address on this machine to connect from");
        Daemon d(limits({QStringLiteral("max-connections-per-peer=3"),
                         QStringLiteral("header-timeout-ms=60000")}),
                 own.toString() + QStringLiteral(":0"));
        QVERIFY(d.running());
        QList<QTcpSocket *> remote;
        for (int i = 0; i < 4; ++i) {
            auto *s = new QTcpSocket(this);
            s->connectToHost(own, d.port());
            QVERIFY(s->waitForConnected(5000));
            remote << s;
        }
        // The fourth from the same address evicted the first; the others stay.
        QTRY_COMPARE(remote.first()->state(), QAbstractSocket::UnconnectedState);
        for (int i = 1; i < 4; ++i)
            QCOMPARE(remote[i]->state(), QAbstractSocket::ConnectedState);
        qDeleteAll(remote);
    }

    void tlsHandshakesCountTowardsTheCapAndTimeOut()
    {
        // The seam for TLS: a QSslServer handed to the transport. Sockets in their handshake
        // are counted and held to the head's deadline like any other.
        TestServer::Options o;
        o.limits.maxConnections = 2;
        o.limits.headerTimeoutMs = 400;
        TestServer s(o);
        auto *tls = new QSslServer;
        tls->setHandshakeTimeout(60000); // ours must act first
        QString error;
        const quint16 port = s.server().listen(QHostAddress::LocalHost, 0, &error, tls);
        QVERIFY2(port, qPrintable(error));
        // Two silent clients fill the cap; a third evicts the oldest.
        const int a = openRaw(port), b = openRaw(port);
        QTRY_COMPARE(s.server().transport().counters().open.load(), 2);
        const int c = openRaw(port);
        QTRY_VERIFY(closedByServer(a));
        // And silence past the deadline ends them all.
        QTRY_VERIFY_WITH_TIMEOUT(closedByServer(c), 5000);
        QTRY_COMPARE(s.server().transport().counters().open.load(), 0);
        closeRaw({a, b, c});
    }
};

QTEST_GUILESS_MAIN(TestTransport)
#include "tst_transport.moc"
