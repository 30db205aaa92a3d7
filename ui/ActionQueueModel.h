#pragma once

#include <QAbstractTableModel>
#include <QHash>
#include <QJsonObject>

namespace interlock::ui {

// Every action the console knows, one row each, as the server sent it. Agent-supplied text is
// only ever returned as plain QString data; views render it as plain text.
class ActionQueueModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        Risk,
        Age,
        ExpiresIn,
        Agent,
        Kind,
        Title,
        Target,
        Approvals,
        Status,
        ColumnCount
    };
    enum Roles {
        ActionRole = Qt::UserRole + 1,
        IdRole,
        SessionRole,
        StatusRole,
        ScoreRole,
        CreatedRole
    };

    explicit ActionQueueModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // What the table, the filters and the sort read: taken from the JSON once per change, so
    // 100,000 rows filter and sort without touching JSON.
    struct Row {
        QString id, session, status, level, agent, kind, title, target, summary;
        QString haystack; // agent, kind, title and target, lower-cased, for the text filter
        int score = 0;
        int levelRank = 0; // low 0 … critical 3
        int approvals = 0, required = 0, version = 0;
        qint64 created = 0, expires = 0;
    };
    const Row &row(int index) const { return m_summary.at(index); }
    static int levelRank(const QString &level);

    void reset(const QList<QJsonObject> &actions);
    void upsert(const QJsonObject &action);
    QJsonObject action(const QString &id) const;
    // "Now" for the age and time-left columns; the window ticks it.
    void setNow(qint64 msSinceEpoch);

private:
    QString ago(qint64 ms) const;

    static Row summarise(const QJsonObject &action);

    QList<QJsonObject> m_actions;
    QList<Row> m_summary;
    QHash<QString, int> m_rows;
    qint64 m_now = 0;
};

} // namespace interlock::ui
