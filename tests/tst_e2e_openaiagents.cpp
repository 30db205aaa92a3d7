// The OpenAI Agents SDK under Interlock, offline: the real @openai/agents (pinned in
// tests/integrations/agents, on Node 24 from npm) runs an inbox-cleaning agent
// (tests/integrations/agents/openai-agents-run.mjs) against the scripted fake model; the adapter
// (app/integrations/openai-agents) submits each tool call to the real interlockd and a reviewer
// decides through the REST API. The tools record every execution in a log.
#include "support/IntegrationHarness.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

using namespace interlock;
using namespace interlock::test;

namespace {
QJsonObject toolStep(const QString &text, const QString &tool, const QJsonObject &input)
{
    return {{"text", text}, {"tools", QJsonArray{QJsonObject{{"name", tool}, {"input", input}}}}};
}

QList<QJsonObject> readJsonLines(const QString &path)
{
    QList<QJsonObject> out;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return out;
    for (const QByteArray &line : f.readAll().split('\n'))
        if (!line.trimmed().isEmpty())
            out.append(QJsonDocument::fromJson(line).object());
    return out;
}

bool hasRule(const QJsonObject &action, const QString &rule)
{
    for (const QJsonValue &r : action.value("risk").toObject().value("reasons").toArray())
        if (r.toObject().value("rule").toString() == rule)
            return true;
    return false;
}
} // namespace

class TestE2eOpenAiAgents : public QObject
{
    Q_OBJECT

private:
    struct Run {
        QTemporaryDir dir;
        FakeModel model;
        QProcess process;
        QString mailLog() const { return dir.filePath("mail.jsonl"); }
    };

    E2eDaemon m_daemon;

    void start(Run &run, const QJsonArray &steps, const QUrl &interlock,
               const QString &mode = QStringLiteral("interlock"),
               const QString &agent = QStringLiteral("inbox-cleaner"),
               const QJsonObject &byTool = {})
    {
        QString error;
        QVERIFY2(
            run.model.start(
                {{"steps", steps}, {"final", "The inbox is clean."}, {"by_tool", byTool}}, &error),
            qPrintable(error));
        QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
        for (const QString &name : e.keys())
            if (name.startsWith(QLatin1String("INTERLOCK_")) ||
                name.startsWith(QLatin1String("OPENAI_")))
                e.remove(name);
        e.insert("INTERLOCK_URL", interlock.toString());
        e.insert("INTERLOCK_TOKEN", m_daemon.token("agent"));
        run.process.setProcessEnvironment(e);
        run.process.setWorkingDirectory(agentsDir());
        run.process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        run.process.start(node24Program(), {agentsDir() + "/openai-agents-run.mjs", "--model-port",
                                            QString::number(run.model.port()), "--mail-log",
                                            run.mailLog(), "--mode", mode, "--agent", agent});
        QVERIFY(run.process.waitForStarted(20000));
    }

    static QJsonObject finish(Run &run)
    {
        [&] { QTRY_COMPARE_WITH_TIMEOUT(run.process.state(), QProcess::NotRunning, 120000); }();
        [&] { QCOMPARE(run.process.exitCode(), 0); }();
        return QJsonDocument::fromJson(run.process.readAllStandardOutput()).object();
    }

    // A pending action of `kind` (and, when given, for the tool `tool` of agent.tool_call).
    QJsonObject pendingOf(const QString &kind, const QString &tool = {})
    {
        QJsonObject found;
        (void)QTest::qWaitFor(
            [&] {
                for (const QJsonValue &v : m_daemon.waitForActions(0))
                    if (v.toObject().value("kind").toString() == kind &&
                        (tool.isEmpty() ||
                         v.toObject().value("payload").toObject().value("tool").toString() == tool))
                        found = v.toObject();
                return !found.isEmpty();
            },
            60000);
        return found;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_daemon.startIfComplete(whatIsMissingForAgents(), &error), qPrintable(error));
    }

    void init() { m_daemon.rejectLeftovers(); }

    // Rejected bulk delete: nothing deleted, the model sees the reason. Edited delete: the
    // reviewer's arguments ran and the model is told. Approved archive: it ran as asked.
    void rejectEditApprove()
    {
        QJsonArray many;
        for (int i = 1; i <= 250; ++i)
            many.append(QString("m%1").arg(i));
        Run run;
        start(run,
              {toolStep("Deleting everything.", "delete_emails",
                        {{"mailbox", "INBOX"}, {"message_ids", many}}),
               toolStep("Just two then.", "delete_emails",
                        {{"mailbox", "INBOX"}, {"message_ids", QJsonArray{"m1", "m2"}}}),
               toolStep("Archiving.", "archive_emails", {{"message_ids", QJsonArray{"m3"}}})},
              m_daemon.url());

        const QJsonObject bulk = pendingOf("email.delete");
        QVERIFY2(!bulk.isEmpty(), "Interlock never received the bulk delete");
        QCOMPARE(bulk.value("payload").toObject().value("message_ids").toArray().size(), 250);
        QVERIFY(hasRule(bulk, "delete.many-mails"));
        QVERIFY(QStringList({"high", "critical"})
                    .contains(bulk.value("risk").toObject().value("level").toString()));
        QVERIFY(m_daemon.decide(bulk,
                                {{"decision", "reject"}, {"comment", "never bulk-delete (R-9)"}}));

        QJsonObject two;
        QTRY_VERIFY_WITH_TIMEOUT(
            (two = pendingOf("email.delete"),
             !two.isEmpty() && two != bulk && two.value("id") != bulk.value("id")),
            60000);
        QJsonObject edited = two.value("payload").toObject();
        edited.insert("message_ids", QJsonArray{"m2"});
        QVERIFY(m_daemon.decide(
            two, {{"decision", "edit"}, {"payload", edited}, {"comment", "keep m1"}}));

        const QJsonObject archive = pendingOf("agent.tool_call");
        QVERIFY2(!archive.isEmpty(), "Interlock never received the archive call");
        QCOMPARE(archive.value("payload").toObject().value("tool").toString(),
                 QStringLiteral("archive_emails"));
        QVERIFY(m_daemon.decide(archive, {{"decision", "approve"}}));

        const QJsonObject out = finish(run);
        const QList<QJsonObject> ran = readJsonLines(run.mailLog());
        QCOMPARE(ran.size(), 2);
        QCOMPARE(ran[0].value("tool").toString(), QStringLiteral("delete_emails"));
        QCOMPARE(ran[0].value("message_ids").toArray(), QJsonArray{"m2"});
        QCOMPARE(ran[1].value("tool").toString(), QStringLiteral("archive_emails"));
        QVERIFY(run.model.wasTold("never bulk-delete (R-9)"));
        QVERIFY(run.model.wasTold("a reviewer edited this delete_emails call"));
        QVERIFY(run.model.wasTold("keep m1"));
        QCOMPARE(out.value("final").toString(), QStringLiteral("The inbox is clean."));
    }

    // The session is killed while a call waits: that call and every later one are denied.
    void killDeniesThisAndEveryLaterCall()
    {
        Run run;
        start(run,
              {toolStep("Deleting.", "delete_emails",
                        {{"mailbox", "INBOX"}, {"message_ids", QJsonArray{"m1"}}}),
               toolStep("Archiving.", "archive_emails", {{"message_ids", QJsonArray{"m3"}}})},
              m_daemon.url());
        const QJsonObject held = pendingOf("email.delete");
        QVERIFY(!held.isEmpty());
        QCOMPARE(m_daemon
                     .call("oncall", "POST",
                           "/v1/sessions/" + held.value("session_id").toString() + "/kill",
                           QJsonObject{{"reason", "stop"}})
                     .status,
                 200);
        const QJsonObject out = finish(run);
        QVERIFY(readJsonLines(run.mailLog()).isEmpty());
        const QJsonArray outputs = out.value("outputs").toArray();
        QCOMPARE(outputs.size(), 2);
        for (const QJsonValue &o : outputs)
            QVERIFY2(o.toString().contains("killed") || o.toString().contains("cancelled"),
                     qPrintable(o.toString()));
        QVERIFY(outputs.last().toString().contains("killed"));
    }

    // No person needed: a deletion of more than 1000 messages by one agent trips the
    // mass-deletion breaker (rules.json), the submission is refused with 423 session_frozen, the
    // tool does not run, and the agent's next call is refused too.
    void massDeletionBreakerStopsTheAgent()
    {
        QJsonArray many;
        for (int i = 1; i <= 1001; ++i)
            many.append(QString("m%1").arg(i));
        Run run;
        start(run,
              {toolStep("Deleting everything.", "delete_emails",
                        {{"mailbox", "INBOX"}, {"message_ids", many}}),
               toolStep("Then these.", "delete_emails",
                        {{"mailbox", "INBOX"}, {"message_ids", QJsonArray{"m1"}}})},
              m_daemon.url(), QStringLiteral("interlock"), QStringLiteral("runaway-cleaner"));
        const QJsonObject out = finish(run);
        QVERIFY(readJsonLines(run.mailLog()).isEmpty());
        const QJsonArray outputs = out.value("outputs").toArray();
        QCOMPARE(outputs.size(), 2);
        for (const QJsonValue &o : outputs)
            QVERIFY2(o.toString().contains("session_frozen"), qPrintable(o.toString()));
        const QByteArray trips =
            QJsonDocument(m_daemon.call("admin", "GET", "/v1/trips").body).toJson();
        QVERIFY2(trips.contains("mass-deletion") && trips.contains("runaway-cleaner"),
                 trips.constData());
    }

    void interlockDownDenies()
    {
        Run run;
        start(run,
              {toolStep("Deleting.", "delete_emails",
                        {{"mailbox", "INBOX"}, {"message_ids", QJsonArray{"m1"}}})},
              QUrl("http://127.0.0.1:9"));
        const QJsonObject out = finish(run);
        QVERIFY(readJsonLines(run.mailLog()).isEmpty());
        QVERIFY(run.model.wasTold("Interlock could not be asked"));
        QVERIFY(out.value("outputs").toArray().first().toString().contains("fail closed"));
    }

    // Tools of the agent's MCP servers (the SDK lists them anew on each turn) wait for Interlock
    // like function tools: a rejected purge_mailbox does not run, an approved one does.
    void mcpToolsWaitForInterlock()
    {
        Run run;
        start(run,
              {toolStep("Purging.", "purge_mailbox", {{"mailbox", "INBOX"}}),
               toolStep("Spam then.", "purge_mailbox", {{"mailbox", "Spam"}})},
              m_daemon.url(), QStringLiteral("mcp"));
        const QJsonObject inbox = pendingOf("agent.tool_call", "purge_mailbox");
        QVERIFY2(!inbox.isEmpty(), "Interlock never received the MCP tool call");
        QCOMPARE(inbox.value("payload").toObject().value("arguments").toObject().value("mailbox"),
                 QJsonValue("INBOX"));
        QVERIFY(m_daemon.decide(inbox, {{"decision", "reject"}, {"comment", "not the inbox"}}));
        QJsonObject spam;
        QTRY_VERIFY_WITH_TIMEOUT((spam = pendingOf("agent.tool_call", "purge_mailbox"),
                                  !spam.isEmpty() && spam.value("id") != inbox.value("id")),
                                 60000);
        QVERIFY(m_daemon.decide(spam, {{"decision", "approve"}}));
        const QJsonObject out = finish(run);
        const QList<QJsonObject> ran = readJsonLines(run.mailLog());
        QCOMPARE(ran.size(), 1);
        QCOMPARE(ran[0].value("tool").toString(), QStringLiteral("purge_mailbox"));
        QCOMPARE(ran[0].value("mailbox").toString(), QStringLiteral("Spam"));
        QVERIFY(run.model.wasTold("not the inbox"));
        QCOMPARE(out.value("final").toString(), QStringLiteral("The inbox is clean."));
    }

    // A sub-agent used as a tool (asTool): approving the call to the sub-agent does not approve
    // what it does; its own delete_emails calls arrive as email.delete and wait too.
    void subAgentToolsWaitForInterlock()
    {
        QJsonArray many;
        for (int i = 1; i <= 500; ++i)
            many.append(QString("m%1").arg(i));
        Run run;
        start(
            run, {toolStep("Asking the helper.", "ask_mail_helper", {{"input", "Tidy my inbox"}})},
            m_daemon.url(), QStringLiteral("astool"), QStringLiteral("inbox-cleaner"),
            {{"delete_emails",
              QJsonObject{
                  {"steps",
                   QJsonArray{toolStep("Deleting everything.", "delete_emails",
                                       {{"mailbox", "INBOX"}, {"message_ids", many}}),
                              toolStep("Just one then.", "delete_emails",
                                       {{"mailbox", "INBOX"}, {"message_ids", QJsonArray{"m1"}}})}},
                  {"final", "Tidied."}}}});
        const QJsonObject ask = pendingOf("agent.tool_call", "ask_mail_helper");
        QVERIFY2(!ask.isEmpty(), "Interlock never received the call to the sub-agent");
        QVERIFY(m_daemon.decide(ask, {{"decision", "approve"}}));

        const QJsonObject bulk = pendingOf("email.delete");
        QVERIFY2(!bulk.isEmpty(), "Interlock never received the sub-agent's delete");
        QCOMPARE(bulk.value("payload").toObject().value("message_ids").toArray().size(), 500);
        QVERIFY(readJsonLines(run.mailLog()).isEmpty());
        QVERIFY(m_daemon.decide(bulk, {{"decision", "reject"}, {"comment", "never bulk-delete"}}));
        QJsonObject one;
        QTRY_VERIFY_WITH_TIMEOUT((one = pendingOf("email.delete"),
                                  !one.isEmpty() && one.value("id") != bulk.value("id")),
                                 60000);
        QVERIFY(m_daemon.decide(one, {{"decision", "approve"}}));

        const QJsonObject out = finish(run);
        const QList<QJsonObject> ran = readJsonLines(run.mailLog());
        QCOMPARE(ran.size(), 1);
        QCOMPARE(ran[0].value("message_ids").toArray(), QJsonArray{"m1"});
        QVERIFY(run.model.wasTold("never bulk-delete"));
        QCOMPARE(out.value("final").toString(), QStringLiteral("The inbox is clean."));
    }

    // The reviewer's edit changes which tool runs (archive_emails -> delete_emails): the adapter
    // can only apply new arguments to the call the model made, so the call is blocked; neither
    // tool runs, and the model is told why.
    void editOfTheToolBlocksTheCall()
    {
        Run run;
        start(run, {toolStep("Archiving.", "archive_emails", {{"message_ids", QJsonArray{"m3"}}})},
              m_daemon.url());
        const QJsonObject archive = pendingOf("agent.tool_call", "archive_emails");
        QVERIFY(!archive.isEmpty());
        QJsonObject edited = archive.value("payload").toObject();
        edited.insert("tool", "delete_emails");
        edited.insert("arguments",
                      QJsonObject{{"mailbox", "INBOX"}, {"message_ids", QJsonArray{"m3"}}});
        QVERIFY(m_daemon.decide(
            archive,
            {{"decision", "edit"}, {"payload", edited}, {"comment", "delete it instead"}}));
        const QJsonObject out = finish(run);
        QVERIFY(readJsonLines(run.mailLog()).isEmpty());
        const QString output = out.value("outputs").toArray().first().toString();
        QVERIFY2(output.contains("changed the tool") && output.contains("did not run"),
                 qPrintable(output));
    }

    // allowHostedTools admits tools that run at the vendor, not the SDK's local shell, patch or
    // computer tools, which run on this machine: runWithInterlock refuses to start.
    void localShellToolIsRefused()
    {
        Run run;
        start(run, {toolStep("Listing.", "shell", {{"commands", QJsonArray{"ls"}}})},
              m_daemon.url(), QStringLiteral("localshell"));
        const QJsonObject out = finish(run);
        QVERIFY(readJsonLines(run.mailLog()).isEmpty());
        QVERIFY2(out.value("error").toString().contains("cannot gate the tool \"shell\""),
                 qPrintable(QJsonDocument(out).toJson()));
    }

    // Approving the SDK's interruption by hand (plain run(), no Interlock) does not run a gated
    // tool: the invoke wrapper only runs calls Interlock approved.
    void approvalOutsideInterlockDoesNotRun()
    {
        Run run;
        start(run,
              {toolStep("Deleting.", "delete_emails",
                        {{"mailbox", "INBOX"}, {"message_ids", QJsonArray{"m1"}}})},
              m_daemon.url(), QStringLiteral("bypass"));
        const QJsonObject out = finish(run);
        QVERIFY(readJsonLines(run.mailLog()).isEmpty());
        QVERIFY(out.value("outputs").toArray().first().toString().contains(
            "not approved through Interlock"));
    }
};

QTEST_MAIN(TestE2eOpenAiAgents)
#include "tst_e2e_openaiagents.moc"
