#pragma once

#include "core/HiddenText.h"

#include <QCoreApplication>
#include <QJsonObject>
#include <QList>
#include <QPlainTextEdit>
#include <QString>
#include <QStyledItemDelegate>
#include <QTextEdit>

class QAbstractItemView;
class QMimeData;
class QTextDocument;

namespace interlock::ui {

// Agent text as the console shows it (issue #15): every hidden character (bidi control,
// zero-width, control, escape) replaced by a marked placeholder such as ⟨U+202E⟩, drawn in a
// distinct colour; look-alike words the server found (hidden_text: confusable, mixed_script)
// underlined with a tooltip. What a reviewer copies is this revealed form.
class RevealedText
{
    Q_DECLARE_TR_FUNCTIONS(RevealedText)

public:
    // A range of the original text the server flagged as look-alike, with what to say about it.
    struct Mark {
        qsizetype position = 0;
        qsizetype length = 0;
        QString tip;
    };

    // The revealed text, for item models (the display role) and copies; cut after `max`
    // characters of the original ("… (+N characters)"): a cell never lays out a novel.
    static QString plain(const QString &text, HiddenText::Lines lines = HiddenText::Lines::Single,
                         qsizetype max = 1000);
    // A tooltip showing `text` exactly as written. QToolTip (and a text format's tooltip) takes
    // anything that looks like markup for rich text: an agent's "<table bgcolor=…>" drew a badge
    // of its own. This is always rich text, with `text` escaped, white space kept and newlines as
    // line breaks, so no character of it is ever read as markup. Empty for empty text.
    static QString toolTip(const QString &text);
    // `text` cut after `max` characters with how many more there are.
    static QString bounded(const QString &text, qsizetype max);
    // Machine text as the console lays it out: each line holding right-to-left letters (Hebrew,
    // Arabic…) between U+202D LEFT-TO-RIGHT OVERRIDE and U+202C POP DIRECTIONAL FORMATTING, so
    // every character of it is drawn left to right in the order it is stored, the order a
    // program reads it. Without, "rm (alef) 1 2 /x" drew its 2 before its 1 though the paragraph
    // was left to right. Apply to revealed text only: raw U+202D/U+202C of the agent are
    // placeholders by then, so these two are always the console's own.
    static QString inStoredOrder(const QString &revealed);
    // `text` without the console's own layout marks (what a copy of shown text holds).
    static QString withoutLayoutMarks(QString text);
    // Where placeholders (⟨U+202E⟩, ⟪240 spaces⟫) are in already revealed text: (start, length)
    // pairs.
    static QList<std::pair<int, int>> placeholders(QStringView revealed);
    static QColor placeholderText();
    static QColor placeholderBackground();

    // Replaces `doc`'s content by `text` revealed, placeholders coloured and `marks` underlined.
    // In a document laid out left to right (layOutLeftToRight: machine text), lines with
    // right-to-left letters are shown in stored order (inStoredOrder) and the letters marked.
    static void fill(QTextDocument *doc, const QString &text, HiddenText::Lines lines,
                     const QList<Mark> &marks = {});
    // Lays the lines of `doc` holding right-to-left letters out in stored order, the letters
    // marked (part of fill() for machine text).
    static void showInStoredOrder(QTextDocument *doc);
    // The look-alike findings of `action.hidden_text` for one field ("title", "summary"…).
    static QList<Mark> marks(const QJsonObject &action, const QString &field);
    // One line per finding of `action.hidden_text` ("title: U+202E RIGHT-TO-LEFT OVERRIDE at 14"),
    // at most `max`, then how many more; empty when the action holds none.
    static QStringList findings(const QJsonObject &action, int max = 8);
};

// A read-only, frameless text for agent-written labels (title, target, reasons): revealed,
// coloured, wrapped anywhere (a 10,000-character word never widens the window), at most
// `maxLines` high with a scroll bar beyond, copyable with Ctrl+C and the context menu.
class AgentTextLabel : public QTextEdit
{
    Q_OBJECT
public:
    explicit AgentTextLabel(int maxLines = 4, QWidget *parent = nullptr);
    // Agent text, revealed; at most 2,000 characters of it (a label, not a document).
    void setAgentText(const QString &text, HiddenText::Lines lines = HiddenText::Lines::Single,
                      const QList<RevealedText::Mark> &marks = {});
    // Text of our own (translated, never agent-written).
    void setOwnText(const QString &text);
    QString text() const { return toPlainText(); }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void resizeEvent(QResizeEvent *event) override;
    QMimeData *createMimeDataFromSelection() const override;

private:
    void fitHeight();
    int m_maxLines;
};

// A read-only box of machine text (the payload's JSON): a copy leaves out the console's own
// layout marks (RevealedText::inStoredOrder).
class MachineTextBox : public QPlainTextEdit
{
    Q_OBJECT
public:
    using QPlainTextEdit::QPlainTextEdit;

protected:
    QMimeData *createMimeDataFromSelection() const override;
};

// Lays `doc`, shown by `widget`, out left to right whatever letters it holds: for machine text
// (commands, paths, JSON, diffs, targets). By default Qt gives each paragraph the direction of
// its first strong letter, so one Hebrew or Arabic letter first made a line right to left and
// drew its commands in reverse order (UI red team, F7). Prose (titles, summaries) keeps Qt's
// choice, so a Hebrew or Arabic sentence still reads as it should.
void layOutLeftToRight(QWidget *widget, QTextDocument *doc);

// Paints the display text of an item view with its placeholders coloured; elides long text.
class RevealDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;
};

// Ctrl+C and a context menu "Copy" on a table: the current row's cells as shown (revealed),
// tab-separated.
void installRevealedCopy(QAbstractItemView *view);

} // namespace interlock::ui
