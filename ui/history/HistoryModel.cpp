#include "HistoryModel.h"

#include "../RevealedText.h"

#include "client/ApiClient.h"
#include "ui/Labels.h"

#include <QColor>
#include <QDateTime>
#include <QJsonArray>

namespace interlock::ui {

HistoryModel::HistoryModel(ApiClient &client, QObject *parent)
    : QAbstractTableModel(parent)
    , m_client(client)
{}

void HistoryModel::setQuery(const QString &query)
{
    beginResetModel();
    m_query = query;
    m_items.clear();
    m_next.clear();
    endResetModel();
    load({});
}

void HistoryModel::load(const QString &cursor)
{
    m_loading = true;
    const quint64 generation = ++m_generation;
    QString path = QStringLiteral("/v1/history?limit=200");
    if (!m_query.isEmpty())
        path += u'&' + m_query;
    if (!cursor.isEmpty())
        path += QStringLiteral("&cursor=") + cursor;
    m_client.request("GET", path, std::nullopt, [this, generation](const ApiResult &r) {
        if (generation != m_generation)
            return; // a newer query replaced this one
        m_loading = false;
        if (!r.ok()) {
            // Never a shorter table that looks whole: what was shown goes, the error is said.
            beginResetModel();
            m_items.clear();
            m_next.clear();
            endResetModel();
            Q_EMIT failed(r.describe());
            return;
        }
        const QJsonArray actions = r.body.value(QStringLiteral("actions")).toArray();
        m_next = r.body.value(QStringLiteral("next_cursor")).toString();
        if (!actions.isEmpty()) {
            beginInsertRows({}, int(m_items.size()), int(m_items.size() + actions.size() - 1));
            for (const QJsonValue &a : actions)
                m_items.append(a.toObject());
            endInsertRows();
        }
        Q_EMIT pageLoaded();
    });
}

int HistoryModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_items.size());
}

int HistoryModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString HistoryModel::duration(qint64 ms)
{
    if (ms < 1000)
        return tr("%1 ms").arg(ms);
    const qint64 s = ms / 1000;
    if (s < 60)
        return tr("%1 s").arg(s);
    if (s < 3600)
        return tr("%1 min %2 s").arg(s / 60).arg(s % 60);
    return tr("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60);
}

QVariant HistoryModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_items.size())
        return {};
    const QJsonObject &a = m_items[index.row()];
    const QString outcome = a.value(QStringLiteral("outcome")).toString();
    if (role == Qt::ForegroundRole && index.column() == Outcome) {
        if (outcome == QLatin1String("rejected"))
            return QColor(0xb9, 0x1c, 0x1c);
        if (outcome == QLatin1String("approved") || outcome == QLatin1String("edited"))
            return QColor(0x15, 0x80, 0x3d);
        return QColor(0x6b, 0x72, 0x80);
    }
    // The tooltip is the cell's text, never read as markup (QToolTip would take an agent's
    // "<table …>" title for rich text).
    if (role == Qt::ToolTipRole)
        return RevealedText::toolTip(data(index, Qt::DisplayRole).toString());
    if (role != Qt::DisplayRole)
        return {};
    const QJsonObject risk = a.value(QStringLiteral("risk")).toObject();
    switch (index.column()) {
    case Decided:
        return QDateTime::fromString(a.value(QStringLiteral("decided_at")).toString(),
                                     Qt::ISODateWithMs)
            .toLocalTime()
            .toString(QStringLiteral("yyyy-MM-dd HH:mm"));
    case Outcome:
        return Labels::status(outcome);
    case Risk: {
        // The risk of what was decided (an edit's), and the submission's beside it if it differs.
        const QJsonObject decided = a.value(QStringLiteral("decided_risk")).toObject();
        const QJsonObject shown = decided.isEmpty() ? risk : decided;
        const QString text =
            QStringLiteral("%1 %2")
                .arg(shown.value(QStringLiteral("score")).toInt())
                .arg(Labels::level(shown.value(QStringLiteral("level")).toString()));
        if (shown.value(QStringLiteral("score")) == risk.value(QStringLiteral("score")))
            return text;
        return tr("%1 (submitted: %2 %3)")
            .arg(text)
            .arg(risk.value(QStringLiteral("score")).toInt())
            .arg(Labels::level(risk.value(QStringLiteral("level")).toString()));
    }
    case Agent:
        return RevealedText::plain(a.value(QStringLiteral("agent")).toString());
    case Kind:
        return RevealedText::plain(a.value(QStringLiteral("kind")).toString());
    case Title:
        return RevealedText::plain(a.value(QStringLiteral("title")).toString());
    case DecidedBy:
        return a.value(QStringLiteral("decided_by")).toString();
    case TimeToDecision:
        return duration(qint64(a.value(QStringLiteral("time_to_decision_ms")).toDouble()));
    case ReadingTime: {
        const QJsonValue ms =
            a.value(QStringLiteral("decision")).toObject().value(QStringLiteral("review_ms"));
        return ms.isDouble() ? duration(qint64(ms.toDouble())) : QString();
    }
    default:
        return {};
    }
}

QVariant HistoryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Decided:
        return tr("Decided");
    case Outcome:
        return tr("Outcome");
    case Risk:
        return tr("Risk");
    case Agent:
        return tr("Agent");
    case Kind:
        return tr("Kind");
    case Title:
        return tr("Title");
    case DecidedBy:
        return tr("Decided by");
    case TimeToDecision:
        return tr("Time to decision");
    case ReadingTime:
        return tr("Read for");
    default:
        return {};
    }
}

bool HistoryModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && !m_loading && !m_next.isEmpty();
}

void HistoryModel::fetchMore(const QModelIndex &parent)
{
    if (canFetchMore(parent))
        load(m_next);
}

} // namespace interlock::ui
