// Action lifecycle semantics over real HTTP on loopback against a real SQLite file.
#include "core/CanonicalJson.h"
#include "server/WaitHub.h"
#include "support/TestServer.h"

#include <QElapsedTimer>
#include <QtTest>

using namespace interlock;
using namespace interlock::test;

class TestActions : public QObject
{
    Q_OBJECT

private:
    static QString id(const ApiResult &r) { return r.body.value(QStringLiteral("id")).toString(); }

private Q_SLOTS:
    void submittedActionHasServerFields()
    {
        TestServer s;
        const auto [sessionId, token] = s.openSession(QStringLiteral("builder"));
        const ApiResult r = s.call(token, "POST", QStringLiteral("/v1/actions"), sampleAction());
        QCOMPARE(r.status, 201);
        const QJsonObject a = r.body;
        QVERIFY(id(r).startsWith(QStringLiteral("act_")));
        QCOMPARE(a.value(QStringLiteral("status")).toString(), QStringLiteral("pending"));
        QCOMPARE(a.value(QStringLiteral("session_id")).toString(), sessionId);
        QCOMPARE(a.value(QStringLiteral("agent")).toString(), QStringLiteral("builder"));
        QCOMPARE(a.value(QStringLiteral("version")).toInt(), 1);
        QCOMPARE(a.value(QStringLiteral("payload_sha256")).toString(),
                 QString::fromLatin1(
                     sha256Hex(canonicalJson(sampleAction().value(QStringLiteral("payload"))))));
        const QJsonObject risk = a.value(QStringLiteral("risk")).toObject();
        QVERIFY(risk.value(QStringLiteral("score")).toInt() >= 10); // never below the agent's
        QVERIFY(!risk.value(QStringLiteral("level")).toString().isEmpty());
        QVERIFY(!risk.value(QStringLiteral("reasons")).toArray().isEmpty());
        QVERIFY(a.value(QStringLiteral("decision")).isNull());
        QVERIFY(a.value(QStringLiteral("created_at")).toString().endsWith(QLatin1Char('Z')));
        // What was acknowledged is what is stored.
        QCOMPARE(s.call(token, "GET", QStringLiteral("/v1/actions/") + id(r)).body, a);
    }

    void agentScoreIsAFloor()
    {
        TestServer s;
        const auto session = s.openSession(QStringLiteral("a"));
        QJsonObject body = sampleAction();
        body.insert(QStringLiteral("risk"), QJsonObject{{QStringLiteral("score"), 80}});
        const ApiResult r = s.call(session.second, "POST", QStringLiteral("/v1/actions"), body);
        QCOMPARE(
            r.body.value(QStringLiteral("risk")).toObject().value(QStringLiteral("score")).toInt(),
            80);
        QCOMPARE(r.body.value(QStringLiteral("risk"))
                     .toObject()
                     .value(QStringLiteral("level"))
                     .toString(),
                 QStringLiteral("critical"));
        QCOMPARE(r.body.value(QStringLiteral("required_approvals")).toInt(), 2);
    }

    void serverOwnedFieldsAreRefused_data()
    {
        QTest::addColumn<QString>("field");
        for (const char *f : {"id", "status", "version", "session_id", "agent", "payload_sha256",
                              "required_approvals", "approvals", "decision", "created_at",
                              "expires_at", "delivered_at", "execution"})
            QTest::newRow(f) << QString::fromLatin1(f);
    }
    void serverOwnedFieldsAreRefused()
    {
        QFETCH(QString, field);
        TestServer s;
        const auto session = s.openSession(QStringLiteral("a"));
        QJsonObject body = sampleAction();
        body.insert(field, QStringLiteral("approved"));
        const ApiResult r = s.call(session.second, "POST", QStringLiteral("/v1/actions"), body);
        QCOMPARE(r.status, 422);
        QCOMPARE(r.error().code, QStringLiteral("invalid_field"));
        QCOMPARE(r.error().field, field);
        QCOMPARE(s.call(s.token(Role::Admin), "GET", QStringLiteral("/v1/actions"))
                     .body.value(QStringLiteral("actions"))
                     .toArray()
                     .size(),
                 0);
    }

    void sessionSeesOnlyItsOwnActions()
    {
        TestServer s;
        const auto a = s.openSession(QStringLiteral("a"));
        const auto b = s.openSession(QStringLiteral("b"));
        const QString mine = s.submit(a.second, sampleAction());
        const QString theirs = s.submit(b.second, sampleAction());
        QCOMPARE(s.call(a.second, "GET", QStringLiteral("/v1/actions/") + mine).status, 200);
        const ApiResult other = s.call(a.second, "GET", QStringLiteral("/v1/actions/") + theirs);
        QCOMPARE(other.status, 404);
        QCOMPARE(other.error().code, QStringLiteral("not_found"));
        QCOMPARE(
            s.call(a.second, "GET", QStringLiteral("/v1/actions/%1/decision").arg(theirs)).status,
            404);
        QCOMPARE(s.call(a.second, "GET", QStringLiteral("/v1/actions")).status, 403);
    }

    void idempotencyKey()
    {
        TestServer s;
        const auto session = s.openSession(QStringLiteral("a"));
        const ApiClient::Headers key{{"Idempotency-Key", "retry-42"}};
        const ApiResult first =
            s.call(session.second, "POST", QStringLiteral("/v1/actions"), sampleAction(), key);
        QCOMPARE(first.status, 201);
        const ApiResult again =
            s.call(session.second, "POST", QStringLiteral("/v1/actions"), sampleAction(), key);
        QCOMPARE(again.status, 201);
        QCOMPARE(again.body, first.body);
        QCOMPARE(again.headers.value("idempotent-replayed"), QByteArray("true"));
        const ApiResult other =
            s.call(session.second, "POST", QStringLiteral("/v1/actions"),
                   sampleAction(QStringLiteral("fs.delete"), QStringLiteral("Other")), key);
        QCOMPARE(other.status, 422);
        QCOMPARE(other.error().code, QStringLiteral("idempotency_mismatch"));
        // The same key in another session is another action.
        const auto session2 = s.openSession(QStringLiteral("b"));
        const ApiResult elsewhere =
            s.call(session2.second, "POST", QStringLiteral("/v1/actions"), sampleAction(), key);
        QCOMPARE(elsewhere.status, 201);
        QVERIFY(id(elsewhere) != id(first));
        QCOMPARE(s.call(s.token(Role::Admin), "GET", QStringLiteral("/v1/actions"))
                     .body.value(QStringLiteral("actions"))
                     .toArray()
                     .size(),
                 2);
    }

    void twoReviewersAtOnceExactlyOneWins()
    {
        TestServer s;
        const auto session = s.openSession(QStringLiteral("a"));
        const QString action = s.submit(session.second, sampleAction());
        const QString bob = s.server().createToken(Role::Reviewer, QStringLiteral("bob"));
        ApiClient first(s.url(), s.token(Role::Reviewer));
        ApiClient second(s.url(), bob);
        QList<int> statuses;
        const auto collect = [&](const ApiResult &r) { statuses.append(r.status); };
        const QString path = QStringLiteral("/v1/actions/%1/decision").arg(action);
        first.request("POST", path,
                      QJsonObject{{QStringLiteral("decision"), QStringLiteral("approve")}},
                      collect);
        second.request("POST", path,
                       QJsonObject{{QStringLiteral("decision"), QStringLiteral("reject")},
                                   {QStringLiteral("comment"), QStringLiteral("no")}},
                       collect);
        QTRY_COMPARE(statuses.size(), 2);
        std::sort(statuses.begin(), statuses.end());
        QCOMPARE(statuses, (QList<int>{200, 409}));
        const ApiResult after =
            s.call(s.token(Role::Admin), "GET", QStringLiteral("/v1/actions/") + action);
        QVERIFY(after.body.value(QStringLiteral("status")).toString() != QLatin1String("pending"));
        // A decided action never changes its decision.
        const ApiResult late =
            s.call(s.token(Role::Admin), "POST", path,
                   QJsonObject{{QStringLiteral("decision"), QStringLiteral("approve")}});
        QCOMPARE(late.status, 409);
        QCOMPARE(late.error().code, QStringLiteral("already_decided"));
    }

    void staleVersionIsAConflict()
    {
        TestServer s;
        const auto session = s.openSession(QStringLiteral("a"));
        const QString action = s.submit(session.second, sampleAction());
        const ApiResult r = s.call(
            s.token(Role::Reviewer), "POST", QStringLiteral("/v1/actions/%1/decision").arg(action),
            QJsonObject{{QStringLiteral("decision"), QStringLiteral("approve")},
                        {QStringLiteral("version"), 7}});
        QCOMPARE(r.status, 409);
        QCOMPARE(r.error().code, QStringLiteral("version_conflict"));
    }

    void longPollReturnsOnDecision()
    {
        TestServer s;
        const auto session = s.openSession(QStringLiteral("a"));
        const QString action = s.submit(session.second, sampleAction());
        ApiClient agent(s.url(), session.second);
        std::optional<ApiResult> polled;
        agent.request(
            "GET", QStringLiteral("/v1/actions/%1/decision?wait=30").arg(action), std::nullopt,
            [&](const ApiResult &r) { polled = r; }, {}, 40000);
        QTRY_COMPARE(s.server().waitHub().waiting(), 1);
        QVERIFY(!polled);
        QElapsedTimer sinceDecision;
        sinceDecision.start();
        QCOMPARE(s.call(s.token(Role::Reviewer), "POST",
                        QStringLiteral("/v1/actions/%1/decision").arg(action),
                        QJsonObject{{QStringLiteral("decision"), QStringLiteral("approve")}})
                     .status,
                 200);
        // Woken by the decision, not by its 30 s wait: it arrives approved.
        QTRY_VERIFY_WITH_TIMEOUT(polled.has_value(), 5000);
        qInfo("long-poll answered %lld ms after the decision was sent", sinceDecision.elapsed());
        QCOMPARE(polled->status, 200);
        QCOMPARE(polled->body.value(QStringLiteral("status")).toString(),
                 QStringLiteral("approved"));
        QCOMPARE(polled->body.value(QStringLiteral("decision")).toString(),
                 QStringLiteral("approve"));
        QCOMPARE(polled->body.value(QStringLiteral("payload")).toObject(),
                 sampleAction().value(QStringLiteral("payload")).toObject());
        QCOMPARE(s.server().waitHub().waiting(), 0);
        // Fetching the decision marked it delivered.
        QVERIFY(!s.call(s.token(Role::Admin), "GET", QStringLiteral("/v1/actions/") + action)
                     .body.value(QStringLiteral("delivered_at"))
                     .isNull());
    }

    void longPollReturnsPendingAfterWait()
    {
        TestServer s;
        const auto session = s.openSession(QStringLiteral("a"));
        const QString action = s.submit(session.second, sampleAction());
        QElapsedTimer t;
        t.start();
        const ApiResult r = s.call(session.second, "GET",
                                   QStringLiteral("/v1/actions/%1/decision?wait=0.3").arg(action));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body.value(QStringLiteral("status")).toString(), QStringLiteral("pending"));
        QVERIFY(r.body.value(QStringLiteral("decision")).isNull());
        QVERIFY(r.body.value(QStringLiteral("payload")).isNull());
        QVERIFY2(t.elapsed() >= 250, "a pending long-poll waits for its wait");
        QCOMPARE(s.server().waitHub().waiting(), 0);
    }

    void expiryIsFailClosed()
    {
        TestServer s(TestServer::Options{true, {}, {}});
        const auto session = s.openSession(QStringLiteral("a"));
        QJsonObject body = sampleAction();
        body.insert(QStringLiteral("expires_in"), 60);
        const QString action = s.submit(session.second, body);
        ApiClient agent(s.url(), session.second);
        std::optional<ApiResult> polled;
        agent.request(
            "GET", QStringLiteral("/v1/actions/%1/decision?wait=30").arg(action), std::nullopt,
            [&](const ApiResult &r) { polled = r; }, {}, 40000);
        QTRY_COMPARE(s.server().waitHub().waiting(), 1);
        s.clock()->advance(59 * 1000);
        QCOMPARE(s.call(s.token(Role::Admin), "GET", QStringLiteral("/v1/actions/") + action)
                     .body.value(QStringLiteral("status"))
                     .toString(),
                 QStringLiteral("pending"));
        s.clock()->advance(2 * 1000);
        QTRY_VERIFY(polled.has_value());
        QCOMPARE(polled->body.value(QStringLiteral("status")).toString(),
                 QStringLiteral("expired"));
        QVERIFY(polled->body.value(QStringLiteral("payload")).isNull());
        const ApiResult approve = s.call(
            s.token(Role::Reviewer), "POST", QStringLiteral("/v1/actions/%1/decision").arg(action),
            QJsonObject{{QStringLiteral("decision"), QStringLiteral("approve")}});
        QCOMPARE(approve.status, 409);
        QCOMPARE(approve.error().code, QStringLiteral("already_decided"));
    }

    void expiryWithoutAnyTimerStillHolds()
    {
        // Even with no timer or clock signal, a read past expires_at sees `expired`.
        TestServer s(TestServer::Options{true, {}, {}});
        const auto session = s.openSession(QStringLiteral("a"));
        QJsonObject body = sampleAction();
        body.insert(QStringLiteral("expires_in"), 5);
        const QString action = s.submit(session.second, body);
        {
            const QSignalBlocker block(s.clock());
            s.clock()->advance(6000);
        }
        const ApiResult r =
            s.call(session.second, "GET", QStringLiteral("/v1/actions/%1/decision").arg(action));
        QCOMPARE(r.body.value(QStringLiteral("status")).toString(), QStringLiteral("expired"));
    }

    void criticalNeedsTwoDistinctReviewers()
    {
        TestServer s;
        const auto session = s.openSession(QStringLiteral("a"));
        QJsonObject body = sampleAction();
        body.insert(QStringLiteral("risk"), QJsonObject{{QStringLiteral("score"), 90}});
        const QString action = s.submit(session.second, body);
        const QString path = QStringLiteral("/v1/actions/%1/decision").arg(action);
        const QJsonObject approve{{QStringLiteral("decision"), QStringLiteral("approve")}};
        ApiResult r = s.call(s.token(Role::Reviewer), "POST", path, approve);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body.value(QStringLiteral("status")).toString(), QStringLiteral("pending"));
        QCOMPARE(r.body.value(QStringLiteral("approvals")).toArray().size(), 1);
        r = s.call(s.token(Role::Reviewer), "POST", path, approve);
        QCOMPARE(r.status, 409);
        QCOMPARE(r.error().code, QStringLiteral("already_approved"));
        r = s.call(s.token(Role::Admin), "POST", path, approve);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body.value(QStringLiteral("status")).toString(), QStringLiteral("approved"));
    }

    void ownerCannotApproveOwnSession()
    {
        TestServer s;
        const auto session = s.openSession(QStringLiteral("a"), QStringLiteral("reviewer-user"));
        const QString action = s.submit(session.second, sampleAction());
        const ApiResult r = s.call(
            s.token(Role::Reviewer), "POST", QStringLiteral("/v1/actions/%1/decision").arg(action),
            QJsonObject{{QStringLiteral("decision"), QStringLiteral("approve")}});
        QCOMPARE(r.status, 403);
        QCOMPARE(r.error().code, QStringLiteral("self_approval"));
    }

    void editApprovesTheEditedPayloadAndKeepsBoth()
    {
        TestServer s;
        const auto session = s.openSession(QStringLiteral("a"));
        const QString action = s.submit(session.second, sampleAction());
        const QJsonObject edited{{QStringLiteral("command"), QStringLiteral("ls build/")}};
        const ApiResult r = s.call(s.token(Role::Reviewer), "POST",
                                   QStringLiteral("/v1/actions/%1/decision").arg(action),
                                   QJsonObject{{QStringLiteral("decision"), QStringLiteral("edit")},
                                               {QStringLiteral("payload"), edited}});
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body.value(QStringLiteral("decision"))
                     .toObject()
                     .value(QStringLiteral("kind"))
                     .toString(),
                 QStringLiteral("edit"));
        QCOMPARE(r.body.value(QStringLiteral("payload")).toObject(),
                 sampleAction().value(QStringLiteral("payload")).toObject());
        QCOMPARE(r.body.value(QStringLiteral("approved_payload")).toObject(), edited);
        const ApiResult d =
            s.call(session.second, "GET", QStringLiteral("/v1/actions/%1/decision").arg(action));
        QCOMPARE(d.body.value(QStringLiteral("payload")).toObject(), edited);
        QCOMPARE(d.body.value(QStringLiteral("payload_sha256")).toString(),
                 QString::fromLatin1(sha256Hex(canonicalJson(edited))));
    }

    void rejectNeedsAReasonAndReachesTheAgent()
    {
        TestServer s;
        const auto session = s.openSession(QStringLiteral("a"));
        const QString action = s.submit(session.second, sampleAction());
        const QString path = QStringLiteral("/v1/actions/%1/decision").arg(action);
        ApiResult r = s.call(s.token(Role::Reviewer), "POST", path,
                             QJsonObject{{QStringLiteral("decision"), QStringLiteral("reject")}});
        QCOMPARE(r.status, 422);
        QCOMPARE(r.error().field, QStringLiteral("comment"));
        r = s.call(s.token(Role::Reviewer), "POST", path,
                   QJsonObject{{QStringLiteral("decision"), QStringLiteral("reject")},
                               {QStringLiteral("comment"), QStringLiteral("wrong host")}});
        QCOMPARE(r.status, 200);
        const ApiResult d = s.call(session.second, "GET", path);
        QCOMPARE(d.body.value(QStringLiteral("status")).toString(), QStringLiteral("rejected"));
        QCOMPARE(d.body.value(QStringLiteral("comment")).toString(), QStringLiteral("wrong host"));
        QVERIFY(d.body.value(QStringLiteral("payload")).isNull());
    }

    void receiptsAreBoundToTheApprovedPayload()
    {
        TestServer s;
        const auto session = s.openSession(QStringLiteral("a"));
        const QString good = s.submit(session.second, sampleAction());
        const QString bad = s.submit(session.second, sampleAction());
        const QString never = s.submit(session.second, sampleAction());
        for (const QString &a : {good, bad})
            s.call(s.token(Role::Reviewer), "POST",
                   QStringLiteral("/v1/actions/%1/decision").arg(a),
                   QJsonObject{{QStringLiteral("decision"), QStringLiteral("approve")}});
        const QString hash = QString::fromLatin1(
            sha256Hex(canonicalJson(sampleAction().value(QStringLiteral("payload")))));
        const auto receipt = [&](const QString &a, const QString &h) {
            return s.call(session.second, "POST", QStringLiteral("/v1/actions/%1/receipt").arg(a),
                          QJsonObject{{QStringLiteral("outcome"), QStringLiteral("succeeded")},
                                      {QStringLiteral("payload_sha256"), h}});
        };
        ApiResult r = receipt(good, hash);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body.value(QStringLiteral("execution"))
                     .toObject()
                     .value(QStringLiteral("violation"))
                     .toBool(),
                 false);
        QCOMPARE(receipt(good, hash).status, 409);
        r = receipt(bad, QString(64, QLatin1Char('a')));
        QCOMPARE(r.body.value(QStringLiteral("execution"))
                     .toObject()
                     .value(QStringLiteral("violation"))
                     .toBool(),
                 true);
        r = receipt(never, hash);
        QCOMPARE(r.body.value(QStringLiteral("execution"))
                     .toObject()
                     .value(QStringLiteral("violation"))
                     .toBool(),
                 true);
        const ApiResult events = s.call(s.token(Role::Admin), "GET", QStringLiteral("/v1/events"));
        int violations = 0;
        for (const QJsonValue &e : events.body.value(QStringLiteral("events")).toArray())
            violations += e.toObject().value(QStringLiteral("type")).toString() ==
                          QLatin1String("receipt.violation");
        QCOMPARE(violations, 2);
    }

    void listIsRiskFirstThenOldestAndPages()
    {
        TestServer s;
        const auto session = s.openSession(QStringLiteral("a"));
        QStringList expected;
        for (int score : {10, 60, 60, 35, 90}) {
            QJsonObject body = sampleAction();
            body.insert(QStringLiteral("risk"), QJsonObject{{QStringLiteral("score"), score}});
            s.submit(session.second, body);
        }
        QStringList order;
        QString cursor;
        int pages = 0;
        do {
            const ApiResult r =
                s.call(s.token(Role::Reviewer), "GET",
                       QStringLiteral("/v1/actions?status=pending&limit=2") +
                           (cursor.isEmpty() ? QString() : QStringLiteral("&cursor=") + cursor));
            QCOMPARE(r.status, 200);
            for (const QJsonValue &v : r.body.value(QStringLiteral("actions")).toArray())
                order.append(QString::number(v.toObject()
                                                 .value(QStringLiteral("risk"))
                                                 .toObject()
                                                 .value(QStringLiteral("score"))
                                                 .toInt()));
            cursor = r.body.value(QStringLiteral("next_cursor")).toString();
            ++pages;
        } while (!cursor.isEmpty());
        QCOMPARE(pages, 3);
        QCOMPARE(order,
                 (QStringList{QStringLiteral("90"), QStringLiteral("60"), QStringLiteral("60"),
                              QStringLiteral("35"), QStringLiteral("15")}));
        const ApiResult high =
            s.call(s.token(Role::Reviewer), "GET", QStringLiteral("/v1/actions?risk_min=50"));
        QCOMPARE(high.body.value(QStringLiteral("actions")).toArray().size(), 3);
    }

    void eventsLongPollWakesOnNewAction()
    {
        TestServer s;
        const auto session = s.openSession(QStringLiteral("a"));
        const ApiResult now =
            s.call(s.token(Role::Admin), "GET", QStringLiteral("/v1/events?after=-1"));
        QCOMPARE(now.body.value(QStringLiteral("events")).toArray().size(), 0);
        const qint64 head = now.body.value(QStringLiteral("next")).toInteger();
        QVERIFY(head > 0); // session.opened is already there
        ApiClient console(s.url(), s.token(Role::Reviewer));
        std::optional<ApiResult> polled;
        console.request(
            "GET", QStringLiteral("/v1/events?after=%1&wait=30").arg(head), std::nullopt,
            [&](const ApiResult &r) { polled = r; }, {}, 40000);
        QTRY_COMPARE(s.server().waitHub().waiting(), 1);
        const QString action = s.submit(session.second, sampleAction());
        QTRY_VERIFY(polled.has_value());
        const QJsonArray events = polled->body.value(QStringLiteral("events")).toArray();
        QCOMPARE(events.size(), 1);
        QCOMPARE(events.first().toObject().value(QStringLiteral("type")).toString(),
                 QStringLiteral("action.created"));
        QCOMPARE(events.first().toObject().value(QStringLiteral("action_id")).toString(), action);
        QVERIFY(polled->body.value(QStringLiteral("next")).toInteger() > head);
    }

    void sessionListShowsPendingCounts()
    {
        TestServer s;
        s.server().createToken(Role::Manager, QStringLiteral("carol")); // owners are people
        const auto a = s.openSession(QStringLiteral("mailbot"), QStringLiteral("carol"));
        s.openSession(QStringLiteral("builder"));
        s.submit(a.second, sampleAction());
        s.submit(a.second, sampleAction());
        const ApiResult r =
            s.call(s.token(Role::Oncall), "GET", QStringLiteral("/v1/sessions?status=active"));
        const QJsonArray sessions = r.body.value(QStringLiteral("sessions")).toArray();
        QCOMPARE(sessions.size(), 2);
        bool found = false;
        for (const QJsonValue &v : sessions) {
            const QJsonObject o = v.toObject();
            if (o.value(QStringLiteral("id")).toString() != a.first)
                continue;
            found = true;
            QCOMPARE(o.value(QStringLiteral("agent")).toString(), QStringLiteral("mailbot"));
            QCOMPARE(o.value(QStringLiteral("owner")).toString(), QStringLiteral("carol"));
            QCOMPARE(o.value(QStringLiteral("status")).toString(), QStringLiteral("active"));
            QCOMPARE(o.value(QStringLiteral("pending")).toInt(), 2);
        }
        QVERIFY(found);
        QCOMPARE(s.call(s.token(Role::Oncall), "GET", QStringLiteral("/v1/sessions?status=killed"))
                     .body.value(QStringLiteral("sessions"))
                     .toArray()
                     .size(),
                 0);
    }

    void pendingLimitPerSession()
    {
        Limits limits;
        limits.maxPendingPerSession = 3;
        TestServer s(TestServer::Options{false, limits, {}});
        const auto session = s.openSession(QStringLiteral("a"));
        for (int i = 0; i < 3; ++i)
            QVERIFY(!s.submit(session.second, sampleAction()).isEmpty());
        const ApiResult r =
            s.call(session.second, "POST", QStringLiteral("/v1/actions"), sampleAction());
        QCOMPARE(r.status, 429);
        QCOMPARE(r.error().code, QStringLiteral("rate_limited"));
    }
};

QTEST_GUILESS_MAIN(TestActions)
#include "tst_actions.moc"
