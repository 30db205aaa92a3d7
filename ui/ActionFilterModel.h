#pragma once

#include <QSortFilterProxyModel>

namespace interlock::ui {

// The queue as a reviewer sees it: by status (pending by default), free text, minimum risk level,
// agent and kind. It keeps the source's triage order (risk high to low, then oldest first) and
// never sorts: a filter change is one pass over the rows and one layout change for the view.
class ActionFilterModel : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit ActionFilterModel(QObject *parent = nullptr);
    void setStatus(const QString &status); // empty: all
    void setText(const QString &text);
    void setMinimumLevel(int rank);      // 0 low (all) … 3 critical
    void setAgent(const QString &agent); // exact; empty: all
    void setKind(const QString &kind);   // exact; empty: all

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    QString m_status = QStringLiteral("pending");
    QString m_text; // lower-cased
    QString m_agent, m_kind;
    int m_minLevel = 0;
};

} // namespace interlock::ui
