// End to end with the real programs, offline: the official MCP TypeScript SDK client
// (tests/integrations/mcp-client.mjs) talks to `interlockctl mcp-gateway`, which runs the real
// @modelcontextprotocol/server-filesystem; the real interlockd holds every tools/call and a
// reviewer decides through the REST API.
#include "support/IntegrationHarness.h"

#include <QDir>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUuid>
#include <QtTest>

using namespace interlock;
using namespace interlock::test;

namespace {
QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

auto isEvent(const QString &event, const QString &id = {})
{
    return [event, id](const QJsonObject &o) {
        return o.value("event").toString() == event &&
               (id.isEmpty() || o.value("id").toString() == id);
    };
}
} // namespace

class TestE2eMcpGateway : public QObject
{
    Q_OBJECT

private:
    // The SDK client, the gateway it started, and server-filesystem behind it.
    struct Client {
        QTemporaryDir root;
        QString mark = QUuid::createUuid().toString(QUuid::WithoutBraces);
        QProcess process;
        std::unique_ptr<JsonLines> events;
        QJsonObject tools;

        void command(const QJsonObject &c)
        {
            process.write(QJsonDocument(c).toJson(QJsonDocument::Compact) + '\n');
        }
        void call(const QString &id, const QString &tool, const QJsonObject &arguments,
                  const QJsonObject &options = {})
        {
            QJsonObject c{{"cmd", "call"}, {"id", id}, {"tool", tool}, {"arguments", arguments}};
            for (auto it = options.begin(); it != options.end(); ++it)
                c.insert(it.key(), it.value());
            command(c);
        }
        // Processes of this client's gateway and server (they inherit the mark).
        std::map<int, QString> processes() const
        {
            return processesWithEnv("INTERLOCK_E2E_MARK=" + mark.toUtf8());
        }
    };

    E2eDaemon m_daemon;

    void start(Client &c, const QStringList &gatewayOptions = {})
    {
        QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
        e.remove("INTERLOCK_SESSION_TOKEN");
        e.insert("INTERLOCK_URL", m_daemon.url().toString());
        e.insert("INTERLOCK_TOKEN", m_daemon.token("agent"));
        e.insert("INTERLOCK_E2E_MARK", c.mark);
        c.process.setProcessEnvironment(e);
        c.process.setWorkingDirectory(integrationsDir());
        c.process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        c.events = std::make_unique<JsonLines>(c.process);
        c.process.start("node",
                        QStringList{"mcp-client.mjs", "--", INTERLOCKCTL_PATH, "mcp-gateway",
                                    "--name", "filesystem"} +
                            gatewayOptions +
                            QStringList{"--", "node", filesystemServerScript(), c.root.path()});
        QVERIFY(c.process.waitForStarted(20000));
        const QJsonObject ready = c.events->take(isEvent("ready"), 60000);
        QVERIFY2(!ready.isEmpty(), "the MCP client did not get ready");
        c.tools = ready.value("tools").toObject();
    }

    static void stop(Client &c)
    {
        c.command({{"cmd", "exit"}});
        c.process.closeWriteChannel();
        if (!c.process.waitForFinished(20000))
            c.process.kill();
    }

    QJsonObject pendingFor(const QString &path, int timeoutMs = 30000)
    {
        QJsonObject found;
        (void)QTest::qWaitFor(
            [&] {
                for (const QJsonValue &v : m_daemon.waitForActions(0)) {
                    const QJsonObject a = v.toObject();
                    if (a.value("payload")
                            .toObject()
                            .value("arguments")
                            .toObject()
                            .value("path")
                            .toString() == path)
                        found = a;
                }
                return !found.isEmpty();
            },
            timeoutMs);
        return found;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_daemon.startIfComplete(whatIsMissing(), &error), qPrintable(error));
    }

    void approvedWriteWritesTheFile()
    {
        Client c;
        start(c);
        const QString path = c.root.filePath("approved.txt");
        c.call("w", "write_file", {{"path", path}, {"content", "approved content\n"}});
        const QJsonObject action = pendingFor(path);
        QCOMPARE(action.value("kind").toString(), QStringLiteral("mcp.tool_call"));
        QCOMPARE(action.value("payload").toObject().value("annotations").toObject(),
                 c.tools.value("write_file").toObject()); // what the server claimed, as claimed
        QVERIFY(!QFile::exists(path));
        QVERIFY(m_daemon.decide(action, {{"decision", "approve"}}));
        const QJsonObject result = c.events->take(isEvent("result", "w"), 30000);
        QCOMPARE(result.value("isError").toBool(), false);
        QCOMPARE(readFile(path), QByteArray("approved content\n"));
        QTRY_COMPARE(m_daemon.action(action.value("id").toString())
                         .value("execution")
                         .toObject()
                         .value("outcome")
                         .toString(),
                     QStringLiteral("succeeded"));
        stop(c);
    }

    void rejectedWriteDoesNot()
    {
        Client c;
        start(c);
        const QString path = c.root.filePath("rejected.txt");
        c.call("w", "write_file", {{"path", path}, {"content", "x"}});
        QVERIFY(m_daemon.decide(pendingFor(path),
                                {{"decision", "reject"}, {"comment", "not in this folder"}}));
        const QJsonObject result = c.events->take(isEvent("result", "w"), 30000);
        QCOMPARE(result.value("isError").toBool(), true);
        QCOMPARE(result.value("text").toString(),
                 QStringLiteral("Rejected by reviewer: not in this folder"));
        stop(c);
        QVERIFY(!QFile::exists(path));
    }

    void editedWriteWritesTheEditedContent()
    {
        Client c;
        start(c);
        const QString path = c.root.filePath("edited.txt");
        c.call("w", "write_file", {{"path", path}, {"content", "the agent's text\n"}});
        const QJsonObject action = pendingFor(path);
        QJsonObject payload = action.value("payload").toObject();
        payload.insert("arguments",
                       QJsonObject{{"path", path}, {"content", "the reviewer's text\n"}});
        QVERIFY(m_daemon.decide(action, {{"decision", "edit"}, {"payload", payload}}));
        QCOMPARE(c.events->take(isEvent("result", "w"), 30000).value("isError").toBool(), false);
        QCOMPARE(readFile(path), QByteArray("the reviewer's text\n"));
        stop(c);
    }

    void cancelledCallNeverReachesTheServer()
    {
        Client c;
        start(c);
        const QString path = c.root.filePath("cancelled.txt");
        c.call("w", "write_file", {{"path", path}, {"content", "x"}});
        const QJsonObject action = pendingFor(path);
        c.command({{"cmd", "cancel"}, {"id", "w"}});
        QVERIFY(!c.events->take(isEvent("error", "w"), 30000).isEmpty());
        // The gateway withdraws in the background, retrying while a loaded server is slow.
        QTRY_COMPARE_WITH_TIMEOUT(
            m_daemon.action(action.value("id").toString()).value("status").toString(),
            QStringLiteral("cancelled"), 30000);
        QVERIFY(m_daemon.action(action.value("id").toString()).contains("withdrawn"));
        QVERIFY(!m_daemon.decide(action, {{"decision", "approve"}})); // too late for anyone
        stop(c); // the gateway and server end: whatever had reached the server has run by now
        QVERIFY(!QFile::exists(path));
    }

    void longHoldSurvivesWithProgress()
    {
        // The SDK's client gives up after 60 s unless progress resets its timeout: a call held
        // for 75 s succeeds with resetTimeoutOnProgress; one without it times out at 60 s, and
        // its cancellation withdraws the action.
        Client c;
        start(c);
        const QString kept = c.root.filePath("after-75s.txt");
        const QString lost = c.root.filePath("timed-out.txt");
        QElapsedTimer held;
        held.start();
        c.call("kept", "write_file", {{"path", kept}, {"content", "worth the wait\n"}},
               {{"resetTimeoutOnProgress", true}});
        c.call("lost", "write_file", {{"path", lost}, {"content", "x"}});
        const QJsonObject keptAction = pendingFor(kept);
        const QJsonObject lostAction = pendingFor(lost);
        const QJsonObject timedOut = c.events->take(isEvent("error", "lost"), 90000);
        QVERIFY2(timedOut.value("message").toString().contains("timed out"),
                 qPrintable(timedOut.value("message").toString()));
        QTRY_COMPARE_WITH_TIMEOUT(
            m_daemon.action(lostAction.value("id").toString()).value("status").toString(),
            QStringLiteral("cancelled"), 30000);
        // Five progress notifications, one every 15 s: the call has been held for 75 s.
        for (int n = 1; n <= 5; ++n) {
            const QJsonObject p = c.events->take(isEvent("progress", "kept"), 30000);
            QCOMPARE(p.value("progress").toInt(), n);
        }
        // The scenario is a 75 s review: hold it that long whatever the timers did.
        QVERIFY(QTest::qWaitFor([&] { return held.elapsed() >= 75000; }, 10000));
        QVERIFY(m_daemon.decide(keptAction, {{"decision", "approve"}}));
        QCOMPARE(c.events->take(isEvent("result", "kept"), 30000).value("isError").toBool(), false);
        QCOMPARE(readFile(kept), QByteArray("worth the wait\n"));
        stop(c);
        QVERIFY(!QFile::exists(lost));
    }

    void killAnswersEveryHeldCall()
    {
        Client c;
        start(c);
        c.call("a", "write_file", {{"path", c.root.filePath("a.txt")}, {"content", "a"}});
        c.call("b", "create_directory", {{"path", c.root.filePath("dir")}});
        const QJsonObject action = pendingFor(c.root.filePath("a.txt"));
        QVERIFY(!pendingFor(c.root.filePath("dir")).isEmpty());
        const std::map<int, QString> before = c.processes();
        QVERIFY(std::any_of(before.begin(), before.end(),
                            [](const auto &p) { return p.second.contains("server-filesystem"); }));
        QCOMPARE(m_daemon
                     .call("oncall", "POST",
                           "/v1/sessions/" + action.value("session_id").toString() + "/kill",
                           QJsonObject{{"reason", "e2e"}})
                     .status,
                 200);
        for (const QString id : {"a", "b"}) {
            const QJsonObject result = c.events->take(isEvent("result", id), 30000);
            QCOMPARE(result.value("isError").toBool(), true);
            QVERIFY(result.value("text").toString().contains("session killed"));
        }
        QVERIFY(!c.events->take(isEvent("closed"), 30000).isEmpty());
        for (const auto &[pid, cmd] : before) {
            if (!cmd.contains("mcp-client.mjs")) // the client is the test's; the rest must be gone
                QTRY_VERIFY2(!processAlive(pid), qPrintable(cmd));
        }
        stop(c);
        QVERIFY(!QFile::exists(c.root.filePath("a.txt")));
        QVERIFY(!QDir(c.root.filePath("dir")).exists());
    }
};

QTEST_GUILESS_MAIN(TestE2eMcpGateway)
#include "tst_e2e_mcpgateway.moc"
