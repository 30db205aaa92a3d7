#include "DiffTextView.h"

#include "../RevealedText.h"

#include <QFontDatabase>
#include <QPainter>
#include <QScrollBar>
#include <QTextBlock>
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
} // namespace

DiffTextView::DiffTextView(QWidget *parent)
    : QPlainTextEdit(parent)
{
    setReadOnly(true);
    setLineWrapMode(QPlainTextEdit::NoWrap);
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
            r.start = m_gutter + s.start;
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
            verticalScrollBar()->setValue(int(i));
            return;
        }
    }
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
        const QPointF offset = contentOffset();
        const int width = viewport()->width();
        for (QTextBlock block = firstVisibleBlock(); block.isValid(); block = block.next()) {
            const QRectF r = blockBoundingGeometry(block).translated(offset);
            if (r.top() > event->rect().bottom())
                break;
            const size_t index = size_t(block.blockNumber());
            if (index >= m_rows.size())
                break;
            const Row &row = m_rows[index];
            const QColor bg = rowColor(row, dark);
            if (bg.isValid())
                painter.fillRect(QRectF(0, r.top(), width, r.height()), bg);
            if (!block.layout() || block.layout()->lineCount() == 0)
                continue;
            const QTextLine line = block.layout()->lineAt(0);
            for (const auto &[start, length] : row.changes) {
                const qreal x1 = line.cursorToX(m_gutter + start);
                const qreal x2 = line.cursorToX(m_gutter + start + length);
                painter.fillRect(QRectF(r.left() + x1, r.top(), x2 - x1, r.height()),
                                 wordColor(row, dark));
            }
            // Hidden characters, revealed as ⟨U+202E⟩, in their own colour (issue #15).
            for (const auto &[start, length] : RevealedText::placeholders(block.text())) {
                const qreal x1 = line.cursorToX(start);
                const qreal x2 = line.cursorToX(start + length);
                painter.fillRect(QRectF(r.left() + x1, r.top(), x2 - x1, r.height()),
                                 RevealedText::placeholderBackground());
            }
        }
    }
    QPlainTextEdit::paintEvent(event);
}

} // namespace interlock::ui
