#pragma once

#include <QAbstractTableModel>
#include <QCache>
#include <QHash>
#include <QJsonObject>
#include <QSet>

#include <optional>

namespace interlock::ui {

// Every action the console knows, one row each. A row is a summary of what the server sent (what
// the table, the filters and the sort read); the full action (payload, diff, reasons) is kept only
// for the few most recently seen, and the console fetches the rest when a reviewer opens one, so
// 100,000 queued actions fit in little memory. Agent-supplied text is only ever returned as plain
// QString data; views render it as plain text.
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
        QString id, session, status, level, agent, kind, title, target;
        QString tip;      // the start of the summary, for the title's tooltip
        QString haystack; // agent, kind, title and target, lower-cased, for the text filter
        int score = 0;
        int levelRank = 0; // low 0 … critical 3
        int approvals = 0, required = 0, version = 0;
        qint64 created = 0, expires = 0;
    };
    // Rows come in triage order: risk high to low, then oldest first (the id breaks ties), so a
    // view or filter on top never has to sort 100,000 rows.
    const Row &row(int index) const { return m_rows.at(m_order.at(index)); }
    const Row *find(const QString &id) const;
    int rowOf(const QString &id) const; // -1 if unknown
    static bool triageBefore(const Row &a, const Row &b);
    static int levelRank(const QString &level);
    // Values that repeat across rows (status, level, agent, kind, session) share one string.
    Row summarise(const QJsonObject &action);

    // Replaces every row (a snapshot, summarised page by page as it arrived).
    void reset(QList<Row> rows);
    // Adds or updates one action and keeps its full JSON among the recently seen.
    void upsert(const QJsonObject &action);
    // The full action when it was seen recently and is still the version in the table.
    std::optional<QJsonObject> fullAction(const QString &id) const;
    // Agents and kinds present, sorted, for the filter menus.
    QStringList agents() const;
    QStringList kinds() const;
    // "Now" for the age and time-left columns; the window ticks it.
    void setNow(qint64 msSinceEpoch);

    static constexpr int FullActionsKept = 128;

private:
    QString ago(qint64 ms) const;
    QString shared(const QString &value);

    int lowerBound(int stored) const;
    int position(int stored) const;
    void insertAt(int stored);

    QList<Row> m_rows;           // as they arrived; never moved, so indices stay valid
    QList<int> m_order;          // model row -> index into m_rows, in triage order
    QHash<QString, int> m_index; // id -> index into m_rows
    QCache<QString, QJsonObject> m_full{FullActionsKept};
    QSet<QString> m_pool;
    QSet<QString> m_agents, m_kinds;
    qint64 m_now = 0;
};

} // namespace interlock::ui
