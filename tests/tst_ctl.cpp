// interlockctl as a user runs it: real processes against an in-process server on loopback.
#include "core/CanonicalJson.h"
#include "support/TestServer.h"

#include <QProcess>
#include <QSqlQuery>
#include <QtTest>

using namespace interlock;
using namespace interlock::test;

namespace {
struct Run {
    int exitCode = -1;
    QString out;
    QString err;
};
} // namespace

class TestCtl : public QObject
{
    Q_OBJECT

private:
    // Runs interlockctl asynchronously so the in-process server keeps serving meanwhile.
    Run ctl(const QStringList &args, const QString &token = {}, const QByteArray &input = {})
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("INTERLOCK_URL"), m_server->url().toString());
        env.remove(QStringLiteral("INTERLOCK_SESSION_TOKEN"));
        if (token.isEmpty())
            env.remove(QStringLiteral("INTERLOCK_TOKEN"));
        else
            env.insert(QStringLiteral("INTERLOCK_TOKEN"), token);
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(INTERLOCKCTL_PATH), args);
        if (!input.isEmpty()) {
            p.write(input);
            p.closeWriteChannel();
        }
        if (!QTest::qWaitFor([&p] { return p.state() == QProcess::NotRunning; }, 20000))
            qWarning("interlockctl %s did not finish", qPrintable(args.join(QLatin1Char(' '))));
        return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()),
                QString::fromUtf8(p.readAllStandardError())};
    }

    QString sessionToken()
    {
        const Run r = ctl({QStringLiteral("session"), QStringLiteral("open"),
                           QStringLiteral("--agent"), QStringLiteral("cli-agent")},
                          m_server->token(Role::Agent));
        const auto m =
            QRegularExpression(QStringLiteral("INTERLOCK_SESSION_TOKEN='([^']+)'")).match(r.out);
        return m.captured(1);
    }

    QString submit(const QString &token)
    {
        const Run r = ctl({QStringLiteral("submit"), QStringLiteral("--kind"),
                           QStringLiteral("shell.exec"), QStringLiteral("--title"),
                           QStringLiteral("Restart the worker"), QStringLiteral("--payload"),
                           QStringLiteral(R"({"command":"systemctl restart worker"})")},
                          token);
        return r.out.trimmed();
    }

private Q_SLOTS:
    void init() { m_server = std::make_unique<TestServer>(); }

    void tokenCreateWorksOfflineAndPrintsOnlyTheToken()
    {
        QTemporaryDir dir;
        const QString db = freshDatabase(dir, QStringLiteral("sub/new.db"));
        const Run r =
            ctl({QStringLiteral("token"), QStringLiteral("create"), QStringLiteral("--db"), db,
                 QStringLiteral("--role"), QStringLiteral("reviewer"), QStringLiteral("--name"),
                 QStringLiteral("dana")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(QRegularExpression(QStringLiteral("^ilk_[A-Za-z0-9_-]{43}\\n$"))
                    .match(r.out)
                    .hasMatch());
        QVERIFY(r.err.isEmpty());
        if (testingPostgres()) {
            withOutsideConnection(db, [&](QSqlDatabase &d) {
                QSqlQuery q(d);
                QVERIFY(q.exec(QStringLiteral("SELECT hash, name FROM tokens")));
                QVERIFY(q.next());
                QCOMPARE(q.value(0).toString(),
                         QString::fromLatin1(sha256Hex(r.out.trimmed().toUtf8())));
                QCOMPARE(q.value(1).toString(), QStringLiteral("dana"));
            });
        } else {
            QFile dbFile(db);
            QVERIFY(dbFile.open(QIODevice::ReadOnly));
            QVERIFY2(!dbFile.readAll().contains(r.out.trimmed().toUtf8()),
                     "the database must hold only the hash");
        }
        const Run bad = ctl({QStringLiteral("token"), QStringLiteral("create"),
                             QStringLiteral("--db"), db, QStringLiteral("--role"),
                             QStringLiteral("god"), QStringLiteral("--name"), QStringLiteral("x")});
        QCOMPARE(bad.exitCode, 2);
        QVERIFY(bad.err.startsWith(QStringLiteral("interlockctl: --role must be one of")));
    }

    void submitWaitApprove()
    {
        const QString token = sessionToken();
        QVERIFY(!token.isEmpty());
        const QString id = submit(token);
        QVERIFY(id.startsWith(QStringLiteral("act_")));
        const Run list = ctl({QStringLiteral("list")}, m_server->token(Role::Reviewer));
        QCOMPARE(list.exitCode, 0);
        QVERIFY(list.out.contains(id));
        QVERIFY(list.out.contains(QStringLiteral("Restart the worker")));
        const Run decide = ctl({QStringLiteral("decide"), id, QStringLiteral("approve")},
                               m_server->token(Role::Reviewer));
        QCOMPARE(decide.exitCode, 0);
        QVERIFY(decide.out.contains(QStringLiteral("approved")));
        const Run wait = ctl({QStringLiteral("wait"), id}, token);
        QCOMPARE(wait.exitCode, 0);
        QCOMPARE(wait.out.trimmed(), QStringLiteral(R"({"command":"systemctl restart worker"})"));
    }

    void waitExitCodes()
    {
        const QString token = sessionToken();
        const QString rejected = submit(token);
        QCOMPARE(ctl({QStringLiteral("decide"), rejected, QStringLiteral("reject")},
                     m_server->token(Role::Reviewer))
                     .exitCode,
                 2);
        QCOMPARE(ctl({QStringLiteral("decide"), rejected, QStringLiteral("reject"),
                      QStringLiteral("--comment"), QStringLiteral("wrong host")},
                     m_server->token(Role::Reviewer))
                     .exitCode,
                 0);
        const Run r = ctl({QStringLiteral("wait"), rejected}, token);
        QCOMPARE(r.exitCode, 3);
        QVERIFY(r.err.contains(QStringLiteral("wrong host")));

        const Run expired =
            ctl({QStringLiteral("submit"), QStringLiteral("--kind"), QStringLiteral("shell.exec"),
                 QStringLiteral("--title"), QStringLiteral("x"), QStringLiteral("--expires-in"),
                 QStringLiteral("1"), QStringLiteral("--wait")},
                token);
        QCOMPARE(expired.exitCode, 4);
        QVERIFY(expired.err.contains(QStringLiteral("expired")));

        const QString pending = submit(token);
        const Run timeout =
            ctl({QStringLiteral("wait"), pending, QStringLiteral("--timeout"), QStringLiteral("1")},
                token);
        QCOMPARE(timeout.exitCode, 5);
    }

    // One approval runs one call (review finding 4): a second wait on an approved action, and a
    // repeat of the same submission (key and body) with --wait, exit 4 instead of printing the
    // payload to run again.
    void anApprovalIsGivenToOneWait()
    {
        const QString token = sessionToken();
        const QStringList again{QStringLiteral("submit"),
                                QStringLiteral("--kind"),
                                QStringLiteral("shell.exec"),
                                QStringLiteral("--title"),
                                QStringLiteral("Deploy"),
                                QStringLiteral("--payload"),
                                QStringLiteral(R"({"command":"./deploy"})"),
                                QStringLiteral("--idempotency-key"),
                                QStringLiteral("deploy-1")};
        const QString id = ctl(again, token).out.trimmed();
        QVERIFY(id.startsWith(QStringLiteral("act_")));
        QCOMPARE(ctl({QStringLiteral("decide"), id, QStringLiteral("approve")},
                     m_server->token(Role::Reviewer))
                     .exitCode,
                 0);
        const Run first = ctl({QStringLiteral("wait"), id}, token);
        QCOMPARE(first.exitCode, 0);
        QVERIFY(first.out.contains(QStringLiteral("./deploy")));
        const Run second = ctl({QStringLiteral("wait"), id}, token);
        QCOMPARE(second.exitCode, 4);
        QVERIFY2(second.err.contains(QStringLiteral("already given")), qPrintable(second.err));
        QVERIFY(!second.out.contains(QStringLiteral("./deploy")));
        const Run repeated = ctl(again + QStringList{QStringLiteral("--wait")}, token);
        QCOMPARE(repeated.exitCode, 4);
        QVERIFY(!repeated.out.contains(QStringLiteral("./deploy")));
    }

    // agent-names lists who holds each name; release frees one no active session holds.
    void agentNamesListAndRelease()
    {
        const QString agent = m_server->token(Role::Agent);
        const QString other = m_server->server().createToken(Role::Agent, QStringLiteral("team-b"));
        const QString session = sessionToken(); // cli-agent, opened by agent-user
        QVERIFY(!session.isEmpty());
        const QString admin = m_server->token(Role::Admin);
        const Run listed = ctl({QStringLiteral("agent-names")}, m_server->token(Role::Reviewer));
        QCOMPARE(listed.exitCode, 0);
        QVERIFY2(QRegularExpression(QStringLiteral("\\ncli-agent +agent-user\\n"))
                     .match(listed.out)
                     .hasMatch(),
                 qPrintable(listed.out));
        const QStringList release{QStringLiteral("agent-names"), QStringLiteral("release"),
                                  QStringLiteral("cli-agent"), QStringLiteral("--comment"),
                                  QStringLiteral("moved to team-b")};
        const Run busy = ctl(release, admin);
        QCOMPARE(busy.exitCode, 1);
        QVERIFY2(busy.err.contains(QStringLiteral("agent_name_in_use")), qPrintable(busy.err));
        QCOMPARE(m_server
                     ->call(m_server->token(Role::Oncall), "POST", QStringLiteral("/v1/stop-all"),
                            QJsonObject{})
                     .status,
                 200);
        QCOMPARE(ctl(release, agent).exitCode, 1); // an agent token cannot
        const Run freed = ctl(release, admin);
        QCOMPARE(freed.exitCode, 0);
        QVERIFY2(freed.out.startsWith(QStringLiteral("released \"cli-agent\"")),
                 qPrintable(freed.out));
        QCOMPARE(ctl({QStringLiteral("session"), QStringLiteral("open"), QStringLiteral("--agent"),
                      QStringLiteral("cli-agent")},
                     other)
                     .exitCode,
                 0);
        QCOMPARE(ctl({QStringLiteral("agent-names"), QStringLiteral("frobnicate")}, admin).exitCode,
                 2);
    }

    void editFromAFile()
    {
        const QString token = sessionToken();
        const QString id = submit(token);
        QTemporaryFile payload;
        QVERIFY(payload.open());
        payload.write(R"({"command":"systemctl reload worker"})");
        payload.flush();
        const Run edit = ctl({QStringLiteral("decide"), id, QStringLiteral("edit"),
                              QStringLiteral("--payload"), QLatin1Char('@') + payload.fileName()},
                             m_server->token(Role::Reviewer));
        QCOMPARE(edit.exitCode, 0);
        QCOMPARE(ctl({QStringLiteral("wait"), id}, token).out.trimmed(),
                 QStringLiteral(R"({"command":"systemctl reload worker"})"));
    }

    // Red team F12: the second approver's `decide ID approve` completed another reviewer's edit
    // it never saw. Now it shows the edit and asks for --version; without an edit it approves
    // the version it read, so an edit made in between is not approved either.
    void approvingAnotherReviewersEditNeedsTheVersion()
    {
        const QString token = sessionToken();
        const QString id = submit(token);
        const Run edit =
            ctl({QStringLiteral("decide"), id, QStringLiteral("edit"), QStringLiteral("--payload"),
                 QStringLiteral(R"({"command":"rm -rf /"})")},
                m_server->token(Role::Reviewer));
        QCOMPARE(edit.exitCode, 0);
        // Critical: two approvals, so the edit waits for a second reviewer.
        QVERIFY2(edit.out.contains(QStringLiteral("is now pending (1 of 2 approvals)")),
                 qPrintable(edit.out));
        const Run blind = ctl({QStringLiteral("decide"), id, QStringLiteral("approve")},
                              m_server->token(Role::Admin));
        QCOMPARE(blind.exitCode, 1);
        QVERIFY2(blind.err.contains(QStringLiteral("was edited by reviewer-user")),
                 qPrintable(blind.err));
        QVERIFY2(blind.err.contains(QStringLiteral("rm -rf /")), qPrintable(blind.err));
        const QString version =
            QRegularExpression(QStringLiteral("--version (\\d+)")).match(blind.err).captured(1);
        QVERIFY2(!version.isEmpty(), qPrintable(blind.err));
        const Run read = ctl({QStringLiteral("decide"), id, QStringLiteral("approve"),
                              QStringLiteral("--version"), version},
                             m_server->token(Role::Admin));
        QCOMPARE(read.exitCode, 0);
        QVERIFY2(read.out.contains(QStringLiteral("approved")), qPrintable(read.out));
        QCOMPARE(ctl({QStringLiteral("wait"), id}, token).out.trimmed(),
                 QStringLiteral(R"({"command":"rm -rf /"})"));
    }

    // Red team 2 F5.2: `decide approve` approved a command that runs with LD_PRELOAD and elevated
    // rights, which neither `list` nor `decide` showed. They are shown, and approved once read.
    void approvingACommandWithSettingsShowsThem()
    {
        const QString token = sessionToken();
        const Run sub = ctl({QStringLiteral("submit"), QStringLiteral("--kind"),
                             QStringLiteral("shell.exec"), QStringLiteral("--title"),
                             QStringLiteral("Run the tests"), QStringLiteral("--payload"),
                             QStringLiteral(R"({"command":"make test","elevated":true,)"
                                            R"("env":{"LD_PRELOAD":"/tmp/evil.so"}})")},
                            token);
        const QString id = sub.out.trimmed();
        QVERIFY2(id.startsWith(QStringLiteral("act_")), qPrintable(sub.err));
        const Run blind = ctl({QStringLiteral("decide"), id, QStringLiteral("approve")},
                              m_server->token(Role::Reviewer));
        QCOMPARE(blind.exitCode, 1);
        QVERIFY2(blind.err.contains(QStringLiteral("runs make test with 2 setting(s)")),
                 qPrintable(blind.err));
        QVERIFY2(blind.err.contains(QStringLiteral("env LD_PRELOAD=/tmp/evil.so")),
                 qPrintable(blind.err));
        QVERIFY2(blind.err.contains(QStringLiteral("elevated: true")), qPrintable(blind.err));
        const QString version =
            QRegularExpression(QStringLiteral("--version (\\d+)")).match(blind.err).captured(1);
        QVERIFY2(!version.isEmpty(), qPrintable(blind.err));
        const Run read = ctl({QStringLiteral("decide"), id, QStringLiteral("approve"),
                              QStringLiteral("--version"), version},
                             m_server->token(Role::Reviewer));
        QCOMPARE(read.exitCode, 0);
        // A plain command is approved as before, without --version.
        const QString plain = submit(token);
        QCOMPARE(ctl({QStringLiteral("decide"), plain, QStringLiteral("approve")},
                     m_server->token(Role::Reviewer))
                     .exitCode,
                 0);
    }

    void submitFromStdin()
    {
        const QString token = sessionToken();
        const Run r =
            ctl({QStringLiteral("submit"), QStringLiteral("-"), QStringLiteral("--json")}, token,
                // (not a raw string: moc 6.4 misreads '#' inside one)
                "{\"kind\":\"message.post\",\"title\":\"Answer in "
                "#help\",\"payload\":{\"channel\":\"#help\","
                "\"visibility\":\"public\",\"text\":\"hi\"}}");
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains(QStringLiteral("\"kind\": \"message.post\"")));
    }

    void errorsAreOneLineOnStderr_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<bool>("withToken");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("message");
        QTest::newRow("no command") << QStringList{} << false << 2 << "Usage:";
        QTest::newRow("unknown command")
            << QStringList{QStringLiteral("launch")} << false << 2 << "unknown command 'launch'";
        QTest::newRow("unknown option")
            << QStringList{QStringLiteral("list"), QStringLiteral("--colour")} << false << 2
            << "Unknown option";
        QTest::newRow("no token") << QStringList{QStringLiteral("list")} << false << 1
                                  << "unauthenticated";
        QTest::newRow("bad payload json")
            << QStringList{QStringLiteral("submit"), QStringLiteral("--payload"),
                           QStringLiteral("{")}
            << true << 2 << "--payload: not valid JSON";
        QTest::newRow("unknown action")
            << QStringList{QStringLiteral("decide"), QStringLiteral("act_none"),
                           QStringLiteral("approve")}
            << true << 1 << "not_found";
        QTest::newRow("server down")
            << QStringList{QStringLiteral("list"), QStringLiteral("--server"),
                           QStringLiteral("http://127.0.0.1:1")}
            << true << 1 << "cannot reach the server";
    }
    void errorsAreOneLineOnStderr()
    {
        QFETCH(QStringList, args);
        QFETCH(bool, withToken);
        QFETCH(int, exitCode);
        QFETCH(QString, message);
        const Run r = ctl(args, withToken ? m_server->token(Role::Reviewer) : QString());
        QCOMPARE(r.exitCode, exitCode);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
        if (!args.isEmpty())
            QCOMPARE(r.err.count(QLatin1Char('\n')), 1);
    }

    void helpTellsTheTruth()
    {
        const Run top = ctl({QStringLiteral("--help")});
        QCOMPARE(top.exitCode, 0);
        for (const char *cmd : {"token create", "session open", "submit", "wait", "list", "decide",
                                "run -- CMD", "audit verify", "bench submit", "bench kill"})
            QVERIFY2(top.out.contains(QString::fromLatin1(cmd)), cmd);
        for (const char *cmd :
             {"token", "session", "submit", "wait", "list", "decide", "run", "audit", "bench"}) {
            const Run sub = ctl({QString::fromLatin1(cmd), QStringLiteral("--help")});
            QCOMPARE(sub.exitCode, 0);
            QVERIFY2(sub.out.startsWith(QStringLiteral("Usage: interlockctl ") +
                                        QString::fromLatin1(cmd)),
                     qPrintable(sub.out));
        }
    }

private:
    std::unique_ptr<TestServer> m_server;
};

QTEST_GUILESS_MAIN(TestCtl)
#include "tst_ctl.moc"
