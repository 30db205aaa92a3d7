#pragma once

#include <QString>

namespace interlock::integrations {

// A file as it is on disk, read for a diff.
struct FileSnapshot {
    bool exists = false;
    QString text;    // valid when problem is empty
    QString problem; // "is not UTF-8 text", "is larger than 4 MiB", "cannot be read: …"
};

FileSnapshot readTextFile(const QString &path, qint64 maxBytes);

struct EditResult {
    QString after;
    QString error; // why Claude Code's Edit would fail on this file
};

// Claude Code's Edit semantics: old_string must occur exactly once unless replace_all; an empty
// old_string creates a file that does not exist (or is empty); an empty new_string removes
// old_string with the line break that follows it, where one does.
EditResult applyEdit(const FileSnapshot &file, const QString &before, const QString &oldString,
                     const QString &newString, bool replaceAll);

// The language name for a diff's syntax colours, from the file name ("" when unknown).
QString languageOf(const QString &path);

} // namespace interlock::integrations
