// Webhooks against a real local HTTP receiver: the documented body and text, the HMAC
// signature, retries after 500s with growing delays, a full queue dropping its oldest, a
// receiver that hangs never holding up a transition, and interlockd --notify end to end.
#include "server/WebhookNotifier.h"
#include "support/TestServer.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QtTest>

using namespace interlock;
using namespace interlock::test;

namespace {
// A minimal HTTP/1.1 receiver: records each request, answers with the next planned status (200
// when the plan is empty), or never answers while `hang` is set.
class Receiver : public QObject
{
public:
    struct Request {
        QHash<QByteArray, QByteArray> headers; // lower-case names
        QByteArray body;
        qint64 atMs = 0; // since the receiver started
        QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    };

    Receiver()
    {
        m_clock.start();
        m_server.listen(QHostAddress::LocalHost, 0);
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                auto buffer = std::make_shared<QByteArray>();
                connect(socket, &QTcpSocket::readyRead, this, [this, socket, buffer] {
                    *buffer += socket->readAll();
                    parse(socket, *buffer);
                });
                connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            }
        });
    }

    QUrl url() const
    {
        return QUrl(QStringLiteral("http://127.0.0.1:%1/hook").arg(m_server.serverPort()));
    }

    QList<int> plan;
    bool hang = false;
    QList<Request> requests;

private:
    void parse(QTcpSocket *socket, QByteArray &buffer)
    {
        for (;;) {
            const qsizetype end = buffer.indexOf("\r\n\r\n");
            if (end < 0)
                return;
            Request r;
            qsizetype length = 0;
            const QList<QByteArray> lines = buffer.left(end).split('\n');
            for (const QByteArray &line : lines.mid(1)) {
                const qsizetype colon = line.indexOf(':');
                if (colon > 0)
                    r.headers.insert(line.left(colon).trimmed().toLower(),
                                     line.mid(colon + 1).trimmed());
            }
            length = r.headers.value("content-length").toLongLong();
            if (buffer.size() < end + 4 + length)
                return;
            r.body = buffer.mid(end + 4, length);
            r.atMs = m_clock.elapsed();
            buffer.remove(0, end + 4 + length);
            requests.append(r);
            if (hang)
                continue;
            const int status = plan.isEmpty() ? 200 : plan.takeFirst();
            socket->write("HTTP/1.1 " + QByteArray::number(status) +
                          " X\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok");
        }
    }

    QTcpServer m_server;
    QElapsedTimer m_clock;
};

QJsonObject highAction()
{
    QJsonObject a = sampleAction(QStringLiteral("shell.exec"),
                                 QStringLiteral("Wipe <!channel> [click](https://evil.example)"));
    a.insert(QStringLiteral("payload"),
             QJsonObject{{QStringLiteral("command"), QStringLiteral("rm -rf /srv/build")}});
    return a;
}

const QByteArray kSecret = "s3cret-for-tests";

WebhookOptions withReceiver(const Receiver &receiver, int baseDelayMs = 20)
{
    WebhookOptions o;
    o.urls = {receiver.url()};
    o.secret = kSecret;
    o.baseDelayMs = baseDelayMs;
    o.timeoutMs = 500;
    return o;
}
} // namespace

class TestWebhooks : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void aHighActionIsSignedAndDocumented()
    {
        Receiver receiver;
        TestServer s({}, withReceiver(receiver));
        const auto [sid, token] = s.openSession(QStringLiteral("janitor"));
        s.submit(token, sampleAction()); // low: no alert
        const QString id = s.submit(token, highAction());
        QTRY_COMPARE(receiver.requests.size(), 1);
        const Receiver::Request r = receiver.requests.first();
        QCOMPARE(r.headers.value("content-type"), QByteArray("application/json"));
        QCOMPARE(r.headers.value("x-interlock-event"), QByteArray("action.created"));
        QVERIFY(!r.headers.value("x-interlock-delivery").isEmpty());
        QVERIFY(qAbs(r.headers.value("x-interlock-timestamp").toLongLong() -
                     QDateTime::currentSecsSinceEpoch()) < 120);
        QCOMPARE(r.headers.value("x-interlock-signature"),
                 WebhookNotifier::signature(kSecret, r.body));
        QVERIFY(r.headers.value("x-interlock-signature").startsWith("sha256="));
        QCOMPARE(r.headers.value("x-interlock-signature").size(), 7 + 64);

        const QJsonObject body = r.json();
        QCOMPARE(body.value(QStringLiteral("type")).toString(), QStringLiteral("action.created"));
        const QJsonObject action = body.value(QStringLiteral("action")).toObject();
        QCOMPARE(action.value(QStringLiteral("id")).toString(), id);
        QCOMPARE(action.value(QStringLiteral("level")).toString(), QStringLiteral("high"));
        QCOMPARE(action.value(QStringLiteral("agent")).toString(), QStringLiteral("janitor"));
        QCOMPARE(
            body.value(QStringLiteral("session")).toObject().value(QStringLiteral("id")).toString(),
            sid);
        QVERIFY(!body.value(QStringLiteral("reasons")).toArray().isEmpty());
        QCOMPARE(body.value(QStringLiteral("link")).toString(),
                 QStringLiteral("interlock://action/") + id);
        const QString text = body.value(QStringLiteral("text")).toString();
        QVERIFY(text.contains(QStringLiteral("HIGH")));
        QVERIFY(text.contains(QStringLiteral("interlock://action/") + id));
        // Agent text can form neither a Slack mention nor a Markdown link.
        QVERIFY2(!text.contains(QStringLiteral("<!channel>")) &&
                     !text.contains(QStringLiteral("](")),
                 qPrintable(text));
        QVERIFY(text.contains(QStringLiteral("&lt;!channel&gt;")));
    }

    void tripsKillsAndViolationsAlertToo()
    {
        Receiver receiver;
        TestServer s({}, withReceiver(receiver));
        const auto [sid, token] = s.openSession(QStringLiteral("janitor"));
        const QString low = s.submit(token, sampleAction());
        // A receipt for something never approved.
        QCOMPARE(
            s.call(token, "POST", QStringLiteral("/v1/actions/%1/receipt").arg(low),
                   QJsonObject{{QStringLiteral("outcome"), QStringLiteral("succeeded")},
                               {QStringLiteral("payload_sha256"), QString(64, QLatin1Char('a'))}})
                .status,
            200);
        QCOMPARE(s.call(s.token(Role::Oncall), "POST",
                        QStringLiteral("/v1/sessions/%1/kill").arg(sid),
                        QJsonObject{{QStringLiteral("reason"), QStringLiteral("drill")}})
                     .status,
                 200);
        QTRY_COMPARE(receiver.requests.size(), 2);
        QCOMPARE(receiver.requests[0].json().value(QStringLiteral("type")).toString(),
                 QStringLiteral("receipt.violation"));
        const QJsonObject kill = receiver.requests[1].json();
        QCOMPARE(kill.value(QStringLiteral("type")).toString(), QStringLiteral("session.killed"));
        QCOMPARE(kill.value(QStringLiteral("link")).toString(),
                 QStringLiteral("interlock://session/") + sid);
        QVERIFY(
            kill.value(QStringLiteral("text")).toString().contains(QStringLiteral("oncall-user")));
    }

    // Two 500s, then 200: one delivery, three attempts, the second wait longer than the first.
    void retriesWithBackoff()
    {
        Receiver receiver;
        receiver.plan = {500, 503};
        TestServer s({}, withReceiver(receiver, 100));
        const auto [sid, token] = s.openSession(QStringLiteral("janitor"));
        s.submit(token, highAction());
        QTRY_COMPARE_WITH_TIMEOUT(receiver.requests.size(), 3, 10000);
        const QByteArray delivery = receiver.requests[0].headers.value("x-interlock-delivery");
        for (const Receiver::Request &r : std::as_const(receiver.requests)) {
            QCOMPARE(r.headers.value("x-interlock-delivery"), delivery); // the same notification
            QCOMPARE(r.body, receiver.requests[0].body);
            QCOMPARE(r.headers.value("x-interlock-signature"),
                     WebhookNotifier::signature(kSecret, r.body));
        }
        const qint64 firstWait = receiver.requests[1].atMs - receiver.requests[0].atMs;
        const qint64 secondWait = receiver.requests[2].atMs - receiver.requests[1].atMs;
        QVERIFY2(firstWait >= 100 && secondWait >= 200,
                 qPrintable(QStringLiteral("waited %1 then %2 ms").arg(firstWait).arg(secondWait)));
        const auto counts = [&] {
            return s.call(s.token(Role::Manager), "GET", QStringLiteral("/v1/health")).status;
        };
        QCOMPARE(counts(), 200);
        // Counted: 1 sent, 2 failed attempts, nothing dropped.
        const RawResponse metrics = rawHttp(
            s.port(), rawRequest("GET", "/v1/metrics", {},
                                 {"Authorization: Bearer " + s.token(Role::Manager).toLatin1()}));
        QVERIFY(metrics.body.contains("interlock_webhooks_sent_total 1\n"));
        QVERIFY(metrics.body.contains("interlock_webhooks_failed_total 2\n"));
        QVERIFY(metrics.body.contains("interlock_webhooks_dropped_total 0\n"));
        Q_UNUSED(sid);
    }

    // A receiver that accepts and never answers: every submission is still answered at once,
    // the server stays responsive, attempts time out, and a full queue drops its oldest.
    void aHangingReceiverNeverBlocks()
    {
        Receiver receiver;
        receiver.hang = true;
        WebhookOptions o = withReceiver(receiver, 60000);
        o.queueCapacity = 3;
        o.timeoutMs = 300;
        o.maxAttempts = 1;
        TestServer s({}, o);
        const auto [sid, token] = s.openSession(QStringLiteral("janitor"));
        s.submit(token, highAction());
        QTRY_COMPARE(receiver.requests.size(), 1); // on the wire, never answered
        for (int i = 0; i < 10; ++i) {
            const ApiResult r = s.call(token, "POST", QStringLiteral("/v1/actions"), highAction());
            QCOMPARE(r.status, 201);
        }
        QCOMPARE(s.call(s.token(Role::Reviewer), "GET", QStringLiteral("/v1/health")).status, 200);
        // 11 notifications for a queue of 3 while the first hangs: 7 pushed out at once.
        const auto metric = [&](const QByteArray &name) {
            const RawResponse m =
                rawHttp(s.port(),
                        rawRequest("GET", "/v1/metrics", {},
                                   {"Authorization: Bearer " + s.token(Role::Manager).toLatin1()}));
            const QRegularExpression re(
                QStringLiteral("\n%1 (\\d+)\n").arg(QString::fromLatin1(name)));
            return re.match(QString::fromUtf8(m.body)).captured(1).toInt();
        };
        QTRY_COMPARE(metric("interlock_webhooks_dropped_total") >= 8, true);
        // The hanging attempt timed out and was given up (one attempt allowed).
        QTRY_VERIFY(metric("interlock_webhooks_failed_total") >= 1);
        Q_UNUSED(sid);
    }

    // interlockd --notify URL --notify-secret FILE, as shipped.
    void daemonNotifies()
    {
        Receiver receiver;
        QTemporaryDir dir;
        const QString db = dir.filePath(QStringLiteral("d.db"));
        const QString secretFile = dir.filePath(QStringLiteral("secret"));
        {
            QFile f(secretFile);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(kSecret + "\n");
        }
        const auto ctl = [&](const QString &role) {
            QProcess p;
            p.start(QStringLiteral(INTERLOCKCTL_PATH),
                    {QStringLiteral("token"), QStringLiteral("create"), QStringLiteral("--db"), db,
                     QStringLiteral("--role"), role, QStringLiteral("--name"),
                     role + QStringLiteral("-1")});
            p.waitForFinished(20000);
            return QString::fromUtf8(p.readAllStandardOutput()).trimmed();
        };
        const QString agent = ctl(QStringLiteral("agent"));
        QProcess daemon;
        daemon.setProcessChannelMode(QProcess::MergedChannels);
        daemon.start(QStringLiteral(INTERLOCKD_PATH),
                     {QStringLiteral("--db"), db, QStringLiteral("--listen"),
                      QStringLiteral("127.0.0.1:0"), QStringLiteral("--notify"),
                      receiver.url().toString(), QStringLiteral("--notify-secret"), secretFile});
        QByteArray out;
        QTRY_VERIFY_WITH_TIMEOUT((out += daemon.readAll()).contains("listening on"), 20000);
        QVERIFY(out.contains("signed with X-Interlock-Signature"));
        const QRegularExpressionMatch m =
            QRegularExpression(QStringLiteral("http://127.0.0.1:(\\d+)"))
                .match(QString::fromUtf8(out));
        QVERIFY(m.hasMatch());
        ApiClient enroll(QUrl(QStringLiteral("http://127.0.0.1:") + m.captured(1)), agent);
        const ApiResult opened =
            enroll.call("POST", QStringLiteral("/v1/sessions"),
                        QJsonObject{{QStringLiteral("agent"), QStringLiteral("janitor")}});
        QCOMPARE(opened.status, 201);
        ApiClient session(enroll.baseUrl(), opened.body.value(QStringLiteral("token")).toString());
        QCOMPARE(session.call("POST", QStringLiteral("/v1/actions"), highAction()).status, 201);
        QTRY_COMPARE_WITH_TIMEOUT(receiver.requests.size(), 1, 10000);
        QCOMPARE(receiver.requests[0].headers.value("x-interlock-signature"),
                 WebhookNotifier::signature(kSecret, receiver.requests[0].body));
        daemon.terminate();
        QVERIFY(daemon.waitForFinished(10000));

        // A bad URL is refused at start-up.
        QProcess bad;
        bad.start(
            QStringLiteral(INTERLOCKD_PATH),
            {QStringLiteral("--db"), db, QStringLiteral("--notify"), QStringLiteral("ftp://x/y")});
        QVERIFY(bad.waitForFinished(10000));
        QCOMPARE(bad.exitCode(), 2);
    }
};

QTEST_GUILESS_MAIN(TestWebhooks)
#include "tst_webhooks.moc"
