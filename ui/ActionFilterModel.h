#pragma once

#include <QSortFilterProxyModel>

namespace interlock::ui {

// The queue as a reviewer sees it: by status (pending by default) and free text, ordered by risk
// (high to low), then oldest first.
class ActionFilterModel : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit ActionFilterModel(QObject *parent = nullptr);
    void setStatus(const QString &status); // empty: all
    void setText(const QString &text);
    void setMinimumLevel(int rank); // 0 low (all) … 3 critical

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;

private:
    QString m_status = QStringLiteral("pending");
    QString m_text; // lower-cased
    int m_minLevel = 0;
};

} // namespace interlock::ui
