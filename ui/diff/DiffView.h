#pragma once

#include "DiffModel.h"
#include "DiffTextView.h"

#include <QWidget>
#include <memory>

class QComboBox;
class QLabel;
class QStackedWidget;
class QToolButton;

namespace interlock::ui {

// Text and rows for one DiffTextView, made off the GUI thread.
struct DiffRendering {
    QString text;
    std::vector<DiffTextView::Row> rows;
    int gutter = 0;
};
DiffRendering renderUnified(const DiffDocument &doc);
// Old side and new side, row for row (fillers keep them aligned).
std::pair<DiffRendering, DiffRendering> renderSideBySide(const DiffDocument &doc);

// The diff of an action, unified or side by side, with per-file navigation. The model and both
// renderings are built on a worker thread; the window stays responsive while they are made.
class DiffView : public QWidget
{
    Q_OBJECT
public:
    enum class Mode { Unified, SideBySide };

    explicit DiffView(QWidget *parent = nullptr);
    ~DiffView() override;

    // `whole`: every line of every file, changed or not (identical texts too).
    void setAction(const QJsonObject &action, bool whole = false);
    // `whole`: every line, changed or not (identical texts too); else changes with context.
    void setTexts(const QString &path, const QString &before, const QString &after,
                  bool whole = false);
    void clear();

    void setMode(Mode mode);
    Mode mode() const { return m_mode; }
    bool isBuilding() const { return m_building; }
    const DiffDocument &document() const;
    DiffTextView *unifiedView() const { return m_unified; }
    DiffTextView *oldView() const { return m_old; }
    DiffTextView *newView() const { return m_new; }
    void nextFile(int delta);

Q_SIGNALS:
    // The diff for the last setAction/setTexts is on screen.
    void shown();

private:
    struct Built;
    void build(std::function<DiffDocument()> make);
    void apply(quint64 generation, std::shared_ptr<Built> built);
    void updateSummary();
    void colour(quint64 generation);
    void applyColours(int file, bool oldSide, const QList<LineSpans> &spans);
    void colourView(DiffTextView *view, int file, bool oldSide, const QList<LineSpans> &spans);
    void showMode();

    Mode m_mode = Mode::Unified;
    quint64 m_generation = 0;
    bool m_building = false;
    std::shared_ptr<Built> m_built;
    QComboBox *m_files;
    QLabel *m_summary;
    QToolButton *m_unifiedButton;
    QToolButton *m_sideButton;
    QStackedWidget *m_stack;
    DiffTextView *m_unified;
    DiffTextView *m_old;
    DiffTextView *m_new;
    SyntaxColors *m_colors;
};

} // namespace interlock::ui
