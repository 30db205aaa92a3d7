// Circuit breakers over real HTTP: the e-mail incident frozen by the breaker with nothing more
// accepted, freezes and their resume (two people after a critical rule), kills through the
// emergency stop's path, per-agent windows, runs of rejections, floods, the rules file's errors,
// and what a restart keeps.
#include "server/RiskEngine.h"
#include "support/TestServer.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

using namespace interlock;
using namespace interlock::test;

namespace {
QJsonObject breaker(const QString &id, const QString &measure, int moreThan, int window,
                    const QString &action = QStringLiteral("freeze"),
                    const QString &scope = QStringLiteral("session"), bool critical = false)
{
    QJsonObject b{{QStringLiteral("id"), id},           {QStringLiteral("scope"), scope},
                  {QStringLiteral("measure"), measure}, {QStringLiteral("more_than"), moreThan},
                  {QStringLiteral("action"), action},   {QStringLiteral("critical"), critical}};
    if (window > 0)
        b.insert(QStringLiteral("window_seconds"), window);
    return b;
}

QJsonObject mailDelete(int n, int ids = 2)
{
    QJsonArray messageIds;
    for (int i = 0; i < ids; ++i)
        messageIds.append(QStringLiteral("m%1-%2").arg(n).arg(i));
    return {{QStringLiteral("kind"), QStringLiteral("email.delete")},
            {QStringLiteral("title"), QStringLiteral("Delete newsletters, batch %1").arg(n)},
            {QStringLiteral("target"), QStringLiteral("mail://carol@example.com/INBOX")},
            {QStringLiteral("payload"),
             QJsonObject{{QStringLiteral("mailbox"), QStringLiteral("carol")},
                         {QStringLiteral("message_ids"), messageIds}}}};
}

QJsonObject approve()
{
    return {{QStringLiteral("decision"), QStringLiteral("approve")}};
}

QJsonObject reject()
{
    return {{QStringLiteral("decision"), QStringLiteral("reject")},
            {QStringLiteral("comment"), QStringLiteral("no")}};
}

TestServer::Options withBreakers(const QJsonArray &breakers, bool manualClock = true)
{
    TestServer::Options o;
    o.manualClock = manualClock;
    o.riskRules = rulesWithBreakers(breakers);
    return o;
}

QList<QJsonObject> eventsOf(TestServer &s, const QString &token, const QString &path)
{
    QList<QJsonObject> out;
    for (const QJsonValue &v :
         s.call(token, "GET", path).body.value(QStringLiteral("events")).toArray())
        out.append(v.toObject());
    return out;
}

std::optional<QJsonObject> firstOf(const QList<QJsonObject> &events, const QString &type)
{
    for (const QJsonObject &e : events) {
        if (e.value(QStringLiteral("type")).toString() == type)
            return e;
    }
    return std::nullopt;
}
} // namespace

class TestBreakers : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // The incident: an agent deletes e-mails in a loop. The breaker freezes the session after
    // the configured count; nothing more is accepted and nothing pending can be approved until
    // a person resumes it.
    void emailIncidentIsFrozenAfterTheCount()
    {
        TestServer s(withBreakers(
            {breaker(QStringLiteral("mail-burst"), QStringLiteral("destructive_actions"), 5, 60)}));
        const auto [sid, token] =
            s.openSession(QStringLiteral("mail-cleaner"), QStringLiteral("carol"));
        const QString reviewer = s.token(Role::Reviewer);
        QStringList accepted;
        int firstRefusal = -1;
        for (int i = 0; i < 20; ++i) {
            const ApiResult r = s.call(token, "POST", QStringLiteral("/v1/actions"), mailDelete(i));
            if (r.status == 201) {
                QCOMPARE(firstRefusal, -1); // nothing accepted after the trip
                accepted.append(r.body.value(QStringLiteral("id")).toString());
                continue;
            }
            QCOMPARE(r.status, 423);
            QCOMPARE(r.error().code, QStringLiteral("session_frozen"));
            // The agent learns which rule, never its figures (it would pace itself under them).
            QVERIFY2(!r.error().message.contains(QStringLiteral("limit")) &&
                         !r.error().message.contains(QStringLiteral(" in 60 s")),
                     qPrintable(r.error().message));
            if (firstRefusal < 0)
                firstRefusal = i;
        }
        QCOMPARE(accepted.size(), 5);
        QCOMPARE(firstRefusal, 5);

        // Held: no approval (423), not even with a stale view; a rejection is still possible.
        const ApiResult held =
            s.call(reviewer, "POST", QStringLiteral("/v1/actions/%1/decision").arg(accepted[0]),
                   approve());
        QCOMPARE(held.status, 423);
        QCOMPARE(held.error().code, QStringLiteral("session_frozen"));
        QCOMPARE(s.call(reviewer, "POST",
                        QStringLiteral("/v1/actions/%1/decision").arg(accepted[1]), reject())
                     .status,
                 200);

        // The session shows what holds it; its supervisor is told on its event stream.
        const QJsonObject session = s.call(reviewer, "GET", QStringLiteral("/v1/sessions/") + sid)
                                        .body.value(QStringLiteral("session"))
                                        .toObject();
        QCOMPARE(session.value(QStringLiteral("status")).toString(), QStringLiteral("active"));
        const QJsonObject frozen = session.value(QStringLiteral("frozen")).toObject();
        QCOMPARE(frozen.value(QStringLiteral("rule")).toString(), QStringLiteral("mail-burst"));
        QCOMPARE(frozen.value(QStringLiteral("required_resumes")).toInt(), 1);
        const auto told =
            firstOf(eventsOf(s, token, QStringLiteral("/v1/sessions/%1/events").arg(sid)),
                    QStringLiteral("session.frozen"));
        QVERIFY(told);
        QCOMPARE(told->value(QStringLiteral("rule")).toString(), QStringLiteral("mail-burst"));

        // Every console hears of the trip, with the figures; the audit has it by the policy.
        const auto tripped = firstOf(eventsOf(s, reviewer, QStringLiteral("/v1/events")),
                                     QStringLiteral("breaker.tripped"));
        QVERIFY(tripped);
        const QJsonObject figures = tripped->value(QStringLiteral("figures")).toObject();
        QCOMPARE(figures.value(QStringLiteral("count")).toInt(), 6);
        QCOMPARE(figures.value(QStringLiteral("more_than")).toInt(), 5);
        QCOMPARE(figures.value(QStringLiteral("window_seconds")).toInt(), 60);
        QCOMPARE(tripped->value(QStringLiteral("action")).toString(), QStringLiteral("freeze"));
        QCOMPARE(tripped->value(QStringLiteral("trigger"))
                     .toObject()
                     .value(QStringLiteral("kind"))
                     .toString(),
                 QStringLiteral("email.delete"));
        bool audited = false;
        for (const QJsonValue &v :
             s.call(s.token(Role::Admin), "GET", QStringLiteral("/v1/audit?limit=500"))
                 .body.value(QStringLiteral("entries"))
                 .toArray()) {
            const QJsonObject e = v.toObject();
            if (e.value(QStringLiteral("type")).toString() == QLatin1String("breaker.trip")) {
                audited = true;
                QCOMPARE(e.value(QStringLiteral("actor")).toString(),
                         QStringLiteral("policy:breaker.mail-burst"));
                QCOMPARE(e.value(QStringLiteral("data"))
                             .toObject()
                             .value(QStringLiteral("figures"))
                             .toObject()
                             .value(QStringLiteral("count"))
                             .toInt(),
                         6);
            }
        }
        QVERIFY(audited);
        const ApiResult trips =
            s.call(s.token(Role::Manager), "GET", QStringLiteral("/v1/trips?status=frozen"));
        QCOMPARE(trips.body.value(QStringLiteral("trips")).toArray().size(), 1);

        // Only a person resumes: not the agent, not a manager.
        QCOMPARE(s.call(token, "POST", QStringLiteral("/v1/sessions/%1/resume").arg(sid)).status,
                 403);
        QCOMPARE(s.call(s.token(Role::Manager), "POST",
                        QStringLiteral("/v1/sessions/%1/resume").arg(sid))
                     .status,
                 403);
        const ApiResult resumed =
            s.call(s.token(Role::Oncall), "POST", QStringLiteral("/v1/sessions/%1/resume").arg(sid),
                   QJsonObject{{QStringLiteral("comment"), QStringLiteral("newsletters only")}});
        QCOMPARE(resumed.status, 200);
        QVERIFY(resumed.body.value(QStringLiteral("resumed")).toBool());
        QVERIFY(resumed.body.value(QStringLiteral("session"))
                    .toObject()
                    .value(QStringLiteral("frozen"))
                    .isNull());
        QVERIFY(firstOf(eventsOf(s, token, QStringLiteral("/v1/sessions/%1/events").arg(sid)),
                        QStringLiteral("session.resumed")));
        QCOMPARE(s.call(reviewer, "POST",
                        QStringLiteral("/v1/actions/%1/decision").arg(accepted[0]), approve())
                     .status,
                 200);
        QCOMPARE(s.call(token, "POST", QStringLiteral("/v1/actions"), mailDelete(99)).status, 201);
        QCOMPARE(
            s.call(s.token(Role::Oncall), "POST", QStringLiteral("/v1/sessions/%1/resume").arg(sid))
                .error()
                .code,
            QStringLiteral("not_frozen"));
    }

    // The same incident with real processes and the shipped rules: interlockd, and an agent
    // under the supervisor (interlockctl run) that runs `interlockctl submit` for e-mail deletes
    // in a loop. The shipped breaker (more than 20 destructive actions in 60 s) freezes it.
    void emailIncidentWithRealProcessesAndTheShippedRules()
    {
        QTemporaryDir dir;
        const QString db = freshDatabase(dir, QStringLiteral("i.db"));
        const auto token = [&](const char *role) {
            QProcess ctl;
            ctl.start(QStringLiteral(INTERLOCKCTL_PATH),
                      {QStringLiteral("token"), QStringLiteral("create"), QStringLiteral("--db"),
                       db, QStringLiteral("--role"), QString::fromLatin1(role),
                       QStringLiteral("--name"), QString::fromLatin1(role) + QStringLiteral("-1")});
            ctl.waitForFinished(20000);
            return QString::fromUtf8(ctl.readAllStandardOutput()).trimmed();
        };
        const QString enrollment = token("agent");
        const QString reviewer = token("reviewer");
        QProcess daemon;
        daemon.start(QStringLiteral(INTERLOCKD_PATH),
                     {QStringLiteral("--db"), db, QStringLiteral("--listen"),
                      QStringLiteral("127.0.0.1:0")});
        QByteArray out;
        QTRY_VERIFY_WITH_TIMEOUT((out += daemon.readAllStandardOutput()).contains("listening on"),
                                 20000);
        const QString url = QRegularExpression(QStringLiteral("listening on (http://\\S+)"))
                                .match(QString::fromUtf8(out))
                                .captured(1);
        QVERIFY(!url.isEmpty());

        const QString results = dir.filePath(QStringLiteral("results"));
        const QString errors = dir.filePath(QStringLiteral("errors"));
        QProcess agent;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("INTERLOCK_URL"), url);
        env.insert(QStringLiteral("INTERLOCK_TOKEN"), enrollment);
        env.insert(QStringLiteral("CTL"), QStringLiteral(INTERLOCKCTL_PATH));
        env.insert(QStringLiteral("RESULTS"), results);
        env.insert(QStringLiteral("ERRORS"), errors);
        agent.setProcessEnvironment(env);
        agent.start(
            QStringLiteral(INTERLOCKCTL_PATH),
            {QStringLiteral("run"), QStringLiteral("--agent"), QStringLiteral("mail-cleaner"),
             QStringLiteral("--owner"), QStringLiteral("carol"), QStringLiteral("--"),
             QStringLiteral("bash"), QStringLiteral("-c"),
             QStringLiteral(
                 "for i in $(seq 1 30); do "
                 "if \"$CTL\" submit --kind email.delete --title \"Delete newsletters $i\" "
                 "--payload \"{\\\"mailbox\\\":\\\"carol\\\",\\\"message_ids\\\":[\\\"m$i\\\"]}\" "
                 ">/dev/null 2>>\"$ERRORS\"; then echo accepted; else echo refused; fi "
                 ">> \"$RESULTS\"; done; touch \"$RESULTS.done\"; sleep 300")});
        QVERIFY(agent.waitForStarted(10000));
        // The agent stays alive (its session active) while people look.
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(results + QStringLiteral(".done")), 120000);
        QFile r(results);
        QVERIFY(r.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = r.readAll().trimmed().split('\n');
        QCOMPARE(lines.size(), 30);
        for (int i = 0; i < 30; ++i)
            QCOMPARE(lines[i], i < 20 ? QByteArray("accepted") : QByteArray("refused"));
        QFile e(errors);
        QVERIFY(e.open(QIODevice::ReadOnly));
        QCOMPARE(e.readAll().count("session_frozen"), 10);

        ApiClient people(QUrl(url), reviewer);
        const QJsonArray pending =
            people.call("GET", QStringLiteral("/v1/actions?status=pending&agent=mail-cleaner"))
                .body.value(QStringLiteral("actions"))
                .toArray();
        QCOMPARE(pending.size(), 20);
        const QString first = pending.first().toObject().value(QStringLiteral("id")).toString();
        const ApiResult held =
            people.call("POST", QStringLiteral("/v1/actions/%1/decision").arg(first), approve());
        QCOMPARE(held.status, 423);
        const QString session =
            pending.first().toObject().value(QStringLiteral("session_id")).toString();
        QCOMPARE(people.call("POST", QStringLiteral("/v1/sessions/%1/resume").arg(session)).status,
                 200);
        QCOMPARE(
            people.call("POST", QStringLiteral("/v1/actions/%1/decision").arg(first), approve())
                .status,
            200);
        QCOMPARE(people.call("POST", QStringLiteral("/v1/sessions/%1/kill").arg(session)).status,
                 200);
        QVERIFY(agent.waitForFinished(30000));
        QCOMPARE(agent.exitCode(), 137);
        daemon.terminate();
        QVERIFY(daemon.waitForFinished(10000));
    }

    // Windows slide: deletes spread over more than the window never trip.
    void theWindowSlides()
    {
        TestServer s(withBreakers(
            {breaker(QStringLiteral("mail-burst"), QStringLiteral("destructive_actions"), 3, 60)}));
        const auto [sid, token] = s.openSession(QStringLiteral("mail-cleaner"));
        for (int i = 0; i < 12; ++i) {
            QCOMPARE(s.call(token, "POST", QStringLiteral("/v1/actions"), mailDelete(i)).status,
                     201);
            s.clock()->advance(20 * 1000); // 3 per 60 s at most
        }
        // Now two are left in the window: a third fits, a fourth within the minute trips.
        QCOMPARE(s.call(token, "POST", QStringLiteral("/v1/actions"), mailDelete(100)).status, 201);
        QCOMPARE(s.call(token, "POST", QStringLiteral("/v1/actions"), mailDelete(101)).status, 423);
        Q_UNUSED(sid);
    }

    // People see how close a session is to each rule; the agent does not (it could pace itself
    // just under every one): not in its session, nor in its events.
    void countsAreShownToPeopleOnly()
    {
        TestServer s(withBreakers(
            {breaker(QStringLiteral("mail-burst"), QStringLiteral("destructive_actions"), 3, 60),
             breaker(QStringLiteral("mass-deletion"), QStringLiteral("deleted_items"), 100, 600,
                     QStringLiteral("freeze"), QStringLiteral("agent"))}));
        const auto [sid, token] = s.openSession(QStringLiteral("mail-cleaner"));
        QCOMPARE(s.call(token, "POST", QStringLiteral("/v1/actions"), mailDelete(1, 4)).status,
                 201);
        const QString path = QStringLiteral("/v1/sessions/") + sid;
        const QJsonArray counts = s.call(s.token(Role::Reviewer), "GET", path)
                                      .body.value(QStringLiteral("session"))
                                      .toObject()
                                      .value(QStringLiteral("breaker_counts"))
                                      .toArray();
        QCOMPARE(counts.size(), 2);
        QCOMPARE(counts[0].toObject().value(QStringLiteral("breaker")).toString(),
                 QStringLiteral("mail-burst"));
        QCOMPARE(counts[0].toObject().value(QStringLiteral("count")).toInt(), 1);
        QCOMPARE(counts[0].toObject().value(QStringLiteral("more_than")).toInt(), 3);
        QCOMPARE(counts[1].toObject().value(QStringLiteral("count")).toInt(), 4);
        QCOMPARE(counts[1].toObject().value(QStringLiteral("scope")).toString(),
                 QStringLiteral("agent"));
        const ApiResult own = s.call(token, "GET", path);
        QCOMPARE(own.status, 200);
        QVERIFY(!own.body.value(QStringLiteral("session"))
                     .toObject()
                     .contains(QStringLiteral("breaker_counts")));

        const QString events = path + QStringLiteral("/events");
        const auto forPeople =
            firstOf(eventsOf(s, s.token(Role::Reviewer), events), QStringLiteral("action.created"));
        QVERIFY(forPeople);
        QCOMPARE(forPeople->value(QStringLiteral("destructive")).toBool(), true);
        QCOMPARE(forPeople->value(QStringLiteral("deleted_items")).toInt(), 4);
        const auto forAgent = firstOf(eventsOf(s, token, events), QStringLiteral("action.created"));
        QVERIFY(forAgent);
        QVERIFY(!forAgent->contains(QStringLiteral("destructive")));
        QVERIFY(!forAgent->contains(QStringLiteral("deleted_items")));
    }

    // Deleted items summed across actions and sessions of one agent; a critical rule: every
    // session of the agent, present and future, is held until two different people resume it.
    void criticalAgentFreezeNeedsTwoPeople()
    {
        TestServer s(withBreakers(
            {breaker(QStringLiteral("mass-deletion"), QStringLiteral("deleted_items"), 100, 600,
                     QStringLiteral("freeze"), QStringLiteral("agent"), true)}));
        const auto [a, tokenA] = s.openSession(QStringLiteral("mail-cleaner"));
        const auto [b, tokenB] = s.openSession(QStringLiteral("mail-cleaner"));
        const auto [other, tokenOther] = s.openSession(QStringLiteral("calendar-bot"));
        QCOMPARE(s.call(tokenA, "POST", QStringLiteral("/v1/actions"), mailDelete(1, 60)).status,
                 201);
        QCOMPARE(s.call(tokenB, "POST", QStringLiteral("/v1/actions"), mailDelete(2, 40)).status,
                 201);
        const ApiResult trip =
            s.call(tokenB, "POST", QStringLiteral("/v1/actions"), mailDelete(3, 1));
        QCOMPARE(trip.status, 423);
        QCOMPARE(s.call(tokenA, "POST", QStringLiteral("/v1/actions"), mailDelete(4, 1)).status,
                 423);
        // Another agent is not held; a new session of the frozen agent is.
        QCOMPARE(s.call(tokenOther, "POST", QStringLiteral("/v1/actions"), mailDelete(5, 1)).status,
                 201);
        const auto [c, tokenC] = s.openSession(QStringLiteral("mail-cleaner"));
        QCOMPARE(s.call(tokenC, "POST", QStringLiteral("/v1/actions"), sampleAction()).status, 423);
        QVERIFY(firstOf(eventsOf(s, tokenC, QStringLiteral("/v1/sessions/%1/events").arg(c)),
                        QStringLiteral("session.frozen")));
        const QJsonObject trips =
            s.call(s.token(Role::Reviewer), "GET", QStringLiteral("/v1/trips"))
                .body.value(QStringLiteral("trips"))
                .toArray()
                .first()
                .toObject();
        QCOMPARE(trips.value(QStringLiteral("figures"))
                     .toObject()
                     .value(QStringLiteral("count"))
                     .toInt(),
                 101);
        QCOMPARE(trips.value(QStringLiteral("scope")).toString(), QStringLiteral("agent"));
        QCOMPARE(trips.value(QStringLiteral("required_resumes")).toInt(), 2);

        const QString resume = QStringLiteral("/v1/sessions/%1/resume").arg(c);
        const ApiResult first = s.call(s.token(Role::Reviewer), "POST", resume);
        QCOMPARE(first.status, 200);
        QVERIFY(!first.body.value(QStringLiteral("resumed")).toBool());
        const QJsonObject frozen = first.body.value(QStringLiteral("session"))
                                       .toObject()
                                       .value(QStringLiteral("frozen"))
                                       .toObject();
        QCOMPARE(frozen.value(QStringLiteral("resumes")).toArray().size(), 1); // 1 of 2
        QCOMPARE(s.call(tokenA, "POST", QStringLiteral("/v1/actions"), sampleAction()).status, 423);
        const ApiResult again = s.call(s.token(Role::Reviewer), "POST", resume);
        QCOMPARE(again.status, 409);
        QCOMPARE(again.error().code, QStringLiteral("already_resumed"));
        const ApiResult second = s.call(s.token(Role::Oncall), "POST", resume);
        QCOMPARE(second.status, 200);
        QVERIFY(second.body.value(QStringLiteral("resumed")).toBool());
        for (const QString &t : {tokenA, tokenB, tokenC})
            QCOMPARE(s.call(t, "POST", QStringLiteral("/v1/actions"), sampleAction()).status, 201);
        Q_UNUSED(a);
        Q_UNUSED(b);
        Q_UNUSED(other);
    }

    // A run of rejections kills the session exactly as the emergency stop does.
    void rejectionsInARowKill()
    {
        TestServer s(
            withBreakers({breaker(QStringLiteral("rejected"), QStringLiteral("rejections_in_a_row"),
                                  2, 0, QStringLiteral("kill"))}));
        const auto [sid, token] = s.openSession(QStringLiteral("forum-bot"));
        QStringList ids;
        for (int i = 0; i < 6; ++i)
            ids.append(s.submit(token, sampleAction(QStringLiteral("message.post"))));
        const QString reviewer = s.token(Role::Reviewer);
        const auto decide = [&](const QString &id, const QJsonObject &d) {
            return s.call(reviewer, "POST", QStringLiteral("/v1/actions/%1/decision").arg(id), d)
                .status;
        };
        QCOMPARE(decide(ids[0], reject()), 200);
        QCOMPARE(decide(ids[1], reject()), 200);
        QCOMPARE(decide(ids[2], approve()), 200); // an approval ends the run
        QCOMPARE(decide(ids[3], reject()), 200);
        QCOMPARE(decide(ids[4], reject()), 200);
        QCOMPARE(s.call(token, "GET", QStringLiteral("/v1/me")).status, 200);
        QCOMPARE(decide(ids[5], reject()), 200); // the third in a row
        const ApiResult me = s.call(token, "GET", QStringLiteral("/v1/me"));
        QCOMPARE(me.status, 403);
        QCOMPARE(me.error().code, QStringLiteral("session_killed"));
        const QJsonObject session = s.call(reviewer, "GET", QStringLiteral("/v1/sessions/") + sid)
                                        .body.value(QStringLiteral("session"))
                                        .toObject();
        QCOMPARE(session.value(QStringLiteral("status")).toString(), QStringLiteral("killed"));
        QCOMPARE(session.value(QStringLiteral("killed_by")).toString(),
                 QStringLiteral("policy:breaker.rejected"));
        const auto killed =
            firstOf(eventsOf(s, reviewer, QStringLiteral("/v1/sessions/%1/events").arg(sid)),
                    QStringLiteral("session.killed"));
        QVERIFY(killed);
        const ApiResult trips = s.call(reviewer, "GET", QStringLiteral("/v1/trips?status=killed"));
        QCOMPARE(trips.body.value(QStringLiteral("trips"))
                     .toArray()
                     .first()
                     .toObject()
                     .value(QStringLiteral("figures"))
                     .toObject()
                     .value(QStringLiteral("count"))
                     .toInt(),
                 3);
        QCOMPARE(
            s.call(s.token(Role::Oncall), "POST", QStringLiteral("/v1/sessions/%1/resume").arg(sid))
                .error()
                .code,
            QStringLiteral("session_not_active"));
    }

    // More than N submissions per second, whatever they are.
    void floodIsFrozen()
    {
        TestServer s(
            withBreakers({breaker(QStringLiteral("flood"), QStringLiteral("submissions"), 3, 1)}));
        const auto [sid, token] = s.openSession(QStringLiteral("chatty"));
        for (int i = 0; i < 3; ++i)
            QCOMPARE(s.call(token, "POST", QStringLiteral("/v1/actions"), sampleAction()).status,
                     201);
        QCOMPARE(s.call(token, "POST", QStringLiteral("/v1/actions"), sampleAction()).status, 423);
        s.clock()->advance(5000);
        QCOMPARE(s.call(token, "POST", QStringLiteral("/v1/actions"), sampleAction()).status, 423);
        Q_UNUSED(sid);
    }

    // A trip revokes the agent's grants, and a session that tripped never gets one again.
    void aTripEndsTheAgentsGrants()
    {
        TestServer s(
            withBreakers({breaker(QStringLiteral("flood"), QStringLiteral("submissions"), 3, 1)}));
        const auto [sid, token] = s.openSession(QStringLiteral("builder"));
        const QString first = s.submit(token, sampleAction());
        const ApiResult granted = s.call(
            s.token(Role::Reviewer), "POST", QStringLiteral("/v1/actions/%1/decision").arg(first),
            QJsonObject{
                {QStringLiteral("decision"), QStringLiteral("approve")},
                {QStringLiteral("grant"), QJsonObject{{QStringLiteral("for_seconds"), 3600}}}});
        QCOMPARE(granted.status, 200);
        const QString grant = granted.body.value(QStringLiteral("grant"))
                                  .toObject()
                                  .value(QStringLiteral("id"))
                                  .toString();
        QVERIFY(!grant.isEmpty());
        for (int i = 0; i < 3; ++i)
            s.call(token, "POST", QStringLiteral("/v1/actions"), sampleAction());
        const QJsonObject after =
            s.call(s.token(Role::Reviewer), "GET", QStringLiteral("/v1/grants/") + grant)
                .body.value(QStringLiteral("grant"))
                .toObject();
        QCOMPARE(after.value(QStringLiteral("status")).toString(), QStringLiteral("revoked"));
        QCOMPARE(after.value(QStringLiteral("revoked_by")).toString(),
                 QStringLiteral("policy:breaker.flood"));
        QCOMPARE(s.call(s.token(Role::Reviewer), "POST",
                        QStringLiteral("/v1/sessions/%1/resume").arg(sid))
                     .status,
                 200);
        s.clock()->advance(5000);
        const QString next = s.submit(token, sampleAction());
        QVERIFY(!next.isEmpty());
        const ApiResult refused = s.call(
            s.token(Role::Reviewer), "POST", QStringLiteral("/v1/actions/%1/decision").arg(next),
            QJsonObject{
                {QStringLiteral("decision"), QStringLiteral("approve")},
                {QStringLiteral("grant"), QJsonObject{{QStringLiteral("for_seconds"), 3600}}}});
        QCOMPARE(refused.status, 422);
        QCOMPARE(refused.error().code, QStringLiteral("not_grantable"));
    }

    // Freezes survive a restart; the windows are counted again from the stored actions.
    void aRestartKeepsFreezesAndWindows()
    {
        TestServer s(withBreakers(
            {breaker(QStringLiteral("mail-burst"), QStringLiteral("destructive_actions"), 5, 60)}));
        const auto [sid, token] = s.openSession(QStringLiteral("mail-cleaner"));
        for (int i = 0; i < 4; ++i)
            QCOMPARE(s.call(token, "POST", QStringLiteral("/v1/actions"), mailDelete(i)).status,
                     201);
        s.restart();
        QCOMPARE(s.call(token, "POST", QStringLiteral("/v1/actions"), mailDelete(5)).status, 201);
        QCOMPARE(s.call(token, "POST", QStringLiteral("/v1/actions"), mailDelete(6)).status, 423);
        s.restart();
        QCOMPARE(s.call(token, "POST", QStringLiteral("/v1/actions"), sampleAction()).status, 423);
        const QJsonObject session =
            s.call(s.token(Role::Reviewer), "GET", QStringLiteral("/v1/sessions?status=active"))
                .body.value(QStringLiteral("sessions"))
                .toArray()
                .first()
                .toObject();
        QCOMPARE(session.value(QStringLiteral("frozen"))
                     .toObject()
                     .value(QStringLiteral("rule"))
                     .toString(),
                 QStringLiteral("mail-burst"));
        Q_UNUSED(sid);
    }

    void rulesFileErrorsNameTheBreaker_data()
    {
        QTest::addColumn<QByteArray>("breakers");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown measure")
            << QByteArray(
                   R"([{"id": "x", "measure": "deletes", "more_than": 1, "window_seconds": 1, "action": "freeze"}])")
            << QStringLiteral("breaker 'x' (line ");
        QTest::newRow("no window")
            << QByteArray(
                   R"([{"id": "x", "measure": "submissions", "more_than": 1, "action": "freeze"}])")
            << QStringLiteral("\"window_seconds\" must be");
        QTest::newRow("a window for a run")
            << QByteArray(
                   R"([{"id": "x", "measure": "rejections_in_a_row", "more_than": 1, "window_seconds": 5, "action": "kill"}])")
            << QStringLiteral("takes no \"window_seconds\"");
        QTest::newRow("bad action")
            << QByteArray(
                   R"([{"id": "x", "measure": "submissions", "more_than": 1, "window_seconds": 1, "action": "pause"}])")
            << QStringLiteral("\"action\" must be");
        QTest::newRow("typo in a field")
            << QByteArray(
                   R"([{"id": "x", "measure": "submissions", "more_than": 1, "window_secs": 1, "action": "freeze"}])")
            << QStringLiteral("unknown field \"window_secs\"");
        QTest::newRow("negative limit")
            << QByteArray(
                   R"([{"id": "x", "measure": "submissions", "more_than": -1, "window_seconds": 1, "action": "freeze"}])")
            << QStringLiteral("\"more_than\" must be");
        QTest::newRow("a limit past any integer")
            << QByteArray(
                   R"([{"id": "x", "measure": "submissions", "more_than": 1e34, "window_seconds": 1, "action": "freeze"}])")
            << QStringLiteral("\"more_than\" must be");
        QTest::newRow("no id")
            << QByteArray(
                   R"([{"measure": "submissions", "more_than": 1, "window_seconds": 1, "action": "freeze"}])")
            << QStringLiteral("breaker #1 (line ");
        QTest::newRow("twice the same id")
            << QByteArray(
                   R"([{"id": "x", "measure": "submissions", "more_than": 1, "window_seconds": 1, "action": "freeze"},
                              {"id": "x", "measure": "submissions", "more_than": 2, "window_seconds": 1, "action": "freeze"}])")
            << QStringLiteral("the id is used twice");
        QTest::newRow("not an array")
            << QByteArray(R"({"id": "x"})") << QStringLiteral("\"breakers\" must be an array");
    }
    void rulesFileErrorsNameTheBreaker()
    {
        QFETCH(QByteArray, breakers);
        QFETCH(QString, message);
        QFile f(QStringLiteral(":/risk/rules.json"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QByteArray text = f.readAll();
        const qsizetype at = text.indexOf("\"breakers\": [");
        QVERIFY(at > 0);
        const qsizetype end = text.indexOf("\n  ],", at);
        text.replace(at, end + 4 - at, QByteArray(QByteArray("\"breakers\": ") + breakers));
        QString error;
        QVERIFY(!RiskEngine::fromJson(text, &error));
        QVERIFY2(error.contains(message), qPrintable(error));
    }

    // Attack report F5: 1,500 message ids sent as one string, as object keys or nested trip the
    // shipped agent-wide mass-deletion breaker (more than 1,000) on the first submission, as
    // the same ids in an array do.
    void massDeletionHoweverTheIdsAreWritten()
    {
        TestServer s;
        QStringList ids;
        QJsonObject keys;
        for (int i = 0; i < 1500; ++i) {
            ids.append(QStringLiteral("msg%1").arg(i));
            keys.insert(ids.last(), true);
        }
        const QList<std::pair<QString, QJsonValue>> spellings{
            {QStringLiteral("array"), QJsonArray::fromStringList(ids)},
            {QStringLiteral("comma-string"), ids.join(QLatin1Char(','))},
            {QStringLiteral("object"), keys},
            {QStringLiteral("nested"), QJsonArray{QJsonArray::fromStringList(ids)}}};
        for (const auto &[name, messageIds] : spellings) {
            const auto [session, token] = s.openSession(QStringLiteral("cleaner-") + name);
            QJsonObject action = mailDelete(1);
            QJsonObject payload = action.value(QStringLiteral("payload")).toObject();
            payload.insert(QStringLiteral("message_ids"), messageIds);
            action.insert(QStringLiteral("payload"), payload);
            const ApiResult r = s.call(token, "POST", QStringLiteral("/v1/actions"), action);
            QVERIFY2(r.status == 423, qPrintable(name + QStringLiteral(": %1").arg(r.status)));
            Q_UNUSED(session);
        }
    }

    void theShippedBreakersAreReadable()
    {
        const QJsonObject rules = [&] {
            TestServer s;
            return s.call(s.token(Role::Manager), "GET", QStringLiteral("/v1/breakers")).body;
        }();
        QCOMPARE(rules.value(QStringLiteral("breakers")).toArray().size(), 3);
        QVERIFY(rules.value(QStringLiteral("destructive"))
                    .toObject()
                    .value(QStringLiteral("kinds"))
                    .toArray()
                    .contains(QStringLiteral("email.delete")));
    }
};

QTEST_GUILESS_MAIN(TestBreakers)
#include "tst_breakers.moc"
