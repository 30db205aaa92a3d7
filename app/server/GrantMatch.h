#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace interlock {

// What a standing grant compares, for one action: the canonical facts that matter for its
// kind, exactly (docs/safety.md "Standing grants").
//   shell.exec    the argument vector of `command` (ShellWords; never a wrapper), `cwd`
//                 normalised, every other payload field as it is
//   fs.write      `path` normalised (absolute, no . or .. segments), every other payload field
//                 but `content` as it is
//   mcp.tool_call `server`, `tool`, and the chosen argument names with their values (or all
//                 arguments, exactly, when none are chosen); `annotations` are the MCP server's
//                 own claims and are ignored
// plus, for every kind, the agent, the kind and the action's `target`. Other kinds cannot be
// granted.
struct GrantMatch {
    // The reviewer's choice (the grant's "match" object): for mcp.tool_call an optional
    // {"arguments": [names]}; for the other kinds it must be empty.
    struct Spec {
        QStringList arguments; // mcp.tool_call only; empty: all arguments, exactly
    };

    QString refusal;   // empty when the action can be compared
    QJsonObject facts; // shown in the grant list
    QByteArray key;    // SHA-256 (hex) of the canonical facts
    QByteArray bucket; // coarser key (agent, kind, target, and mcp server + tool): lookup index

    bool ok() const { return refusal.isEmpty(); }

    static bool grantable(const QString &kind);
    // Reads the "match" object of a grant request for an action of `kind`; empty on success,
    // else the reason (422).
    static QString readSpec(const QString &kind, const QJsonObject &match, Spec *out);
    // The facts of `action` (the API JSON: agent, kind, target, payload) under `spec`.
    static GrantMatch of(const QJsonObject &action, const Spec &spec);
    static QJsonObject specJson(const Spec &spec);
    static Spec specFrom(const QJsonObject &json);
};

// An absolute path with empty and "." segments removed; refuses relative paths, ".." segments
// and control characters (the server cannot resolve symbolic links on the agent's host, so the
// path is compared as the exact canonical string).
QString normalisedPath(const QString &path, QString *refusal);

} // namespace interlock
