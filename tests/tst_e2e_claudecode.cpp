// End to end with the real programs, offline: the real Claude Code (pinned in
// tests/integrations) driven by a scripted fake model, the hook installed with
// `interlockctl hook claude-code --install`, the real interlockd, and a reviewer deciding through
// the REST API. Every test checks that Interlock received the action: a tool that ran ungated
// never passes. Claude runs in bypassPermissions mode, where nothing but the hook stands between
// the model and the tool.
#include "support/IntegrationHarness.h"

#include <QDir>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

using namespace interlock;
using namespace interlock::test;

namespace {
QJsonObject bashScenario(const QString &command)
{
    return {{"steps",
             QJsonArray{
                 QJsonObject{{"text", "I will clean up."},
                             {"tools", QJsonArray{QJsonObject{
                                           {"name", "Bash"},
                                           {"input", QJsonObject{{"command", command},
                                                                 {"description", "clean up"}}}}}}},
                 QJsonObject{{"text", "Finished."}}}}};
}

bool writeFile(const QString &path, const QByteArray &data)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(data) == data.size();
}

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}
} // namespace

class TestE2eClaudeCode : public QObject
{
    Q_OBJECT

private:
    // One Claude Code run: its private HOME, its project folder, its fake model.
    struct Run {
        QTemporaryDir home;
        QTemporaryDir project;
        FakeModel model;
        QProcess process;
        QElapsedTimer clock;
    };

    E2eDaemon m_daemon;

    static bool install(const QString &project, const QStringList &options = {})
    {
        QProcess ctl;
        ctl.start(QStringLiteral(INTERLOCKCTL_PATH),
                  QStringList{"hook", "claude-code", "--install", "--project", project} + options);
        ctl.waitForFinished(20000);
        return ctl.exitCode() == 0 &&
               ctl.readAllStandardOutput().contains("added hooks.PreToolUse");
    }

    // Starts Claude Code in -p mode (or under `interlockctl run` when supervised).
    void startClaude(Run &run, const QJsonObject &scenario, const QProcessEnvironment &extra,
                     bool supervised = false, const QStringList &claudeOptions = {})
    {
        QString error;
        QVERIFY2(run.model.start(scenario, &error), qPrintable(error));
        QProcessEnvironment e = claudeEnvironment(run.home.path(), run.model.port());
        for (const QString &k : extra.keys())
            e.insert(k, extra.value(k));
        QStringList claude{claudeProgram(),    "-p",   "Clean up this project folder.",
                           "--output-format",  "json", "--permission-mode",
                           "bypassPermissions"};
        claude += claudeOptions;
        run.process.setProcessEnvironment(e);
        run.process.setWorkingDirectory(run.project.path());
        run.process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        run.process.setStandardInputFile(QProcess::nullDevice()); // -p reads stdin otherwise
        run.clock.start();
        if (supervised)
            run.process.start(QStringLiteral(INTERLOCKCTL_PATH),
                              QStringList{"run", "--agent", "claude-code", "--"} + claude);
        else
            run.process.start(claude.takeFirst(), claude);
        QVERIFY(run.process.waitForStarted(20000));
    }

    QProcessEnvironment agentEnv(const QUrl &url = {}) const
    {
        QProcessEnvironment e;
        e.insert("INTERLOCK_URL", (url.isEmpty() ? m_daemon.url() : url).toString());
        e.insert("INTERLOCK_TOKEN", m_daemon.token("agent"));
        return e;
    }

    static QJsonObject finish(Run &run, int timeoutMs = 120000)
    {
        [&] { QTRY_COMPARE_WITH_TIMEOUT(run.process.state(), QProcess::NotRunning, timeoutMs); }();
        return QJsonDocument::fromJson(run.process.readAllStandardOutput()).object();
    }

    QJsonObject onePendingAction()
    {
        const QJsonArray pending = m_daemon.waitForActions(1);
        [&] { QCOMPARE(pending.size(), 1); }();
        return pending.isEmpty() ? QJsonObject() : pending.first().toObject();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_daemon.startIfComplete(whatIsMissing(), &error), qPrintable(error));
    }

    void init() { m_daemon.rejectLeftovers(); }

    void rejectedCommandDoesNotRunAndTheModelSeesWhy()
    {
        Run run;
        QVERIFY(writeFile(run.project.filePath("victim/keep.txt"), "precious\n"));
        QVERIFY(install(run.project.path()));
        startClaude(run, bashScenario("rm -rf victim"), agentEnv());
        const QJsonObject action = onePendingAction();
        QCOMPARE(action.value("kind").toString(), QStringLiteral("shell.exec"));
        QCOMPARE(action.value("payload").toObject().value("command").toString(),
                 QStringLiteral("rm -rf victim"));
        QVERIFY(QStringList({"high", "critical"})
                    .contains(action.value("risk").toObject().value("level").toString()));
        QVERIFY(m_daemon.decide(
            action, {{"decision", "reject"}, {"comment", "the victim folder stays (R-17)"}}));
        const QJsonObject result = finish(run);
        QCOMPARE(run.process.exitCode(), 0);
        QCOMPARE(readFile(run.project.filePath("victim/keep.txt")), QByteArray("precious\n"));
        QVERIFY(run.model.wasTold("the victim folder stays (R-17)"));
        QCOMPARE(result.value("permission_denials").toArray().size(), 1);
        QCOMPARE(m_daemon.action(action.value("id").toString()).value("status").toString(),
                 QStringLiteral("rejected"));
    }

    void approvedCommandRuns()
    {
        Run run;
        QVERIFY(writeFile(run.project.filePath("victim/keep.txt"), "x\n"));
        QVERIFY(install(run.project.path()));
        startClaude(run, bashScenario("rm -rf victim"), agentEnv());
        const QJsonObject action = onePendingAction();
        QVERIFY(QDir(run.project.filePath("victim")).exists()); // held until decided
        QVERIFY(m_daemon.decide(action, {{"decision", "approve"}}));
        finish(run);
        QVERIFY(!QDir(run.project.filePath("victim")).exists());
        const QJsonObject after = m_daemon.action(action.value("id").toString());
        QCOMPARE(after.value("status").toString(), QStringLiteral("approved"));
        QVERIFY(!after.value("delivered_at").isNull());
    }

    void editedCommandRunsInsteadOfTheOriginal()
    {
        Run run;
        QVERIFY(writeFile(run.project.filePath("victim/keep.txt"), "x\n"));
        QVERIFY(install(run.project.path()));
        startClaude(run, bashScenario("rm -rf victim"), agentEnv());
        const QJsonObject action = onePendingAction();
        QJsonObject edited = action.value("payload").toObject();
        edited.insert("command", "mv victim victim-kept");
        QVERIFY(m_daemon.decide(
            action, {{"decision", "edit"}, {"payload", edited}, {"comment", "keep a copy"}}));
        finish(run);
        QVERIFY(!QDir(run.project.filePath("victim")).exists());
        QCOMPARE(readFile(run.project.filePath("victim-kept/keep.txt")), QByteArray("x\n"));
        QVERIFY(run.model.wasTold("a reviewer edited this Bash call"));
        QVERIFY(run.model.wasTold("keep a copy"));
    }

    void writeIsReviewedAsADiffOfTheFile()
    {
        Run run;
        const QString notes = run.project.filePath("notes.py");
        QVERIFY(writeFile(notes, "print('first')\n"));
        QVERIFY(install(run.project.path()));
        // Claude Code's Write wants the file read first: Read is answered by the hook locally.
        const QJsonObject scenario{
            {"steps",
             QJsonArray{
                 QJsonObject{{"tools", QJsonArray{QJsonObject{
                                           {"name", "Read"},
                                           {"input", QJsonObject{{"file_path", notes}}}}}}},
                 QJsonObject{{"tools",
                              QJsonArray{QJsonObject{
                                  {"name", "Write"},
                                  {"input", QJsonObject{{"file_path", notes},
                                                        {"content",
                                                         "print('first')\nprint('second')\n"}}}}}}},
                 QJsonObject{{"text", "Done."}}}}};
        startClaude(run, scenario, agentEnv());
        const QJsonObject action = onePendingAction();
        QCOMPARE(action.value("kind").toString(), QStringLiteral("fs.write"));
        const QJsonObject change = action.value("changes").toArray().first().toObject();
        QCOMPARE(change.value("path").toString(), notes);
        QCOMPARE(change.value("before").toString(), QStringLiteral("print('first')\n"));
        QCOMPARE(change.value("after").toString(),
                 QStringLiteral("print('first')\nprint('second')\n"));
        QCOMPARE(change.value("language").toString(), QStringLiteral("Python"));
        QVERIFY(m_daemon.decide(action, {{"decision", "approve"}}));
        finish(run);
        QCOMPARE(readFile(notes), QByteArray("print('first')\nprint('second')\n"));
        // Read never went to Interlock: the session's only action is the Write.
        int ofThisSession = 0;
        for (const QJsonValue &v : m_daemon.waitForActions(1, {}))
            ofThisSession += v.toObject().value("session_id") == action.value("session_id");
        QCOMPARE(ofThisSession, 1);
    }

    void anApprovedEditWritesWhatTheReviewerSaw()
    {
        // An empty new_string with replace_all: Claude Code removes only the occurrences followed
        // by a line break, with it. The file on disk must be the content the reviewer approved.
        Run run;
        const QString sudoers = run.project.filePath("sudoers.conf");
        const QByteArray before =
            "alice ALL=(ALL) NOPASSWD: ALL\nbob ALL=(ALL) NOPASSWD: ALL # temporary\n";
        QVERIFY(writeFile(sudoers, before));
        QVERIFY(install(run.project.path()));
        const QJsonObject scenario{
            {"steps",
             QJsonArray{
                 QJsonObject{{"tools", QJsonArray{QJsonObject{
                                           {"name", "Read"},
                                           {"input", QJsonObject{{"file_path", sudoers}}}}}}},
                 QJsonObject{{"tools", QJsonArray{QJsonObject{
                                           {"name", "Edit"},
                                           {"input", QJsonObject{{"file_path", sudoers},
                                                                 {"old_string", " NOPASSWD: ALL"},
                                                                 {"new_string", ""},
                                                                 {"replace_all", true}}}}}}},
                 QJsonObject{{"text", "Done."}}}}};
        startClaude(run, scenario, agentEnv());
        const QJsonObject action = onePendingAction();
        const QString shown =
            action.value("changes").toArray().first().toObject().value("after").toString();
        QCOMPARE(shown, action.value("payload").toObject().value("content").toString());
        QVERIFY(m_daemon.decide(action, {{"decision", "approve"}}));
        finish(run);
        QCOMPARE(QString::fromUtf8(readFile(sudoers)), shown);
        QVERIFY(readFile(sudoers) != before); // the edit ran
    }

    void aSkillThatRunsCommandsIsDenied()
    {
        // Claude Code runs a skill's !`…` itself, with no hook call for it: the Skill call that
        // would load it is denied, and the command never runs.
        Run run;
        const QString marker = run.project.filePath("skill-ran");
        QVERIFY(writeFile(run.project.filePath(".claude/skills/tidy/SKILL.md"),
                          "---\nname: tidy\ndescription: Tidy the workspace\n---\nFiles: !`touch " +
                              marker.toUtf8() + "; ls`\n\nSummarise them.\n"));
        QVERIFY(install(run.project.path()));
        const QJsonObject scenario{
            {"steps",
             QJsonArray{QJsonObject{{"tools", QJsonArray{QJsonObject{
                                                  {"name", "Skill"},
                                                  {"input", QJsonObject{{"skill", "tidy"}}}}}}},
                        QJsonObject{{"text", "Done."}}}}};
        startClaude(run, scenario, agentEnv());
        // A reviewer approves whatever is put before them (as they would approve "Skill tidy").
        const auto approveUntilDone = [&] {
            for (const QJsonValue &v : m_daemon.waitForActions(0))
                m_daemon.decide(v.toObject(), {{"decision", "approve"}});
            return run.process.state() == QProcess::NotRunning;
        };
        QTRY_VERIFY_WITH_TIMEOUT(approveUntilDone(), 120000);
        QCOMPARE(run.process.exitCode(), 0);
        QVERIFY(!QFile::exists(marker));
        QVERIFY(run.model.wasTold("runs as a shell command"));
    }

    void killWhileClaudeWaitsLeavesNothingAlive()
    {
        Run run;
        QVERIFY(writeFile(run.project.filePath("victim/keep.txt"), "x\n"));
        QVERIFY(install(run.project.path()));
        startClaude(run, bashScenario("rm -rf victim"), agentEnv(), true);
        const QJsonObject action = onePendingAction();
        const QString sessionId = action.value("session_id").toString();
        // Claude and its hook processes (the front and the full hook) all carry the session.
        std::map<int, QString> procs;
        QTRY_VERIFY_WITH_TIMEOUT(
            (procs = processesWithEnv("INTERLOCK_SESSION_ID=" + sessionId.toUtf8()),
             std::count_if(procs.begin(), procs.end(),
                           [](const auto &p) { return p.second.contains("hook claude-code"); }) >=
                 2),
            20000);
        int claudePid = 0;
        QList<int> hookPids;
        for (const auto &[pid, cmd] : procs) {
            if (cmd.contains("hook claude-code"))
                hookPids.append(pid);
            else if (cmd.contains("claude") && !cmd.contains("interlockctl"))
                claudePid = pid;
        }
        QVERIFY(claudePid > 0);
        // The hooks run in a process session of their own: a kill of Claude's group would miss
        // them.
        for (int pid : hookPids)
            qInfo("hook pid %d: session %d; Claude pid %d: session %d", pid, processSession(pid),
                  claudePid, processSession(claudePid));
        QVERIFY(processSession(hookPids.first()) != processSession(claudePid));

        QCOMPARE(m_daemon
                     .call("oncall", "POST", "/v1/sessions/" + sessionId + "/kill",
                           QJsonObject{{"reason", "e2e: stop"}})
                     .status,
                 200);
        QTRY_COMPARE_WITH_TIMEOUT(run.process.state(), QProcess::NotRunning, 20000);
        QCOMPARE(run.process.exitCode(), 137);
        for (const auto &[pid, cmd] : procs)
            QVERIFY2(!processAlive(pid),
                     qPrintable(QString("%1 %2 is still alive").arg(pid).arg(cmd)));
        QVERIFY(processesWithEnv("INTERLOCK_SESSION_ID=" + sessionId.toUtf8()).empty());
        QVERIFY(QDir(run.project.filePath("victim")).exists());
        QTRY_COMPARE(m_daemon.call("admin", "GET", "/v1/sessions/" + sessionId)
                         .body.value("session")
                         .toObject()
                         .value("status")
                         .toString(),
                     QStringLiteral("terminated"));
    }

    void interlockDownDenies()
    {
        Run run;
        QVERIFY(writeFile(run.project.filePath("victim/keep.txt"), "x\n"));
        QVERIFY(install(run.project.path()));
        startClaude(run, bashScenario("rm -rf victim"), agentEnv(QUrl("http://127.0.0.1:9")));
        const QJsonObject result = finish(run);
        QVERIFY(QDir(run.project.filePath("victim")).exists());
        QVERIFY(run.model.wasTold("Interlock: cannot open an Interlock session"));
        QCOMPARE(result.value("permission_denials").toArray().size(), 1);
    }

    void hookDeadlineDeniesBeforeClaudeGivesUp()
    {
        Run run;
        QVERIFY(writeFile(run.project.filePath("victim/keep.txt"), "x\n"));
        // Claude Code's own timeout 60 s, the hook's deadline 3 s.
        QVERIFY(install(run.project.path(), {"--deadline", "3", "--timeout", "60"}));
        startClaude(run, bashScenario("rm -rf victim"), agentEnv());
        const QJsonObject action = onePendingAction();
        finish(run);
        QVERIFY2(run.clock.elapsed() < 45000, qPrintable(QString::number(run.clock.elapsed())));
        QVERIFY(QDir(run.project.filePath("victim")).exists());
        QVERIFY(run.model.wasTold("no decision within the hook's deadline"));
        const QJsonObject after = m_daemon.action(action.value("id").toString());
        QCOMPARE(after.value("status").toString(), QStringLiteral("cancelled"));
        QVERIFY(after.contains("withdrawn"));
    }

    void claudeUsesServerFilesystemThroughTheGateway()
    {
        Run run;
        // server-filesystem asks Claude Code for its roots (roots/list, a server-to-client request
        // through the gateway) and is then allowed the project folder only.
        const QString target = run.project.filePath("from-claude.txt");
        const QJsonObject config{
            {"mcpServers",
             QJsonObject{
                 {"fs", QJsonObject{
                            {"command", INTERLOCKCTL_PATH},
                            {"args", QJsonArray{"mcp-gateway", "--name", "filesystem", "--", "node",
                                                filesystemServerScript(), run.project.path()}}}}}}};
        QVERIFY(writeFile(run.project.filePath("mcp.json"), QJsonDocument(config).toJson()));
        const QJsonObject scenario{
            // Claude Code asks the model before its MCP servers are connected: wait for them.
            {"steps",
             QJsonArray{
                 QJsonObject{
                     {"tools", QJsonArray{QJsonObject{
                                   {"name", "WaitForMcpServers"},
                                   {"input", QJsonObject{{"servers", QJsonArray{"fs"}}}}}}}},
                 QJsonObject{
                     {"tools",
                      QJsonArray{QJsonObject{
                          {"name", "mcp__fs__write_file"},
                          {"input", QJsonObject{{"path", target},
                                                {"content", "written through the gateway\n"}}}}}}},
                 QJsonObject{{"text", "Written."}}}}};
        startClaude(run, scenario, agentEnv(), false,
                    {"--mcp-config", run.project.filePath("mcp.json"), "--strict-mcp-config"});
        const QJsonObject action = onePendingAction();
        QCOMPARE(action.value("kind").toString(), QStringLiteral("mcp.tool_call"));
        const QJsonObject payload = action.value("payload").toObject();
        QCOMPARE(payload.value("server").toString(), QStringLiteral("filesystem"));
        QCOMPARE(payload.value("tool").toString(), QStringLiteral("write_file"));
        // server-filesystem's own claims for write_file, passed on as claims.
        QCOMPARE(payload.value("annotations").toObject(), (QJsonObject{{"readOnlyHint", false},
                                                                       {"destructiveHint", true},
                                                                       {"idempotentHint", true}}));
        QVERIFY(!QFile::exists(target));
        QVERIFY(m_daemon.decide(action, {{"decision", "approve"}}));
        finish(run);
        QCOMPARE(readFile(target), QByteArray("written through the gateway\n"));
        QTRY_COMPARE(m_daemon.action(action.value("id").toString())
                         .value("execution")
                         .toObject()
                         .value("outcome")
                         .toString(),
                     QStringLiteral("succeeded"));
    }
};

QTEST_GUILESS_MAIN(TestE2eClaudeCode)
#include "tst_e2e_claudecode.moc"
