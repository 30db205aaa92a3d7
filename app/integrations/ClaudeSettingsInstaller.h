#pragma once

#include <QJsonObject>
#include <QStringList>

namespace interlock::integrations {

// `interlockctl hook claude-code --install`: adds (or updates) the Interlock PreToolUse hook in a
// Claude Code settings file and keeps everything else in it. Exec form (no shell):
//   {"hooks":{"PreToolUse":[{"matcher":"*","hooks":[{"type":"command",
//     "command":"/usr/bin/interlockctl","args":["hook","claude-code"],"timeout":3600}]}]}}
class ClaudeSettingsInstaller
{
public:
    struct Entry {
        QString command;  // absolute path of interlockctl
        QStringList args; // "hook", "claude-code" and the hook's options
        int timeoutSeconds = 3600;
    };
    struct Outcome {
        QJsonObject settings; // the merged settings
        bool changed = false;
        QStringList report; // what changed, for the person running it
        QString error;
    };

    // Merges `entry` into `settings`: an existing Interlock hook (any command ending in
    // interlockctl with args starting "hook claude-code", or such a shell command) is updated in
    // place, otherwise a new PreToolUse group {"matcher":"*"} is appended.
    static Outcome merge(const QJsonObject &settings, const Entry &entry);
    // Removes every Interlock hook entry (and groups left empty).
    static Outcome remove(const QJsonObject &settings);

    // Reads `path` (missing: {}), merges or removes, writes it back (a copy of the old file as
    // PATH.bak) unless dryRun. The report names the file.
    static Outcome apply(const QString &path, const Entry &entry, bool uninstall, bool dryRun);

    static bool isInterlockHook(const QJsonObject &hook);
};

} // namespace interlock::integrations
