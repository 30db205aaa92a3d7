#pragma once

#include "DiffModel.h"

#include <QPlainTextEdit>
#include <vector>

namespace interlock::ui {

// A read-only text view of diff rows. Row backgrounds and changed words are painted under the
// text, for the visible rows only (10,000-line diffs scroll without cost); syntax colours, when
// they arrive, are character formats on top. Text is always plain: nothing agent-written is
// ever interpreted as markup.
class DiffTextView : public QPlainTextEdit
{
    Q_OBJECT
public:
    struct Row {
        DiffLine::Kind kind = DiffLine::Kind::Context;
        bool filler = false;                // side by side: a gap opposite an added/removed row
        QList<std::pair<int, int>> changes; // in the row's text, after the gutter
        int file = -1;                      // index of the file the row belongs to
    };

    explicit DiffTextView(QWidget *parent = nullptr);

    // One text block per row; every row's text starts with a gutter of `gutter` characters.
    void setRows(const QString &text, std::vector<Row> rows, int gutter);
    const std::vector<Row> &rows() const { return m_rows; }
    int gutter() const { return m_gutter; }
    // Scrolls so that the first row of `file` is at the top.
    void showFile(int file);
    int fileAtTop() const;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    std::vector<Row> m_rows;
    int m_gutter = 0;
};

} // namespace interlock::ui
