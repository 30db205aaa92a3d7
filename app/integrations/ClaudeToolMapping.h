#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QStringList>
#include <optional>

namespace interlock::integrations {

// One PreToolUse hook input from Claude Code (2.1.x), read from its stdin.
struct HookInput {
    QString sessionId;
    QString toolUseId;
    QString cwd;
    QString event; // hook_event_name
    QString toolName;
    QString permissionMode;
    QJsonObject toolInput;

    // Checks the fields the hook relies on; nullopt with *error when they are missing or wrong.
    static std::optional<HookInput> parse(const QByteArray &json, QString *error);
};

// What the hook puts before a reviewer for one tool call: an Interlock action. The payload is
// built from the tool input (and, for file edits, from the file on disk), so what the reviewer
// approves is what will run.
struct ActionDraft {
    QString kind;
    QString title;
    QString summary;
    QString target;
    QJsonObject payload;
    QJsonArray changes; // file diffs: [{path, language, before, after}]
    QString refusal;    // set when the call cannot be put to a reviewer: the hook denies with it
    // Edit, MultiEdit: the file as the edit was applied to it. An approval runs as one edit of
    // this whole text into the approved content, so Claude Code writes what the reviewer saw.
    std::optional<QString> editBase;

    QJsonObject submission(int expiresInSeconds) const; // the POST /v1/actions body
};

// The tool input to run after approval. `changed` lists what the reviewer changed, for the
// model ("command: 'a' -> 'b'"); `error` is set when the approved payload cannot be expressed
// as this tool's input (the hook then denies). `pinned`: the input is rewritten even though the
// reviewer changed nothing (file edits), so it is sent as updatedInput.
struct ToolRewrite {
    QJsonObject toolInput;
    bool unchanged = true;
    bool pinned = false;
    QStringList changed;
    QString error;
};

// Claude Code tools -> Interlock actions: Bash -> shell.exec {command, cwd, background?,
// sandbox_disabled?, and any input field it does not know under its own name}; Write, Edit,
// MultiEdit -> fs.write {path, content} with the diff against the file on disk; WebFetch ->
// http.request; WebSearch -> web.search; mcp__SERVER__TOOL -> mcp.tool_call {server, tool,
// arguments}; Task/Agent -> agent.spawn (the whole input); Skill, SlashCommand -> claude.skill
// {skill, args, files[{path, content}]}; anything else -> claude.tool {tool, input}.
class ClaudeToolMapping
{
public:
    static ActionDraft map(const HookInput &input);
    static ToolRewrite rewrite(const HookInput &input, const ActionDraft &draft,
                               const QJsonObject &approvedPayload);

    // Limits that keep a submission under the server's 1 MiB body.
    static constexpr qsizetype kMaxDiffSide = 512 * 1024;    // characters per side of a diff
    static constexpr qint64 kMaxFileBytes = 4 * 1024 * 1024; // files read for a diff
    static constexpr qsizetype kMaxSubmission = 960 * 1024;  // bytes of the whole body
};

// One line of at most maxChars, control characters turned into spaces (titles, targets).
QString singleLine(const QString &text, int maxChars);
// Multi-line text with control characters other than \n \t \r removed, at most maxChars.
QString multiLine(const QString &text, int maxChars);

} // namespace interlock::integrations
