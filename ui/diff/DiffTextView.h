#pragma once

#include "DiffModel.h"
#include "SyntaxColors.h"

#include <QPlainTextEdit>
#include <functional>
#include <vector>

namespace interlock::ui {

// A read-only text view of diff rows. Row backgrounds and changed words are painted under the
// text, for the visible rows only (10,000-line diffs scroll without cost); syntax colours, when
// they arrive, are character formats on top. Text is always plain: nothing agent-written is
// ever interpreted as markup. Every row is laid out left to right whatever letters it holds
// (right-to-left letters never reorder a command), and long rows wrap: the line numbers are
// drawn in a margin of their own, beside the text, with ↪ on a row's continuation lines, so
// nothing of a row is ever out of sight to the right.
class DiffTextView : public QPlainTextEdit
{
    Q_OBJECT
public:
    struct Row {
        DiffLine::Kind kind = DiffLine::Kind::Context;
        bool filler = false;                // side by side: a gap opposite an added/removed row
        QList<std::pair<int, int>> changes; // in the row's text, after the gutter
        int file = -1;                      // index of the file the row belongs to
        int sideLine = -1; // index among its file's old-side or new-side lines (syntax colours)
        bool oldSide = false;
        QString gutter; // line numbers and sign, drawn beside the row's first line
    };

    explicit DiffTextView(QWidget *parent = nullptr);

    // One text block per row; the rows' gutters are at most `gutter` characters wide.
    void setRows(const QString &text, std::vector<Row> rows, int gutter);
    const std::vector<Row> &rows() const { return m_rows; }
    int gutter() const { return m_gutter; }
    // Paints the line-number margin (called by the margin widget).
    void paintGutter(QPaintEvent *event);
    // Scrolls so that the first row of `file` is at the top (also for the last file).
    void showFile(int file);
    int fileAtTop() const;
    // Scrolls so that `row` is at the top; the row at the top.
    void scrollToRow(int row);
    int topRow() const;
    // Syntax colours per row (character formats over the row's text), applied a few hundred
    // rows per event-loop pass so a large diff never blocks the window; highlighted() follows.
    void applySyntax(std::vector<QList<SyntaxSpan>> perRow);
    const std::vector<QList<SyntaxSpan>> &syntax() const { return m_syntax; }

Q_SIGNALS:
    void highlighted();

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    // A copy holds the rows as shown, without the console's layout marks.
    QMimeData *createMimeDataFromSelection() const override;

private:
    // Calls paint(block, its rectangle on screen, its row) for each row visible in `area`, after
    // filling the row's background (across `width`) in its colour.
    void forEachVisibleRow(
        QPainter &painter, const QRect &area, int width,
        const std::function<void(const QTextBlock &, const QRectF &, const Row &)> &paint);
    void applySome();
    void updateGutterWidth();
    int gutterWidth() const;

    std::vector<Row> m_rows;
    std::vector<QList<SyntaxSpan>> m_syntax;
    size_t m_nextRow = 0;
    int m_gutter = 0;
    QWidget *m_gutterArea;
};

} // namespace interlock::ui
