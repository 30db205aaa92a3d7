#include "RevealedText.h"

#include <QAbstractItemView>
#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QFontMetrics>
#include <QJsonArray>
#include <QMimeData>
#include <QPainter>
#include <QRegularExpression>
#include <QScrollBar>
#include <QStyle>
#include <QTextBlock>
#include <QTextCursor>
#include <QTextDocument>
#include <QTextDocumentFragment>

#include <algorithm>

namespace interlock::ui {

QString RevealedText::bounded(const QString &text, qsizetype max)
{
    if (text.size() <= max)
        return text;
    qsizetype cut = max;
    if (text.at(cut - 1).isHighSurrogate())
        --cut;
    return text.left(cut) + tr("… (+%n characters)", nullptr, int(text.size() - cut));
}

QString RevealedText::plain(const QString &text, HiddenText::Lines lines, qsizetype max)
{
    const QString cut = bounded(text, max);
    if (HiddenText::isClean(cut, lines))
        return cut;
    return HiddenText::revealed(cut, lines);
}

QString RevealedText::toolTip(const QString &text)
{
    if (text.isEmpty())
        return {};
    QString escaped = text.toHtmlEscaped();
    escaped.replace(u'\n', QStringLiteral("<br>"));
    return QStringLiteral("<qt><span style=\"white-space:pre-wrap\">") + escaped +
           QStringLiteral("</span></qt>");
}

namespace {
constexpr char16_t kLeftToRightOverride = 0x202D;
constexpr char16_t kPopDirectionalFormatting = 0x202C;
constexpr int kMaxMarkedRuns = 200; // right-to-left runs marked in one document

// A placeholder opening at `open` (⟨U+202E⟩, or a blank run's ⟪240 spaces⟫): its length, or 0.
qsizetype placeholderAt(QStringView t, qsizetype open)
{
    const bool code = t[open] == u'⟨';
    const QChar closing = code ? u'⟩' : u'⟫';
    constexpr qsizetype kLongest = 24; // ⟪2147483647 × U+00A0⟫
    const qsizetype end = qMin(t.size(), open + kLongest);
    for (qsizetype i = open + 1; i < end; ++i) {
        if (t[i] != closing)
            continue;
        const QStringView inside = t.mid(open + 1, i - open - 1);
        const bool ok = code ? inside.size() >= 6 && inside.size() <= 8 && inside.startsWith(u"U+")
                             : !inside.isEmpty() && inside.front().isDigit() &&
                                   (inside.endsWith(u" spaces") || inside.endsWith(u" tabs") ||
                                    inside.endsWith(u" blanks") || inside.contains(u" × U+"));
        return ok ? i - open + 1 : 0;
    }
    return 0;
}
} // namespace

QList<std::pair<int, int>> RevealedText::placeholders(QStringView revealed)
{
    QList<std::pair<int, int>> out;
    for (qsizetype i = 0; i < revealed.size(); ++i) {
        if (revealed[i] != u'⟨' && revealed[i] != u'⟪')
            continue;
        if (const qsizetype length = placeholderAt(revealed, i)) {
            out.append({int(i), int(length)});
            i += length - 1;
        }
    }
    return out;
}

QString RevealedText::inStoredOrder(const QString &revealed)
{
    bool any = false;
    HiddenText::forEachRightToLeft(revealed, [&any](qsizetype, qsizetype, char32_t) {
        any = true;
        return false;
    });
    if (!any)
        return revealed;
    QString out;
    out.reserve(revealed.size() + 64);
    qsizetype start = 0;
    while (start <= revealed.size()) {
        qsizetype end = revealed.indexOf(u'\n', start);
        if (end < 0)
            end = revealed.size();
        const QStringView line = QStringView(revealed).mid(start, end - start);
        bool rtl = false;
        HiddenText::forEachRightToLeft(line, [&rtl](qsizetype, qsizetype, char32_t) {
            rtl = true;
            return false;
        });
        // Three appends: Qt 6.8 has no QChar + QStringView.
        if (rtl)
            out += QChar(kLeftToRightOverride);
        out += line;
        if (rtl)
            out += QChar(kPopDirectionalFormatting);
        if (end < revealed.size())
            out += u'\n';
        start = end + 1;
    }
    return out;
}

QString RevealedText::withoutLayoutMarks(QString text)
{
    text.remove(QChar(kLeftToRightOverride));
    text.remove(QChar(kPopDirectionalFormatting));
    return text;
}

QColor RevealedText::placeholderText()
{
    return QColor(0x86, 0x19, 0x8f); // fuchsia: nothing else in the console uses it
}

QColor RevealedText::placeholderBackground()
{
    return QColor(0xf5, 0xd0, 0xfe);
}

void RevealedText::fill(QTextDocument *doc, const QString &text, HiddenText::Lines lines,
                        const QList<Mark> &marks)
{
    doc->clear();
    const HiddenText::Revealed r = HiddenText::reveal(text, lines);
    // Marks in positions of the revealed text.
    struct Range {
        qsizetype start, end;
        const Mark *mark;
    };
    QList<Range> marked;
    for (const Mark &m : marks) {
        if (m.position < 0 || m.length <= 0 || m.position + m.length > text.size())
            continue;
        marked.append({r.revealedPosition(m.position),
                       r.revealedPosition(m.position + m.length - 1) + 1, &m});
    }
    // Scanned rather than taken from r.spans: text revealed earlier (a title inside a sentence of
    // ours) is coloured too.
    const auto spans = placeholders(r.text);
    QList<qsizetype> cuts{0, r.text.size()};
    for (const auto &[start, length] : spans)
        cuts << start << start + length;
    for (const Range &m : std::as_const(marked))
        cuts << m.start << m.end;
    std::sort(cuts.begin(), cuts.end());
    cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());

    QTextCharFormat placeholder;
    placeholder.setForeground(placeholderText());
    placeholder.setBackground(placeholderBackground());
    placeholder.setToolTip(tr("A hidden character, shown by its code point"));
    QTextCursor cursor(doc);
    const QTextCharFormat normal = cursor.charFormat();
    qsizetype span = 0; // the first placeholder not yet behind us
    // One edit: the document is laid out once at the end. Without it every piece re-laid out the
    // whole paragraph (10,000 x U+202E took minutes: quadratic in the text's length).
    cursor.beginEditBlock();
    // Appended piece by piece, each with its format: plain text, nothing the agent wrote is markup.
    for (qsizetype i = 0; i + 1 < cuts.size(); ++i) {
        const qsizetype a = cuts[i], b = cuts[i + 1];
        if (a >= b || a >= r.text.size())
            continue;
        while (span < spans.size() && spans[span].first + spans[span].second <= a)
            ++span;
        QTextCharFormat f = span < spans.size() && spans[span].first <= a ? placeholder : normal;
        for (const Range &m : std::as_const(marked)) {
            if (m.start <= a && b <= m.end) {
                f.setUnderlineStyle(QTextCharFormat::WaveUnderline);
                f.setUnderlineColor(placeholderText());
                f.setForeground(placeholderText());
                f.setToolTip(toolTip(m.mark->tip)); // it quotes the agent's word
            }
        }
        cursor.insertText(r.text.mid(a, b - a), f);
    }
    if (doc->defaultTextOption().textDirection() == Qt::LeftToRight)
        showInStoredOrder(doc);
    cursor.endEditBlock();
}

// Machine text: each line holding right-to-left letters between U+202D and U+202C (see
// inStoredOrder), its letters marked with what the reviewer sees.
void RevealedText::showInStoredOrder(QTextDocument *doc)
{
    QTextCharFormat rtl;
    rtl.setUnderlineStyle(QTextCharFormat::DashUnderline);
    rtl.setUnderlineColor(placeholderText());
    rtl.setBackground(placeholderBackground());
    rtl.setToolTip(tr("Right-to-left letters, shown left to right in the order they are stored: "
                      "the order a program reads them"));
    int marked = 0;
    for (QTextBlock block = doc->begin(); block.isValid(); block = block.next()) {
        const QString text = block.text();
        // Every such line is laid out in stored order; the first kMaxMarkedRuns runs are marked
        // (a format per run: a million would be a million fragments).
        bool any = false;
        QList<std::pair<qsizetype, qsizetype>> runs;
        HiddenText::forEachRightToLeft(text, [&](qsizetype at, qsizetype length, char32_t) {
            any = true;
            if (marked + runs.size() < kMaxMarkedRuns)
                runs.append({at, length});
            return marked + runs.size() < kMaxMarkedRuns;
        });
        if (!any)
            continue;
        const int start = block.position();
        QTextCursor c(doc);
        for (const auto &[at, length] : std::as_const(runs)) {
            c.setPosition(start + int(at));
            c.setPosition(start + int(at + length), QTextCursor::KeepAnchor);
            c.mergeCharFormat(rtl);
        }
        marked += int(runs.size());
        c.setPosition(start + int(text.size()));
        c.insertText(QString(QChar(kPopDirectionalFormatting)), QTextCharFormat());
        c.setPosition(start);
        c.insertText(QString(QChar(kLeftToRightOverride)), QTextCharFormat());
    }
}

QList<RevealedText::Mark> RevealedText::marks(const QJsonObject &action, const QString &field)
{
    QList<Mark> out;
    for (const QJsonValue &v : action.value(QStringLiteral("hidden_text")).toArray()) {
        const QJsonObject f = v.toObject();
        const QString cls = f.value(QStringLiteral("class")).toString();
        // Marks for what the console's own reveal leaves as text: look-alike words (a mathematical
        // letter, with no word, is revealed as its code point).
        if (f.value(QStringLiteral("field")).toString() != field ||
            (cls != QLatin1String("confusable") && cls != QLatin1String("mixed_script")) ||
            !f.value(QStringLiteral("text")).isString())
            continue;
        Mark m;
        m.position = f.value(QStringLiteral("position")).toInteger();
        m.length = f.value(QStringLiteral("length")).toInteger();
        const QString word = plain(f.value(QStringLiteral("text")).toString());
        m.tip = cls == QLatin1String("confusable")
                    ? tr("Look-alike: “%1” imitates %2")
                          .arg(word, plain(f.value(QStringLiteral("looks_like")).toString()))
                    : tr("Mixed scripts in “%1” (%2)")
                          .arg(word, f.value(QStringLiteral("name")).toString());
        out.append(m);
    }
    return out;
}

QStringList RevealedText::findings(const QJsonObject &action, int max)
{
    const QJsonArray all = action.value(QStringLiteral("hidden_text")).toArray();
    QStringList out;
    for (const QJsonValue &v : all) {
        if (out.size() == max)
            break;
        const QJsonObject f = v.toObject();
        const QString field = plain(f.value(QStringLiteral("field")).toString());
        const QString cls = f.value(QStringLiteral("class")).toString();
        const QString word = plain(f.value(QStringLiteral("text")).toString());
        if (cls == QLatin1String("confusable") && !word.isEmpty())
            out.append(
                tr("%1: look-alike “%2” imitates %3")
                    .arg(field, word, plain(f.value(QStringLiteral("looks_like")).toString())));
        else if (cls == QLatin1String("mixed_script"))
            out.append(tr("%1: “%2” mixes scripts").arg(field, word));
        else if (cls == QLatin1String("blank_run"))
            out.append(tr("%1: %2 blanks in a row at %3, shown as one marker such as ⟪%2 spaces⟫")
                           .arg(field)
                           .arg(f.value(QStringLiteral("length")).toInteger())
                           .arg(f.value(QStringLiteral("position")).toInteger()));
        else if (cls == QLatin1String("right_to_left"))
            out.append(tr("%1: right-to-left letters “%2” at %3, shown left to right in stored "
                          "order")
                           .arg(field, word)
                           .arg(f.value(QStringLiteral("position")).toInteger()));
        else
            out.append(tr("%1: %2 %3 at %4")
                           .arg(field, f.value(QStringLiteral("code_point")).toString(),
                                f.value(QStringLiteral("name")).toString())
                           .arg(f.value(QStringLiteral("position")).toInteger()));
    }
    const qsizetype total =
        qMax<qsizetype>(all.size(), action.value(QStringLiteral("hidden_text_total")).toInteger());
    if (total > out.size())
        out.append(tr("… and %n more", nullptr, int(total - out.size())));
    return out;
}

AgentTextLabel::AgentTextLabel(int maxLines, QWidget *parent)
    : QTextEdit(parent)
    , m_maxLines(maxLines)
{
    setReadOnly(true);
    setAcceptRichText(false);
    setFrameShape(QFrame::NoFrame);
    setLineWrapMode(QTextEdit::WidgetWidth);
    setWordWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setVerticalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    viewport()->setAutoFillBackground(false);
    setStyleSheet(QStringLiteral("QTextEdit { background: transparent; }"));
    document()->setDocumentMargin(1);
    setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);
    fitHeight();
}

void AgentTextLabel::setAgentText(const QString &text, HiddenText::Lines lines,
                                  const QList<RevealedText::Mark> &marks)
{
    constexpr qsizetype kMaxLabel = 2000;
    RevealedText::fill(document(), RevealedText::bounded(text, kMaxLabel), lines, marks);
    fitHeight();
}

void AgentTextLabel::setOwnText(const QString &text)
{
    setPlainText(text);
    fitHeight();
}

QSize AgentTextLabel::sizeHint() const
{
    return {200, height()};
}

QSize AgentTextLabel::minimumSizeHint() const
{
    return {40, height()};
}

void AgentTextLabel::resizeEvent(QResizeEvent *event)
{
    QTextEdit::resizeEvent(event);
    fitHeight();
}

QMimeData *AgentTextLabel::createMimeDataFromSelection() const
{
    auto *data = new QMimeData;
    data->setText(RevealedText::withoutLayoutMarks(textCursor().selection().toPlainText()));
    return data;
}

QMimeData *MachineTextBox::createMimeDataFromSelection() const
{
    auto *data = new QMimeData;
    data->setText(RevealedText::withoutLayoutMarks(textCursor().selection().toPlainText()));
    return data;
}

void AgentTextLabel::fitHeight()
{
    QTextDocument *doc = document();
    doc->setTextWidth(qMax(40, viewport()->width()));
    const int line = fontMetrics().lineSpacing();
    const int wanted = doc->isEmpty() ? line : int(doc->size().height());
    const int h = qMin(wanted, m_maxLines * line + 2) + 2 * frameWidth();
    if (h != height())
        setFixedHeight(h);
}

void layOutLeftToRight(QWidget *widget, QTextDocument *doc)
{
    widget->setLayoutDirection(Qt::LeftToRight);
    QTextOption option = doc->defaultTextOption();
    option.setTextDirection(Qt::LeftToRight);
    doc->setDefaultTextOption(option);
}

void RevealDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                           const QModelIndex &index) const
{
    QStyleOptionViewItem opt(option);
    initStyleOption(&opt, index);
    const QString text = opt.text;
    const auto spans = RevealedText::placeholders(text);
    if (spans.isEmpty()) {
        QStyledItemDelegate::paint(painter, option, index);
        return;
    }
    const QWidget *widget = opt.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();
    opt.text.clear();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);
    const int margin = style->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, widget) + 1;
    const QRect rect = style->subElementRect(QStyle::SE_ItemViewItemText, &opt, widget)
                           .adjusted(margin, 0, -margin, 0);
    painter->save();
    painter->setClipRect(rect);
    painter->setFont(opt.font);
    const QFontMetrics fm(opt.font);
    const QColor normal = opt.palette.color(QPalette::Normal, (opt.state & QStyle::State_Selected)
                                                                  ? QPalette::HighlightedText
                                                                  : QPalette::Text);
    int x = rect.left();
    const int baseline = rect.top() + (rect.height() - fm.height()) / 2 + fm.ascent();
    int from = 0;
    auto draw = [&](int start, int length, bool hidden) {
        const QString part = text.mid(start, length).replace(u'\n', u' ');
        const int w = fm.horizontalAdvance(part);
        if (hidden) {
            painter->fillRect(QRect(x, rect.top() + 1, w, rect.height() - 2),
                              RevealedText::placeholderBackground());
            painter->setPen(RevealedText::placeholderText());
        } else {
            painter->setPen(normal);
        }
        painter->drawText(x, baseline, part);
        x += w;
    };
    for (const auto &[start, length] : spans) {
        if (x > rect.right())
            break;
        if (start > from)
            draw(from, start - from, false);
        draw(start, length, true);
        from = start + length;
    }
    if (x <= rect.right() && from < text.size())
        draw(from, int(qMin<qsizetype>(text.size() - from, 2000)), false);
    painter->restore();
}

QSize RevealDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QSize s = QStyledItemDelegate::sizeHint(option, index);
    s.setWidth(qMin(s.width(), 600)); // agent text never asks for a wider column than this
    return s;
}

void installRevealedCopy(QAbstractItemView *view)
{
    auto *copy = new QAction(RevealedText::tr("Copy"), view);
    copy->setShortcut(QKeySequence::Copy);
    copy->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    QObject::connect(copy, &QAction::triggered, view, [view] {
        const QModelIndex current = view->currentIndex();
        if (!current.isValid())
            return;
        const QAbstractItemModel *m = view->model();
        QStringList cells;
        for (int c = 0; c < m->columnCount(); ++c) {
            const QModelIndex i = m->index(current.row(), c);
            cells.append(RevealedText::plain(i.data().toString(), HiddenText::Lines::Single));
        }
        QApplication::clipboard()->setText(cells.join(u'\t'));
    });
    view->addAction(copy);
    view->setContextMenuPolicy(Qt::ActionsContextMenu);
}

} // namespace interlock::ui
