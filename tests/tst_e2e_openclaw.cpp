// The e-mail incident, replayed offline with the real OpenClaw (pinned in
// tests/integrations/agents, on Node 24 from npm): a scripted fake model (OpenAI-compatible chat
// completions) tells `openclaw agent --local` to clean an inbox; the agent's `exec` tool calls run
// fake `gog` and `himalaya` CLIs that record every deletion. The Interlock plugin
// (app/integrations/openclaw) holds each call in the real interlockd; a reviewer decides through
// the REST API. Every test asserts that Interlock received the action: an ungated call never
// passes. OpenClaw takes 40-90 s per run on a busy 2-core machine, so one run covers several
// decisions.
#include "support/IntegrationHarness.h"

#include <QDir>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpServer>
#include <QTcpSocket>
#include <QUuid>
#include <QtTest>

using namespace interlock;
using namespace interlock::test;

namespace {
QJsonObject execStep(const QString &text, const QString &command)
{
    return {{"text", text},
            {"tools", QJsonArray{QJsonObject{{"name", "exec"},
                                             {"input", QJsonObject{{"command", command}}}}}}};
}

QJsonObject execStep(const QString &text, const QJsonObject &input)
{
    return {{"text", text}, {"tools", QJsonArray{QJsonObject{{"name", "exec"}, {"input", input}}}}};
}

bool writeFile(const QString &path, const QByteArray &data)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(data) == data.size();
}

QStringList readLines(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(f.readAll()).split(u'\n', Qt::SkipEmptyParts);
}

bool hasRule(const QJsonObject &action, const QString &rule)
{
    for (const QJsonValue &r : action.value("risk").toObject().value("reasons").toArray())
        if (r.toObject().value("rule").toString() == rule)
            return true;
    return false;
}
} // namespace

class TestE2eOpenClaw : public QObject
{
    Q_OBJECT

private:
    // One OpenClaw run: a private HOME and workspace, its config, the fake model, fake mail CLIs.
    struct Run {
        QTemporaryDir dir;
        FakeModel model;
        QProcess process;
        QString mark = QUuid::createUuid().toString(QUuid::WithoutBraces);
        QString mailLog() const { return dir.filePath("mail-calls.log"); }
    };

    E2eDaemon m_daemon;

    // gog and himalaya that record each call, and each deleted message one by one (slowly, as a
    // real bulk deletion goes), so a test can see what ran and what did not.
    static bool writeFakeMailClis(const Run &run)
    {
        const QByteArray script = "#!/bin/sh\n"
                                  "log='" +
                                  run.mailLog().toUtf8() +
                                  "'\n"
                                  "name=$(basename \"$0\")\n"
                                  "printf 'call %s %s\\n' \"$name\" \"$*\" >> \"$log\"\n"
                                  "case \"$*\" in\n"
                                  "  *delete*|*trash*)\n"
                                  "    for id in \"$@\"; do\n"
                                  "      case \"$id\" in m*[0-9]) printf 'deleted %s\\n' \"$id\" "
                                  ">> \"$log\"; sleep 0.5;; esac\n"
                                  "    done;;\n"
                                  "esac\n"
                                  "echo \"$name: done\"\n";
        for (const char *name : {"gog", "himalaya"}) {
            const QString path = run.dir.filePath(QStringLiteral("bin/") + QLatin1String(name));
            if (!writeFile(path, script) ||
                !QFile::setPermissions(path,
                                       QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner))
                return false;
        }
        return true;
    }

    // The config, the environment and the fake CLIs of a run, without starting OpenClaw.
    // `gatewayPort`: also configure a local Gateway on that port (token auth).
    void prepare(Run &run, const QJsonArray &steps, const QUrl &interlock, int gatewayPort = 0)
    {
        QString error;
        QVERIFY2(run.model.start({{"steps", steps}, {"final", "The inbox is clean."}}, &error),
                 qPrintable(error));
        QVERIFY(writeFakeMailClis(run));
        // OpenClaw's own exec approvals are off (mode full): Interlock is the only gate under
        // test. The plugin is loaded from the source tree, its hook budget raised to the maximum;
        // plugins.allow keeps OpenClaw from loading its bundled plugins (start-up 13 s instead of
        // 40-50 s here).
        const QString config =
            QStringLiteral(
                "{\n"
                "  \"models\": {\"mode\": \"merge\", \"providers\": {\"fake\": {\n"
                "    \"baseUrl\": \"http://127.0.0.1:%1/v1\", \"apiKey\": \"sk-fake-offline\", "
                "\"api\": \"openai-completions\",\n"
                "    \"models\": [{\"id\": \"fake-model\", \"name\": \"Fake\", \"reasoning\": "
                "false, \"input\": [\"text\"],\n"
                "                \"contextWindow\": 128000, \"maxTokens\": 4096}]}}},\n"
                "  \"agents\": {\"defaults\": {\"model\": {\"primary\": \"fake/fake-model\"}, "
                "\"workspace\": \"%2\"}},\n"
                "  \"tools\": {\"exec\": {\"mode\": \"full\", \"pathPrepend\": [\"%3\"]}},\n"
                "  \"gateway\": {\"mode\": \"local\", \"port\": %5, \"bind\": \"loopback\",\n"
                "              \"auth\": {\"mode\": \"token\", \"token\": \"gw-e2e-token\"}},\n"
                "  \"plugins\": {\"load\": {\"paths\": [\"%4\"]}, \"allow\": [\"interlock\"],\n"
                "              \"entries\": {\"interlock\": {\"enabled\": true,\n"
                "                                        \"hooks\": {\"timeouts\": "
                "{\"before_tool_call\": 600000}}}}}\n"
                "}\n")
                .arg(run.model.port())
                .arg(run.dir.filePath("ws"), run.dir.filePath("bin"),
                     QStringLiteral(SOURCE_DIR "/app/integrations/openclaw"))
                .arg(gatewayPort ? gatewayPort : 18789);
        QVERIFY(QJsonDocument::fromJson(config.toUtf8()).isObject());
        QVERIFY(writeFile(run.dir.filePath("openclaw.json"), config.toUtf8()));
        QVERIFY(QDir().mkpath(run.dir.filePath("home")));
        QVERIFY(QDir().mkpath(run.dir.filePath("ws")));

        QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
        for (const QString &name : e.keys())
            if (name.startsWith(QLatin1String("INTERLOCK_")) ||
                name.startsWith(QLatin1String("OPENCLAW_")) ||
                name.startsWith(QLatin1String("OPENAI_")))
                e.remove(name);
        e.insert("HOME", run.dir.filePath("home"));
        e.insert("OPENCLAW_CONFIG_PATH", run.dir.filePath("openclaw.json"));
        e.insert("INTERLOCK_URL", interlock.toString());
        e.insert("INTERLOCK_TOKEN", m_daemon.token("agent"));
        e.insert("INTERLOCK_E2E_MARK", run.mark); // finds every process of this run in /proc
        // `openclaw` resolves `node` from PATH for its helpers: Node 24 first.
        e.insert("PATH", QFileInfo(node24Program()).absolutePath() + u':' + e.value("PATH"));
        run.process.setProcessEnvironment(e);
        run.process.setWorkingDirectory(run.dir.filePath("ws"));
        run.process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        run.process.setStandardInputFile(QProcess::nullDevice());
    }

    void startOpenClaw(Run &run, const QJsonArray &steps, const QUrl &interlock,
                       bool supervised = false)
    {
        prepare(run, steps, interlock);
        if (QTest::currentTestFailed())
            return;
        QStringList openclaw{node24Program(),     openclawScript(), "agent",  "--local",
                             "--agent",           "main",           "--json", "-m",
                             "Clean up my inbox."};
        if (supervised)
            run.process.start(QStringLiteral(INTERLOCKCTL_PATH),
                              QStringList{"run", "--agent", "openclaw", "--"} + openclaw);
        else
            run.process.start(openclaw.takeFirst(), openclaw);
        QVERIFY(run.process.waitForStarted(20000));
    }

    // The one pending action whose payload command contains `needle` (OpenClaw's start is slow).
    QJsonObject pendingCommand(const QString &needle, int timeoutMs = 420000)
    {
        QJsonObject found;
        (void)QTest::qWaitFor(
            [&] {
                for (const QJsonValue &v : m_daemon.waitForActions(0)) {
                    const QJsonObject a = v.toObject();
                    if (a.value("payload").toObject().value("command").toString().contains(needle))
                        found = a;
                }
                return !found.isEmpty();
            },
            timeoutMs);
        return found;
    }

    static void finish(Run &run, int timeoutMs = 420000)
    {
        QTRY_COMPARE_WITH_TIMEOUT(run.process.state(), QProcess::NotRunning, timeoutMs);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_daemon.startIfComplete(whatIsMissingForAgents(), &error), qPrintable(error));
    }

    void init() { m_daemon.rejectLeftovers(); }

    // One OpenClaw run, three decisions: the bulk delete is rejected (nothing deleted, the
    // model is told why), a himalaya delete is edited into a move (the edit ran, not the
    // original), and a single trash waits longer than OpenClaw's default 15 s hook budget
    // before it is approved (it ran).
    void emailIncidentRejectEditAndSlowApproval()
    {
        Run run;
        startOpenClaw(run,
                      {execStep("Deleting everything in the inbox.",
                                "gog gmail batch delete --query 'in:inbox' --max 5000"),
                       execStep("Then with himalaya.", "himalaya message delete m11 m12 m13"),
                       execStep("Only the spam one.", "gog gmail trash m42")},
                      m_daemon.url());

        const QJsonObject bulk = pendingCommand("batch delete");
        QVERIFY2(!bulk.isEmpty(), "Interlock never received the bulk delete");
        QCOMPARE(bulk.value("kind").toString(), QStringLiteral("shell.exec"));
        QCOMPARE(bulk.value("agent").toString(), QStringLiteral("openclaw"));
        // Scored as an e-mail deletion by search, not as a generic shell command.
        QVERIFY(hasRule(bulk, "mail.delete-in-command"));
        QVERIFY(QStringList({"high", "critical"})
                    .contains(bulk.value("risk").toObject().value("level").toString()));
        QVERIFY(m_daemon.decide(
            bulk, {{"decision", "reject"}, {"comment", "STOP deleting my mail (R-7)"}}));

        const QJsonObject himalaya = pendingCommand("himalaya");
        QVERIFY2(!himalaya.isEmpty(), "Interlock never received the himalaya call");
        QJsonObject edited = himalaya.value("payload").toObject();
        edited.insert("command", "himalaya message move Archive m11 m12 m13");
        QVERIFY(m_daemon.decide(
            himalaya, {{"decision", "edit"}, {"payload", edited}, {"comment", "archive them"}}));

        const QJsonObject single = pendingCommand("trash m42");
        QVERIFY2(!single.isEmpty(), "Interlock never received the single trash");
        QElapsedTimer held;
        held.start();
        // The review outlasts OpenClaw's default hook budget (15 s, then it blocks): the plugin
        // registers with the maximum and the config raises it, so the call is still waiting.
        QVERIFY(QTest::qWaitFor([&] { return held.elapsed() >= 17000; }, 20000));
        QVERIFY(run.process.state() == QProcess::Running);
        QVERIFY(m_daemon.decide(single, {{"decision", "approve"}}));
        finish(run);

        const QStringList calls = readLines(run.mailLog());
        qInfo() << "mail CLI calls:" << calls;
        QVERIFY2(!calls.join('\n').contains("batch delete"), "the rejected bulk delete ran");
        QVERIFY(!calls.join('\n').contains("himalaya message delete"));
        QVERIFY(calls.contains("call himalaya message move Archive m11 m12 m13"));
        QVERIFY(calls.contains("call gog gmail trash m42"));
        QCOMPARE(calls.filter(QRegularExpression("^deleted ")), QStringList{"deleted m42"});
        QVERIFY(run.model.wasTold("STOP deleting my mail (R-7)"));
        QCOMPARE(m_daemon.action(bulk.value("id").toString()).value("status").toString(),
                 QStringLiteral("rejected"));
        const QJsonObject after = m_daemon.action(himalaya.value("id").toString());
        QCOMPARE(after.value("decision").toObject().value("kind").toString(),
                 QStringLiteral("edit"));
        QVERIFY(!m_daemon.action(single.value("id").toString()).value("delivered_at").isNull());
    }

    // The folder the reviewer sees is the folder the command runs in (F06). OpenClaw's exec reads
    // `workdir` and ignores `cwd`, so a call with `cwd` is blocked before anyone is asked (it
    // once showed the cwd and ran `rm -f ./*.txt` in the workspace); a `workdir` is shown as the
    // action's `cwd` and applies; and a parameter the reviewer's edit removes does not apply,
    // although OpenClaw merges a hook's params over the original ones.
    void execRunsWhereTheReviewerSaw()
    {
        Run run;
        const QString scratch = run.dir.filePath("scratch");
        QVERIFY(writeFile(run.dir.filePath("ws/important.txt"), "keep\n"));
        QVERIFY(writeFile(run.dir.filePath("ws/keep.tmp"), "keep\n"));
        QVERIFY(writeFile(scratch + "/junk.txt", "junk\n"));
        QVERIFY(writeFile(scratch + "/junk.tmp", "junk\n"));
        startOpenClaw(run,
                      {execStep("Cleaning the scratch folder.",
                                QJsonObject{{"command", "rm -f ./*.txt"}, {"cwd", scratch}}),
                       execStep("With workdir then.",
                                QJsonObject{{"command", "rm -f ./*.tmp"}, {"workdir", scratch}}),
                       execStep("A marker.", QJsonObject{{"command", "touch marker-edited"},
                                                         {"workdir", scratch},
                                                         {"timeoutSeconds", 0}})},
                      m_daemon.url());

        const QJsonObject tmp = pendingCommand("rm -f");
        QVERIFY2(!tmp.isEmpty(), "Interlock never received the exec with workdir");
        QCOMPARE(tmp.value("payload").toObject(),
                 QJsonObject({{"command", "rm -f ./*.tmp"}, {"cwd", scratch}}));
        QVERIFY(m_daemon.decide(tmp, {{"decision", "approve"}}));

        const QJsonObject marker = pendingCommand("marker-edited");
        QVERIFY2(!marker.isEmpty(), "Interlock never received the marker exec");
        QCOMPARE(
            marker.value("payload").toObject(),
            QJsonObject(
                {{"command", "touch marker-edited"}, {"cwd", scratch}, {"timeoutSeconds", 0}}));
        // The reviewer removes the folder (the default folder, the workspace, applies) and the
        // lifted time limit.
        const QJsonObject edited{{"command", "touch marker-edited"}};
        QVERIFY(m_daemon.decide(marker, {{"decision", "edit"}, {"payload", edited}}));
        finish(run);

        QVERIFY2(run.model.wasTold("workdir"),
                 "the model was not told why the cwd call was blocked");
        QVERIFY2(QFile::exists(run.dir.filePath("ws/important.txt")),
                 "rm -f ./*.txt ran in the workspace");
        QVERIFY2(QFile::exists(scratch + "/junk.txt"), "the blocked call ran");
        QVERIFY2(!QFile::exists(scratch + "/junk.tmp"),
                 "the approved call did not run in its workdir");
        QVERIFY(QFile::exists(run.dir.filePath("ws/keep.tmp")));
        QVERIFY2(QFile::exists(run.dir.filePath("ws/marker-edited")),
                 "the edit that removed the workdir did not run in the workspace");
        QVERIFY2(!QFile::exists(scratch + "/marker-edited"),
                 "the workdir the reviewer removed still applied");
    }

    // The incident's end: a bulk deletion was approved and is running (the CLI in a process
    // session of its own, as OpenClaw starts tool commands), the person hits the emergency stop.
    // Every process of the run is gone (checked in /proc), and no message is deleted after it.
    void killDuringABulkDeletionLeavesNothingRunning()
    {
        Run run;
        QStringList ids;
        for (int i = 1; i <= 200; ++i)
            ids.append(QString("m%1").arg(i));
        startOpenClaw(run,
                      {execStep("Cleaning the inbox.", "gog gmail batch delete " + ids.join(' ')),
                       execStep("More.", "gog gmail batch delete m900 m901")},
                      m_daemon.url(), true);
        const QJsonObject bulk = pendingCommand("batch delete m1 ");
        QVERIFY2(!bulk.isEmpty(), "Interlock never received the bulk delete");
        QVERIFY(hasRule(bulk, "mail.delete-in-command"));
        const QString sessionId = bulk.value("session_id").toString();
        QVERIFY(m_daemon.decide(bulk, {{"decision", "approve"}, {"comment", "e2e: approve"}}));
        // It runs: a few messages are gone when the person presses stop.
        QTRY_VERIFY_WITH_TIMEOUT(readLines(run.mailLog()).filter("deleted ").size() >= 2, 60000);
        const auto procs = processesWithEnv("INTERLOCK_E2E_MARK=" + run.mark.toUtf8());
        int gogPid = 0, openclawPid = 0;
        for (const auto &[pid, cmd] : procs) {
            if (cmd.contains("/gog "))
                gogPid = pid;
            else if (cmd.contains("openclaw") && !cmd.contains("interlockctl") && !openclawPid)
                openclawPid = pid;
        }
        qInfo() << "processes of the run:" << procs.size() << "gog" << gogPid << "session"
                << processSession(gogPid) << "openclaw" << openclawPid << "session"
                << processSession(openclawPid);
        QVERIFY(gogPid > 0 && openclawPid > 0);
        // OpenClaw starts tool commands in process sessions of their own: a kill of its process
        // group would miss the deletion; the supervisor's subreaper must not.
        QVERIFY(processSession(gogPid) != processSession(openclawPid));

        QCOMPARE(m_daemon
                     .call("oncall", "POST", "/v1/sessions/" + sessionId + "/kill",
                           QJsonObject{{"reason", "she said stop"}})
                     .status,
                 200);
        QTRY_COMPARE_WITH_TIMEOUT(run.process.state(), QProcess::NotRunning, 20000);
        QCOMPARE(run.process.exitCode(), 137);
        for (const auto &[pid, cmd] : procs)
            QVERIFY2(!processAlive(pid),
                     qPrintable(QString("%1 %2 is still alive").arg(pid).arg(cmd)));
        QVERIFY(processesWithEnv("INTERLOCK_E2E_MARK=" + run.mark.toUtf8()).empty());
        const int deletedAtStop = int(readLines(run.mailLog()).filter("deleted ").size());
        QVERIFY(deletedAtStop < 200);
        // Nothing of the run is left that could delete more, and the next call never came.
        QCOMPARE(int(readLines(run.mailLog()).filter("deleted ").size()), deletedAtStop);
        QVERIFY(!readLines(run.mailLog()).join('\n').contains("m900"));
        QTRY_COMPARE(m_daemon.call("admin", "GET", "/v1/sessions/" + sessionId)
                         .body.value("session")
                         .toObject()
                         .value("status")
                         .toString(),
                     QStringLiteral("terminated"));
        qInfo("deleted before the stop: %d of 200", deletedAtStop);
    }

    // The Gateway under the supervisor: a chat turn sent by a separate, unsupervised CLI client
    // (no Interlock credential) runs in the Gateway, whose plugin submits under the supervisor's
    // session. A stop during the running deletion kills the Gateway and everything it started,
    // its workers in process sessions of their own included.
    void gatewayUnderTheSupervisorIsGatedAndKilledWhole()
    {
        Run gateway;
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        const int port = probe.serverPort();
        probe.close();
        QStringList ids;
        for (int i = 1; i <= 200; ++i)
            ids.append(QString("m%1").arg(i));
        prepare(gateway,
                {execStep("Cleaning the inbox.", "gog gmail batch delete " + ids.join(' '))},
                m_daemon.url(), port);
        const auto listening = [port] {
            QTcpSocket s;
            s.connectToHost(QHostAddress::LocalHost, quint16(port));
            return s.waitForConnected(1000);
        };
        // OpenClaw 2026.9.6 gives its state-lease worker a fixed 5 s to start and otherwise exits
        // ("Gateway failed to start: state lease heartbeat did not become ready"), which happens
        // on a loaded 2-core machine. Like a service manager, start it again (at most 3 times).
        for (int attempt = 1; attempt <= 3; ++attempt) {
            gateway.process.start(QStringLiteral(INTERLOCKCTL_PATH),
                                  {"run", "--agent", "openclaw-gateway", "--", node24Program(),
                                   openclawScript(), "gateway", "run"});
            QVERIFY(gateway.process.waitForStarted(20000));
            QTRY_VERIFY_WITH_TIMEOUT(gateway.process.state() == QProcess::NotRunning || listening(),
                                     420000);
            if (gateway.process.state() != QProcess::NotRunning)
                break;
            qInfo("the Gateway exited before it listened (attempt %d, exit code %d)", attempt,
                  gateway.process.exitCode());
        }
        QVERIFY2(gateway.process.state() == QProcess::Running && listening(),
                 "the OpenClaw Gateway did not start");

        QProcess client;
        QProcessEnvironment ce = gateway.process.processEnvironment();
        for (const QString &name : ce.keys())
            if (name.startsWith(QLatin1String("INTERLOCK_")))
                ce.remove(name);
        ce.insert("OPENCLAW_GATEWAY_TOKEN", "gw-e2e-token");
        client.setProcessEnvironment(ce);
        client.setWorkingDirectory(gateway.dir.filePath("ws"));
        client.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        client.setStandardInputFile(QProcess::nullDevice());
        client.start(node24Program(), {openclawScript(), "agent", "--agent", "main", "--json", "-m",
                                       "Clean up my inbox."});
        QVERIFY(client.waitForStarted(20000));

        const QJsonObject bulk = pendingCommand("batch delete m1 ");
        QVERIFY2(!bulk.isEmpty(), "Interlock never received the bulk delete");
        const QString sessionId = bulk.value("session_id").toString();
        QCOMPARE(m_daemon.call("admin", "GET", "/v1/sessions/" + sessionId)
                     .body.value("session")
                     .toObject()
                     .value("agent")
                     .toString(),
                 QStringLiteral("openclaw-gateway"));
        QVERIFY(m_daemon.decide(bulk, {{"decision", "approve"}}));
        QTRY_VERIFY_WITH_TIMEOUT(readLines(gateway.mailLog()).filter("deleted ").size() >= 2,
                                 60000);
        const auto procs = processesWithEnv("INTERLOCK_E2E_MARK=" + gateway.mark.toUtf8());
        QSet<int> sessions;
        for (const auto &[pid, cmd] : procs)
            sessions.insert(processSession(pid));
        qInfo() << "processes of the Gateway:" << procs.size() << "in" << sessions.size()
                << "process sessions";
        QVERIFY(sessions.size() >= 2);

        QCOMPARE(m_daemon
                     .call("oncall", "POST", "/v1/sessions/" + sessionId + "/kill",
                           QJsonObject{{"reason", "she said stop"}})
                     .status,
                 200);
        QTRY_COMPARE_WITH_TIMEOUT(gateway.process.state(), QProcess::NotRunning, 20000);
        QCOMPARE(gateway.process.exitCode(), 137);
        for (const auto &[pid, cmd] : procs)
            QVERIFY2(!processAlive(pid),
                     qPrintable(QString("%1 %2 is still alive").arg(pid).arg(cmd)));
        QVERIFY(processesWithEnv("INTERLOCK_E2E_MARK=" + gateway.mark.toUtf8()).empty());
        const auto deleted = readLines(gateway.mailLog()).filter("deleted ").size();
        QVERIFY(deleted < 200);
        QCOMPARE(readLines(gateway.mailLog()).filter("deleted ").size(), deleted);
        client.kill();
        client.waitForFinished(10000);
    }

    // Interlock unreachable: the call is blocked, the CLI never runs, the model is told.
    void interlockDownBlocks()
    {
        Run run;
        startOpenClaw(run, {execStep("Cleaning.", "gog gmail trash m5")},
                      QUrl("http://127.0.0.1:9"));
        finish(run);
        QVERIFY(readLines(run.mailLog()).isEmpty());
        QVERIFY(run.model.wasTold("Interlock could not be asked"));
    }
};

// OpenClaw runs take minutes on a loaded machine: Qt Test's 5-minute watchdog per test function
// would abort a run that is merely slow.
int main(int argc, char **argv)
{
    if (!qEnvironmentVariableIsSet("QTEST_FUNCTION_TIMEOUT"))
        qputenv("QTEST_FUNCTION_TIMEOUT", "1500000");
    QCoreApplication app(argc, argv);
    TestE2eOpenClaw test;
    return QTest::qExec(&test, argc, argv);
}
#include "tst_e2e_openclaw.moc"
