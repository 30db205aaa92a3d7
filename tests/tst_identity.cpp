// Owners are identities, not free text: the server resolves a session's owner to a known person
// or records "no owner", and nobody approves an action of a session they opened or own, however
// the name is written; admins included. Real HTTP on loopback, real SQLite files.
#include "core/Identity.h"
#include "server/Tokens.h"
#include "support/Daemon.h"
#include "support/TestServer.h"
#include "ui/SessionListModel.h"

#include <QJsonArray>
#include <QProcess>
#include <QSqlError>
#include <QSqlQuery>
#include <QtTest>

using namespace interlock;
using namespace interlock::test;

namespace {
QString path(const QString &action)
{
    return QStringLiteral("/v1/actions/%1/decision").arg(action);
}

const QJsonObject kApprove{{QStringLiteral("decision"), QStringLiteral("approve")}};

QJsonObject critical()
{
    QJsonObject a = sampleAction(QStringLiteral("acl.change"), QStringLiteral("Grant everyone"));
    a.insert(QStringLiteral("risk"), QJsonObject{{QStringLiteral("score"), 90}});
    return a;
}
} // namespace

class TestIdentity : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void namesAreComparedAsIdentities_data()
    {
        QTest::addColumn<QString>("written");
        QTest::addColumn<bool>("same");
        QTest::newRow("exact") << QStringLiteral("reviewer-1") << true;
        QTest::newRow("other case") << QStringLiteral("Reviewer-1") << true;
        QTest::newRow("trailing space") << QStringLiteral("reviewer-1 ") << true;
        QTest::newRow("leading tab") << QStringLiteral("\treviewer-1") << true;
        QTest::newRow("zero-width space") << QStringLiteral("reviewer-\u200B1") << true;
        QTest::newRow("zero-width joiner") << QStringLiteral("revi\u200Dewer-1") << true;
        QTest::newRow("byte order mark") << QStringLiteral("\uFEFFreviewer-1") << true;
        QTest::newRow("soft hyphen") << QStringLiteral("review\u00ADer-1") << true;
        QTest::newRow("bidi override") << QStringLiteral("\u202Ereviewer-1\u202C") << true;
        QTest::newRow("word joiner") << QStringLiteral("reviewer\u2060-1") << true;
        QTest::newRow("variation selector") << QStringLiteral("reviewer-1\uFE0F") << true;
        QTest::newRow("full-width") << QStringLiteral("ｒｅｖｉｅｗｅｒ－１") << true;
        QTest::newRow("all capitals") << QStringLiteral("REVIEWER-1") << true;
        QTest::newRow("another person") << QStringLiteral("reviewer-2") << false;
        QTest::newRow("look-alike letter is not folded") << QStringLiteral("rеviewer-1") << false;
    }
    void namesAreComparedAsIdentities()
    {
        QFETCH(QString, written);
        QFETCH(bool, same);
        QCOMPARE(identityKey(written) == identityKey(QStringLiteral("reviewer-1")), same);
    }

    void displayNamesKeepCaseAndCollapseSpace()
    {
        QCOMPARE(displayName(QStringLiteral("  Dana\u200B \u00A0 Smith\t")),
                 QStringLiteral("Dana Smith"));
        QCOMPARE(displayName(QStringLiteral("\u200B\u2060 ")), QString());
        QCOMPARE(identityKey(QStringLiteral("Straße")), identityKey(QStringLiteral("STRASSE")));
        // A joiner between a letter and its accent: the accent joins the letter once it goes.
        QCOMPARE(displayName(QStringLiteral("Jose\u200B\u0301")), QStringLiteral("Jos\u00E9"));
    }

    // Every bypass from the issue, and the cases next to them. "opener" is the token that opens
    // the session, "owner" what the agent claims, "approver" who approves; the owner and the
    // opener are refused whatever their role, and the 403 names the rule.
    void selfApprovalCannotBeBypassed_data()
    {
        QTest::addColumn<QString>("opener"); // agent | admin | own-agent (reviewer-1's agent token)
        QTest::addColumn<QJsonValue>("owner");
        QTest::addColumn<QString>("approver"); // reviewer-1 | reviewer-2 | admin
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("field"); // of the 403
        QTest::addColumn<QJsonValue>("sessionOwner");

        const QJsonValue none = QJsonValue::Null;
        const QJsonValue r1 = QStringLiteral("reviewer-1");
        QTest::newRow("owner exact") << "agent" << r1 << "reviewer-1" << 403 << "owner" << r1;
        QTest::newRow("owner in another case")
            << "agent" << QJsonValue(QStringLiteral("Reviewer-1")) << "reviewer-1" << 403 << "owner"
            << r1;
        QTest::newRow("owner with a trailing space")
            << "agent" << QJsonValue(QStringLiteral("reviewer-1 ")) << "reviewer-1" << 403
            << "owner" << r1;
        QTest::newRow("owner with U+200B")
            << "agent" << QJsonValue(QStringLiteral("reviewer-\u200B1")) << "reviewer-1" << 403
            << "owner" << r1;
        QTest::newRow("owner in full-width letters")
            << "agent" << QJsonValue(QStringLiteral("ＲＥＶＩＥＷＥＲ-1")) << "reviewer-1" << 403
            << "owner" << r1;
        QTest::newRow("another reviewer approves the owner's agent")
            << "agent" << QJsonValue(QStringLiteral("Reviewer-1")) << "reviewer-2" << 200 << ""
            << r1;
        QTest::newRow("no owner: nobody owns it, a reviewer approves")
            << "agent" << none << "reviewer-1" << 200 << "" << none;
        QTest::newRow("no owner, but opened with the reviewer's own agent token")
            << "own-agent" << none << "reviewer-1" << 403 << "opened_by" << none;
        QTest::newRow("owner names nobody known: no owner")
            << "agent" << QJsonValue(QStringLiteral("mallory")) << "reviewer-1" << 200 << ""
            << none;
        QTest::newRow("owner names an agent token, not a person")
            << "agent" << QJsonValue(QStringLiteral("agent-user")) << "reviewer-1" << 200 << ""
            << none;
        QTest::newRow("admin opens, submits and approves")
            << "admin" << none << "admin" << 403 << "opened_by" << none;
        QTest::newRow("admin opens, owner is someone else, admin approves")
            << "admin" << QJsonValue(QStringLiteral("reviewer-2")) << "admin" << 403 << "opened_by"
            << QJsonValue(QStringLiteral("reviewer-2"));
        QTest::newRow("admin owns, an agent token opened it")
            << "agent" << QJsonValue(QStringLiteral("ADMIN-user")) << "admin" << 403 << "owner"
            << QJsonValue(QStringLiteral("admin-user"));
        QTest::newRow("admin opened, a reviewer approves")
            << "admin" << none << "reviewer-1" << 200 << "" << none;
    }

    void selfApprovalCannotBeBypassed()
    {
        QFETCH(QString, opener);
        QFETCH(QJsonValue, owner);
        QFETCH(QString, approver);
        QFETCH(int, status);
        QFETCH(QString, field);
        QFETCH(QJsonValue, sessionOwner);

        TestServer s;
        QMap<QString, QString> tokens{
            {QStringLiteral("agent"), s.token(Role::Agent)},
            {QStringLiteral("admin"), s.token(Role::Admin)},
            {QStringLiteral("reviewer-1"),
             s.server().createToken(Role::Reviewer, QStringLiteral("reviewer-1"))},
            {QStringLiteral("reviewer-2"),
             s.server().createToken(Role::Reviewer, QStringLiteral("reviewer-2"))},
            // The same person with an enrollment token for their own agent.
            {QStringLiteral("own-agent"),
             s.server().createToken(Role::Agent, QStringLiteral("reviewer-1"))}};
        QJsonObject body{{QStringLiteral("agent"), QStringLiteral("mailbot")}};
        if (!owner.isNull())
            body.insert(QStringLiteral("owner"), owner);
        const ApiResult opened =
            s.call(tokens.value(opener), "POST", QStringLiteral("/v1/sessions"), body);
        QCOMPARE(opened.status, 201);
        const QJsonObject session = opened.body.value(QStringLiteral("session")).toObject();
        QCOMPARE(session.value(QStringLiteral("owner")), sessionOwner);
        if (owner.isNull())
            QVERIFY(!session.contains(QStringLiteral("owner_claimed")));
        else
            QCOMPARE(session.value(QStringLiteral("owner_claimed")), owner);
        QVERIFY(!session.value(QStringLiteral("opened_by")).toString().isEmpty());

        const QString action =
            s.submit(opened.body.value(QStringLiteral("token")).toString(), sampleAction());
        const ApiResult r = s.call(tokens.value(approver), "POST", path(action), kApprove);
        QCOMPARE(r.status, status);
        if (status == 403) {
            QCOMPARE(r.error().code, QStringLiteral("self_approval"));
            QCOMPARE(r.error().field, field);
            QVERIFY2(r.error().message.contains(field == QLatin1String("owner")
                                                    ? QStringLiteral("own the session")
                                                    : QStringLiteral("opened the session")),
                     qPrintable(r.error().message));
            // Nor may they edit it; rejecting their own agent's action is always allowed.
            const ApiResult edit = s.call(
                tokens.value(approver), "POST", path(action),
                QJsonObject{{QStringLiteral("decision"), QStringLiteral("edit")},
                            {QStringLiteral("payload"), QJsonObject{{QStringLiteral("x"), 1}}}});
            QCOMPARE(edit.status, 403);
            QCOMPARE(edit.error().code, QStringLiteral("self_approval"));
            const ApiResult reject =
                s.call(tokens.value(approver), "POST", path(action),
                       QJsonObject{{QStringLiteral("decision"), QStringLiteral("reject")},
                                   {QStringLiteral("comment"), QStringLiteral("not mine to run")}});
            QCOMPARE(reject.status, 200);
        }
    }

    // Critical actions need two distinct people, neither of them the owner or the opener.
    void criticalNeedsTwoOthers()
    {
        TestServer s;
        const QString r1 = s.server().createToken(Role::Reviewer, QStringLiteral("reviewer-1"));
        const QString r2 = s.server().createToken(Role::Reviewer, QStringLiteral("reviewer-2"));
        const QString r2Again =
            s.server().createToken(Role::Reviewer, QStringLiteral("reviewer-2 "));
        QVERIFY(!r2Again.isEmpty()); // the same person's second token
        const QString admin = s.token(Role::Admin);

        // An admin's own critical action: it may not give one of the two approvals.
        const ApiResult opened =
            s.call(admin, "POST", QStringLiteral("/v1/sessions"),
                   QJsonObject{{QStringLiteral("agent"), QStringLiteral("admin-script")},
                               {QStringLiteral("owner"), QStringLiteral("Reviewer-1")}});
        QCOMPARE(opened.status, 201);
        const QString action =
            s.submit(opened.body.value(QStringLiteral("token")).toString(), critical());
        QCOMPARE(s.call(admin, "GET", QStringLiteral("/v1/actions/") + action)
                     .body.value(QStringLiteral("required_approvals"))
                     .toInt(),
                 2);
        ApiResult r = s.call(admin, "POST", path(action), kApprove);
        QCOMPARE(r.status, 403);
        QCOMPARE(r.error().field, QStringLiteral("opened_by"));
        r = s.call(r1, "POST", path(action), kApprove); // the owner
        QCOMPARE(r.status, 403);
        QCOMPARE(r.error().field, QStringLiteral("owner"));
        r = s.call(r2, "POST", path(action), kApprove);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body.value(QStringLiteral("status")).toString(), QStringLiteral("pending"));
        // reviewer-2 again, with another token: still one person.
        r = s.call(r2Again, "POST", path(action), kApprove);
        QCOMPARE(r.status, 409);
        QCOMPARE(r.error().code, QStringLiteral("already_approved"));
        // A second person who is neither: approved.
        const QString r3 = s.server().createToken(Role::Reviewer, QStringLiteral("reviewer-3"));
        r = s.call(r3, "POST", path(action), kApprove);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body.value(QStringLiteral("status")).toString(), QStringLiteral("approved"));
        QCOMPARE(r.body.value(QStringLiteral("approvals")).toArray().size(), 2);
    }

    void tokenNamesAreNormalisedAndLookAlikesRefused()
    {
        TestServer s;
        QString error;
        const QString dana =
            s.server().createToken(Role::Reviewer, QStringLiteral("  Dana\u200B  Smith\t"), &error);
        QVERIFY2(!dana.isEmpty(), qPrintable(error));
        QCOMPARE(s.call(dana, "GET", QStringLiteral("/v1/me")).body.value(QStringLiteral("name")),
                 QJsonValue(QStringLiteral("Dana Smith")));
        // The same name again, for another role: the same person, another token.
        QVERIFY(!s.server().createToken(Role::Admin, QStringLiteral("Dana Smith")).isEmpty());
        QVERIFY(!s.server().createToken(Role::Oncall, QStringLiteral("Dana\u00A0Smith")).isEmpty());
        // Written otherwise: refused, naming the existing one.
        for (const QString &lookAlike :
             {QStringLiteral("dana smith"), QStringLiteral("DANA SMITH"),
              QStringLiteral("dana  smith"), QStringLiteral("ｄａｎａ ｓｍｉｔｈ")}) {
            error.clear();
            QVERIFY2(s.server().createToken(Role::Reviewer, lookAlike, &error).isEmpty(),
                     qPrintable(lookAlike));
            QVERIFY2(error.contains(QStringLiteral("'Dana Smith'")), qPrintable(error));
        }
        error.clear();
        QVERIFY(s.server()
                    .createToken(Role::Reviewer, QStringLiteral("\u200B \u2060"), &error)
                    .isEmpty());
        QVERIFY(error.contains(QStringLiteral("empty")));

        // interlockctl token create, offline (no server holds the file), says why and exits 1.
        QTemporaryDir dir;
        const QString db = freshDatabase(dir, QStringLiteral("names.db"));
        QVERIFY(
            !createToken(db, QStringLiteral("reviewer"), QStringLiteral("Dana Smith")).isEmpty());
        const CtlResult ctl =
            runCtl({QStringLiteral("token"), QStringLiteral("create"), QStringLiteral("--db"), db,
                    QStringLiteral("--role"), QStringLiteral("reviewer"), QStringLiteral("--name"),
                    QStringLiteral("dana SMITH")});
        QCOMPARE(ctl.exitCode, 1);
        QVERIFY(ctl.out.isEmpty());
        QVERIFY2(ctl.err.contains(QStringLiteral("same name as the existing 'Dana Smith'")),
                 qPrintable(ctl.err));
    }

    // Red team F10: a reviewer token named "аlice" (Cyrillic а) beside "alice" let one person
    // give both approvals of a critical action. A person's name drawn like another's is refused;
    // tokens named alike before that (rows from an older server) count as one person.
    void aPersonNameDrawnLikeAnotherIsRefused()
    {
        // A file from an older server: "alice" and a look-alike "аlice" of the same person.
        QTemporaryDir dir;
        const QString db = freshDatabase(dir, QStringLiteral("people.db"));
        const QString alice = createToken(db, QStringLiteral("reviewer"), QStringLiteral("alice"));
        QVERIFY(!alice.isEmpty());
        const QString legacy = newToken();
        withOutsideConnection(db, [&](QSqlDatabase &file) {
            QSqlQuery q(file);
            q.prepare(QStringLiteral("INSERT INTO tokens (hash, name, role, created_at) VALUES "
                                     "(?, ?, 'reviewer', 0)"));
            // Bound as each server binds it: SQLite keeps the hash as a blob, PostgreSQL as text
            // (QPSQL would send a QByteArray as bytea, stored in a text column escaped).
            const QByteArray hash = tokenHash(legacy);
            q.addBindValue(testingPostgres() ? QVariant(QString::fromLatin1(hash))
                                             : QVariant(hash));
            q.addBindValue(QStringLiteral("\u0430lice"));
            QVERIFY2(q.exec(), qPrintable(q.lastError().text()));
        });
        TestServer::Options o;
        o.database = db;
        TestServer s(o);
        QString error;
        for (const QString &lookAlike : {QStringLiteral("a1ice"), QStringLiteral("al\u00EDce"),
                                         QStringLiteral("\u0430l\u0456ce")}) {
            error.clear();
            QVERIFY2(s.server().createToken(Role::Reviewer, lookAlike, &error).isEmpty(),
                     qPrintable(lookAlike));
            QVERIFY2(error.contains(QStringLiteral("lice' (")), qPrintable(error));
            QVERIFY2(error.contains(QStringLiteral("looks like the existing '")),
                     qPrintable(error));
        }
        QVERIFY(!s.server().createToken(Role::Reviewer, QStringLiteral("alina")).isEmpty());
        QVERIFY(!s.server().createToken(Role::Reviewer, QStringLiteral("alice")).isEmpty());

        const auto session = s.openSession(QStringLiteral("cleaner"));
        const QString action = s.submit(session.second, critical());
        ApiResult r = s.call(alice, "POST", path(action), kApprove);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body.value(QStringLiteral("status")).toString(), QStringLiteral("pending"));
        r = s.call(legacy, "POST", path(action), kApprove);
        QCOMPARE(r.status, 409);
        QCOMPARE(r.error().code, QStringLiteral("already_approved"));
    }

    // An agent's name drawn like another agent's is refused, naming the one it looks like and
    // what sets it apart; the first name keeps its sessions coming. Words in one script pass the
    // mixed-script check, so only the skeleton catches them.
    void anAgentNameDrawnLikeAnotherIsRefused_data()
    {
        QTest::addColumn<QString>("first");
        QTest::addColumn<QString>("lookAlike");
        QTest::addColumn<QString>("shown"); // in the refusal
        QTest::newRow("a Cyrillic word")
            << QStringLiteral("scope-bot") << QStringLiteral("\u0455\u0441\u043E\u0440\u0435-bot")
            << QStringLiteral("U+0455 CYRILLIC SMALL LETTER DZE");
        QTest::newRow("a Greek word")
            << QStringLiteral("op-agent") << QStringLiteral("\u03BF\u03C1-agent")
            << QStringLiteral("U+03BF GREEK SMALL LETTER OMICRON");
        QTest::newRow("a digit for a letter")
            << QStringLiteral("deploy-bot") << QStringLiteral("dep1oy-bot")
            << QStringLiteral("1 U+0031 DIGIT ONE");
        QTest::newRow("capitals") << QStringLiteral("deploy-bot") << QStringLiteral("Deploy-Bot")
                                  << QStringLiteral("U+0044 LATIN CAPITAL LETTER D");
        QTest::newRow("capital I for l")
            << QStringLiteral("deploy-bot") << QStringLiteral("depIoy-bot")
            << QStringLiteral("U+0049 LATIN CAPITAL LETTER I");
        QTest::newRow("0 for o") << QStringLiteral("deploy-bot") << QStringLiteral("deploy-b0t")
                                 << QStringLiteral("U+0030 DIGIT ZERO");
        QTest::newRow("an accent")
            << QStringLiteral("deploy-bot") << QStringLiteral("deploy-b\u00F3t")
            << QStringLiteral("U+00F3 LATIN SMALL LETTER O WITH ACUTE");
        QTest::newRow("a dot below")
            << QStringLiteral("deploy-bot") << QStringLiteral("deploy-b\u1ECDt")
            << QStringLiteral("U+1ECD LATIN SMALL LETTER O WITH DOT BELOW");
        QTest::newRow("another separator")
            << QStringLiteral("deploy-bot") << QStringLiteral("deploy_bot")
            << QStringLiteral("U+005F LOW LINE");
        QTest::newRow("a trailing dot")
            << QStringLiteral("deploy-bot") << QStringLiteral("deploy-bot.")
            << QStringLiteral("U+002E FULL STOP");
        QTest::newRow("rn for m") << QStringLiteral("mail-bot") << QStringLiteral("rnail-bot")
                                  << QStringLiteral("U+0072 LATIN SMALL LETTER R");
        QTest::newRow("the look-alike came first")
            << QStringLiteral("\u0455\u0441\u043E\u0440\u0435-bot") << QStringLiteral("scope-bot")
            << QStringLiteral("U+0073 LATIN SMALL LETTER S");
    }
    void anAgentNameDrawnLikeAnotherIsRefused()
    {
        QFETCH(QString, first);
        QFETCH(QString, lookAlike);
        QFETCH(QString, shown);
        TestServer s;
        QVERIFY(!s.openSession(first).second.isEmpty());
        const ApiResult r = s.call(s.token(Role::Agent), "POST", QStringLiteral("/v1/sessions"),
                                   QJsonObject{{QStringLiteral("agent"), lookAlike}});
        QCOMPARE(r.status, 422);
        QCOMPARE(r.error().field, QStringLiteral("agent"));
        QVERIFY2(r.error().message.contains(QLatin1Char('"') + first + QLatin1Char('"')) &&
                     r.error().message.contains(shown),
                 qPrintable(r.error().message));
        // The first name goes on, and so do names that only share words with it.
        QVERIFY(!s.openSession(first).second.isEmpty());
        QVERIFY(!s.openSession(first + QStringLiteral("-2")).second.isEmpty());
        // After a restart too: the name is held in the database, not in the server.
        s.restart();
        QCOMPARE(s.call(s.token(Role::Agent), "POST", QStringLiteral("/v1/sessions"),
                        QJsonObject{{QStringLiteral("agent"), lookAlike}})
                     .status,
                 422);
        QVERIFY(!s.openSession(first).second.isEmpty());
    }

    // A name belongs to the enrolling token that first used it (by the token's name, so a new
    // token of the same name, as after a rotation, keeps it): another agent token cannot borrow
    // the trust reviewers put in it. An admin frees a name no active session holds; audited.
    void anAgentNameBelongsToTheTokenThatFirstUsedIt()
    {
        TestServer s;
        const QString teamB = s.server().createToken(Role::Agent, QStringLiteral("team-b"));
        const auto open = [&](const QString &token, const QString &agent) {
            return s.call(token, "POST", QStringLiteral("/v1/sessions"),
                          QJsonObject{{QStringLiteral("agent"), agent}});
        };
        const ApiResult first = open(s.token(Role::Agent), QStringLiteral("deploy-bot"));
        QCOMPARE(first.status, 201);
        const ApiResult borrowed = open(teamB, QStringLiteral("deploy-bot"));
        QCOMPARE(borrowed.status, 403);
        QVERIFY2(borrowed.error().message.contains(QStringLiteral("\"deploy-bot\" belongs to")),
                 qPrintable(borrowed.error().message));
        QVERIFY(!borrowed.error().message.contains(QStringLiteral("agent-user"))); // not told
        QCOMPARE(open(teamB, QStringLiteral("Deploy-Bot")).status, 422); // still a look-alike
        QCOMPARE(open(teamB, QStringLiteral("team-b-bot")).status, 201);
        // The admin's token cannot borrow it either; a new token of the holder's name can.
        QCOMPARE(open(s.token(Role::Admin), QStringLiteral("deploy-bot")).status, 403);
        const QString rotated = s.server().createToken(Role::Agent, QStringLiteral("agent-user"));
        QCOMPARE(open(rotated, QStringLiteral("deploy-bot")).status, 201);
        s.restart();
        QCOMPARE(open(teamB, QStringLiteral("deploy-bot")).status, 403);

        QJsonObject listed;
        for (const QJsonValue &v :
             s.call(s.token(Role::Reviewer), "GET", QStringLiteral("/v1/agent-names"))
                 .body.value(QStringLiteral("agent_names"))
                 .toArray())
            listed.insert(v[QStringLiteral("agent")].toString(), v[QStringLiteral("opener")]);
        QCOMPARE(listed, (QJsonObject{{QStringLiteral("deploy-bot"), QStringLiteral("agent-user")},
                                      {QStringLiteral("team-b-bot"), QStringLiteral("team-b")}}));

        const auto release = [&](const QString &token, const QString &agent) {
            return s.call(token, "POST", QStringLiteral("/v1/agent-names/release"),
                          QJsonObject{{QStringLiteral("agent"), agent},
                                      {QStringLiteral("comment"), QStringLiteral("team change")}});
        };
        QCOMPARE(release(s.token(Role::Oncall), QStringLiteral("deploy-bot")).status, 403);
        QCOMPARE(release(teamB, QStringLiteral("deploy-bot")).status, 403);
        QCOMPARE(release(s.token(Role::Admin), QStringLiteral("nobody")).status, 404);
        const ApiResult lookAlike = release(s.token(Role::Admin), QStringLiteral("Deploy-Bot"));
        QCOMPARE(lookAlike.status, 404);
        QVERIFY(lookAlike.error().message.contains(QStringLiteral("\"deploy-bot\"")));
        const ApiResult inUse = release(s.token(Role::Admin), QStringLiteral("deploy-bot"));
        QCOMPARE(inUse.status, 409);
        QCOMPARE(inUse.error().code, QStringLiteral("agent_name_in_use"));
        QVERIFY2(inUse.error().message.startsWith(QStringLiteral("2 active")),
                 qPrintable(inUse.error().message));
        QCOMPARE(s.call(s.token(Role::Oncall), "POST", QStringLiteral("/v1/stop-all"),
                        QJsonObject{{QStringLiteral("reason"), QStringLiteral("hand over")}})
                     .status,
                 200);
        const ApiResult released = release(s.token(Role::Admin), QStringLiteral("deploy-bot"));
        QCOMPARE(released.status, 200);
        QCOMPARE(released.body[QStringLiteral("released")][QStringLiteral("opener")].toString(),
                 QStringLiteral("agent-user"));
        QCOMPARE(release(s.token(Role::Admin), QStringLiteral("deploy-bot")).status, 404);
        // Now team-b's, and no longer the first token's.
        QCOMPARE(open(teamB, QStringLiteral("deploy-bot")).status, 201);
        QCOMPARE(open(s.token(Role::Agent), QStringLiteral("deploy-bot")).status, 403);
        // In the audit chain, with who released it and why.
        QJsonObject entry;
        for (const QJsonValue &v :
             s.call(s.token(Role::Manager), "GET", QStringLiteral("/v1/audit?limit=1000"))
                 .body.value(QStringLiteral("entries"))
                 .toArray())
            if (v[QStringLiteral("type")].toString() == QLatin1String("agent_name.release"))
                entry = v.toObject();
        QCOMPARE(entry.value(QStringLiteral("actor")).toString(), QStringLiteral("admin-user"));
        QCOMPARE(entry.value(QStringLiteral("data"))[QStringLiteral("comment")].toString(),
                 QStringLiteral("team change"));
        QCOMPARE(s.call(s.token(Role::Manager), "GET", QStringLiteral("/v1/audit/verify"))
                     .body.value(QStringLiteral("ok"))
                     .toBool(),
                 true);
    }

    // The console's sessions panel shows the resolved owner, and a claim only as a claim.
    void sessionsPanelTellsOwnersFromClaims()
    {
        TestServer s;
        s.server().createToken(Role::Reviewer, QStringLiteral("carol"));
        s.openSession(QStringLiteral("a"), QStringLiteral(" Carol\u200B"));
        s.openSession(QStringLiteral("b"), QStringLiteral("mallory"));
        s.openSession(QStringLiteral("c"));
        QList<QJsonObject> sessions;
        for (const QJsonValue &v :
             s.call(s.token(Role::Oncall), "GET", QStringLiteral("/v1/sessions"))
                 .body.value(QStringLiteral("sessions"))
                 .toArray())
            sessions.append(v.toObject());
        ui::SessionListModel model;
        model.reset(sessions);
        QMap<QString, QString> owners;
        for (int row = 0; row < model.rowCount(); ++row)
            owners.insert(model.index(row, ui::SessionListModel::Agent).data().toString(),
                          model.index(row, ui::SessionListModel::Owner).data().toString());
        QCOMPARE(owners.value(QStringLiteral("a")), QStringLiteral("carol"));
        QCOMPARE(owners.value(QStringLiteral("b")), QStringLiteral("none (claims “mallory”)"));
        QCOMPARE(owners.value(QStringLiteral("c")), QStringLiteral("none"));
    }

    // A session stored before owners were resolved keeps its owner as the agent wrote it and
    // has no opener: the owner is still compared as an identity.
    void olderSessionsAreComparedAsIdentities()
    {
        TestServer s;
        const QString r1 = s.server().createToken(Role::Reviewer, QStringLiteral("reviewer-1"));
        const auto [sessionId, token] = s.openSession(QStringLiteral("old"));
        const QString action = s.submit(token, sampleAction());
        withOutsideConnection(s.dbPath(), [&](QSqlDatabase &db) {
            QSqlQuery q(db);
            q.prepare(QStringLiteral("UPDATE sessions SET owner = ?, opener = NULL, "
                                     "owner_claimed = NULL WHERE id = ?"));
            q.addBindValue(QStringLiteral("Reviewer-1\u200B "));
            q.addBindValue(sessionId);
            QVERIFY(q.exec());
        });
        const ApiResult r = s.call(r1, "POST", path(action), kApprove);
        QCOMPARE(r.status, 403);
        QCOMPARE(r.error().field, QStringLiteral("owner"));
        QCOMPARE(s.call(s.token(Role::Reviewer), "POST", path(action), kApprove).status, 200);
    }
    // The issue's bypasses against the real interlockd, with tokens made by interlockctl: an
    // owner in another case, with a trailing space or U+200B is the reviewer, who may not
    // approve; an admin may not approve what its own session submitted.
    void theIssuesBypassesFailOverTheRealDaemon()
    {
        QTemporaryDir dir;
        const QString db = freshDatabase(dir, QStringLiteral("identity.db"));
        const QString agent = createToken(db, QStringLiteral("agent"), QStringLiteral("bot"));
        const QString reviewer =
            createToken(db, QStringLiteral("reviewer"), QStringLiteral("reviewer-1"));
        const QString admin = createToken(db, QStringLiteral("admin"), QStringLiteral("root"));
        QVERIFY(!agent.isEmpty() && !reviewer.isEmpty() && !admin.isEmpty());
        Daemon daemon(db);
        QVERIFY2(daemon.start(), qPrintable(daemon.errorOutput()));

        const auto openAndSubmit = [&](const QString &opener, const QJsonValue &owner) {
            // The name belongs to the token that first used it: the admin's session has its own.
            QJsonObject body{{QStringLiteral("agent"), opener == admin
                                                           ? QStringLiteral("mailbot-admin")
                                                           : QStringLiteral("mailbot")}};
            if (!owner.isNull())
                body.insert(QStringLiteral("owner"), owner);
            const ApiResult opened =
                ApiClient(daemon.url(), opener).call("POST", QStringLiteral("/v1/sessions"), body);
            const QJsonObject session = opened.body.value(QStringLiteral("session")).toObject();
            const ApiResult submitted =
                ApiClient(daemon.url(), opened.body.value(QStringLiteral("token")).toString())
                    .call("POST", QStringLiteral("/v1/actions"), sampleAction());
            return std::pair{session, submitted.body.value(QStringLiteral("id")).toString()};
        };
        for (const QString &claim : {QStringLiteral("Reviewer-1"), QStringLiteral("reviewer-1 "),
                                     QStringLiteral("reviewer-\u200B1")}) {
            const auto [session, action] = openAndSubmit(agent, claim);
            QCOMPARE(session.value(QStringLiteral("owner")).toString(),
                     QStringLiteral("reviewer-1"));
            QVERIFY(!action.isEmpty());
            const ApiResult r =
                ApiClient(daemon.url(), reviewer).call("POST", path(action), kApprove);
            QCOMPARE(r.status, 403);
            QCOMPARE(r.error().code, QStringLiteral("self_approval"));
            QCOMPARE(r.error().field, QStringLiteral("owner"));
        }
        const auto [session, action] = openAndSubmit(admin, QJsonValue::Null);
        QVERIFY(session.value(QStringLiteral("owner")).isNull());
        QCOMPARE(session.value(QStringLiteral("opened_by")).toString(), QStringLiteral("root"));
        ApiResult r = ApiClient(daemon.url(), admin).call("POST", path(action), kApprove);
        QCOMPARE(r.status, 403);
        QCOMPARE(r.error().field, QStringLiteral("opened_by"));
        r = ApiClient(daemon.url(), reviewer).call("POST", path(action), kApprove);
        QCOMPARE(r.status, 200);
        QCOMPARE(daemon.stop(), 0);
    }
};

QTEST_GUILESS_MAIN(TestIdentity)
#include "tst_identity.moc"
