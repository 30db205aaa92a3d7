// `interlockctl hook claude-code` as Claude Code runs it: a real process, its stdin and stdout,
// against a real server on loopback. Every answer is one JSON object and the exit status is 0.
#include "support/TestServer.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <fcntl.h>
#include <sys/stat.h>

using namespace interlock;
using namespace interlock::test;

namespace {
QByteArray hookInput(const QString &tool, const QJsonObject &input,
                     const QString &session = QStringLiteral("claude-session-1"),
                     const QString &toolUseId = QStringLiteral("toolu_1"))
{
    return QJsonDocument(QJsonObject{{"session_id", session},
                                     {"transcript_path", "/tmp/t.jsonl"},
                                     {"cwd", "/tmp"},
                                     {"permission_mode", "default"},
                                     {"hook_event_name", "PreToolUse"},
                                     {"tool_name", tool},
                                     {"tool_input", input},
                                     {"tool_use_id", toolUseId}})
        .toJson(QJsonDocument::Compact);
}

int mode(const QString &path)
{
    struct stat st {
    };
    return ::stat(path.toLocal8Bit().constData(), &st) == 0 ? int(st.st_mode & 0777) : -1;
}
} // namespace

class TestClaudeCodeHook : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_runtime; // XDG_RUNTIME_DIR of the hooks: 0700, like the real one

    QProcessEnvironment env(const QUrl &url, const QString &enrollment = {},
                            const QString &session = {})
    {
        QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
        for (const char *name :
             {"INTERLOCK_TOKEN", "INTERLOCK_SESSION_TOKEN", "INTERLOCK_SESSION_ID"})
            e.remove(QString::fromLatin1(name));
        e.insert("INTERLOCK_URL", url.toString());
        e.insert("XDG_RUNTIME_DIR", m_runtime.path());
        if (!enrollment.isEmpty())
            e.insert("INTERLOCK_TOKEN", enrollment);
        if (!session.isEmpty())
            e.insert("INTERLOCK_SESSION_TOKEN", session);
        return e;
    }

    // Starts the hook; the answer is read with answer().
    std::unique_ptr<QProcess> start(const QByteArray &input, const QProcessEnvironment &e,
                                    const QStringList &options = {})
    {
        auto p = std::make_unique<QProcess>();
        p->setProcessEnvironment(e);
        p->start(QStringLiteral(INTERLOCKCTL_PATH), QStringList{"hook", "claude-code"} + options);
        p->write(input);
        p->closeWriteChannel();
        return p;
    }

    // Waits for the hook (running this thread's event loop, so an in-process server answers)
    // and checks the contract: exit 0, exactly one JSON object on stdout.
    QJsonObject answer(QProcess &p, int timeoutMs = 20000)
    {
        [&] { QTRY_COMPARE_WITH_TIMEOUT(p.state(), QProcess::NotRunning, timeoutMs); }();
        const QByteArray out = p.readAllStandardOutput();
        [&] {
            QCOMPARE(p.exitStatus(), QProcess::NormalExit);
            QCOMPARE(p.exitCode(), 0);
            QVERIFY2(out.endsWith('\n') && out.count('\n') == 1, out.constData());
        }();
        QJsonParseError e;
        const QJsonDocument doc = QJsonDocument::fromJson(out, &e);
        [&] { QVERIFY2(e.error == QJsonParseError::NoError && doc.isObject(), out.constData()); }();
        return doc.object().value("hookSpecificOutput").toObject();
    }

    QJsonObject run(const QByteArray &input, const QProcessEnvironment &e,
                    const QStringList &options = {})
    {
        auto p = start(input, e, options);
        return answer(*p);
    }

    static QString decisionOf(const QJsonObject &a)
    {
        return a.value("permissionDecision").toString();
    }
    static QString reasonOf(const QJsonObject &a)
    {
        return a.value("permissionDecisionReason").toString();
    }

    // The one pending action, once it is there.
    static QJsonObject pendingAction(TestServer &s)
    {
        QJsonArray list;
        const auto look = [&] {
            list = s.call(s.token(Role::Reviewer), "GET", "/v1/actions?status=pending")
                       .body.value("actions")
                       .toArray();
            return list.size();
        };
        [&] { QTRY_COMPARE_WITH_TIMEOUT(look(), 1, 20000); }();
        return list.isEmpty() ? QJsonObject() : list.first().toObject();
    }

    static int sessionCount(TestServer &s)
    {
        return int(s.call(s.token(Role::Admin), "GET", "/v1/sessions")
                       .body.value("sessions")
                       .toArray()
                       .size());
    }

private Q_SLOTS:
    void readOnlyToolsNeedNoServer()
    {
        const QUrl nowhere("http://127.0.0.1:1");
        const QJsonObject read =
            run(hookInput("Read", {{"file_path", "/etc/hostname"}}), env(nowhere));
        QCOMPARE(decisionOf(read), QStringLiteral("allow"));
        QVERIFY(reasonOf(read).contains("read-only"));
        // The list is the user's: without Read on it, Read goes to Interlock (unreachable here).
        const QJsonObject listed = run(hookInput("Read", {{"file_path", "/etc/hostname"}}),
                                       env(nowhere, "ilk_x"), {"--read-only-tools", "Grep,Glob"});
        QCOMPARE(decisionOf(listed), QStringLiteral("deny"));
    }

    void badInputIsDenied_data()
    {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<QString>("reason");
        QTest::newRow("garbage") << QByteArray("rm -rf /") << "not a JSON object";
        QTest::newRow("empty") << QByteArray() << "not a JSON object";
        QTest::newRow("array") << QByteArray("[1]") << "not a JSON object";
        QTest::newRow("duplicate keys")
            << QByteArray(
                   R"({"tool_name":"Read","tool_name":"Bash","hook_event_name":"PreToolUse"})")
            << "duplicate member name";
        QTest::newRow("other event")
            << QByteArray(
                   R"({"session_id":"s","hook_event_name":"Stop","tool_name":"Read","tool_input":{}})")
            << "PreToolUse only";
        QTest::newRow("oversized")
            << (QByteArray(R"({"pad":")") + QByteArray(9 * 1024 * 1024, 'x') + "\"}")
            << "larger than 8 MiB";
    }
    void badInputIsDenied()
    {
        QFETCH(QByteArray, input);
        QFETCH(QString, reason);
        const QJsonObject a = run(input, env(QUrl("http://127.0.0.1:1")));
        QCOMPARE(decisionOf(a), QStringLiteral("deny"));
        QVERIFY2(reasonOf(a).contains(reason), qPrintable(reasonOf(a)));
    }

    void aRemoteSubAgentIsDenied()
    {
        // isolation "remote" runs the sub-agent in a cloud sandbox, where no hook sees its calls:
        // denied at once, before any action exists.
        TestServer s;
        const QJsonObject a = run(hookInput("Agent", {{"description", "Summarise README"},
                                                      {"prompt", "Read README.md and summarise it"},
                                                      {"subagent_type", "general-purpose"},
                                                      {"isolation", "remote"},
                                                      {"run_in_background", true}}),
                                  env(s.url(), s.token(Role::Agent)));
        QCOMPARE(decisionOf(a), QStringLiteral("deny"));
        QVERIFY2(reasonOf(a).contains("isolation 'remote'"), qPrintable(reasonOf(a)));
        QCOMPARE(s.call(s.token(Role::Reviewer), "GET", "/v1/actions?status=all")
                     .body.value("actions")
                     .toArray()
                     .size(),
                 0);
    }

    void integersJavaScriptWouldRoundAreDenied()
    {
        // An id beyond 2^53: shown exactly, read rounded by Claude Code and JavaScript MCP
        // servers. Denied before any action exists.
        TestServer s;
        const QByteArray input =
            hookInput("mcp__chat__delete_message", {{"channel", "general"}, {"message_id", 1}})
                .replace("\"message_id\":1", "\"message_id\":1234567890123456789");
        const QJsonObject a = run(input, env(s.url(), s.token(Role::Agent)));
        QCOMPARE(decisionOf(a), QStringLiteral("deny"));
        QVERIFY2(reasonOf(a).contains("2^53"), qPrintable(reasonOf(a)));
        QCOMPARE(s.call(s.token(Role::Reviewer), "GET", "/v1/actions?status=all")
                     .body.value("actions")
                     .toArray()
                     .size(),
                 0);
    }

    void unreachableOrRefusedIsDenied()
    {
        QElapsedTimer t;
        t.start();
        const QJsonObject down = run(hookInput("Bash", {{"command", "ls"}}),
                                     env(QUrl("http://127.0.0.1:1"), "ilk_anything"));
        QCOMPARE(decisionOf(down), QStringLiteral("deny"));
        QVERIFY2(reasonOf(down).contains("cannot open an Interlock session"),
                 qPrintable(reasonOf(down)));
        QVERIFY(t.elapsed() < 10000); // at once, not after a deadline

        TestServer s;
        const QJsonObject badToken =
            run(hookInput("Bash", {{"command", "ls"}}), env(s.url(), {}, "ilk_not-a-session"));
        QCOMPARE(decisionOf(badToken), QStringLiteral("deny"));
        QVERIFY2(reasonOf(badToken).contains("refused"), qPrintable(reasonOf(badToken)));
        const QJsonObject noToken = run(hookInput("Bash", {{"command", "ls"}}), env(s.url()));
        QCOMPARE(decisionOf(noToken), QStringLiteral("deny"));
        QVERIFY(reasonOf(noToken).contains("INTERLOCK_TOKEN"));
        const QJsonObject badUrl =
            run(hookInput("Bash", {{"command", "ls"}}), env(QUrl("not a url"), "ilk_x"));
        QCOMPARE(decisionOf(badUrl), QStringLiteral("deny"));
    }

    void approveEditReject()
    {
        TestServer s;
        const QProcessEnvironment e = env(s.url(), s.token(Role::Agent));
        const QString reviewer = s.token(Role::Reviewer);
        // approve: allow, as asked
        auto p = start(hookInput("Bash", {{"command", "ls -la"}}, "cs-approve", "t1"), e);
        QJsonObject action = pendingAction(s);
        QCOMPARE(action.value("kind").toString(), QStringLiteral("shell.exec"));
        QCOMPARE(action.value("payload").toObject().value("command").toString(),
                 QStringLiteral("ls -la"));
        QCOMPARE(s.call(reviewer, "POST",
                        "/v1/actions/" + action.value("id").toString() + "/decision",
                        QJsonObject{{"decision", "approve"}})
                     .status,
                 200);
        QJsonObject a = answer(*p);
        QCOMPARE(decisionOf(a), QStringLiteral("allow"));
        QVERIFY(!a.contains("updatedInput"));

        // edit: allow with the reviewer's command and context for the model
        p = start(hookInput("Bash", {{"command", "rm -rf build"}}, "cs-approve", "t2"), e);
        action = pendingAction(s);
        QJsonObject edited = action.value("payload").toObject();
        edited.insert("command", "rm -rf build/tmp");
        s.call(reviewer, "POST", "/v1/actions/" + action.value("id").toString() + "/decision",
               QJsonObject{{"decision", "edit"}, {"payload", edited}, {"comment", "only tmp"}});
        a = answer(*p);
        QCOMPARE(decisionOf(a), QStringLiteral("allow"));
        QCOMPARE(a.value("updatedInput").toObject().value("command").toString(),
                 QStringLiteral("rm -rf build/tmp"));
        QVERIFY(a.value("additionalContext").toString().contains("only tmp"));

        // reject: deny with the reviewer's reason
        p = start(hookInput("Bash", {{"command", "rm -rf /"}}, "cs-approve", "t3"), e);
        action = pendingAction(s);
        s.call(reviewer, "POST", "/v1/actions/" + action.value("id").toString() + "/decision",
               QJsonObject{{"decision", "reject"}, {"comment", "never the root"}});
        a = answer(*p);
        QCOMPARE(decisionOf(a), QStringLiteral("deny"));
        QVERIFY(reasonOf(a).contains("never the root"));

        // the same tool call again (Claude Code retried the hook): the same action, answered at
        // once
        a = run(hookInput("Bash", {{"command", "rm -rf /"}}, "cs-approve", "t3"), e);
        QCOMPARE(decisionOf(a), QStringLiteral("deny"));
        QVERIFY(reasonOf(a).contains("never the root"));
        QCOMPARE(sessionCount(s), 1); // one Interlock session for the Claude session
    }

    void oneSessionPerClaudeSessionInAPrivateFile()
    {
        TestServer s;
        const QProcessEnvironment e = env(s.url(), s.token(Role::Agent));
        // Three hooks of one Claude session start at once: they open one Interlock session.
        std::vector<std::unique_ptr<QProcess>> hooks;
        for (int i = 0; i < 3; ++i)
            hooks.push_back(start(hookInput("Bash", {{"command", QString("echo %1").arg(i)}},
                                            "cs-parallel", QString("t%1").arg(i)),
                                  e));
        QTRY_COMPARE_WITH_TIMEOUT(
            s.call(s.token(Role::Reviewer), "GET", "/v1/actions?status=pending")
                .body.value("actions")
                .toArray()
                .size(),
            3, 20000);
        QCOMPARE(sessionCount(s), 1);
        const QString dir = m_runtime.filePath("interlock/claude-code");
        QCOMPARE(mode(m_runtime.filePath("interlock")), 0700);
        QCOMPARE(mode(dir), 0700);
        QCOMPARE(mode(dir + "/cs-parallel.json"), 0600);
        QFile f(dir + "/cs-parallel.json");
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(QJsonDocument::fromJson(f.readAll())
                    .object()
                    .value("token")
                    .toString()
                    .startsWith("ilk_"));
        // Another Claude session gets its own.
        auto other = start(hookInput("Bash", {{"command", "id"}}, "cs-other", "t9"), e);
        QTRY_COMPARE_WITH_TIMEOUT(sessionCount(s), 2, 20000);
        for (const QJsonValue &v :
             s.call(s.token(Role::Reviewer), "GET", "/v1/actions?status=pending")
                 .body.value("actions")
                 .toArray())
            s.call(s.token(Role::Reviewer), "POST",
                   "/v1/actions/" + v.toObject().value("id").toString() + "/decision",
                   QJsonObject{{"decision", "reject"}, {"comment", "test over"}});
        for (auto &h : hooks)
            QCOMPARE(decisionOf(answer(*h)), QStringLiteral("deny"));
        QCOMPARE(decisionOf(answer(*other)), QStringLiteral("deny"));
    }

    void killDeniesNowAndForever()
    {
        TestServer s;
        const QProcessEnvironment e = env(s.url(), s.token(Role::Agent));
        auto p =
            start(hookInput("Write", {{"file_path", "/tmp/x"}, {"content", "y"}}, "cs-kill"), e);
        const QJsonObject action = pendingAction(s);
        QCOMPARE(s.call(s.token(Role::Oncall), "POST",
                        "/v1/sessions/" + action.value("session_id").toString() + "/kill",
                        QJsonObject{{"reason", "stop"}})
                     .status,
                 200);
        QJsonObject a = answer(*p);
        QCOMPARE(decisionOf(a), QStringLiteral("deny"));
        QVERIFY2(reasonOf(a).contains("killed"), qPrintable(reasonOf(a)));
        QVERIFY(QFile::exists(m_runtime.filePath("interlock/claude-code/cs-kill.killed")));
        // Every later call of that Claude session is denied, read-only ones included.
        a = run(hookInput("Read", {{"file_path", "/etc/hostname"}}, "cs-kill", "t2"), e);
        QCOMPARE(decisionOf(a), QStringLiteral("deny"));
        a = run(hookInput("Bash", {{"command", "ls"}}, "cs-kill", "t3"), e);
        QCOMPARE(decisionOf(a), QStringLiteral("deny"));
        QVERIFY(reasonOf(a).contains("killed"));
        QCOMPARE(sessionCount(s), 1); // no new session to get around the kill
    }

    // On-call's kill between two calls (no reviewed call waiting to learn of it) stops the
    // Claude session's read-only tools too: once it has a session, a read asks whether it is
    // alive, and the front trusts an answer for a second only.
    void aKillBetweenCallsStopsReadsToo()
    {
        TestServer s;
        const QProcessEnvironment e = env(s.url(), s.token(Role::Agent));
        const QString alive = m_runtime.filePath("interlock/claude-code/cs-between.alive");
        auto p = start(hookInput("Bash", {{"command", "ls"}}, "cs-between"), e);
        const QJsonObject action = pendingAction(s);
        s.call(s.token(Role::Reviewer), "POST",
               "/v1/actions/" + action.value("id").toString() + "/decision",
               QJsonObject{{"decision", "approve"}});
        QCOMPARE(decisionOf(answer(*p)), QStringLiteral("allow"));
        QJsonObject a =
            run(hookInput("Read", {{"file_path", "/etc/hostname"}}, "cs-between", "t2"), e);
        QCOMPARE(decisionOf(a), QStringLiteral("allow"));
        QVERIFY(QFile::exists(alive));
        QCOMPARE(s.call(s.token(Role::Oncall), "POST",
                        "/v1/sessions/" + action.value("session_id").toString() + "/kill",
                        QJsonObject{{"reason", "stop"}})
                     .status,
                 200);
        // As a second later: the last confirmation is too old to trust.
        const timespec old[2] = {{0, UTIME_OMIT}, {::time(nullptr) - 2, 0}};
        QCOMPARE(::utimensat(AT_FDCWD, alive.toLocal8Bit().constData(), old, 0), 0);
        a = run(hookInput("Grep", {{"pattern", "x"}}, "cs-between", "t3"), e);
        QCOMPARE(decisionOf(a), QStringLiteral("deny"));
        QVERIFY2(reasonOf(a).contains("killed"), qPrintable(reasonOf(a)));
        QVERIFY(QFile::exists(m_runtime.filePath("interlock/claude-code/cs-between.killed")));
        // From now on without asking.
        a = run(hookInput("Read", {{"file_path", "/etc/hostname"}}, "cs-between", "t4"), e);
        QCOMPARE(decisionOf(a), QStringLiteral("deny"));
    }

    // Once the Claude session has a session, an Interlock that cannot say whether it is alive
    // denies its reads (it could answer before: fail closed); a Claude session without one reads.
    void readsDenyWhenInterlockCannotSay()
    {
        auto s = std::make_unique<TestServer>();
        const QProcessEnvironment e = env(s->url(), s->token(Role::Agent));
        auto p = start(hookInput("Bash", {{"command", "ls"}}, "cs-gone"), e);
        const QJsonObject action = pendingAction(*s);
        s->call(s->token(Role::Reviewer), "POST",
                "/v1/actions/" + action.value("id").toString() + "/decision",
                QJsonObject{{"decision", "reject"}, {"comment", "not now"}});
        QCOMPARE(decisionOf(answer(*p)), QStringLiteral("deny"));
        s.reset(); // Interlock is gone
        QJsonObject a =
            run(hookInput("Read", {{"file_path", "/etc/hostname"}}, "cs-gone", "t2"), e);
        QCOMPARE(decisionOf(a), QStringLiteral("deny"));
        QVERIFY2(reasonOf(a).contains("could not confirm"), qPrintable(reasonOf(a)));
        a = run(hookInput("Read", {{"file_path", "/etc/hostname"}}, "cs-never-opened", "t3"), e);
        QCOMPARE(decisionOf(a), QStringLiteral("allow"));
    }

    void deadlineDeniesAndWithdraws()
    {
        TestServer s;
        QElapsedTimer t;
        t.start();
        auto p = start(hookInput("Bash", {{"command", "sleep 1"}}, "cs-deadline"),
                       env(s.url(), s.token(Role::Agent)), {"--deadline", "2"});
        const QString id = pendingAction(s).value("id").toString();
        const QJsonObject a = answer(*p);
        QCOMPARE(decisionOf(a), QStringLiteral("deny"));
        QVERIFY2(reasonOf(a).contains("deadline"), qPrintable(reasonOf(a)));
        QVERIFY(t.elapsed() < 12000);
        const QJsonObject after = s.call(s.token(Role::Reviewer), "GET", "/v1/actions/" + id).body;
        QCOMPARE(after.value("status").toString(), QStringLiteral("cancelled"));
        QVERIFY(after.contains("withdrawn"));
    }

    void supervisedUsesTheInheritedSession()
    {
        TestServer s;
        const auto [sessionId, token] = s.openSession("supervised-claude");
        QTemporaryDir elsewhere;
        QProcessEnvironment e = env(s.url(), {}, token);
        e.insert("INTERLOCK_SESSION_ID", sessionId);
        e.insert("XDG_RUNTIME_DIR", elsewhere.path());
        auto p = start(hookInput("Bash", {{"command", "ls"}}, "cs-supervised"), e);
        const QJsonObject action = pendingAction(s);
        QCOMPARE(action.value("session_id").toString(), sessionId);
        s.call(s.token(Role::Reviewer), "POST",
               "/v1/actions/" + action.value("id").toString() + "/decision",
               QJsonObject{{"decision", "approve"}});
        QCOMPARE(decisionOf(answer(*p)), QStringLiteral("allow"));
        QCOMPARE(sessionCount(s), 1);
        QVERIFY(!QFile::exists(elsewhere.filePath("interlock"))); // no token file of its own
    }
};

QTEST_GUILESS_MAIN(TestClaudeCodeHook)
#include "tst_claudecodehook.moc"
