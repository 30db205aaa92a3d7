// The kill switch on the server: kill, stop-all, and what a killed session can still do (nothing
// but report its termination).
#include "server/KillRecorder.h"
#include "server/WaitHub.h"
#include "support/TestServer.h"

#include <QSqlQuery>
#include <QtTest>

using namespace interlock;
using namespace interlock::test;

namespace {
QJsonObject approve()
{
    return {{QStringLiteral("decision"), QStringLiteral("approve")}};
}
} // namespace

class TestKill : public QObject
{
    Q_OBJECT

private:
    static QStringList statusesOf(TestServer &s, const QString &sessionId)
    {
        QStringList out;
        const ApiResult r =
            s.call(s.token(Role::Admin), "GET", QStringLiteral("/v1/actions?limit=500"));
        for (const QJsonValue &v : r.body.value(QStringLiteral("actions")).toArray()) {
            if (v.toObject().value(QStringLiteral("session_id")).toString() == sessionId)
                out.append(v.toObject().value(QStringLiteral("status")).toString());
        }
        return out;
    }

private Q_SLOTS:
    // The database refuses the kill's write (a trigger stands in for a broken file): the kill is
    // not recorded, but it is answered (200, "recorded": false, the session shown killed), the
    // agent's token is refused all the same and nothing of the session can be approved any more.
    void killFailsClosedWhenTheWriteFails()
    {
        TestServer s;
        const auto [id, token] = s.openSession(QStringLiteral("mail-cleaner"));
        const QString pending = s.submit(token, sampleAction(QStringLiteral("email.delete")));
        QVERIFY(!pending.isEmpty());
        refuseWritesTo(s.dbPath(), QStringLiteral("sessions"));
        const ApiResult kill =
            s.call(s.token(Role::Oncall), "POST", QStringLiteral("/v1/sessions/%1/kill").arg(id));
        QCOMPARE(kill.status, 200);
        QCOMPARE(kill.body.value(QStringLiteral("recorded")), QJsonValue(false));
        QCOMPARE(kill.body.value(QStringLiteral("session"))
                     .toObject()
                     .value(QStringLiteral("status"))
                     .toString(),
                 QStringLiteral("killed"));
        QCOMPARE(s.server().killRecorder().unrecorded(), 1);
        for (const auto &[method, path] : QList<std::pair<QByteArray, QString>>{
                 {"POST", QStringLiteral("/v1/actions")}, {"GET", QStringLiteral("/v1/me")}}) {
            const ApiResult r =
                s.call(token, method, path,
                       method == "POST" ? std::optional(sampleAction()) : std::nullopt);
            QCOMPARE(r.status, 403);
            QCOMPARE(r.error().code, QStringLiteral("session_killed"));
        }
        const ApiResult approval =
            s.call(s.token(Role::Reviewer), "POST",
                   QStringLiteral("/v1/actions/%1/decision").arg(pending), approve());
        QCOMPARE(approval.status, 409);
        QCOMPARE(approval.error().code, QStringLiteral("session_killed"));
        // Stop-all cannot be recorded either, says so, and still refuses the token.
        const ApiResult all = s.call(s.token(Role::Oncall), "POST", QStringLiteral("/v1/stop-all"));
        QCOMPARE(all.status, 200);
        QCOMPARE(all.body.value(QStringLiteral("recorded")), QJsonValue(false));
        QCOMPARE(s.call(token, "GET", QStringLiteral("/v1/me")).status, 403);
        // Once the database takes writes again, the background retries record both.
        withOutsideConnection(s.dbPath(), [](QSqlDatabase &db) {
            // What refuseWritesTo() installed, in either dialect.
            QSqlQuery q(db);
            if (testingPostgres()) {
                QVERIFY(q.exec(QStringLiteral("DROP TRIGGER refuse_write ON sessions")));
                return;
            }
            for (const char *op : {"INSERT", "UPDATE", "DELETE"})
                QVERIFY(q.exec(QStringLiteral("DROP TRIGGER refuse_sessions_%1").arg(op)));
        });
        QTRY_COMPARE(s.server().killRecorder().unrecorded(), 0);
        const ApiResult stored =
            s.call(s.token(Role::Admin), "GET", QStringLiteral("/v1/sessions/") + id);
        QCOMPARE(stored.body.value(QStringLiteral("session"))
                     .toObject()
                     .value(QStringLiteral("status"))
                     .toString(),
                 QStringLiteral("killed"));
        QCOMPARE(statusesOf(s, id), QStringList{QStringLiteral("cancelled")});
    }

    void killRevokesCancelsAndRefusesEverything()
    {
        TestServer s;
        const auto [id, token] = s.openSession(QStringLiteral("mail-cleaner"));
        const QString a1 = s.submit(token, sampleAction(QStringLiteral("email.delete")));
        const QString a2 = s.submit(token, sampleAction(QStringLiteral("email.delete")));
        const ApiResult kill =
            s.call(s.token(Role::Oncall), "POST", QStringLiteral("/v1/sessions/%1/kill").arg(id),
                   QJsonObject{{QStringLiteral("reason"), QStringLiteral("she typed stop")}});
        QCOMPARE(kill.status, 200);
        QCOMPARE(kill.body.value(QStringLiteral("cancelled")).toInt(), 2);
        const QJsonObject session = kill.body.value(QStringLiteral("session")).toObject();
        QCOMPARE(session.value(QStringLiteral("status")).toString(), QStringLiteral("killed"));
        QCOMPARE(session.value(QStringLiteral("reason")).toString(),
                 QStringLiteral("she typed stop"));
        QCOMPARE(session.value(QStringLiteral("killed_by")).toString(),
                 QStringLiteral("oncall-user"));
        QCOMPARE(session.value(QStringLiteral("pending")).toInt(), 0);

        // Every further request with the session's token: 403 session_killed.
        const QList<std::pair<QByteArray, QString>> calls{
            {"POST", QStringLiteral("/v1/actions")},
            {"GET", QStringLiteral("/v1/me")},
            {"GET", QStringLiteral("/v1/actions/") + a1},
            {"GET", QStringLiteral("/v1/actions/%1/decision").arg(a1)},
            {"GET", QStringLiteral("/v1/sessions/%1/events").arg(id)},
            {"GET", QStringLiteral("/v1/sessions/") + id}};
        for (const auto &[method, path] : calls) {
            const ApiResult r =
                s.call(token, method, path,
                       method == "POST" ? std::optional(sampleAction()) : std::nullopt);
            QCOMPARE(r.status, 403);
            QCOMPARE(r.error().code, QStringLiteral("session_killed"));
        }
        QCOMPARE(statusesOf(s, id),
                 (QStringList{QStringLiteral("cancelled"), QStringLiteral("cancelled")}));
        const ApiResult late = s.call(s.token(Role::Reviewer), "POST",
                                      QStringLiteral("/v1/actions/%1/decision").arg(a2), approve());
        QCOMPARE(late.status, 409);
        QCOMPARE(late.error().code, QStringLiteral("already_decided"));
        // Killing again changes nothing.
        const ApiResult again =
            s.call(s.token(Role::Admin), "POST", QStringLiteral("/v1/sessions/%1/kill").arg(id));
        QCOMPARE(again.status, 200);
        QCOMPARE(again.body.value(QStringLiteral("cancelled")).toInt(), 0);
    }

    void killWakesEveryLongPollAtOnce()
    {
        TestServer s;
        const auto [id, token] = s.openSession(QStringLiteral("a"));
        const QString action = s.submit(token, sampleAction());
        const qint64 head = s.call(s.token(Role::Admin), "GET", QStringLiteral("/v1/events"))
                                .body.value(QStringLiteral("next"))
                                .toInteger();
        ApiClient agent(s.url(), token), supervisor(s.url(), token);
        std::optional<ApiResult> decision, events;
        agent.request(
            "GET", QStringLiteral("/v1/actions/%1/decision?wait=30").arg(action), std::nullopt,
            [&](const ApiResult &r) { decision = r; }, {}, 40000);
        supervisor.request(
            "GET", QStringLiteral("/v1/sessions/%1/events?after=%2&wait=30").arg(id).arg(head),
            std::nullopt, [&](const ApiResult &r) { events = r; }, {}, 40000);
        QTRY_COMPARE(s.server().waitHub().waiting(), 2);
        QCOMPARE(
            s.call(s.token(Role::Reviewer), "POST", QStringLiteral("/v1/sessions/%1/kill").arg(id))
                .status,
            200);
        QTRY_VERIFY(decision && events);
        QCOMPARE(decision->body.value(QStringLiteral("status")).toString(),
                 QStringLiteral("cancelled"));
        QVERIFY(decision->body.value(QStringLiteral("payload")).isNull());
        QStringList types;
        for (const QJsonValue &e : events->body.value(QStringLiteral("events")).toArray())
            types.append(e.toObject().value(QStringLiteral("type")).toString());
        QVERIFY2(types.contains(QStringLiteral("session.killed")),
                 qPrintable(types.join(QLatin1Char(','))));
        QCOMPARE(s.server().waitHub().waiting(), 0);
    }

    void killDuringAFloodLeavesNothingPendingOrApproved()
    {
        TestServer s;
        const auto [id, token] = s.openSession(QStringLiteral("flooder"));
        ApiClient agent(s.url(), token);
        ApiClient reviewer(s.url(), s.token(Role::Reviewer));
        QStringList acknowledged;
        int answered = 0, refusedAfterKill = 0, sent = 0;
        bool killed = false;
        std::function<void()> flood = [&] {
            if (sent >= 300)
                return;
            ++sent;
            const bool sentAfterKill = killed;
            agent.request(
                "POST", QStringLiteral("/v1/actions"), sampleAction(),
                [&, sentAfterKill](const ApiResult &r) {
                    ++answered;
                    if (r.status == 201) {
                        QVERIFY2(!sentAfterKill,
                                 "a submission sent after the kill returned was accepted");
                        const QString a = r.body.value(QStringLiteral("id")).toString();
                        acknowledged.append(a);
                        // A reviewer keeps approving while the flood goes on.
                        reviewer.request("POST", QStringLiteral("/v1/actions/%1/decision").arg(a),
                                         approve(), [](const ApiResult &) {});
                    } else if (r.error().code == QLatin1String("session_killed")) {
                        ++refusedAfterKill;
                    }
                    flood();
                });
        };
        for (int i = 0; i < 6; ++i)
            flood();
        QTRY_VERIFY(acknowledged.size() >= 40);
        const ApiResult kill =
            s.call(s.token(Role::Oncall), "POST", QStringLiteral("/v1/sessions/%1/kill").arg(id));
        killed = true;
        QCOMPARE(kill.status, 200);
        QTRY_COMPARE_WITH_TIMEOUT(answered, sent, 20000);
        QVERIFY(refusedAfterKill > 0);
        // The agent never collected a decision, so nothing of it can stay pending or approved.
        const QStringList statuses = statusesOf(s, id);
        QCOMPARE(statuses.size(), acknowledged.size());
        QCOMPARE(statuses.count(QStringLiteral("cancelled")), statuses.size());
    }

    void aDeliveredApprovalSurvivesTheKillAnUndeliveredOneDoesNot()
    {
        TestServer s;
        const auto [id, token] = s.openSession(QStringLiteral("a"));
        const QString delivered = s.submit(token, sampleAction());
        const QString undelivered = s.submit(token, sampleAction());
        for (const QString &a : {delivered, undelivered})
            QCOMPARE(s.call(s.token(Role::Reviewer), "POST",
                            QStringLiteral("/v1/actions/%1/decision").arg(a), approve())
                         .status,
                     200);
        // The agent collects one decision (and may have run it).
        QCOMPARE(s.call(token, "GET", QStringLiteral("/v1/actions/%1/decision").arg(delivered))
                     .body.value(QStringLiteral("status"))
                     .toString(),
                 QStringLiteral("approved"));
        const ApiResult kill =
            s.call(s.token(Role::Oncall), "POST", QStringLiteral("/v1/sessions/%1/kill").arg(id));
        QCOMPARE(kill.body.value(QStringLiteral("cancelled")).toInt(), 1);
        const auto status = [&](const QString &a) {
            return s.call(s.token(Role::Admin), "GET", QStringLiteral("/v1/actions/") + a).body;
        };
        QCOMPARE(status(delivered).value(QStringLiteral("status")).toString(),
                 QStringLiteral("approved"));
        const QJsonObject cancelled = status(undelivered);
        QCOMPARE(cancelled.value(QStringLiteral("status")).toString(), QStringLiteral("cancelled"));
        // Who approved it stays on record.
        QCOMPARE(cancelled.value(QStringLiteral("decision"))
                     .toObject()
                     .value(QStringLiteral("by"))
                     .toString(),
                 QStringLiteral("reviewer-user"));
    }

    // Red team F11: what an emergency stop cancels says in history who stopped it and why (also
    // an approval the agent never collected, whose approver is not who stopped it), and the
    // audit entry of each killed session lists the actions it cancelled.
    void historyNamesWhoStoppedTheActionsAKillCancelled()
    {
        TestServer s;
        const auto [id, token] = s.openSession(QStringLiteral("mail-cleaner"));
        const QString pending = s.submit(token, sampleAction(QStringLiteral("email.delete")));
        const QString approved = s.submit(token, sampleAction());
        QCOMPARE(s.call(s.token(Role::Reviewer), "POST",
                        QStringLiteral("/v1/actions/%1/decision").arg(approved), approve())
                     .status,
                 200);
        QVERIFY(s.call(s.token(Role::Oncall), "POST",
                       QStringLiteral("/v1/sessions/%1/kill").arg(id),
                       QJsonObject{{QStringLiteral("reason"), QStringLiteral("she typed stop")}})
                    .ok());
        const auto [other, otherToken] = s.openSession(QStringLiteral("poster"));
        const QString stopped = s.submit(otherToken, sampleAction());
        QVERIFY(s.call(s.token(Role::Admin), "POST", QStringLiteral("/v1/stop-all"),
                       QJsonObject{{QStringLiteral("reason"), QStringLiteral("runaway agents")}})
                    .ok());

        const ApiResult history =
            s.call(s.token(Role::Manager), "GET", QStringLiteral("/v1/history"));
        QCOMPARE(history.status, 200);
        QHash<QString, QJsonObject> items;
        for (const QJsonValue &v : history.body.value(QStringLiteral("actions")).toArray())
            items.insert(v.toObject().value(QStringLiteral("id")).toString(), v.toObject());
        QCOMPARE(items.size(), 3);
        for (const QString &a : {pending, approved, stopped}) {
            const QJsonObject item = items.value(a);
            QCOMPARE(item.value(QStringLiteral("outcome")).toString(), QStringLiteral("cancelled"));
            const QJsonObject cancellation = item.value(QStringLiteral("cancellation")).toObject();
            const QString killer =
                a == stopped ? QStringLiteral("admin-user") : QStringLiteral("oncall-user");
            QCOMPARE(item.value(QStringLiteral("decided_by")).toString(), killer);
            QCOMPARE(cancellation.value(QStringLiteral("by")).toString(), killer);
            QCOMPARE(item.value(QStringLiteral("decided_at")).toString(),
                     cancellation.value(QStringLiteral("at")).toString());
            const QString reason = cancellation.value(QStringLiteral("reason")).toString();
            QVERIFY2(reason.contains(a == stopped ? QStringLiteral("stop-all")
                                                  : QStringLiteral("kill of session ") + id),
                     qPrintable(reason));
            QVERIFY2(reason.contains(a == stopped ? QStringLiteral("runaway agents")
                                                  : QStringLiteral("she typed stop")),
                     qPrintable(reason));
        }
        // The approval stays on record beside who stopped it.
        QCOMPARE(items.value(approved)
                     .value(QStringLiteral("decision"))
                     .toObject()
                     .value(QStringLiteral("by"))
                     .toString(),
                 QStringLiteral("reviewer-user"));
        // The CSV says it too: decided_by and the reason in the comment column.
        const RawResponse csv = rawHttp(
            s.port(), rawRequest("GET", "/v1/history/export?format=csv", {},
                                 {"Authorization: Bearer " + s.token(Role::Manager).toUtf8()}));
        QCOMPARE(csv.status, 200);
        for (const QByteArray &line : csv.body.split('\n')) {
            if (line.startsWith(approved.toUtf8())) {
                QVERIFY2(line.contains(",oncall-user,"), line.constData());
                QVERIFY2(line.contains("she typed stop"), line.constData());
            }
        }
        QVERIFY(csv.body.contains(approved.toUtf8()));

        // One audit entry per killed session lists what it cancelled; the chain stays intact.
        QHash<QString, QStringList> listed;
        for (const QJsonValue &v :
             s.call(s.token(Role::Manager), "GET", QStringLiteral("/v1/audit?limit=1000"))
                 .body.value(QStringLiteral("entries"))
                 .toArray()) {
            const QJsonObject e = v.toObject();
            if (e.value(QStringLiteral("type")).toString() != QLatin1String("session.kill"))
                continue;
            QStringList ids;
            for (const QJsonValue &c : e.value(QStringLiteral("data"))
                                           .toObject()
                                           .value(QStringLiteral("cancelled_actions"))
                                           .toArray())
                ids.append(c.toString());
            ids.sort();
            listed.insert(e.value(QStringLiteral("subject")).toString(), ids);
        }
        QStringList first{pending, approved};
        first.sort();
        QCOMPARE(listed.value(id), first);
        QCOMPARE(listed.value(other), QStringList{stopped});
        const ApiResult verify =
            s.call(s.token(Role::Manager), "GET", QStringLiteral("/v1/audit/verify"));
        QCOMPARE(verify.body.value(QStringLiteral("ok")).toBool(), true);
    }

    void stopAllKillsEveryActiveSession()
    {
        TestServer s;
        QList<std::pair<QString, QString>> sessions;
        for (int i = 0; i < 4; ++i) {
            sessions.append(s.openSession(QStringLiteral("agent-%1").arg(i)));
            s.submit(sessions.last().second, sampleAction());
        }
        QCOMPARE(s.call(s.token(Role::Reviewer), "POST", QStringLiteral("/v1/stop-all")).status,
                 403);
        QCOMPARE(s.call(s.token(Role::Manager), "POST", QStringLiteral("/v1/stop-all")).status,
                 403);
        const ApiResult r =
            s.call(s.token(Role::Oncall), "POST", QStringLiteral("/v1/stop-all"), QJsonObject{});
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body.value(QStringLiteral("killed")).toInt(), 4);
        QCOMPARE(r.body.value(QStringLiteral("cancelled")).toInt(), 4);
        for (const auto &session : sessions)
            QCOMPARE(s.call(session.second, "GET", QStringLiteral("/v1/me")).error().code,
                     QStringLiteral("session_killed"));
        QCOMPARE(s.call(s.token(Role::Admin), "GET", QStringLiteral("/v1/sessions?status=active"))
                     .body.value(QStringLiteral("sessions"))
                     .toArray()
                     .size(),
                 0);
        const ApiResult again =
            s.call(s.token(Role::Admin), "POST", QStringLiteral("/v1/stop-all"));
        QCOMPARE(again.body.value(QStringLiteral("killed")).toInt(), 0);
        bool sawStopAll = false;
        for (const QJsonValue &e : s.call(s.token(Role::Admin), "GET", QStringLiteral("/v1/events"))
                                       .body.value(QStringLiteral("events"))
                                       .toArray())
            sawStopAll |=
                e.toObject().value(QStringLiteral("type")).toString() == QLatin1String("stop.all");
        QVERIFY(sawStopAll);
    }

    void supervisorReportsTermination()
    {
        TestServer s;
        const auto [id, token, supervisor] = s.openSupervisedSession(QStringLiteral("a"));
        QVERIFY(supervisor.startsWith(QStringLiteral("ilk_")));
        QVERIFY(supervisor != token);
        // Before a kill, a report means the agent exited by itself.
        const auto other = s.openSupervisedSession(QStringLiteral("b"));
        s.submit(other.token, sampleAction());
        ApiResult r =
            s.call(other.supervisorToken, "POST",
                   QStringLiteral("/v1/sessions/%1/terminated").arg(other.id),
                   QJsonObject{{QStringLiteral("exit_code"), 0}, {QStringLiteral("reaped"), 1}});
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body.value(QStringLiteral("session"))
                     .toObject()
                     .value(QStringLiteral("status"))
                     .toString(),
                 QStringLiteral("ended"));
        QCOMPARE(r.body.value(QStringLiteral("cancelled")).toInt(), 1);
        QCOMPARE(s.call(other.token, "GET", QStringLiteral("/v1/me")).status, 403);
        // The session is over: its supervisor token is too.
        QCOMPARE(s.call(other.supervisorToken, "GET", QStringLiteral("/v1/me")).status, 403);

        QCOMPARE(
            s.call(s.token(Role::Admin), "POST", QStringLiteral("/v1/sessions/%1/kill").arg(id))
                .status,
            200);
        // The agent holds the session token: its "proof" of death is refused, and changes nothing.
        const QJsonObject forged{{QStringLiteral("signal"), 9},
                                 {QStringLiteral("reaped"), 7},
                                 {QStringLiteral("kill_latency_ms"), 3.2}};
        r = s.call(token, "POST", QStringLiteral("/v1/sessions/%1/terminated").arg(id), forged);
        QCOMPARE(r.status, 403);
        QCOMPARE(s.call(s.token(Role::Admin), "GET", QStringLiteral("/v1/sessions/") + id)
                     .body.value(QStringLiteral("session"))
                     .toObject()
                     .value(QStringLiteral("status"))
                     .toString(),
                 QStringLiteral("killed"));
        // The supervisor's own token, revoked with the session's by the kill, still reports.
        r = s.call(supervisor, "POST", QStringLiteral("/v1/sessions/%1/terminated").arg(id),
                   QJsonObject{{QStringLiteral("signal"), 9},
                               {QStringLiteral("reaped"), 21},
                               {QStringLiteral("kill_latency_ms"), 3.5}});
        QCOMPARE(r.status, 200);
        const QJsonObject session = r.body.value(QStringLiteral("session")).toObject();
        QCOMPARE(session.value(QStringLiteral("status")).toString(), QStringLiteral("terminated"));
        QCOMPARE(session.value(QStringLiteral("reaped")).toInt(), 21);
        QCOMPARE(session.value(QStringLiteral("kill_latency_ms")).toDouble(), 3.5);
        QVERIFY(!session.value(QStringLiteral("killed_at")).toString().isEmpty());
        r = s.call(supervisor, "POST", QStringLiteral("/v1/sessions/%1/terminated").arg(id),
                   QJsonObject{});
        QCOMPARE(r.status, 403); // over
        // Another session's supervisor cannot report for this one.
        const auto third = s.openSupervisedSession(QStringLiteral("c"));
        const auto fourth = s.openSupervisedSession(QStringLiteral("d"));
        QCOMPARE(s.call(fourth.supervisorToken, "POST",
                        QStringLiteral("/v1/sessions/%1/terminated").arg(third.id), QJsonObject{})
                     .status,
                 404);
        // An unsupervised session has no supervisor token.
        const ApiResult plain =
            s.call(s.token(Role::Agent), "POST", QStringLiteral("/v1/sessions"),
                   QJsonObject{{QStringLiteral("agent"), QStringLiteral("plain")}});
        QVERIFY(!plain.body.contains(QStringLiteral("supervisor_token")));
    }
};

QTEST_GUILESS_MAIN(TestKill)
#include "tst_kill.moc"
