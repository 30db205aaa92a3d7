// Claude Code tool calls -> Interlock actions, and a decision -> the hook's answer.
#include "integrations/ClaudeCodeHook.h"
#include "integrations/ClaudeToolMapping.h"

#include <QDir>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QtTest>

using namespace interlock::integrations;

namespace {
HookInput call(const QString &tool, const QJsonObject &input, const QString &cwd = "/work")
{
    HookInput in;
    in.sessionId = QStringLiteral("0d3f6a2e-1111-2222-3333-444455556666");
    in.toolUseId = QStringLiteral("toolu_01");
    in.cwd = cwd;
    in.event = QStringLiteral("PreToolUse");
    in.toolName = tool;
    in.toolInput = input;
    return in;
}

void writeFile(const QString &path, const QByteArray &data)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(data);
}

QJsonObject specific(const QByteArray &answer)
{
    const QJsonDocument doc = QJsonDocument::fromJson(answer);
    return doc.object().value(QStringLiteral("hookSpecificOutput")).toObject();
}

Decision approved(const QJsonObject &payload, const QString &kind = "approve",
                  const QString &comment = {})
{
    Decision d;
    d.outcome = Decision::Outcome::Approved;
    d.actionId = QStringLiteral("act_1");
    d.kind = kind;
    d.payload = payload;
    d.comment = comment;
    return d;
}
} // namespace

class TestClaudeToolMapping : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsesTheHookInput()
    {
        QString error;
        const auto in = HookInput::parse(
            R"({"session_id":"s","transcript_path":"/t","cwd":"/w","permission_mode":"default","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"ls"},"tool_use_id":"toolu_9"})",
            &error);
        QVERIFY2(in, qPrintable(error));
        QCOMPARE(in->toolName, QStringLiteral("Bash"));
        QCOMPARE(in->toolUseId, QStringLiteral("toolu_9"));
        QCOMPARE(in->permissionMode, QStringLiteral("default"));
        QCOMPARE(in->toolInput.value("command").toString(), QStringLiteral("ls"));
    }

    void refusesBadInput_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("error");
        QTest::newRow("not json") << QByteArray("nope") << "not a JSON object";
        QTest::newRow("array") << QByteArray("[]") << "not a JSON object";
        QTest::newRow("other event")
            << QByteArray(
                   R"({"session_id":"s","hook_event_name":"PostToolUse","tool_name":"Bash","tool_input":{}})")
            << "PreToolUse only";
        QTest::newRow("no tool")
            << QByteArray(R"({"session_id":"s","hook_event_name":"PreToolUse","tool_input":{}})")
            << "no tool_name";
        QTest::newRow("input not an object")
            << QByteArray(
                   R"({"session_id":"s","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":"rm"})")
            << "no tool_input object";
        QTest::newRow("no session")
            << QByteArray(R"({"hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{}})")
            << "no session_id";
    }
    void refusesBadInput()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, error);
        QString got;
        QVERIFY(!HookInput::parse(json, &got));
        QVERIFY2(got.contains(error), qPrintable(got));
    }

    void bashIsShellExec()
    {
        const ActionDraft d =
            ClaudeToolMapping::map(call("Bash", {{"command", "rm -rf victim\necho done"},
                                                 {"description", "remove victim"},
                                                 {"run_in_background", true}}));
        QVERIFY(d.refusal.isEmpty());
        QCOMPARE(d.kind, QStringLiteral("shell.exec"));
        QCOMPARE(d.payload.value("command").toString(), QStringLiteral("rm -rf victim\necho done"));
        QCOMPARE(d.payload.value("cwd").toString(), QStringLiteral("/work"));
        QCOMPARE(d.payload.value("background").toBool(), true);
        QCOMPARE(d.title, QStringLiteral("Run: rm -rf victim echo done")); // one line
        QVERIFY(d.summary.contains(QStringLiteral("remove victim")));
        QCOMPARE(d.target, QStringLiteral("/work"));
    }

    // Red team F4: Bash input fields that change what runs reach the payload (shown, scored and
    // hashed), never dropped; the reviewer's edit of them goes back into the tool input.
    void bashSettingsAreCarriedNotDropped()
    {
        const HookInput in = call("Bash", {{"command", "make"},
                                           {"timeout", 600000},
                                           {"dangerouslyDisableSandbox", "yes"},
                                           {"env", QJsonObject{{"LD_PRELOAD", "/tmp/x.so"}}},
                                           {"host", "build-7"}});
        const ActionDraft d = ClaudeToolMapping::map(in);
        QVERIFY2(d.refusal.isEmpty(), qPrintable(d.refusal));
        QCOMPARE(d.payload, (QJsonObject{{"command", "make"},
                                         {"cwd", "/work"},
                                         {"sandbox_disabled", true},
                                         {"env", QJsonObject{{"LD_PRELOAD", "/tmp/x.so"}}},
                                         {"host", "build-7"}}));
        // A plain call stays {command, cwd}; false keeps the sandbox.
        QCOMPARE(ClaudeToolMapping::map(
                     call("Bash", {{"command", "ls"}, {"dangerouslyDisableSandbox", false}}))
                     .payload,
                 (QJsonObject{{"command", "ls"}, {"cwd", "/work"}}));
        // The reviewer takes the env and the sandbox switch out: both leave the tool input.
        QJsonObject edited = d.payload;
        edited.remove("env");
        edited.remove("sandbox_disabled");
        const QJsonObject out =
            specific(ClaudeCodeHook::answerFor(in, d, approved(edited, "edit")));
        QCOMPARE(out.value("permissionDecision").toString(), QStringLiteral("allow"));
        QCOMPARE(out.value("updatedInput").toObject(),
                 (QJsonObject{{"command", "make"}, {"timeout", 600000}, {"host", "build-7"}}));
        // A field named like one the payload sets cannot be told apart from it: denied.
        const ActionDraft clash =
            ClaudeToolMapping::map(call("Bash", {{"command", "ls"}, {"cwd", "/etc"}}));
        QVERIFY2(clash.refusal.contains("'cwd'"), qPrintable(clash.refusal));
    }

    void writeDiffComesFromTheDisk()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("app.py");
        writeFile(path, "print('old')\n");
        const ActionDraft d = ClaudeToolMapping::map(
            call("Write", {{"file_path", path}, {"content", "print('new')\n"}}, dir.path()));
        QVERIFY(d.refusal.isEmpty());
        QCOMPARE(d.kind, QStringLiteral("fs.write"));
        QCOMPARE(d.title, QStringLiteral("Overwrite ") + path);
        QCOMPARE(d.payload, (QJsonObject{{"path", path}, {"content", "print('new')\n"}}));
        QCOMPARE(d.changes.size(), 1);
        const QJsonObject change = d.changes.first().toObject();
        QCOMPARE(change.value("before").toString(), QStringLiteral("print('old')\n"));
        QCOMPARE(change.value("after").toString(), QStringLiteral("print('new')\n"));
        QCOMPARE(change.value("language").toString(), QStringLiteral("Python"));

        // A relative path is the cwd's; a file that does not exist is created from nothing.
        const ActionDraft created = ClaudeToolMapping::map(
            call("Write", {{"file_path", "new.txt"}, {"content", "x\n"}}, dir.path()));
        QCOMPARE(created.payload.value("path").toString(), dir.filePath("new.txt"));
        QCOMPARE(created.title, QStringLiteral("Create ") + dir.filePath("new.txt"));
        QCOMPARE(created.changes.first().toObject().value("before").toString(), QString());
    }

    void editIsTheResultingFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("a.txt");
        writeFile(path, "one\ntwo\nthree\ntwo\n");
        const ActionDraft once = ClaudeToolMapping::map(
            call("Edit", {{"file_path", path}, {"old_string", "three"}, {"new_string", "3"}}));
        QVERIFY2(once.refusal.isEmpty(), qPrintable(once.refusal));
        QCOMPARE(once.payload.value("content").toString(), QStringLiteral("one\ntwo\n3\ntwo\n"));
        QCOMPARE(once.changes.first().toObject().value("before").toString(),
                 QStringLiteral("one\ntwo\nthree\ntwo\n"));

        const ActionDraft all = ClaudeToolMapping::map(call("Edit", {{"file_path", path},
                                                                     {"old_string", "two"},
                                                                     {"new_string", "2"},
                                                                     {"replace_all", true}}));
        QCOMPARE(all.payload.value("content").toString(), QStringLiteral("one\n2\nthree\n2\n"));

        const ActionDraft multi = ClaudeToolMapping::map(
            call("MultiEdit",
                 {{"file_path", path},
                  {"edits",
                   QJsonArray{QJsonObject{{"old_string", "one"}, {"new_string", "1"}},
                              QJsonObject{{"old_string", "1\ntwo"}, {"new_string", "1\n2"}}}}}));
        QVERIFY2(multi.refusal.isEmpty(), qPrintable(multi.refusal));
        QCOMPARE(multi.payload.value("content").toString(), QStringLiteral("1\n2\nthree\ntwo\n"));
    }

    void anEmptyNewStringTakesTheLineBreakWithIt()
    {
        // Claude Code removes old_string with the line break after it where one follows, and
        // then only those occurrences: bob keeps NOPASSWD and the lines are joined. The reviewer
        // must see that, not every occurrence removed.
        QTemporaryDir dir;
        const QString path = dir.filePath("sudoers.conf");
        writeFile(path, "alice ALL=(ALL) NOPASSWD: ALL\nbob ALL=(ALL) NOPASSWD: ALL # temporary\n");
        const ActionDraft all =
            ClaudeToolMapping::map(call("Edit", {{"file_path", path},
                                                 {"old_string", " NOPASSWD: ALL"},
                                                 {"new_string", ""},
                                                 {"replace_all", true}}));
        QVERIFY2(all.refusal.isEmpty(), qPrintable(all.refusal));
        QCOMPARE(all.payload.value("content").toString(),
                 QStringLiteral("alice ALL=(ALL)bob ALL=(ALL) NOPASSWD: ALL # temporary\n"));
        // Without a line break after it, the text alone goes.
        writeFile(path, "keep this; drop this");
        const ActionDraft tail = ClaudeToolMapping::map(
            call("Edit", {{"file_path", path}, {"old_string", "; drop this"}, {"new_string", ""}}));
        QCOMPARE(tail.payload.value("content").toString(), QStringLiteral("keep this"));
    }

    void aFileWithCrLineBreaksIsNotEdited()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("dos.txt");
        writeFile(path, "one\r\ntwo\r\n");
        const ActionDraft d = ClaudeToolMapping::map(
            call("Edit", {{"file_path", path}, {"old_string", "two"}, {"new_string", "2"}}));
        QVERIFY2(d.refusal.contains("CR line breaks"), qPrintable(d.refusal));
    }

    void editsClaudeWouldRefuseAreDenied_data()
    {
        QTest::addColumn<QJsonObject>("input");
        QTest::addColumn<QString>("why");
        QTest::newRow("not found")
            << QJsonObject{{"old_string", "four"}, {"new_string", "4"}} << "not in the file";
        QTest::newRow("ambiguous")
            << QJsonObject{{"old_string", "two"}, {"new_string", "2"}} << "occurs 2 times";
        QTest::newRow("no change")
            << QJsonObject{{"old_string", "one"}, {"new_string", "one"}} << "the same";
    }
    void editsClaudeWouldRefuseAreDenied()
    {
        QFETCH(QJsonObject, input);
        QFETCH(QString, why);
        QTemporaryDir dir;
        const QString path = dir.filePath("a.txt");
        writeFile(path, "one\ntwo\ntwo\n");
        input.insert("file_path", path);
        const ActionDraft d = ClaudeToolMapping::map(call("Edit", input));
        QVERIFY2(d.refusal.contains(why), qPrintable(d.refusal));
    }

    void binaryOrHugeFilesGoWithoutDiff()
    {
        QTemporaryDir dir;
        const QString bin = dir.filePath("blob");
        writeFile(bin, QByteArray("\x00\x01\x02", 3));
        const ActionDraft d =
            ClaudeToolMapping::map(call("Write", {{"file_path", bin}, {"content", "text"}}));
        QVERIFY(d.refusal.isEmpty());
        QVERIFY(d.changes.isEmpty());
        QVERIFY2(d.summary.contains(QStringLiteral("not UTF-8")), qPrintable(d.summary));
        // An edit of a file that cannot be shown cannot be put to a reviewer at all.
        const ActionDraft edit = ClaudeToolMapping::map(
            call("Edit", {{"file_path", bin}, {"old_string", "a"}, {"new_string", "b"}}));
        QVERIFY(!edit.refusal.isEmpty());
        // A write too large for the server is denied, not cut.
        const ActionDraft huge = ClaudeToolMapping::map(call(
            "Write", {{"file_path", dir.filePath("big")}, {"content", QString(1200 * 1024, 'x')}}));
        QVERIFY2(huge.refusal.contains(QStringLiteral("too large")), qPrintable(huge.refusal));
        // Under the limit but too large for a diff too: the payload alone.
        const ActionDraft large =
            ClaudeToolMapping::map(call("Write", {{"file_path", dir.filePath("large")},
                                                  {"content", QString(600 * 1024, 'y')}}));
        QVERIFY(large.refusal.isEmpty());
        QVERIFY(large.changes.isEmpty());
    }

    void otherTools()
    {
        const ActionDraft mcp = ClaudeToolMapping::map(
            call("mcp__fs__write_file", {{"path", "/tmp/x"}, {"content", "y"}}));
        QCOMPARE(mcp.kind, QStringLiteral("mcp.tool_call"));
        QCOMPARE(mcp.payload.value("server").toString(), QStringLiteral("fs"));
        QCOMPARE(mcp.payload.value("tool").toString(), QStringLiteral("write_file"));
        QCOMPARE(mcp.payload.value("arguments").toObject().value("path").toString(),
                 QStringLiteral("/tmp/x"));
        const ActionDraft fetch = ClaudeToolMapping::map(
            call("WebFetch", {{"url", "https://x.example/a"}, {"prompt", "p"}}));
        QCOMPARE(fetch.kind, QStringLiteral("http.request"));
        QCOMPARE(fetch.payload, (QJsonObject{{"method", "GET"}, {"url", "https://x.example/a"}}));
        const ActionDraft agent = ClaudeToolMapping::map(
            call("Agent", {{"description", "d"}, {"prompt", "p"}, {"subagent_type", "Explore"}}));
        QCOMPARE(agent.kind, QStringLiteral("agent.spawn"));
        QCOMPARE(agent.payload.value("subagent_type").toString(), QStringLiteral("Explore"));
        QCOMPARE(ClaudeToolMapping::map(call("Task", {{"prompt", "p"}})).kind,
                 QStringLiteral("agent.spawn"));
        const ActionDraft other =
            ClaudeToolMapping::map(call("CronCreate", {{"cron", "* * * * *"}}));
        QCOMPARE(other.kind, QStringLiteral("claude.tool"));
        QCOMPARE(other.payload.value("tool").toString(), QStringLiteral("CronCreate"));
    }

    void subAgentsShowEveryFieldAndNeverGoRemote()
    {
        // mode, model, run_in_background, name and isolation all apply: the reviewer sees them.
        const QJsonObject input{{"description", "Summarise README"},
                                {"prompt", "Read README.md and summarise it"},
                                {"subagent_type", "general-purpose"},
                                {"mode", "bypassPermissions"},
                                {"isolation", "worktree"},
                                {"run_in_background", true},
                                {"model", "opus"},
                                {"name", "helper"}};
        const HookInput in = call("Agent", input);
        const ActionDraft d = ClaudeToolMapping::map(in);
        QVERIFY2(d.refusal.isEmpty(), qPrintable(d.refusal));
        QCOMPARE(d.kind, QStringLiteral("agent.spawn"));
        QCOMPARE(d.payload, input);
        // The reviewer's version of any field is what runs.
        QJsonObject edited = d.payload;
        edited.insert("mode", "default");
        edited.remove("run_in_background");
        const QJsonObject out =
            specific(ClaudeCodeHook::answerFor(in, d, approved(edited, "edit")));
        QCOMPARE(out.value("permissionDecision").toString(), QStringLiteral("allow"));
        QCOMPARE(out.value("updatedInput").toObject(), edited);
        // A sub-agent in a remote sandbox is beyond the hook: refused, also as a reviewer's edit.
        QJsonObject remote = input;
        remote.insert("isolation", "remote");
        for (const QString &tool : {QStringLiteral("Agent"), QStringLiteral("Task")}) {
            const ActionDraft r = ClaudeToolMapping::map(call(tool, remote));
            QVERIFY2(r.refusal.contains("isolation 'remote'"), qPrintable(r.refusal));
        }
        const QJsonObject toRemote =
            specific(ClaudeCodeHook::answerFor(in, d, approved(remote, "edit")));
        QCOMPARE(toRemote.value("permissionDecision").toString(), QStringLiteral("deny"));
        QJsonObject unknown = input;
        unknown.insert("isolation", "cloud");
        QVERIFY(!ClaudeToolMapping::map(call("Agent", unknown)).refusal.isEmpty());
    }

    void skillsAreShownAndSkillsRunningCommandsDenied()
    {
        // Claude Code runs the shell commands written in a skill's file itself, with no hook
        // call: the reviewer sees the skill's files, and a skill that runs commands is denied.
        QTemporaryDir home;
        qputenv("CLAUDE_CONFIG_DIR", home.filePath("claude").toUtf8());
        QTemporaryDir project;
        QVERIFY(QDir(project.path()).mkpath(".claude/skills/tidy"));
        QVERIFY(QDir(project.path()).mkpath(".claude/skills/notes"));
        QVERIFY(QDir(project.path()).mkpath(".claude/commands/frontend"));
        QVERIFY(QDir(project.path()).mkpath("src/deep"));
        QVERIFY(QDir(home.path()).mkpath("claude/skills/blocky"));
        QVERIFY(QDir(home.path()).mkpath("claude/commands"));
        writeFile(project.filePath(".claude/skills/tidy/SKILL.md"),
                  "---\nname: tidy\n---\nTemporary files: !`touch /tmp/ran; ls /tmp`\n");
        const QByteArray notes = "---\nname: notes\n---\nSummarise $ARGUMENTS in NOTES.md.\n";
        writeFile(project.filePath(".claude/skills/notes/SKILL.md"), notes);
        writeFile(project.filePath(".claude/commands/frontend/test.md"), "Run the tests.\n");
        writeFile(home.filePath("claude/skills/blocky/SKILL.md"),
                  "Status:\n```!\ngit status\n```\n");
        writeFile(home.filePath("claude/commands/hooked.md"),
                  "---\ndescription: d\nhooks:\n  PreToolUse: []\n---\nHello\n");
        const QString cwd = project.filePath("src/deep"); // skills of the folders above count
        const auto refusal = [&](const QJsonObject &input, const QString &tool = "Skill") {
            return ClaudeToolMapping::map(call(tool, input, cwd)).refusal;
        };
        QVERIFY2(refusal({{"skill", "tidy"}}).contains("!`"),
                 qPrintable(refusal({{"skill", "tidy"}})));
        QVERIFY(refusal({{"command", "/tidy"}}, "SlashCommand").contains("shell command"));
        QVERIFY(refusal({{"skill", "blocky"}}).contains("```!"));
        QVERIFY(refusal({{"skill", "hooked"}}).contains("hooks"));
        QVERIFY(refusal({{"skill", "nowhere"}}).contains("found no file"));
        QVERIFY(refusal({{"skill", "../tidy"}}).contains("not a skill name"));
        QVERIFY(refusal({{"skill", "notes"}, {"args", "!`rm -rf ~`"}}).contains("arguments"));

        const HookInput in = call("Skill", {{"skill", "notes"}, {"args", "today"}}, cwd);
        const ActionDraft d = ClaudeToolMapping::map(in);
        QVERIFY2(d.refusal.isEmpty(), qPrintable(d.refusal));
        QCOMPARE(d.kind, QStringLiteral("claude.skill"));
        const QJsonArray files = d.payload.value("files").toArray();
        QCOMPARE(files.size(), 1);
        QCOMPARE(files.first().toObject().value("path").toString(),
                 project.filePath(".claude/skills/notes/SKILL.md"));
        QCOMPARE(files.first().toObject().value("content").toString(), QString::fromUtf8(notes));
        QCOMPARE(d.payload.value("args").toString(), QStringLiteral("today"));
        const ActionDraft nested =
            ClaudeToolMapping::map(call("Skill", {{"skill", "frontend:test"}}, cwd));
        QVERIFY2(nested.refusal.isEmpty(), qPrintable(nested.refusal));

        // The reviewer may change the arguments, not the skill or its files.
        QJsonObject edited = d.payload;
        edited.insert("args", "yesterday");
        const QJsonObject out =
            specific(ClaudeCodeHook::answerFor(in, d, approved(edited, "edit")));
        QCOMPARE(out.value("updatedInput").toObject(),
                 (QJsonObject{{"skill", "notes"}, {"args", "yesterday"}}));
        edited.insert("args", "```!\nid\n```");
        QCOMPARE(specific(ClaudeCodeHook::answerFor(in, d, approved(edited, "edit")))
                     .value("permissionDecision")
                     .toString(),
                 QStringLiteral("deny"));
        edited = d.payload;
        edited.insert("skill", "tidy");
        QCOMPARE(specific(ClaudeCodeHook::answerFor(in, d, approved(edited, "edit")))
                     .value("permissionDecision")
                     .toString(),
                 QStringLiteral("deny"));
        qunsetenv("CLAUDE_CONFIG_DIR");
    }

    void approvalWithoutChangesAllowsAsIs()
    {
        const HookInput in = call("Bash", {{"command", "ls"}});
        const ActionDraft d = ClaudeToolMapping::map(in);
        const QJsonObject out = specific(ClaudeCodeHook::answerFor(in, d, approved(d.payload)));
        QCOMPARE(out.value("hookEventName").toString(), QStringLiteral("PreToolUse"));
        QCOMPARE(out.value("permissionDecision").toString(), QStringLiteral("allow"));
        QVERIFY(!out.contains("updatedInput"));
        QVERIFY(!out.contains("additionalContext"));
        QVERIFY(out.value("permissionDecisionReason").toString().contains("act_1"));
    }

    void editBecomesUpdatedInputAndContext()
    {
        const HookInput in = call("Bash", {{"command", "rm -rf victim"}, {"description", "x"}});
        const ActionDraft d = ClaudeToolMapping::map(in);
        QJsonObject edited = d.payload;
        edited.insert("command", "mv victim victim.bak");
        const QJsonObject out =
            specific(ClaudeCodeHook::answerFor(in, d, approved(edited, "edit", "keep a copy")));
        QCOMPARE(out.value("permissionDecision").toString(), QStringLiteral("allow"));
        // The whole tool input, with the reviewer's command and everything else kept.
        QCOMPARE(out.value("updatedInput").toObject(),
                 (QJsonObject{{"command", "mv victim victim.bak"}, {"description", "x"}}));
        const QString context = out.value("additionalContext").toString();
        QVERIFY2(context.contains("command: 'rm -rf victim' -> 'mv victim victim.bak'"),
                 qPrintable(context));
        QVERIFY(context.contains("keep a copy"));
    }

    void editsThatCannotBeExpressedAreDenied()
    {
        const HookInput in = call("Bash", {{"command", "make"}});
        const ActionDraft d = ClaudeToolMapping::map(in);
        QJsonObject edited = d.payload;
        edited.insert("cwd", "/elsewhere"); // Claude's Bash cannot take a folder
        const QJsonObject out =
            specific(ClaudeCodeHook::answerFor(in, d, approved(edited, "edit")));
        QCOMPARE(out.value("permissionDecision").toString(), QStringLiteral("deny"));
        QVERIFY(out.value("permissionDecisionReason").toString().contains("'cwd'"));
    }

    void editedFileEditBecomesAWholeFileEdit()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("a.txt");
        writeFile(path, "alpha\nbeta\n");
        const HookInput in =
            call("Edit", {{"file_path", path}, {"old_string", "beta"}, {"new_string", "BETA"}});
        const ActionDraft d = ClaudeToolMapping::map(in);
        const QJsonObject out = specific(ClaudeCodeHook::answerFor(
            in, d, approved({{"path", path}, {"content", "alpha\ngamma\n"}}, "edit")));
        QCOMPARE(out.value("permissionDecision").toString(), QStringLiteral("allow"));
        QCOMPARE(out.value("updatedInput").toObject(),
                 (QJsonObject{{"file_path", path},
                              {"old_string", "alpha\nbeta\n"},
                              {"new_string", "alpha\ngamma\n"},
                              {"replace_all", false}}));
        // Moving an edit to another file is not something Edit can do.
        const QJsonObject moved = specific(ClaudeCodeHook::answerFor(
            in, d, approved({{"path", dir.filePath("b.txt")}, {"content", "x"}}, "edit")));
        QCOMPARE(moved.value("permissionDecision").toString(), QStringLiteral("deny"));
    }

    void anApprovedEditRunsAsTheFileTheReviewerSaw()
    {
        // Approved as shown: Claude Code gets one edit from the whole file as shown to the
        // reviewed content, not the model's edit, whose meaning is Claude Code's to decide.
        QTemporaryDir dir;
        const QString path = dir.filePath("sudoers.conf");
        writeFile(path, "alice ALL=(ALL) NOPASSWD: ALL\nbob ALL=(ALL) NOPASSWD: ALL # temporary\n");
        const HookInput in = call("Edit", {{"file_path", path},
                                           {"old_string", " NOPASSWD: ALL"},
                                           {"new_string", ""},
                                           {"replace_all", true}});
        const ActionDraft d = ClaudeToolMapping::map(in);
        const QJsonObject out = specific(ClaudeCodeHook::answerFor(in, d, approved(d.payload)));
        QCOMPARE(out.value("permissionDecision").toString(), QStringLiteral("allow"));
        QCOMPARE(out.value("updatedInput").toObject(),
                 (QJsonObject{{"file_path", path},
                              {"old_string", "alice ALL=(ALL) NOPASSWD: ALL\nbob ALL=(ALL) "
                                             "NOPASSWD: ALL # temporary\n"},
                              {"new_string", d.payload.value("content")},
                              {"replace_all", false}}));
        // MultiEdit too, as one edit.
        const HookInput multi = call(
            "MultiEdit",
            {{"file_path", path},
             {"edits", QJsonArray{QJsonObject{{"old_string", "alice"}, {"new_string", "carol"}}}}});
        const ActionDraft dm = ClaudeToolMapping::map(multi);
        const QJsonObject m = specific(ClaudeCodeHook::answerFor(multi, dm, approved(dm.payload)));
        const QJsonArray edits = m.value("updatedInput").toObject().value("edits").toArray();
        QCOMPARE(edits.size(), 1);
        QCOMPARE(edits.first().toObject().value("new_string"), dm.payload.value("content"));
        QVERIFY(edits.first().toObject().value("new_string").toString().startsWith("carol"));
    }

    void editedWriteAndMcpCall()
    {
        const HookInput write = call("Write", {{"file_path", "/tmp/nowhere/x"}, {"content", "a"}});
        const ActionDraft dw = ClaudeToolMapping::map(write);
        const QJsonObject w = specific(ClaudeCodeHook::answerFor(
            write, dw, approved({{"path", "/tmp/nowhere/y"}, {"content", "b"}}, "edit")));
        QCOMPARE(w.value("updatedInput").toObject(),
                 (QJsonObject{{"file_path", "/tmp/nowhere/y"}, {"content", "b"}}));
        const HookInput mcp = call("mcp__fs__write_file", {{"path", "/a"}, {"content", "1"}});
        const ActionDraft dm = ClaudeToolMapping::map(mcp);
        QJsonObject edited = dm.payload;
        edited.insert("arguments", QJsonObject{{"path", "/a"}, {"content", "2"}});
        const QJsonObject m =
            specific(ClaudeCodeHook::answerFor(mcp, dm, approved(edited, "edit")));
        QCOMPARE(m.value("updatedInput").toObject(),
                 (QJsonObject{{"path", "/a"}, {"content", "2"}}));
        edited.insert("tool", "delete_file");
        const QJsonObject other =
            specific(ClaudeCodeHook::answerFor(mcp, dm, approved(edited, "edit")));
        QCOMPARE(other.value("permissionDecision").toString(), QStringLiteral("deny"));
    }

    void anEditToEmptyArgumentsIsSent()
    {
        // The reviewer edited an MCP call's arguments to {}: that is the input to run. Left out,
        // Claude Code would run the original arguments.
        const HookInput mcp =
            call("mcp__chat__delete_message", {{"channel", "general"}, {"message_id", 42}});
        const ActionDraft d = ClaudeToolMapping::map(mcp);
        QJsonObject edited = d.payload;
        edited.insert("arguments", QJsonObject());
        const QJsonObject out =
            specific(ClaudeCodeHook::answerFor(mcp, d, approved(edited, "edit")));
        QCOMPARE(out.value("permissionDecision").toString(), QStringLiteral("allow"));
        QVERIFY(out.contains("updatedInput"));
        QCOMPARE(out.value("updatedInput").toObject(), QJsonObject());
        // The same for any other tool's input.
        const HookInput other = call("CronCreate", {{"cron", "* * * * *"}});
        const ActionDraft dOther = ClaudeToolMapping::map(other);
        const QJsonObject o = specific(ClaudeCodeHook::answerFor(
            other, dOther, approved({{"tool", "CronCreate"}, {"input", QJsonObject()}}, "edit")));
        QVERIFY(o.contains("updatedInput"));
        QCOMPARE(o.value("updatedInput").toObject(), QJsonObject());
    }

    void everyOtherOutcomeDenies_data()
    {
        QTest::addColumn<int>("outcome");
        QTest::addColumn<QString>("reason");
        using O = Decision::Outcome;
        QTest::newRow("rejected") << int(O::Rejected)
                                  << "rejected this call (act_1). Reason: too risky";
        QTest::newRow("expired") << int(O::Expired) << "expired";
        QTest::newRow("cancelled") << int(O::Cancelled) << "cancelled";
        QTest::newRow("killed") << int(O::Killed) << "session was killed";
        QTest::newRow("refused") << int(O::Refused) << "why";
        QTest::newRow("unreachable") << int(O::Unreachable) << "cannot be reached (why)";
        QTest::newRow("deadline") << int(O::TimedOut) << "deadline";
    }
    void everyOtherOutcomeDenies()
    {
        QFETCH(int, outcome);
        QFETCH(QString, reason);
        const HookInput in = call("Bash", {{"command", "ls"}});
        Decision d;
        d.outcome = Decision::Outcome(outcome);
        d.actionId = QStringLiteral("act_1");
        d.comment = QStringLiteral("too risky");
        d.message = QStringLiteral("why");
        const QByteArray answer = ClaudeCodeHook::answerFor(in, ClaudeToolMapping::map(in), d);
        QVERIFY(answer.endsWith('\n'));
        const QJsonObject out = specific(answer);
        QCOMPARE(out.value("permissionDecision").toString(), QStringLiteral("deny"));
        QVERIFY2(out.value("permissionDecisionReason").toString().contains(reason),
                 qPrintable(out.value("permissionDecisionReason").toString()));
    }

    void idempotencyKeyNamesTheCall()
    {
        HookInput in = call("Bash", {{"command", "ls"}});
        QCOMPARE(ClaudeCodeHook::idempotencyKey(in),
                 QStringLiteral("claude-code:0d3f6a2e-1111-2222-3333-444455556666:toolu_01"));
        in.toolUseId = QStringLiteral("toolu_02");
        QVERIFY(ClaudeCodeHook::idempotencyKey(in).endsWith(QStringLiteral(":toolu_02")));
        in.sessionId = QString(300, 'x'); // too long for the header: hashed, still distinct
        const QString hashed = ClaudeCodeHook::idempotencyKey(in);
        QVERIFY(hashed.size() < 255);
        in.toolUseId = QStringLiteral("toolu_03");
        QVERIFY(ClaudeCodeHook::idempotencyKey(in) != hashed);
    }
};

QTEST_GUILESS_MAIN(TestClaudeToolMapping)
#include "tst_claudetoolmapping.moc"
