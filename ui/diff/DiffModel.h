#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <utility>

namespace interlock::ui {

// One line of a diff as both views draw it.
struct DiffLine {
    enum class Kind : quint8 { Context, Added, Removed, Hunk, Note };
    Kind kind = Kind::Context;
    int oldNumber = 0; // 0: the line has no number on that side
    int newNumber = 0;
    QString text;
    QList<std::pair<int, int>> changes; // intra-line: (start, length) of changed words in text
};

struct DiffFile {
    QString path;
    QString language; // a KSyntaxHighlighting definition name, or empty
    QList<DiffLine> lines;
    int added = 0;
    int removed = 0;
};

// The one diff model both views (unified, side by side) render. Built by the functions below,
// which are pure and thread-safe: large diffs are built on a worker thread.
struct DiffDocument {
    QList<DiffFile> files;
    bool truncated = false; // the input was larger than the limits; the rest is not shown

    int added() const;
    int removed() const;
};

struct DiffLimits {
    int maxLines = 200'000;   // lines in all files together
    int maxLineLength = 4000; // longer lines are cut (and marked) for display
    int contextLines = 3;
    bool wholeWhenUnchanged = false; // identical texts: show them whole instead of nothing
};

// An action's `changes` ([{path, language?, before, after}]) or `diff` (unified text).
DiffDocument diffForAction(const QJsonObject &action, const DiffLimits &limits = {});
DiffDocument diffOfTexts(const QString &path, const QString &language, const QString &before,
                         const QString &after, const DiffLimits &limits = {});
DiffDocument parseUnifiedDiff(const QString &text, const DiffLimits &limits = {});
// Marks changed words inside paired removed/added lines.
void markIntraLine(DiffFile &file);
// The KSyntaxHighlighting definition for a file name ("Python" for x.py), or empty.
QString languageForPath(const QString &path);

} // namespace interlock::ui
