#pragma once

#include <QAbstractTableModel>
#include <QJsonObject>

namespace interlock::ui {

// Agent sessions: agent, owner, pending count and a status a person reads at a glance:
// active, killed, "terminated ✓ (N ms)" once the supervisor proved the agent died, ended.
class SessionListModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Agent, Owner, Pending, Status, ColumnCount };
    enum Roles { IdRole = Qt::UserRole + 1, StateRole, FrozenRole };

    using QAbstractTableModel::QAbstractTableModel;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    void reset(const QList<QJsonObject> &sessions);
    // Applies one session as the server returned it (e.g. a kill's answer) at once.
    void upsert(const QJsonObject &session);
    static QString statusText(const QJsonObject &session);
    // The session `id` as the server last sent it (empty when unknown).
    QJsonObject session(const QString &id) const;
    // "frozen by RULE (…)": what holds a frozen session and who resumed it so far (issue #16).
    static QString frozenText(const QJsonObject &frozen);

private:
    QList<QJsonObject> m_sessions;
};

} // namespace interlock::ui
