#pragma once

#include <QColor>
#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>
#include <functional>

namespace interlock::ui {

// A coloured stretch of one line.
struct SyntaxSpan {
    int start = 0;
    int length = 0;
    QColor color;
    bool bold = false;
    bool italic = false;
};
using LineSpans = QList<SyntaxSpan>;

// Syntax colours from KDE's KSyntaxHighlighting. Debian 12 ships only its Qt 5 library, so the
// console runs KDE's own command-line highlighter (ksyntaxhighlighter6 or kate-syntax-
// highlighter) as a separate process and maps its HTML onto spans; without it, diffs stay in
// plain diff colours. Nothing here blocks the GUI thread: the process runs asynchronously and
// its output is parsed on a worker thread.
class SyntaxColors : public QObject
{
    Q_OBJECT
public:
    explicit SyntaxColors(QObject *parent = nullptr);
    ~SyntaxColors() override; // stops highlighters still running

    // The highlighter found on this machine, or empty.
    static QString program();
    bool available() const { return !m_program.isEmpty(); }

    // Colours `lines` as `language` (a KSyntaxHighlighting definition name). `done` runs on
    // this object's thread with one LineSpans per input line (empty on any failure).
    void highlight(const QString &language, const QStringList &lines,
                   std::function<void(QList<LineSpans>)> done);

    // Parses the highlighter's HTML output (exposed for tests).
    static QList<LineSpans> parseHtml(const QByteArray &html);

private:
    QString m_program;
};

} // namespace interlock::ui
