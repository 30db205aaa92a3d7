// Signing in: the bearer scheme in any case, wrong tokens throttled per address (429 with
// Retry-After) without ever locking out a valid token, and a bounded trace of every flood.
// Real HTTP on loopback, from more than one source address; the real interlockd for the trace.
#include "support/TestServer.h"

#include <QJsonArray>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QtTest>

using namespace interlock;
using namespace interlock::test;

namespace {
// One request from a chosen source address; its answer (status 0: none in 10 s). Every answer
// here has a Content-Length.
RawResponse fromAddress(const QHostAddress &source, quint16 port, const QByteArray &request)
{
    QTcpSocket socket;
    RawResponse response;
    if (!socket.bind(source)) {
        qWarning("cannot bind %s: %s", qPrintable(source.toString()),
                 qPrintable(socket.errorString()));
        return response;
    }
    QByteArray received;
    const auto complete = [&] {
        const qsizetype end = received.indexOf("\r\n\r\n");
        if (end < 0)
            return false;
        qsizetype length = 0;
        for (const QByteArray &line : received.left(end).split('\n')) {
            if (line.toLower().startsWith("content-length:"))
                length = line.mid(15).trimmed().toLongLong();
        }
        if (received.size() < end + 4 + length)
            return false;
        response.status = received.mid(9, 3).toInt();
        response.head = received.left(end);
        response.body = received.mid(end + 4, length);
        return true;
    };
    QObject::connect(&socket, &QTcpSocket::connected, &socket, [&] { socket.write(request); });
    QObject::connect(&socket, &QTcpSocket::readyRead, &socket,
                     [&] { received += socket.readAll(); });
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!QTest::qWaitFor(complete, 10000))
        qWarning("no answer from %s: %s", qPrintable(source.toString()),
                 qPrintable(socket.errorString()));
    return response;
}

QByteArray get(const QByteArray &path, const QByteArray &authorization)
{
    return rawRequest("GET", path, {}, {"Authorization: " + authorization});
}

QByteArray post(const QByteArray &path, const QByteArray &authorization)
{
    return rawRequest("POST", path, {}, {"Authorization: " + authorization});
}

QByteArray headerValue(const QByteArray &head, const QByteArray &name)
{
    for (const QByteArray &line : head.split('\n')) {
        if (line.toLower().startsWith(QByteArray(name.toLower() + ':')))
            return line.mid(name.size() + 1).trimmed();
    }
    return {};
}

const QHostAddress kFlooder(QStringLiteral("127.0.0.1"));
const QHostAddress kNeighbour(QStringLiteral("127.0.0.2"));

QList<QJsonObject> throttledEntries(TestServer &s)
{
    QList<QJsonObject> out;
    const ApiResult r =
        s.call(s.token(Role::Manager), "GET", QStringLiteral("/v1/audit?limit=1000"));
    for (const QJsonValue &v : r.body.value(QStringLiteral("entries")).toArray()) {
        if (v.toObject().value(QStringLiteral("type")).toString() ==
            QLatin1String("auth.throttled"))
            out.append(v.toObject());
    }
    return out;
}
} // namespace

class TestSignIn : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void bearerSchemeInAnyCase_data()
    {
        QTest::addColumn<QByteArray>("header"); // TOKEN stands for a valid reviewer token
        QTest::addColumn<int>("status");
        QTest::newRow("Bearer") << QByteArray("Bearer TOKEN") << 200;
        QTest::newRow("bearer") << QByteArray("bearer TOKEN") << 200;
        QTest::newRow("BEARER") << QByteArray("BEARER TOKEN") << 200;
        QTest::newRow("bEaReR") << QByteArray("bEaReR TOKEN") << 200;
        QTest::newRow("several spaces") << QByteArray("Bearer    TOKEN") << 200;
        QTest::newRow("a tab") << QByteArray("Bearer\tTOKEN") << 200;
        QTest::newRow("spaces around") << QByteArray("   bearer  TOKEN   ") << 200;
        QTest::newRow("no space") << QByteArray("BearerTOKEN") << 401;
        QTest::newRow("another scheme") << QByteArray("Basic TOKEN") << 401;
        QTest::newRow("scheme alone") << QByteArray("Bearer ") << 401;
        QTest::newRow("two tokens") << QByteArray("Bearer TOKEN extra") << 401;
    }
    void bearerSchemeInAnyCase()
    {
        QFETCH(QByteArray, header);
        QFETCH(int, status);
        TestServer s;
        header.replace("TOKEN", s.token(Role::Reviewer).toUtf8());
        const RawResponse r = rawHttp(s.port(), get("/v1/me", header));
        QCOMPARE(r.status, status);
        if (status == 200)
            QCOMPARE(r.json().value(QStringLiteral("role")).toString(), QStringLiteral("reviewer"));
        else
            QCOMPARE(
                r.json().value(QStringLiteral("error")).toObject().value(QStringLiteral("code")),
                QJsonValue(QStringLiteral("unauthenticated")));
    }

    // 20 wrong tokens in 10 s block the address's failures for 30 s; a valid token from the same
    // address still kills and stops all; another address is not affected; the block runs out.
    void wrongTokensAreThrottledValidOnesNever()
    {
        TestServer::Options options;
        options.manualClock = true; // the throttle's windows move only when the test says so
        TestServer s(options);
        const auto [sessionId, sessionToken] = s.openSession(QStringLiteral("a"));
        s.submit(sessionToken, sampleAction());
        const quint16 port = s.port();

        for (int i = 1; i <= 20; ++i) {
            const RawResponse r = fromAddress(
                kFlooder, port, get("/v1/actions", "Bearer ilk_wrong" + QByteArray::number(i)));
            QCOMPARE(r.status, 401);
        }
        // The 21st and every one after: 429, with Retry-After.
        for (int i = 0; i < 200; ++i) {
            const RawResponse r =
                fromAddress(kFlooder, port, get("/v1/actions", "Bearer ilk_guess"));
            QCOMPARE(r.status, 429);
            if (i == 0) {
                QCOMPARE(headerValue(r.head, "Retry-After"), QByteArray("30"));
                QCOMPARE(r.json()
                             .value(QStringLiteral("error"))
                             .toObject()
                             .value(QStringLiteral("code")),
                         QJsonValue(QStringLiteral("rate_limited")));
            }
        }
        // A malformed header counts too.
        QCOMPARE(fromAddress(kFlooder, port, get("/v1/me", "Basic Zm9vOmJhcg==")).status, 429);
        // No token at all is not a guess: still the plain 401.
        QCOMPARE(fromAddress(kFlooder, port, rawRequest("GET", "/v1/me", {}, {})).status, 401);

        // The on-call engineer on the same machine: a valid token is never throttled.
        const QByteArray oncall = "bearer " + s.token(Role::Oncall).toUtf8();
        QCOMPARE(fromAddress(kFlooder, port, get("/v1/me", oncall)).status, 200);
        const RawResponse kill = fromAddress(
            kFlooder, port, post("/v1/sessions/" + sessionId.toUtf8() + "/kill", oncall));
        QCOMPARE(kill.status, 200);
        QCOMPARE(kill.json().value(QStringLiteral("cancelled")).toInt(), 1);
        QCOMPARE(fromAddress(kFlooder, port, post("/v1/stop-all", oncall)).status, 200);
        // Still blocked for guesses after all that.
        QCOMPARE(fromAddress(kFlooder, port, get("/v1/me", "Bearer ilk_guess")).status, 429);

        // Another address: its own count, untouched by the flood.
        QCOMPARE(fromAddress(kNeighbour, port, get("/v1/me", "Bearer ilk_typo")).status, 401);
        QCOMPARE(fromAddress(kNeighbour, port, get("/v1/me", oncall)).status, 200);

        // One trace for the whole flood (the audit entry is rate-limited itself).
        QList<QJsonObject> traces = throttledEntries(s);
        QCOMPARE(traces.size(), 1);
        const QJsonObject data = traces.first().value(QStringLiteral("data")).toObject();
        QCOMPARE(data.value(QStringLiteral("peer")).toString(), QStringLiteral("127.0.0.1"));
        QCOMPARE(data.value(QStringLiteral("failures")).toInt(), 20);
        QCOMPARE(traces.first().value(QStringLiteral("actor")).toString(),
                 QStringLiteral("system"));

        // The block runs out 30 s after the last failure: a wrong token is a 401 again.
        s.clock()->advance(29'000);
        QCOMPARE(fromAddress(kFlooder, port, get("/v1/me", "Bearer ilk_guess")).status, 429);
        s.clock()->advance(30'001);
        QCOMPARE(fromAddress(kFlooder, port, get("/v1/me", "Bearer ilk_guess")).status, 401);
        // Failures spread wider than the window never block.
        for (int i = 0; i < 40; ++i) {
            s.clock()->advance(600);
            QCOMPARE(fromAddress(kFlooder, port, get("/v1/me", "Bearer ilk_slow")).status, 401);
        }
        // A new flood a minute later leaves a second trace, counting what was refused.
        s.clock()->advance(61'000);
        for (int i = 0; i < 25; ++i)
            fromAddress(kFlooder, port, get("/v1/me", "Bearer ilk_again"));
        traces = throttledEntries(s);
        QCOMPARE(traces.size(), 2);
        QCOMPARE(traces.last()
                     .value(QStringLiteral("data"))
                     .toObject()
                     .value(QStringLiteral("refused_since_last_entry"))
                     .toInt(),
                 203); // 200 guesses, the Basic header and two more guesses while blocked
    }

    // The real daemon: 1,000 wrong tokens as fast as they go, one line on stderr, one audit
    // entry, and the kill still answered for the valid token on the same address.
    void daemonTracesAFloodOnceAndStillKills()
    {
        QTemporaryDir dir;
        const QString db = dir.filePath(QStringLiteral("s.db"));
        const auto token = [&](const char *role) {
            QProcess ctl;
            ctl.start(QStringLiteral(INTERLOCKCTL_PATH),
                      {QStringLiteral("token"), QStringLiteral("create"), QStringLiteral("--db"),
                       db, QStringLiteral("--role"), QString::fromLatin1(role),
                       QStringLiteral("--name"),
                       QStringLiteral("signin-") + QString::fromLatin1(role)});
            ctl.waitForFinished(20000);
            return QString::fromUtf8(ctl.readAllStandardOutput()).trimmed();
        };
        const QString agent = token("agent"), oncall = token("oncall"), manager = token("manager");
        QProcess daemon;
        daemon.start(QStringLiteral(INTERLOCKD_PATH),
                     {QStringLiteral("--db"), db, QStringLiteral("--listen"),
                      QStringLiteral("127.0.0.1:0")});
        QVERIFY(daemon.waitForStarted(10000));
        QByteArray banner;
        while (!banner.contains('\n') && daemon.waitForReadyRead(10000))
            banner += daemon.readAllStandardOutput();
        const auto m = QRegularExpression(QStringLiteral("listening on http://127.0.0.1:(\\d+)"))
                           .match(QString::fromUtf8(banner));
        QVERIFY2(m.hasMatch(), banner.constData());
        const quint16 port = quint16(m.captured(1).toUInt());
        const QUrl url(QStringLiteral("http://127.0.0.1:%1").arg(port));
        ApiClient enroll(url, agent);
        const ApiResult opened =
            enroll.call("POST", QStringLiteral("/v1/sessions"),
                        QJsonObject{{QStringLiteral("agent"), QStringLiteral("flooded")}});
        QCOMPARE(opened.status, 201);
        const QString sessionId = opened.body.value(QStringLiteral("session"))
                                      .toObject()
                                      .value(QStringLiteral("id"))
                                      .toString();

        QMap<int, int> statuses;
        for (int i = 0; i < 1000; ++i)
            ++statuses[rawHttp(port, get("/v1/me", "Bearer ilk_" + QByteArray::number(i))).status];
        QCOMPARE(statuses.value(401) + statuses.value(429), 1000);
        QVERIFY2(statuses.value(429) >= 980, qPrintable(QString::number(statuses.value(429))));

        const RawResponse kill = rawHttp(port, post("/v1/sessions/" + sessionId.toUtf8() + "/kill",
                                                    "Bearer " + oncall.toUtf8()));
        QCOMPARE(kill.status, 200);

        ApiClient audit(url, manager);
        int entries = 0;
        for (const QJsonValue &v : audit.call("GET", QStringLiteral("/v1/audit?limit=1000"))
                                       .body.value(QStringLiteral("entries"))
                                       .toArray())
            entries += v.toObject().value(QStringLiteral("type")).toString() ==
                       QLatin1String("auth.throttled");
        QCOMPARE(entries, 1);

        daemon.terminate();
        QVERIFY(daemon.waitForFinished(10000));
        const QString log = QString::fromUtf8(daemon.readAllStandardError());
        QCOMPARE(log.count(QStringLiteral("failed sign-ins from 127.0.0.1")), 1);
        QVERIFY2(log.size() < 2000, qPrintable(log)); // one line, not a thousand
    }
};

QTEST_GUILESS_MAIN(TestSignIn)
#include "tst_signin.moc"
