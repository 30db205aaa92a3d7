#pragma once

#include <QAbstractTableModel>
#include <QJsonObject>

namespace interlock::ui {

// Standing grants as GET /v1/grants lists them: what each matches (the argument vector, the
// path, or the MCP server, tool and arguments), for which agent, who made it, until when.
// Agent-written values are returned revealed and bounded (plain text only).
class GrantListModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Agent, Kind, Matches, Target, MadeBy, Expires, Uses, Status, ColumnCount };
    enum Roles { IdRole = Qt::UserRole + 1, StatusRole };

    using QAbstractTableModel::QAbstractTableModel;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    void reset(const QList<QJsonObject> &grants);
    QJsonObject grant(int row) const { return m_grants.value(row); }
    // What a grant matches, in one line: "ls -la in /srv", "/etc/app.conf", "github / create_issue
    // (repo = …)".
    static QString matches(const QJsonObject &grant);

private:
    QList<QJsonObject> m_grants;
};

} // namespace interlock::ui
