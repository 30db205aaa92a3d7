#include "ActionFilterModel.h"

#include "ActionQueueModel.h"

namespace interlock::ui {

ActionFilterModel::ActionFilterModel(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setDynamicSortFilter(true); // a changed status moves a row out of (or into) the view
}

void ActionFilterModel::setStatus(const QString &status)
{
    m_status = status;
    invalidate();
}

void ActionFilterModel::setText(const QString &text)
{
    m_text = text.trimmed().toLower();
    invalidate();
}

void ActionFilterModel::setMinimumLevel(int rank)
{
    m_minLevel = rank;
    invalidate();
}

void ActionFilterModel::setAgent(const QString &agent)
{
    m_agent = agent;
    invalidate();
}

void ActionFilterModel::setKind(const QString &kind)
{
    m_kind = kind;
    invalidate();
}

// Reads the model's row summaries directly: no QVariant, no JSON, per row. invalidate() rather
// than invalidateFilter(): the latter reports every removed stretch of rows on its own, and a
// table over 100,000 rows spends seconds on them; one layout change costs milliseconds.
bool ActionFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &) const
{
    const auto *model = static_cast<const ActionQueueModel *>(sourceModel());
    const ActionQueueModel::Row &r = model->row(sourceRow);
    if (!m_status.isEmpty() && r.status != m_status)
        return false;
    if (r.levelRank < m_minLevel)
        return false;
    if ((!m_agent.isEmpty() && r.agent != m_agent) || (!m_kind.isEmpty() && r.kind != m_kind))
        return false;
    return m_text.isEmpty() || r.haystack.contains(m_text);
}

} // namespace interlock::ui
