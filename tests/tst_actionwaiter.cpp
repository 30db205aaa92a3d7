// ActionWaiter::withdraw against a scripted HTTP server on loopback: a withdrawal the server does
// not acknowledge (connection dropped, 503) is retried with backoff, also after the waiter is
// gone; an answer that says the action is no longer pending (409) ends it at once.
#include "integrations/ActionWaiter.h"
#include "support/TestServer.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QTcpServer>
#include <QTcpSocket>
#include <QtTest>
#include <memory>

using namespace interlock;
using namespace interlock::integrations;

namespace {
// Answers POST /v1/actions with a pending action, never answers the decision's long-poll, and
// answers each POST …/withdraw with the next entry of `withdrawAnswers` (0: drop the connection;
// past the end: 200).
class ScriptedServer : public QObject
{
public:
    QList<int> withdrawAnswers;
    int withdrawals = 0;

    ScriptedServer()
    {
        QVERIFY(m_server.listen(QHostAddress::LocalHost));
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = m_server.nextPendingConnection()) {
                s->setParent(this);
                connect(s, &QTcpSocket::readyRead, this, [this, s] { onReadable(s); });
            }
        });
    }
    QUrl url() const
    {
        return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_server.serverPort()));
    }

private:
    void onReadable(QTcpSocket *s)
    {
        QByteArray &buffer = m_buffers[s];
        buffer += s->readAll();
        const qsizetype end = buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        const QByteArray head = buffer.left(end);
        qsizetype length = 0;
        for (const QByteArray &line : head.split('\n')) {
            if (line.toLower().startsWith("content-length:"))
                length = line.mid(15).trimmed().toLongLong();
        }
        if (buffer.size() < end + 4 + length)
            return;
        const QByteArray requestLine = head.left(head.indexOf('\r'));
        buffer.clear();
        if (requestLine.startsWith("POST /v1/actions ")) {
            const QJsonObject action{
                {"id", "act_1"},
                {"status", "pending"},
                {"expires_at",
                 QDateTime::currentDateTimeUtc().addSecs(60).toString(Qt::ISODateWithMs)}};
            return reply(s, 201, action);
        }
        if (requestLine.contains("/withdraw")) {
            const int status =
                withdrawals < withdrawAnswers.size() ? withdrawAnswers[withdrawals] : 200;
            ++withdrawals;
            if (status == 0)
                return s->abort();
            return reply(s, status,
                         status == 200 ? QJsonObject{{"id", "act_1"}, {"status", "cancelled"}}
                                       : QJsonObject{{"error", "busy"}, {"message", "busy"}});
        }
        // GET …/decision: held, as a long-poll with no decision yet.
    }
    static void reply(QTcpSocket *s, int status, const QJsonObject &body)
    {
        const QByteArray json = QJsonDocument(body).toJson(QJsonDocument::Compact);
        s->write("HTTP/1.1 " + QByteArray::number(status) +
                 " X\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " +
                 QByteArray::number(json.size()) + "\r\n\r\n" + json);
        s->disconnectFromHost();
    }

    QTcpServer m_server;
    QHash<QTcpSocket *, QByteArray> m_buffers;
};

// Submits through a waiter, withdraws, and deletes the waiter at once (as the MCP gateway does
// with a cancelled call). Returns whether `done` ran within the timeout.
bool withdrawAndForget(ScriptedServer &, ApiClient &client, int timeoutMs)
{
    auto waiter = std::make_unique<ActionWaiter>(client, ActionWaiter::Options{});
    QSignalSpy submitted(waiter.get(), &ActionWaiter::submitted);
    waiter->start(QJsonObject{{"kind", "mcp.tool_call"}}, QString());
    if (!submitted.wait(10000))
        return false;
    bool done = false;
    waiter->withdraw(QStringLiteral("cancelled"), [&done] { done = true; });
    waiter.reset();
    return QTest::qWaitFor([&] { return done; }, timeoutMs);
}

// Starts a waiter for `action` under `key` and returns it with a spy on its end.
struct Started {
    std::unique_ptr<ActionWaiter> waiter;
    std::unique_ptr<QSignalSpy> finished;
    Decision decision() const { return finished->at(0).at(0).value<Decision>(); }
};
Started startWaiter(ApiClient &client, const QString &key)
{
    Started out{std::make_unique<ActionWaiter>(client, ActionWaiter::Options{}), nullptr};
    out.finished = std::make_unique<QSignalSpy>(out.waiter.get(), &ActionWaiter::finished);
    out.waiter->start(test::sampleAction(), key);
    return out;
}

QString pendingId(test::TestServer &s, int count)
{
    QString id;
    const bool found = QTest::qWaitFor(
        [&] {
            const QJsonArray list =
                s.call(s.token(Role::Reviewer), "GET", QStringLiteral("/v1/actions?status=pending"))
                    .body.value(QStringLiteral("actions"))
                    .toArray();
            if (list.size() == count)
                id = list.at(0).toObject().value(QStringLiteral("id")).toString();
            return !id.isEmpty();
        },
        10000);
    return found ? id : QString();
}
} // namespace

// Every test runs over both of ApiClient's transports: Qt's and the kept-alive one.
static void transports()
{
    QTest::addColumn<bool>("keepAlive");
    QTest::newRow("qt") << false;
    QTest::newRow("keep-alive") << true;
}

class TestActionWaiter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void withdrawIsRetriedUntilAcknowledged_data() { transports(); }
    void withdrawIsRetriedUntilAcknowledged()
    {
        QFETCH(bool, keepAlive);
        ScriptedServer server;
        server.withdrawAnswers = {0, 503, 503};
        ApiClient client(server.url(), QStringLiteral("ilk_test"));
        client.setKeepAlive(keepAlive);
        QVERIFY(withdrawAndForget(server, client, 30000));
        QCOMPARE(server.withdrawals, 4); // dropped, 503, 503, then 200
    }

    void noLongerPendingEndsTheWithdrawal_data() { transports(); }
    void noLongerPendingEndsTheWithdrawal()
    {
        QFETCH(bool, keepAlive);
        ScriptedServer server;
        server.withdrawAnswers = {409};
        ApiClient client(server.url(), QStringLiteral("ilk_test"));
        client.setKeepAlive(keepAlive);
        QVERIFY(withdrawAndForget(server, client, 30000));
        QCOMPARE(server.withdrawals, 1);
    }

    // The MCP client cancels while the submission is still on its way (the server has made the
    // action, the gateway has not read the answer yet): the action must still be withdrawn, not
    // left pending for a reviewer. Seen once in e2e_mcpgateway on a loaded machine.
    void withdrawalBeforeTheSubmissionIsAnswered_data() { transports(); }
    void withdrawalBeforeTheSubmissionIsAnswered()
    {
        QFETCH(bool, keepAlive);
        ScriptedServer server;
        ApiClient client(server.url(), QStringLiteral("ilk_test"));
        client.setKeepAlive(keepAlive);
        auto waiter = std::make_unique<ActionWaiter>(client, ActionWaiter::Options{});
        QSignalSpy submitted(waiter.get(), &ActionWaiter::submitted);
        waiter->start(QJsonObject{{"kind", "mcp.tool_call"}}, QString());
        bool done = false;
        waiter->withdraw(QStringLiteral("cancelled"), [&done] { done = true; });
        waiter.reset();
        QTRY_VERIFY_WITH_TIMEOUT(done, 30000);
        QCOMPARE(server.withdrawals, 1);
        QCOMPARE(submitted.count(), 0);
    }

    // One approval runs one call (attack report F03: a model repeating a tool call with the same
    // id and input got "allow" every time, and the command ran 3 times, once 1,452). A real
    // server on loopback; the repeat is refused, a rejection is given again as it was.
    void anApprovalRunsOneCall()
    {
        test::TestServer s;
        const QString token = s.openSession(QStringLiteral("repeater")).second;
        ApiClient client(s.url(), token);
        const QString reviewer = s.token(Role::Reviewer);
        Started first = startWaiter(client, QStringLiteral("call-1"));
        const QString id = pendingId(s, 1);
        QVERIFY(!id.isEmpty());
        QCOMPARE(s.call(reviewer, "POST", QStringLiteral("/v1/actions/%1/decision").arg(id),
                        QJsonObject{{QStringLiteral("decision"), QStringLiteral("approve")}})
                     .status,
                 200);
        QTRY_COMPARE_WITH_TIMEOUT(first.finished->count(), 1, 10000);
        QCOMPARE(first.decision().outcome, Decision::Outcome::Approved);
        for (int repeat = 0; repeat < 2; ++repeat) {
            Started again = startWaiter(client, QStringLiteral("call-1"));
            QTRY_COMPARE_WITH_TIMEOUT(again.finished->count(), 1, 10000);
            QCOMPARE(again.decision().outcome, Decision::Outcome::Refused);
            QVERIFY2(again.decision().message.contains(QStringLiteral("already given")),
                     qPrintable(again.decision().message));
            QCOMPARE(again.decision().actionId, id);
        }

        Started rejected = startWaiter(client, QStringLiteral("call-2"));
        const QString second = pendingId(s, 1);
        s.call(reviewer, "POST", QStringLiteral("/v1/actions/%1/decision").arg(second),
               QJsonObject{{QStringLiteral("decision"), QStringLiteral("reject")},
                           {QStringLiteral("comment"), QStringLiteral("not today")}});
        QTRY_COMPARE_WITH_TIMEOUT(rejected.finished->count(), 1, 10000);
        Started rejectedAgain = startWaiter(client, QStringLiteral("call-2"));
        QTRY_COMPARE_WITH_TIMEOUT(rejectedAgain.finished->count(), 1, 10000);
        QCOMPARE(rejectedAgain.decision().outcome, Decision::Outcome::Rejected);
        QCOMPARE(rejectedAgain.decision().comment, QStringLiteral("not today"));
    }

    // The same call sent twice at once: both wait on one action, and its approval runs one.
    void twoWaitersOnOneActionRunOneCall()
    {
        test::TestServer s;
        const QString token = s.openSession(QStringLiteral("twice")).second;
        ApiClient client(s.url(), token);
        Started a = startWaiter(client, QStringLiteral("call-1"));
        const QString id = pendingId(s, 1);
        QVERIFY(!id.isEmpty());
        Started b = startWaiter(client, QStringLiteral("call-1"));
        QSignalSpy bSubmitted(b.waiter.get(), &ActionWaiter::submitted);
        QVERIFY(bSubmitted.wait(10000));
        QCOMPARE(bSubmitted.at(0).at(0).toString(), id);
        QCOMPARE(s.call(s.token(Role::Reviewer), "POST",
                        QStringLiteral("/v1/actions/%1/decision").arg(id),
                        QJsonObject{{QStringLiteral("decision"), QStringLiteral("approve")}})
                     .status,
                 200);
        QTRY_VERIFY_WITH_TIMEOUT(a.finished->count() == 1 && b.finished->count() == 1, 10000);
        QList<Decision::Outcome> outcomes{a.decision().outcome, b.decision().outcome};
        std::sort(outcomes.begin(), outcomes.end());
        QCOMPARE(outcomes, (QList<Decision::Outcome>{Decision::Outcome::Approved,
                                                     Decision::Outcome::Refused}));
    }
};

QTEST_GUILESS_MAIN(TestActionWaiter)
#include "tst_actionwaiter.moc"
