#pragma once

#include <QAbstractTableModel>
#include <QJsonObject>

namespace interlock {
class ApiClient;
}

namespace interlock::ui {

// Decided actions from GET /v1/history, a page at a time: the view asks for more
// (canFetchMore/fetchMore) as the user scrolls, following the server's cursor.
class HistoryModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        Decided,
        Outcome,
        Risk,
        Agent,
        Kind,
        Title,
        DecidedBy,
        TimeToDecision,
        ReadingTime, // decision.review_ms: the decider's time from first view (issue #15)
        ColumnCount
    };

    explicit HistoryModel(ApiClient &client, QObject *parent = nullptr);

    // The filter part of the query string (e.g. "agent=x&status=rejected"); reloads.
    void setQuery(const QString &query);
    QJsonObject item(int row) const { return m_items.value(row); }
    bool isLoading() const { return m_loading; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

    static QString duration(qint64 ms);

Q_SIGNALS:
    void pageLoaded();
    // A page could not be read (e.g. 500 read_failed): the model is emptied, not left short.
    void failed(const QString &message);

private:
    void load(const QString &cursor);

    ApiClient &m_client;
    QString m_query;
    QList<QJsonObject> m_items;
    QString m_next;
    bool m_loading = false;
    quint64 m_generation = 0;
};

} // namespace interlock::ui
