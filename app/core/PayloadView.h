#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QStringList>
#include <optional>

namespace interlock {

// Whether what the reviewer is shown is what will run (issue #15, "what you see is what runs").
struct ViewCheck {
    enum class Status {
        Derived,   // the view comes from the payload (the agent's changes/diff, if any, second)
        Matches,   // the agent's changes/diff agree with the payload
        Mismatch,  // the agent's changes/diff disagree with the payload: never trust them
        Partial,   // fs.write: the agent's diff agrees where it shows the file, but it shows only
                   // some of the lines that will be written (shownLines of totalLines)
        Unchecked, // the kind gives no way to check: the agent's view is its own claim
    };
    Status status = Status::Unchecked;
    QStringList paths;         // Mismatch: the paths whose shown content is not what will run
    QString message;           // one sentence for the reviewer
    QStringList claimed;       // payload fields that are the agent's claims, not facts
                               // (acl.change: payload.grants_before)
    QStringList runsWith;      // shell.exec: the settings it runs with (PayloadView::runsWith)
    qsizetype shownLines = -1; // fs.write with a diff: the written lines its hunks show
    qsizetype totalLines = -1; // fs.write with a diff: the lines that will be written

    // {"status", "paths", "message", "claimed"?, "runs_with"?, "shown_lines"?, "total_lines"?}
    QJsonObject toJson() const;
    static QString statusName(Status status);
};

// The view of a payload a reviewer should see, and the check of the agent's own view against it.
// Shared by the server (scoring, view_check) and the console (display, the `seen` hashes).
class PayloadView
{
public:
    // fs.write, acl.change, message.post, email.send, sql.exec, shell.exec.
    static bool isDerivable(const QString &kind);
    // What the payload does, as `changes` items [{path, language?, before?, after}]; empty for
    // other kinds. fs.write: {path, after: content}; acl.change: {path: resource, before/after:
    // one "principal access" line per grant (before as the agent claims it)}; message.post:
    // {path: channel, after: text}; email.send: {path: "email", after: To/Cc/Bcc/Subject lines, a
    // blank line and the body}; sql.exec: {path: database, language: SQL, after: statement};
    // shell.exec: {path: host, cwd or "shell", language: Bash, after: command}, then, when it
    // runs with settings, {path: "runs with", after: runsWith() one per line}.
    static QJsonArray derivedChanges(const QString &kind, const QJsonObject &payload);
    // shell.exec: what else in the payload changes what runs, where or how: every field but a
    // string `command` and `cwd` (and `cwd` too when `host` is set: the view's path is the host),
    // one line each ("host: db-1", "elevated: true", "env LD_PRELOAD=/tmp/x.so", unknown fields
    // verbatim as "name: JSON"); empty for a plain {command, cwd} and for other kinds.
    static QStringList runsWith(const QString &kind, const QJsonObject &payload);
    static ViewCheck check(const QString &kind, const QJsonObject &payload,
                           const QJsonArray &changes, const std::optional<QString> &diff);

    // The `seen.view_sha256` of a decision: lower-case hex SHA-256 of the canonical JSON of
    // the `changes` array shown (the agent's, or derivedChanges()), or of the UTF-8 bytes of the
    // unified diff text shown.
    static QString viewSha256(const QJsonArray &changes);
    static QString viewSha256(const QString &diff);
};

} // namespace interlock
