#include "ClaudeToolMapping.h"

#include "ClaudeSkills.h"
#include "FileEdit.h"
#include "core/CanonicalJson.h"

#include <QDir>
#include <QJsonDocument>

namespace interlock::integrations {

namespace {
const QString kCommand = QStringLiteral("command");
const QString kContent = QStringLiteral("content");
const QString kPath = QStringLiteral("path");

QString str(const QJsonObject &o, const QString &key)
{
    return o.value(key).toString();
}

QString quoted(const QJsonValue &v)
{
    const QString text =
        v.isString()
            ? v.toString()
            : QString::fromUtf8(QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact))
                  .mid(1)
                  .chopped(1);
    return QLatin1Char('\'') + singleLine(text, 300) + QLatin1Char('\'');
}

bool sameJson(const QJsonValue &a, const QJsonValue &b)
{
    return canonicalJson(a) == canonicalJson(b);
}

// "key: 'old' -> 'new'" for every top-level key that differs.
QStringList differences(const QJsonObject &before, const QJsonObject &after)
{
    QStringList out;
    QStringList keys = before.keys();
    for (const QString &k : after.keys()) {
        if (!keys.contains(k))
            keys.append(k);
    }
    for (const QString &k : std::as_const(keys)) {
        if (sameJson(before.value(k), after.value(k)))
            continue;
        if (!after.contains(k))
            out.append(QStringLiteral("%1 removed (was %2)").arg(k, quoted(before.value(k))));
        else if (!before.contains(k))
            out.append(QStringLiteral("%1 added: %2").arg(k, quoted(after.value(k))));
        else
            out.append(QStringLiteral("%1: %2 -> %3")
                           .arg(k, quoted(before.value(k)), quoted(after.value(k))));
    }
    return out;
}

QString absolutePath(const HookInput &in, const QString &path)
{
    if (path.isEmpty() || QDir::isAbsolutePath(path))
        return path;
    return QDir(in.cwd).absoluteFilePath(path);
}

ActionDraft refuse(const QString &why)
{
    ActionDraft d;
    d.refusal = why;
    return d;
}

// The Bash tool's input fields this mapping reads: `description` goes into the summary and
// `timeout` only bounds how long the command may run; the others are in the payload.
const QStringList kBashFields{kCommand, QStringLiteral("description"), QStringLiteral("timeout"),
                              QStringLiteral("run_in_background"),
                              QStringLiteral("dangerouslyDisableSandbox")};
// Payload fields the mapping itself sets: a tool input field of that name cannot be carried.
const QStringList kShellPayload{kCommand, QStringLiteral("cwd"), QStringLiteral("background"),
                                QStringLiteral("sandbox_disabled")};

// The Bash input fields this mapping does not know (a later Claude Code's, or the model's own):
// Claude Code may honour them, so they go into the payload under their own names, shown to the
// reviewer and scored, never dropped.
QStringList unknownBashFields(const QJsonObject &input)
{
    QStringList out;
    for (const QString &k : input.keys()) {
        if (!kBashFields.contains(k))
            out.append(k);
    }
    return out;
}

ActionDraft shell(const HookInput &in)
{
    const QString command = str(in.toolInput, kCommand);
    if (command.trimmed().isEmpty())
        return refuse(QStringLiteral("the Bash call has no command"));
    ActionDraft d;
    d.kind = QStringLiteral("shell.exec");
    d.title = singleLine(QStringLiteral("Run: ") + command, 200);
    d.target = singleLine(in.cwd, 2048);
    d.payload = {{kCommand, command}, {QStringLiteral("cwd"), in.cwd}};
    if (in.toolInput.value(QStringLiteral("run_in_background")).toBool())
        d.payload.insert(QStringLiteral("background"), true);
    // Any value but false may switch the sandbox off: shown as the reviewer must read it.
    const QJsonValue unsandboxed = in.toolInput.value(QStringLiteral("dangerouslyDisableSandbox"));
    if (!unsandboxed.isUndefined() && !unsandboxed.isNull() && unsandboxed != QJsonValue(false))
        d.payload.insert(QStringLiteral("sandbox_disabled"),
                         unsandboxed.isBool() ? unsandboxed : QJsonValue(true));
    for (const QString &k : unknownBashFields(in.toolInput)) {
        if (kShellPayload.contains(k))
            return refuse(QStringLiteral("the Bash call has '%1', which this hook cannot show "
                                         "apart from the payload's own '%1'")
                              .arg(singleLine(k, 60)));
        d.payload.insert(k, in.toolInput.value(k));
    }
    const QString description = str(in.toolInput, QStringLiteral("description"));
    d.summary =
        description.isEmpty() ? QString() : QStringLiteral("Claude's description: ") + description;
    return d;
}

// Write, Edit, MultiEdit: fs.write of the resulting content, with its diff against the disk.
ActionDraft fileWrite(const HookInput &in)
{
    const QString path = absolutePath(in, str(in.toolInput, QStringLiteral("file_path")));
    if (path.isEmpty())
        return refuse(QStringLiteral("the %1 call has no file_path").arg(in.toolName));
    const FileSnapshot file = readTextFile(path, ClaudeToolMapping::kMaxFileBytes);
    QString after;
    if (in.toolName == QLatin1String("Write")) {
        after = str(in.toolInput, kContent);
    } else {
        if (!file.problem.isEmpty())
            return refuse(QStringLiteral("%1 %2, so the edit cannot be shown to a reviewer")
                              .arg(path, file.problem));
        // Claude Code edits such a file with its line breaks turned into LF and writes them back
        // as it guesses from the file's start: the result cannot be pinned exactly.
        if (file.text.contains(QLatin1Char('\r')))
            return refuse(QStringLiteral("%1 holds CR line breaks, which Claude Code's %2 "
                                         "rewrites, so the exact result cannot be put to a "
                                         "reviewer (Write can replace the file)")
                              .arg(path, in.toolName));
        QJsonArray edits = in.toolInput.value(QStringLiteral("edits")).toArray();
        if (in.toolName == QLatin1String("Edit"))
            edits = {in.toolInput};
        if (edits.isEmpty())
            return refuse(QStringLiteral("the %1 call has no edits").arg(in.toolName));
        after = file.text;
        FileSnapshot current = file;
        for (const QJsonValue &e : std::as_const(edits)) {
            const QJsonObject edit = e.toObject();
            const EditResult r = applyEdit(current, after, str(edit, QStringLiteral("old_string")),
                                           str(edit, QStringLiteral("new_string")),
                                           edit.value(QStringLiteral("replace_all")).toBool());
            if (!r.error.isEmpty())
                return refuse(path + QStringLiteral(": ") + r.error);
            after = r.after;
            current.exists = true;
        }
    }
    ActionDraft d;
    d.kind = QStringLiteral("fs.write");
    if (in.toolName != QLatin1String("Write"))
        d.editBase = file.text;
    const QString verb = !file.exists                            ? QStringLiteral("Create")
                         : in.toolName == QLatin1String("Write") ? QStringLiteral("Overwrite")
                                                                 : QStringLiteral("Edit");
    d.title = singleLine(verb + QLatin1Char(' ') + path, 200);
    d.target = singleLine(path, 2048);
    d.payload = {{kPath, path}, {kContent, after}};
    const bool showable = file.problem.isEmpty() &&
                          file.text.size() <= ClaudeToolMapping::kMaxDiffSide &&
                          after.size() <= ClaudeToolMapping::kMaxDiffSide &&
                          multiLine(file.text, int(ClaudeToolMapping::kMaxDiffSide)) == file.text &&
                          multiLine(after, int(ClaudeToolMapping::kMaxDiffSide)) == after;
    if (showable) {
        QJsonObject change{
            {kPath, path}, {QStringLiteral("before"), file.text}, {QStringLiteral("after"), after}};
        if (const QString language = languageOf(path); !language.isEmpty())
            change.insert(QStringLiteral("language"), language);
        d.changes = {change};
    }
    QStringList notes;
    notes.append(file.exists
                     ? QStringLiteral("Claude Code's %1 of an existing file; the diff is "
                                      "against the file as it was on disk when asked.")
                           .arg(in.toolName)
                     : QStringLiteral("Claude Code's %1 creates this file.").arg(in.toolName));
    if (!showable)
        notes.append(QStringLiteral("No diff is shown: the file %1; the payload holds the whole "
                                    "new content.")
                         .arg(file.problem.isEmpty() ? QStringLiteral("is too large or holds "
                                                                      "control characters")
                                                     : file.problem));
    d.summary = notes.join(QLatin1Char(' '));
    return d;
}

ActionDraft mcpCall(const HookInput &in)
{
    // mcp__SERVER__TOOL: the server name never holds "__" (Claude Code normalises it).
    const QString rest = in.toolName.mid(5);
    const qsizetype split = rest.indexOf(QStringLiteral("__"));
    ActionDraft d;
    d.kind = QStringLiteral("mcp.tool_call");
    const QString server = split < 0 ? rest : rest.left(split);
    const QString tool = split < 0 ? QString() : rest.mid(split + 2);
    d.title = singleLine(QStringLiteral("MCP %1: %2").arg(server, tool), 200);
    d.target = singleLine(QStringLiteral("mcp://") + server, 2048);
    d.payload = {{QStringLiteral("server"), server},
                 {QStringLiteral("tool"), tool},
                 {QStringLiteral("arguments"), in.toolInput}};
    d.summary =
        QStringLiteral("Claude Code calls the tool %1 of its MCP server %2.").arg(tool, server);
    return d;
}

// Claude Code's sub-agents run here, or in a git worktree here ("worktree"); "remote" runs
// one in a cloud sandbox, beyond this hook. Any other value is refused too (fail closed).
QString isolationProblem(const QJsonObject &input)
{
    const QJsonValue isolation = input.value(QStringLiteral("isolation"));
    if (isolation.isUndefined() || isolation == QJsonValue(QStringLiteral("worktree")))
        return {};
    return QStringLiteral("a sub-agent with isolation %1 runs outside this machine's hooks, so "
                          "its tool calls could not be reviewed; start it without isolation or "
                          "with isolation \"worktree\"")
        .arg(quoted(isolation));
}

// Skill {skill, args?} and SlashCommand {command: "/NAME ARGS"}: Claude Code loads the skill's
// file and runs the shell commands in it without asking any hook, so the reviewer sees the
// files, and skills that run commands of their own are denied.
ActionDraft skill(const HookInput &in)
{
    QString name = str(in.toolInput, QStringLiteral("skill"));
    QString args = str(in.toolInput, QStringLiteral("args"));
    if (in.toolName == QLatin1String("SlashCommand")) {
        const QString command = str(in.toolInput, kCommand).trimmed();
        const qsizetype space = command.indexOf(QLatin1Char(' '));
        name = space < 0 ? command : command.left(space);
        args = space < 0 ? QString() : command.mid(space + 1);
    }
    if (const QString why = shellProblem(args); !why.isEmpty())
        return refuse(QStringLiteral("the %1 call's arguments hold %2").arg(in.toolName, why));
    const SkillLookup found = findSkillFiles(name, in.cwd);
    if (!found.error.isEmpty())
        return refuse(found.error);
    QJsonArray files;
    for (const SkillFile &f : found.files)
        files.append(QJsonObject{{kPath, f.path}, {kContent, f.text}});
    QJsonObject payload = in.toolInput;
    payload.insert(QStringLiteral("files"), files);
    ActionDraft d;
    d.kind = QStringLiteral("claude.skill");
    d.title = singleLine(QStringLiteral("Use the skill ") + name +
                             (args.isEmpty() ? QString() : QLatin1Char(' ') + args),
                         200);
    d.target = singleLine(found.files.first().path, 2048);
    d.payload = payload;
    d.summary = QStringLiteral("Claude Code's %1: the model gets the text of the file(s) below "
                               "as instructions, with the arguments put in. None of them holds "
                               "a shell command Claude Code would run itself; the tools the "
                               "model then calls are reviewed one by one.")
                    .arg(in.toolName);
    return d;
}

ActionDraft generic(const HookInput &in, const QString &kind, const QJsonObject &payload,
                    const QString &title, const QString &target)
{
    ActionDraft d;
    d.kind = kind;
    d.payload = payload;
    d.title = singleLine(title, 200);
    d.target = singleLine(target, 2048);
    d.summary = QStringLiteral("Claude Code's %1 tool.").arg(in.toolName);
    return d;
}

// Copies the listed payload keys back into the tool input under their tool names.
// Edit, MultiEdit, approved as shown or edited: one edit whose old_string is the whole file as
// the reviewer saw it and whose new_string is the approved content. Claude Code applies it as
// written (none of its rules changes the result of a whole-file replacement), and if the file
// changed since, the edit fails instead of writing something nobody saw.
ToolRewrite pinnedEdit(const HookInput &in, const ActionDraft &draft, const QJsonObject &approved)
{
    ToolRewrite r;
    r.unchanged = sameJson(draft.payload, approved);
    r.pinned = true;
    r.changed = differences(draft.payload, approved);
    if (str(approved, kPath) != str(draft.payload, kPath) || approved.size() != 2 ||
        !approved.value(kContent).isString()) {
        r.error = QStringLiteral("the reviewer changed more than the content of the edit");
        return r;
    }
    if (!draft.editBase) {
        r.error = QStringLiteral("the file as it was shown is not known");
        return r;
    }
    const QJsonObject edit{{QStringLiteral("old_string"), *draft.editBase},
                           {QStringLiteral("new_string"), approved.value(kContent)},
                           {QStringLiteral("replace_all"), false}};
    if (in.toolName == QLatin1String("Edit")) {
        r.toolInput = edit;
        r.toolInput.insert(QStringLiteral("file_path"), str(approved, kPath));
    } else {
        r.toolInput = {{QStringLiteral("file_path"), str(approved, kPath)},
                       {QStringLiteral("edits"), QJsonArray{edit}}};
    }
    return r;
}

ToolRewrite copyBack(const HookInput &in, const QJsonObject &draft, const QJsonObject &approved,
                     const QList<std::pair<QString, QString>> &editable)
{
    ToolRewrite r;
    r.toolInput = in.toolInput;
    r.changed = differences(draft, approved);
    for (const QString &key : approved.keys() + draft.keys()) {
        if (sameJson(draft.value(key), approved.value(key)))
            continue;
        const auto it = std::find_if(editable.begin(), editable.end(),
                                     [&](const auto &p) { return p.first == key; });
        if (it == editable.end()) {
            r.error = QStringLiteral("the reviewer changed '%1', which Claude Code's %2 tool "
                                     "cannot take")
                          .arg(key, in.toolName);
            return r;
        }
        if (approved.contains(key))
            r.toolInput.insert(it->second, approved.value(key));
        else
            r.toolInput.remove(it->second);
    }
    return r;
}
} // namespace

QString singleLine(const QString &text, int maxChars)
{
    QString out;
    out.reserve(qMin<qsizetype>(text.size(), maxChars));
    for (const QChar c : text) {
        const bool control = c.unicode() < 0x20 || c.unicode() == 0x7f;
        out += control ? QLatin1Char(' ') : c;
        if (out.size() >= maxChars)
            break;
    }
    out = out.simplified();
    if (out.size() > maxChars - 1 && text.size() > maxChars)
        out = out.left(maxChars - 1) + QChar(0x2026);
    return out;
}

QString multiLine(const QString &text, int maxChars)
{
    QString out;
    out.reserve(qMin<qsizetype>(text.size(), maxChars));
    for (const QChar c : text) {
        const bool allowed = c == QLatin1Char('\n') || c == QLatin1Char('\t') ||
                             c == QLatin1Char('\r') || (c.unicode() >= 0x20 && c.unicode() != 0x7f);
        if (allowed)
            out += c;
        if (out.size() >= maxChars)
            break;
    }
    return out;
}

std::optional<HookInput> HookInput::parse(const QByteArray &json, QString *error)
{
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &pe);
    if (pe.error != QJsonParseError::NoError || !doc.isObject()) {
        *error = QStringLiteral("the hook input is not a JSON object");
        return std::nullopt;
    }
    const QJsonObject o = doc.object();
    HookInput in;
    in.sessionId = str(o, QStringLiteral("session_id"));
    in.toolUseId = str(o, QStringLiteral("tool_use_id"));
    in.cwd = str(o, QStringLiteral("cwd"));
    in.event = str(o, QStringLiteral("hook_event_name"));
    in.toolName = str(o, QStringLiteral("tool_name"));
    in.permissionMode = str(o, QStringLiteral("permission_mode"));
    in.toolInput = o.value(QStringLiteral("tool_input")).toObject();
    if (in.event != QLatin1String("PreToolUse"))
        *error = QStringLiteral("this hook answers PreToolUse only, not '%1'")
                     .arg(singleLine(in.event, 60));
    else if (in.toolName.isEmpty())
        *error = QStringLiteral("the hook input has no tool_name");
    else if (!o.value(QStringLiteral("tool_input")).isObject())
        *error = QStringLiteral("the hook input has no tool_input object");
    else if (in.sessionId.isEmpty())
        *error = QStringLiteral("the hook input has no session_id");
    if (!error->isEmpty())
        return std::nullopt;
    return in;
}

QJsonObject ActionDraft::submission(int expiresInSeconds) const
{
    QJsonObject body{{QStringLiteral("kind"), kind},
                     {QStringLiteral("title"), title.isEmpty() ? kind : title},
                     {QStringLiteral("payload"), payload}};
    if (!summary.isEmpty())
        body.insert(QStringLiteral("summary"), multiLine(summary, 10000));
    if (!target.isEmpty())
        body.insert(QStringLiteral("target"), target);
    if (!changes.isEmpty())
        body.insert(QStringLiteral("changes"), changes);
    if (expiresInSeconds > 0)
        body.insert(QStringLiteral("expires_in"), expiresInSeconds);
    return body;
}

ActionDraft ClaudeToolMapping::map(const HookInput &in)
{
    const QString &tool = in.toolName;
    const QJsonObject &ti = in.toolInput;
    ActionDraft d;
    if (tool == QLatin1String("Bash")) {
        d = shell(in);
    } else if (tool == QLatin1String("Write") || tool == QLatin1String("Edit") ||
               tool == QLatin1String("MultiEdit")) {
        d = fileWrite(in);
    } else if (tool.startsWith(QLatin1String("mcp__"))) {
        d = mcpCall(in);
    } else if (tool == QLatin1String("WebFetch")) {
        d = generic(in, QStringLiteral("http.request"),
                    {{QStringLiteral("method"), QStringLiteral("GET")},
                     {QStringLiteral("url"), ti.value(QStringLiteral("url"))}},
                    QStringLiteral("Fetch ") + str(ti, QStringLiteral("url")),
                    str(ti, QStringLiteral("url")));
        d.summary = QStringLiteral("Claude Code fetches this page, then asks a model: ") +
                    str(ti, QStringLiteral("prompt"));
    } else if (tool == QLatin1String("WebSearch")) {
        d = generic(in, QStringLiteral("web.search"), ti,
                    QStringLiteral("Search the web: ") + str(ti, QStringLiteral("query")),
                    QStringLiteral("web-search"));
    } else if (tool == QLatin1String("Task") || tool == QLatin1String("Agent")) {
        // Every field applies (mode, model, run_in_background, isolation, name…), so every
        // field is shown. A sub-agent in a remote sandbox runs where no hook sees its calls.
        if (const QString why = isolationProblem(ti); !why.isEmpty())
            return refuse(why);
        d = generic(in, QStringLiteral("agent.spawn"), ti,
                    QStringLiteral("Start a sub-agent: ") + str(ti, QStringLiteral("description")),
                    QStringLiteral("claude-code"));
    } else if (tool == QLatin1String("Skill") || tool == QLatin1String("SlashCommand")) {
        d = skill(in);
    } else {
        d = generic(in, QStringLiteral("claude.tool"),
                    {{QStringLiteral("tool"), tool}, {QStringLiteral("input"), ti}},
                    QStringLiteral("Claude Code tool ") + tool, QStringLiteral("claude-code"));
    }
    if (!d.refusal.isEmpty())
        return d;
    qsizetype size = canonicalJson(d.submission(0)).size();
    if (size > kMaxSubmission && !d.changes.isEmpty()) {
        d.changes = {};
        d.summary += QStringLiteral(" No diff is shown: it would be too large; the payload holds "
                                    "the whole new content.");
        size = canonicalJson(d.submission(0)).size();
    }
    if (size > kMaxSubmission)
        return refuse(QStringLiteral("the %1 call is too large to put before a reviewer (%2 KiB; "
                                     "Interlock takes up to %3 KiB)")
                          .arg(tool)
                          .arg(size / 1024)
                          .arg(kMaxSubmission / 1024));
    return d;
}

ToolRewrite ClaudeToolMapping::rewrite(const HookInput &in, const ActionDraft &draft,
                                       const QJsonObject &approved)
{
    const QString &tool = in.toolName;
    if (tool == QLatin1String("Edit") || tool == QLatin1String("MultiEdit"))
        return pinnedEdit(in, draft, approved);
    if (sameJson(draft.payload, approved)) {
        ToolRewrite same;
        same.toolInput = in.toolInput;
        return same;
    }
    ToolRewrite r;
    if (tool == QLatin1String("Bash")) {
        QList<std::pair<QString, QString>> editable{
            {kCommand, kCommand},
            {QStringLiteral("background"), QStringLiteral("run_in_background")},
            {QStringLiteral("sandbox_disabled"), QStringLiteral("dangerouslyDisableSandbox")}};
        for (const QString &k : unknownBashFields(in.toolInput))
            editable.append({k, k}); // carried under its own name
        r = copyBack(in, draft.payload, approved, editable);
    } else if (tool == QLatin1String("Write")) {
        r = copyBack(in, draft.payload, approved,
                     {{kPath, QStringLiteral("file_path")}, {kContent, kContent}});
    } else if (tool.startsWith(QLatin1String("mcp__"))) {
        r.changed = differences(draft.payload.value(QStringLiteral("arguments")).toObject(),
                                approved.value(QStringLiteral("arguments")).toObject());
        if (!sameJson(draft.payload.value(QStringLiteral("server")),
                      approved.value(QStringLiteral("server"))) ||
            !sameJson(draft.payload.value(QStringLiteral("tool")),
                      approved.value(QStringLiteral("tool"))) ||
            !approved.value(QStringLiteral("arguments")).isObject())
            r.error = QStringLiteral("the reviewer changed the server or tool, not only the "
                                     "arguments");
        else
            r.toolInput = approved.value(QStringLiteral("arguments")).toObject();
    } else if (tool == QLatin1String("WebFetch")) {
        r = copyBack(in, draft.payload, approved, {{QStringLiteral("url"), QStringLiteral("url")}});
    } else if (tool == QLatin1String("WebSearch")) {
        QList<std::pair<QString, QString>> same;
        for (const QString &k : {QStringLiteral("query"), QStringLiteral("allowed_domains"),
                                 QStringLiteral("blocked_domains")})
            same.append({k, k});
        r = copyBack(in, draft.payload, approved, same);
    } else if (tool == QLatin1String("Task") || tool == QLatin1String("Agent")) {
        // The payload is the whole input: the approved payload is the input to run.
        r.changed = differences(draft.payload, approved);
        r.toolInput = approved;
        if (const QString why = isolationProblem(approved); !why.isEmpty())
            r.error = why;
    } else if (tool == QLatin1String("Skill") || tool == QLatin1String("SlashCommand")) {
        // Only the arguments can change: another skill or file is another review.
        QList<std::pair<QString, QString>> editable;
        if (tool == QLatin1String("Skill"))
            editable.append({QStringLiteral("args"), QStringLiteral("args")});
        r = copyBack(in, draft.payload, approved, editable);
        if (r.error.isEmpty() && !shellProblem(str(approved, QStringLiteral("args"))).isEmpty())
            r.error = QStringLiteral("the reviewer's arguments would make Claude Code run a "
                                     "shell command");
    } else {
        r.changed = differences(draft.payload.value(QStringLiteral("input")).toObject(),
                                approved.value(QStringLiteral("input")).toObject());
        if (!sameJson(draft.payload.value(QStringLiteral("tool")),
                      approved.value(QStringLiteral("tool"))) ||
            !approved.value(QStringLiteral("input")).isObject())
            r.error = QStringLiteral("the reviewer changed the tool, not only its input");
        else
            r.toolInput = approved.value(QStringLiteral("input")).toObject();
    }
    r.unchanged = false;
    return r;
}

} // namespace interlock::integrations
