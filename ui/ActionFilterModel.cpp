#include "ActionFilterModel.h"

#include "ActionQueueModel.h"

namespace interlock::ui {

ActionFilterModel::ActionFilterModel(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setDynamicSortFilter(true);
    sort(0, Qt::AscendingOrder);
}

void ActionFilterModel::setStatus(const QString &status)
{
    m_status = status;
    invalidateFilter();
}

void ActionFilterModel::setText(const QString &text)
{
    m_text = text.trimmed().toLower();
    invalidateFilter();
}

void ActionFilterModel::setMinimumLevel(int rank)
{
    m_minLevel = rank;
    invalidateFilter();
}

// Both read the model's row summaries directly: no QVariant, no JSON, per row.
bool ActionFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &) const
{
    const auto *model = static_cast<const ActionQueueModel *>(sourceModel());
    const ActionQueueModel::Row &r = model->row(sourceRow);
    if (!m_status.isEmpty() && r.status != m_status)
        return false;
    if (r.levelRank < m_minLevel)
        return false;
    return m_text.isEmpty() || r.haystack.contains(m_text);
}

bool ActionFilterModel::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    // Whatever column the view sorts by, the queue order is the same: it is a triage order.
    const auto *model = static_cast<const ActionQueueModel *>(sourceModel());
    const ActionQueueModel::Row &l = model->row(left.row());
    const ActionQueueModel::Row &r = model->row(right.row());
    if (l.score != r.score)
        return l.score > r.score;
    return l.created < r.created;
}

} // namespace interlock::ui
