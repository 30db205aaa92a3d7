#include "DiffView.h"

#include "../RevealedText.h"
#include "core/HiddenText.h"

#include <QJsonArray>

#include <QAction>
#include <QButtonGroup>
#include <QComboBox>
#include <QCoreApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QPointer>
#include <QScrollBar>
#include <QSplitter>
#include <QStackedWidget>
#include <QThreadPool>
#include <QToolButton>
#include <QVBoxLayout>

namespace interlock::ui {

namespace {
using Kind = DiffLine::Kind;

QString number(int n, int width)
{
    return n > 0 ? QString::number(n).rightJustified(width) : QString(width, u' ');
}

void appendRow(DiffRendering &r, const QString &gutter, const QString &text, Kind kind, int file,
               const QList<std::pair<int, int>> &changes = {}, bool filler = false,
               int sideLine = -1, bool oldSide = false)
{
    if (!r.rows.empty())
        r.text += u'\n';
    r.text += text;
    r.rows.push_back({kind, filler, changes, file, sideLine, oldSide, gutter});
}

QString fileHeader(const DiffFile &f)
{
    return QStringLiteral("━━ %1   +%2 −%3").arg(f.path).arg(f.added).arg(f.removed);
}
} // namespace

DiffRendering renderUnified(const DiffDocument &doc)
{
    DiffRendering r;
    r.gutter = 14;
    const QString blank(r.gutter, u' ');
    for (int f = 0; f < doc.files.size(); ++f) {
        const DiffFile &file = doc.files[f];
        appendRow(r, QString(), fileHeader(file), Kind::Note, f);
        int oldLine = 0, newLine = 0;
        for (const DiffLine &l : file.lines) {
            if (l.kind == Kind::Hunk || l.kind == Kind::Note) {
                appendRow(r, blank, l.text, l.kind, f);
                continue;
            }
            const bool old = l.kind == Kind::Removed;
            const int sideLine = old ? oldLine++ : newLine++;
            if (l.kind == Kind::Context)
                ++oldLine;
            const QChar sign = l.kind == Kind::Added ? u'+' : l.kind == Kind::Removed ? u'-' : u' ';
            // gutter: "  old   new │ s" is 14 characters; the sign is part of it
            appendRow(r,
                      number(l.oldNumber, 5) + u' ' + number(l.newNumber, 5) +
                          QStringLiteral(" │") + sign,
                      l.text, l.kind, f, l.changes, false, sideLine, old);
        }
    }
    if (doc.truncated)
        appendRow(r, QString(), QObject::tr("… the rest of this diff is too large to show"),
                  Kind::Note, -1);
    return r;
}

std::pair<DiffRendering, DiffRendering> renderSideBySide(const DiffDocument &doc)
{
    DiffRendering left, right;
    left.gutter = right.gutter = 8;
    const QString blank(8, u' ');
    const auto gutter = [](int n) -> QString { return number(n, 6) + QStringLiteral("│ "); };
    for (int f = 0; f < doc.files.size(); ++f) {
        const DiffFile &file = doc.files[f];
        appendRow(left, QString(), fileHeader(file), Kind::Note, f);
        appendRow(right, QString(), fileHeader(file), Kind::Note, f);
        const QList<DiffLine> &lines = file.lines;
        int oldLine = 0, newLine = 0;
        qsizetype i = 0;
        while (i < lines.size()) {
            const DiffLine &l = lines[i];
            if (l.kind == Kind::Removed || l.kind == Kind::Added) {
                qsizetype removedEnd = i;
                while (removedEnd < lines.size() && lines[removedEnd].kind == Kind::Removed)
                    ++removedEnd;
                qsizetype addedEnd = removedEnd;
                while (addedEnd < lines.size() && lines[addedEnd].kind == Kind::Added)
                    ++addedEnd;
                const qsizetype removed = removedEnd - i, added = addedEnd - removedEnd;
                for (qsizetype k = 0; k < qMax(removed, added); ++k) {
                    if (k < removed) {
                        const DiffLine &o = lines[i + k];
                        appendRow(left, gutter(o.oldNumber), o.text, Kind::Removed, f, o.changes,
                                  false, oldLine++, true);
                    } else {
                        appendRow(left, blank, QString(), Kind::Context, f, {}, true);
                    }
                    if (k < added) {
                        const DiffLine &n = lines[removedEnd + k];
                        appendRow(right, gutter(n.newNumber), n.text, Kind::Added, f, n.changes,
                                  false, newLine++, false);
                    } else {
                        appendRow(right, blank, QString(), Kind::Context, f, {}, true);
                    }
                }
                i = addedEnd;
                continue;
            }
            if (l.kind == Kind::Hunk || l.kind == Kind::Note) {
                appendRow(left, blank, l.text, l.kind, f);
                appendRow(right, blank, l.text, l.kind, f);
            } else {
                appendRow(left, gutter(l.oldNumber), l.text, l.kind, f, {}, false, oldLine++, true);
                appendRow(right, gutter(l.newNumber), l.text, l.kind, f, {}, false, newLine++,
                          false);
            }
            ++i;
        }
    }
    return {std::move(left), std::move(right)};
}

struct DiffView::Built {
    DiffDocument doc;
    DiffRendering unified;
    DiffRendering left;
    DiffRendering right;
    // Only the mode on screen is put into its text views; the other waits for a mode switch.
    bool unifiedShown = false;
    bool sidesShown = false;
    struct Colours {
        int file;
        bool oldSide;
        QList<LineSpans> spans;
    };
    QList<Colours> colours; // as they arrived, for a view filled later
};

DiffView::DiffView(QWidget *parent)
    : QWidget(parent)
    , m_built(std::make_shared<Built>())
    , m_files(new QComboBox(this))
    , m_summary(new QLabel(this))
    , m_unifiedButton(new QToolButton(this))
    , m_sideButton(new QToolButton(this))
    , m_stack(new QStackedWidget(this))
    , m_unified(new DiffTextView(this))
    , m_old(new DiffTextView(this))
    , m_new(new DiffTextView(this))
    , m_colors(new SyntaxColors(this))
{
    m_summary->setTextFormat(Qt::PlainText);
    m_files->setToolTip(tr("Files in this change ([ and ] move between them)"));
    m_unifiedButton->setText(tr("Unified"));
    m_sideButton->setText(tr("Side by side"));
    for (QToolButton *b : {m_unifiedButton, m_sideButton})
        b->setCheckable(true);
    m_unifiedButton->setChecked(true);
    m_unifiedButton->setToolTip(tr("One column with removed and added lines (Ctrl+1)"));
    m_sideButton->setToolTip(tr("Old and new next to each other (Ctrl+2)"));
    auto *group = new QButtonGroup(this);
    group->addButton(m_unifiedButton);
    group->addButton(m_sideButton);
    connect(m_unifiedButton, &QToolButton::clicked, this, [this] { setMode(Mode::Unified); });
    connect(m_sideButton, &QToolButton::clicked, this, [this] { setMode(Mode::SideBySide); });
    connect(m_files, &QComboBox::activated, this, [this](int index) {
        m_unified->showFile(index);
        m_old->showFile(index);
    });

    const auto shortcut = [this](const QKeySequence &key, std::function<void()> run) {
        auto *a = new QAction(this);
        a->setShortcut(key);
        a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        connect(a, &QAction::triggered, this, std::move(run));
        addAction(a);
    };
    shortcut(QKeySequence(Qt::Key_BracketRight), [this] { nextFile(1); });
    shortcut(QKeySequence(Qt::Key_BracketLeft), [this] { nextFile(-1); });
    shortcut(QKeySequence(Qt::CTRL | Qt::Key_1), [this] { setMode(Mode::Unified); });
    shortcut(QKeySequence(Qt::CTRL | Qt::Key_2), [this] { setMode(Mode::SideBySide); });

    auto *side = new QSplitter(this);
    side->addWidget(m_old);
    side->addWidget(m_new);
    // The two sides scroll together, row for row (a wrapped row may take more lines on one side).
    auto syncing = std::make_shared<bool>(false);
    for (const auto &[from, to] : {std::pair{m_old, m_new}, std::pair{m_new, m_old}}) {
        connect(from->verticalScrollBar(), &QScrollBar::valueChanged, to, [from, to, syncing] {
            if (*syncing)
                return;
            *syncing = true;
            to->scrollToRow(from->topRow());
            *syncing = false;
        });
    }
    m_stack->addWidget(m_unified);
    m_stack->addWidget(side);

    auto *bar = new QHBoxLayout;
    bar->addWidget(m_files, 1);
    bar->addWidget(m_summary);
    bar->addWidget(m_unifiedButton);
    bar->addWidget(m_sideButton);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(m_stack, 1);
}

DiffView::~DiffView() = default;

const DiffDocument &DiffView::document() const
{
    return m_built->doc;
}

namespace {
// The action with every hidden character in its changes and diff replaced by a placeholder
// (issue #15): the diff shows ⟨U+202E⟩, never the raw control.
QJsonObject revealedChanges(QJsonObject action)
{
    const auto multi = [](const QJsonValue &v) {
        return v.isString()
                   ? QJsonValue(RevealedText::inStoredOrder(HiddenText::revealed(v.toString())))
                   : v;
    };
    QJsonArray changes = action.value(QStringLiteral("changes")).toArray();
    for (qsizetype i = 0; i < changes.size(); ++i) {
        QJsonObject c = changes.at(i).toObject();
        for (const QString &key : {QStringLiteral("before"), QStringLiteral("after")})
            if (c.contains(key))
                c.insert(key, multi(c.value(key)));
        c.insert(QStringLiteral("path"),
                 RevealedText::inStoredOrder(HiddenText::revealed(
                     c.value(QStringLiteral("path")).toString(), HiddenText::Lines::Single)));
        changes[i] = c;
    }
    if (!changes.isEmpty())
        action.insert(QStringLiteral("changes"), changes);
    if (action.contains(QStringLiteral("diff")))
        action.insert(QStringLiteral("diff"), multi(action.value(QStringLiteral("diff"))));
    return action;
}
} // namespace

namespace {
DiffLimits limitsFor(bool whole)
{
    DiffLimits limits;
    if (whole) {
        limits.contextLines = 1'000'000;
        limits.wholeWhenUnchanged = true;
    }
    return limits;
}
} // namespace

void DiffView::setAction(const QJsonObject &action, bool whole)
{
    const DiffLimits limits = limitsFor(whole);
    build([action, limits] { return diffForAction(revealedChanges(action), limits); });
}

void DiffView::setTexts(const QString &path, const QString &before, const QString &after,
                        bool whole)
{
    const DiffLimits limits = limitsFor(whole);
    build([=] {
        const auto shown = [](const QString &text, HiddenText::Lines lines) {
            return RevealedText::inStoredOrder(HiddenText::revealed(text, lines));
        };
        return diffOfTexts(shown(path, HiddenText::Lines::Single), {},
                           shown(before, HiddenText::Lines::Multi),
                           shown(after, HiddenText::Lines::Multi), limits);
    });
}

void DiffView::clear()
{
    build([] { return DiffDocument(); });
}

void DiffView::build(std::function<DiffDocument()> make)
{
    const quint64 generation = ++m_generation;
    m_building = true;
    m_summary->setText(tr("Building the diff…"));
    QPointer<DiffView> self(this);
    QThreadPool::globalInstance()->start([self, generation, make = std::move(make)] {
        auto built = std::make_shared<Built>();
        built->doc = make();
        built->unified = renderUnified(built->doc);
        std::tie(built->left, built->right) = renderSideBySide(built->doc);
        // `self` is only read back on the GUI thread, where the view lives.
        QMetaObject::invokeMethod(
            QCoreApplication::instance(),
            [self, generation, built] {
                if (self)
                    self->apply(generation, built);
            },
            Qt::QueuedConnection);
    });
}

void DiffView::apply(quint64 generation, std::shared_ptr<Built> built)
{
    if (generation != m_generation)
        return; // a newer action was selected meanwhile
    m_built = std::move(built);
    showMode();
    m_files->clear();
    for (const DiffFile &f : m_built->doc.files)
        m_files->addItem(QStringLiteral("%1  (+%2 −%3)").arg(f.path).arg(f.added).arg(f.removed));
    m_files->setVisible(m_built->doc.files.size() > 0);
    m_building = false;
    updateSummary();
    Q_EMIT shown();
    colour(generation);
}

// Each file's old and new side go through the syntax highlighter once; the spans are then
// handed to every view row that shows one of those lines.
void DiffView::colour(quint64 generation)
{
    if (!m_colors->available())
        return;
    const DiffDocument &doc = m_built->doc;
    for (int f = 0; f < doc.files.size(); ++f) {
        const DiffFile &file = doc.files[f];
        if (file.language.isEmpty())
            continue;
        QStringList oldLines, newLines;
        for (const DiffLine &l : file.lines) {
            if (l.kind == Kind::Context || l.kind == Kind::Removed)
                oldLines.append(l.text);
            if (l.kind == Kind::Context || l.kind == Kind::Added)
                newLines.append(l.text);
        }
        for (const bool old : {true, false}) {
            m_colors->highlight(file.language, old ? oldLines : newLines,
                                [this, generation, f, old](QList<LineSpans> spans) {
                                    if (generation == m_generation)
                                        applyColours(f, old, spans);
                                });
        }
    }
}

void DiffView::applyColours(int file, bool oldSide, const QList<LineSpans> &spans)
{
    m_built->colours.append({file, oldSide, spans});
    if (m_built->unifiedShown)
        colourView(m_unified, file, oldSide, spans);
    if (m_built->sidesShown) {
        colourView(m_old, file, oldSide, spans);
        colourView(m_new, file, oldSide, spans);
    }
}

void DiffView::colourView(DiffTextView *view, int file, bool oldSide, const QList<LineSpans> &spans)
{
    std::vector<QList<SyntaxSpan>> perRow = view->syntax();
    perRow.resize(view->rows().size());
    bool any = false;
    for (size_t r = 0; r < view->rows().size(); ++r) {
        const DiffTextView::Row &row = view->rows()[r];
        if (row.file == file && row.oldSide == oldSide && row.sideLine >= 0 &&
            row.sideLine < spans.size()) {
            perRow[r] = spans[row.sideLine];
            any = true;
        }
    }
    if (any)
        view->applySyntax(std::move(perRow));
}

// Fills the text views of the current mode from the built diff, once per diff.
void DiffView::showMode()
{
    Built &b = *m_built;
    const auto fill = [&b, this](DiffTextView *view, const DiffRendering &r) {
        view->setRows(r.text, r.rows, r.gutter);
        for (const Built::Colours &c : std::as_const(b.colours))
            colourView(view, c.file, c.oldSide, c.spans);
    };
    if (m_mode == Mode::Unified && !b.unifiedShown) {
        b.unifiedShown = true;
        fill(m_unified, b.unified);
    } else if (m_mode == Mode::SideBySide && !b.sidesShown) {
        b.sidesShown = true;
        fill(m_old, b.left);
        fill(m_new, b.right);
    }
}

void DiffView::updateSummary()
{
    const DiffDocument &doc = m_built->doc;
    if (doc.files.isEmpty())
        m_summary->setText(tr("No file changes"));
    else
        m_summary->setText(tr("%n file(s), +%1 −%2", nullptr, int(doc.files.size()))
                               .arg(doc.added())
                               .arg(doc.removed()));
}

void DiffView::setMode(Mode mode)
{
    m_mode = mode;
    m_stack->setCurrentIndex(mode == Mode::Unified ? 0 : 1);
    m_unifiedButton->setChecked(mode == Mode::Unified);
    m_sideButton->setChecked(mode == Mode::SideBySide);
    showMode();
}

void DiffView::nextFile(int delta)
{
    const int count = int(m_built->doc.files.size());
    if (count == 0)
        return;
    DiffTextView *view = m_mode == Mode::Unified ? m_unified : m_old;
    const int current = qMax(0, view->fileAtTop());
    const int next = qBound(0, current + delta, count - 1);
    m_files->setCurrentIndex(next);
    m_unified->showFile(next);
    m_old->showFile(next);
}

} // namespace interlock::ui
