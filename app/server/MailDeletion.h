#pragma once

#include <QJsonObject>
#include <QString>

namespace interlock {

// E-mail deleted by an action that is not an `email.delete`: mail CLIs inside shell commands
// (gog gmail trash|delete|batch delete|batch modify --add TRASH, himalaya message delete, mutt
// delete patterns, IMAP STORE \Deleted, notmuch … | xargs rm), Gmail API calls (batchDelete,
// trash, DELETE) and MCP tools that delete mail. Issue #13: the e-mail incident arrives as a
// shell command from OpenClaw, and must score as bulk deletion with the count of messages.
struct MailDeletion {
    bool found = false;
    qint64 count = 0;      // messages named by id or range
    bool bySearch = false; // plus every message a search, pattern or variable selects (unknown)
    QString tool;          // what deletes them, e.g. "gog gmail batch delete"
    QString selection;     // the search or pattern, shortened, when bySearch

    // Reads an action's payload by kind (shell.exec, http.request, mcp.tool_call).
    static MailDeletion fromAction(const QString &kind, const QJsonObject &payload);
    static MailDeletion fromCommand(const QString &command);
    static MailDeletion fromHttp(const QString &method, const QString &url, const QString &body);
    static MailDeletion fromToolCall(const QString &tool, const QJsonObject &arguments);
};

} // namespace interlock
