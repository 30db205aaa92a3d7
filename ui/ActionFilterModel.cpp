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
    m_text = text.trimmed();
    invalidateFilter();
}

bool ActionFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QModelIndex first = sourceModel()->index(sourceRow, 0, sourceParent);
    if (!m_status.isEmpty() && first.data(ActionQueueModel::StatusRole).toString() != m_status)
        return false;
    if (m_text.isEmpty())
        return true;
    for (int c : {ActionQueueModel::Agent, ActionQueueModel::Kind, ActionQueueModel::Title,
                  ActionQueueModel::Target}) {
        if (sourceModel()
                ->index(sourceRow, c, sourceParent)
                .data()
                .toString()
                .contains(m_text, Qt::CaseInsensitive))
            return true;
    }
    return false;
}

bool ActionFilterModel::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    // Whatever column the view sorts by, the queue order is the same: it is a triage order.
    const int l = left.data(ActionQueueModel::ScoreRole).toInt(),
              r = right.data(ActionQueueModel::ScoreRole).toInt();
    if (l != r)
        return l > r;
    return left.data(ActionQueueModel::CreatedRole).toLongLong() <
           right.data(ActionQueueModel::CreatedRole).toLongLong();
}

} // namespace interlock::ui
