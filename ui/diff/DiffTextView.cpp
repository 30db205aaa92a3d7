#include "DiffTextView.h"

#include "../RevealedText.h"

#include <QFontDatabase>
#include <QMimeData>
#include <QPainter>
#include <QScrollBar>
#include <QTextBlock>
#include <QTextDocumentFragment>
#include <QTextLayout>
#include <QTimer>

namespace interlock::ui {

namespace {
QColor rowColor(const DiffTextView::Row &row, bool dark)
{
    if (row.filler)
        return dark ? QColor(40, 40, 40) : QColor(240, 240, 240);
    switch (row.kind) {
    case DiffLine::Kind::Added:
        return dark ? QColor(30, 70, 40) : QColor(221, 255, 221);
    case DiffLine::Kind::Removed:
        return dark ? QColor(85, 35, 35) : QColor(255, 221, 221);
    case DiffLine::Kind::Hunk:
        return dark ? QColor(35, 50, 80) : QColor(226, 236, 250);
    default:
        return {};
    }
}

QColor wordColor(const DiffTextView::Row &row, bool dark)
{
    return row.kind == DiffLine::Kind::Added ? (dark ? QColor(40, 120, 60) : QColor(160, 240, 160))
                                             : (dark ? QColor(140, 50, 50) : QColor(255, 170, 170));
}

// Fills the part of a (wrapped) block's text from `start`, `length` characters long, on each of
// its lines.
void fillText(QPainter &painter, const QTextBlock &block, const QRectF &at, int start, int length,
              const QColor &color)
{
    const QTextLayout *layout = block.layout();
    for (int i = 0; i < layout->lineCount(); ++i) {
        const QTextLine line = layout->lineAt(i);
        const int from = qMax(start, line.textStart());
        const int to = qMin(start + length, line.textStart() + line.textLength());
        if (from >= to)
            continue;
        const qreal x1 = line.cursorToX(from), x2 = line.cursorToX(to);
        painter.fillRect(
            QRectF(at.left() + qMin(x1, x2), at.top() + line.y(), qAbs(x2 - x1), line.height()),
            color);
    }
}

// The margin left of the text where the rows' line numbers are drawn.
class GutterArea : public QWidget
{
public:
    explicit GutterArea(DiffTextView *view)
        : QWidget(view)
        , m_view(view)
    {}

protected:
    void paintEvent(QPaintEvent *event) override { m_view->paintGutter(event); }

private:
    DiffTextView *m_view;
};
} // namespace

DiffTextView::DiffTextView(QWidget *parent)
    : QPlainTextEdit(parent)
    , m_gutterArea(new GutterArea(this))
{
    setReadOnly(true);
    // Long rows wrap: a command's tail after 240 spaces was out of sight to the right (UI red
    // team, F1). The line numbers are in a margin, so continuation lines start beside them.
    setLineWrapMode(QPlainTextEdit::WidgetWidth);
    setWordWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    // Commands, paths and code read left to right whatever letters they hold: by default Qt lays
    // a row out right to left when its first strong letter is Hebrew or Arabic, and
    // ": א ; rm -rf /srv/data ; : ב ; tar czf …" was drawn with the tar first (F7).
    layOutLeftToRight(this, document());
    connect(this, &QPlainTextEdit::updateRequest, m_gutterArea, [this](const QRect &rect, int dy) {
        if (dy)
            m_gutterArea->scroll(0, dy);
        else
            m_gutterArea->update(0, rect.y(), m_gutterArea->width(), rect.height());
    });
    setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    setUndoRedoEnabled(false);
    // Any row can be scrolled to the top, the last ones too: per-file navigation puts a file's
    // first row at the top even when what follows it is shorter than the view (without this the
    // scroll range ends a view's height before the end, and a short last file is out of reach).
    setCenterOnScroll(true);
}

void DiffTextView::setRows(const QString &text, std::vector<Row> rows, int gutter)
{
    m_syntax.clear();
    m_nextRow = 0;
    m_rows = std::move(rows);
    m_gutter = gutter;
    setPlainText(text);
    updateGutterWidth();
}

int DiffTextView::gutterWidth() const
{
    return m_gutter > 0 ? fontMetrics().horizontalAdvance(QString(m_gutter + 1, u'0')) : 0;
}

void DiffTextView::updateGutterWidth()
{
    setViewportMargins(gutterWidth(), 0, 0, 0);
    const QRect area = contentsRect();
    m_gutterArea->setGeometry(area.left(), area.top(), gutterWidth(), area.height());
    m_gutterArea->update();
}

QMimeData *DiffTextView::createMimeDataFromSelection() const
{
    auto *data = new QMimeData;
    data->setText(RevealedText::withoutLayoutMarks(textCursor().selection().toPlainText()));
    return data;
}

void DiffTextView::resizeEvent(QResizeEvent *event)
{
    QPlainTextEdit::resizeEvent(event);
    updateGutterWidth();
}

void DiffTextView::forEachVisibleRow(
    QPainter &painter, const QRect &area, int width,
    const std::function<void(const QTextBlock &, const QRectF &, const Row &)> &paint)
{
    const bool dark = palette().color(QPalette::Base).lightness() < 128;
    const QPointF offset = contentOffset();
    for (QTextBlock block = firstVisibleBlock(); block.isValid(); block = block.next()) {
        const QRectF r = blockBoundingGeometry(block).translated(offset);
        if (r.top() > area.bottom())
            break;
        const size_t index = size_t(block.blockNumber());
        if (index >= m_rows.size())
            break;
        const Row &row = m_rows[index];
        if (const QColor bg = rowColor(row, dark); bg.isValid())
            painter.fillRect(QRectF(0, r.top(), width, r.height()), bg);
        paint(block, r, row);
    }
}

void DiffTextView::paintGutter(QPaintEvent *event)
{
    QPainter painter(m_gutterArea);
    painter.setLayoutDirection(Qt::LeftToRight);
    painter.setFont(font());
    painter.fillRect(event->rect(), palette().color(QPalette::Base));
    painter.setPen(palette().color(QPalette::Text));
    const int width = m_gutterArea->width();
    forEachVisibleRow(
        painter, event->rect(), width,
        [&](const QTextBlock &block, const QRectF &r, const Row &row) {
            const QTextLayout *layout = block.layout();
            const int lines = layout ? layout->lineCount() : 0;
            // A row's continuation lines: ↪ where the sign is, so none passes for
            // a row of its own.
            const QString more = row.gutter.isEmpty()
                                     ? QString()
                                     : QString(row.gutter.size() - 1, u' ') + QChar(0x21AA);
            for (int i = 0; i < qMax(1, lines); ++i) {
                const QTextLine line = lines ? layout->lineAt(i) : QTextLine();
                const QRectF at(2, r.top() + (lines ? line.y() : 0), width - 2,
                                lines ? line.height() : r.height());
                painter.drawText(at, Qt::AlignLeft | Qt::AlignTop, i == 0 ? row.gutter : more);
            }
        });
}

void DiffTextView::applySyntax(std::vector<QList<SyntaxSpan>> perRow)
{
    m_syntax = std::move(perRow);
    m_nextRow = 0;
    QTimer::singleShot(0, this, &DiffTextView::applySome);
}

void DiffTextView::applySome()
{
    constexpr size_t kRowsPerPass = 400;
    QTextDocument *doc = document();
    QTextBlock block = doc->findBlockByNumber(int(m_nextRow));
    const size_t end = qMin(m_syntax.size(), m_nextRow + kRowsPerPass);
    for (; m_nextRow < end && block.isValid(); ++m_nextRow, block = block.next()) {
        const QList<SyntaxSpan> &spans = m_syntax[m_nextRow];
        if (spans.isEmpty())
            continue;
        QList<QTextLayout::FormatRange> ranges;
        ranges.reserve(spans.size());
        for (const SyntaxSpan &s : spans) {
            QTextLayout::FormatRange r;
            r.start = s.start;
            r.length = s.length;
            if (s.color.isValid())
                r.format.setForeground(s.color);
            if (s.bold)
                r.format.setFontWeight(QFont::Bold);
            if (s.italic)
                r.format.setFontItalic(true);
            ranges.append(r);
        }
        block.layout()->setFormats(ranges);
        doc->markContentsDirty(block.position(), block.length());
    }
    if (m_nextRow < m_syntax.size() && block.isValid())
        QTimer::singleShot(0, this, &DiffTextView::applySome);
    else {
        m_nextRow = m_syntax.size();
        viewport()->update();
        Q_EMIT highlighted();
    }
}

void DiffTextView::showFile(int file)
{
    for (size_t i = 0; i < m_rows.size(); ++i) {
        if (m_rows[i].file == file) {
            scrollToRow(int(i));
            return;
        }
    }
}

void DiffTextView::scrollToRow(int row)
{
    // The scroll bar counts lines, and a wrapped row has several.
    const QTextBlock block = document()->findBlockByNumber(row);
    if (block.isValid())
        verticalScrollBar()->setValue(block.firstLineNumber());
}

int DiffTextView::topRow() const
{
    return firstVisibleBlock().blockNumber();
}

int DiffTextView::fileAtTop() const
{
    const int top = firstVisibleBlock().blockNumber();
    return top >= 0 && size_t(top) < m_rows.size() ? m_rows[size_t(top)].file : -1;
}

void DiffTextView::paintEvent(QPaintEvent *event)
{
    {
        QPainter painter(viewport());
        const bool dark = palette().color(QPalette::Base).lightness() < 128;
        forEachVisibleRow(painter, event->rect(), viewport()->width(),
                          [&](const QTextBlock &block, const QRectF &r, const Row &row) {
                              if (!block.layout() || block.layout()->lineCount() == 0)
                                  return;
                              for (const auto &[start, length] : row.changes)
                                  fillText(painter, block, r, start, length, wordColor(row, dark));
                              // Hidden characters, revealed as ⟨U+202E⟩, in their own colour (issue
                              // #15).
                              const QString text = block.text();
                              for (const auto &[start, length] : RevealedText::placeholders(text))
                                  fillText(painter, block, r, start, length,
                                           RevealedText::placeholderBackground());
                              // Right-to-left letters, drawn in stored order: tinted too.
                              HiddenText::forEachRightToLeft(
                                  text, [&](qsizetype at, qsizetype length, char32_t) {
                                      fillText(painter, block, r, int(at), int(length),
                                               RevealedText::placeholderBackground());
                                      return true;
                                  });
                          });
    }
    QPlainTextEdit::paintEvent(event);
}

} // namespace interlock::ui
