#include "ActionQueueModel.h"

#include "Labels.h"
#include "core/Timestamp.h"

#include <QBrush>
#include <QColor>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>

namespace interlock::ui {

namespace {
QColor levelColor(const QString &level)
{
    if (level == QLatin1String("critical"))
        return QColor(0xb9, 0x1c, 0x1c);
    if (level == QLatin1String("high"))
        return QColor(0xea, 0x58, 0x0c);
    if (level == QLatin1String("medium"))
        return QColor(0xca, 0x8a, 0x04);
    return QColor(0x15, 0x80, 0x3d);
}
} // namespace

ActionQueueModel::ActionQueueModel(QObject *parent)
    : QAbstractTableModel(parent)
    , m_now(QDateTime::currentMSecsSinceEpoch())
{}

int ActionQueueModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_actions.size());
}

int ActionQueueModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString ActionQueueModel::ago(qint64 ms) const
{
    const qint64 s = qMax<qint64>(0, ms / 1000);
    if (s < 60)
        return tr("%n s", nullptr, int(s));
    if (s < 3600)
        return tr("%n min", nullptr, int(s / 60));
    if (s < 86400)
        return tr("%n h", nullptr, int(s / 3600));
    return tr("%n d", nullptr, int(s / 86400));
}

int ActionQueueModel::levelRank(const QString &level)
{
    if (level == QLatin1String("critical"))
        return 3;
    if (level == QLatin1String("high"))
        return 2;
    if (level == QLatin1String("medium"))
        return 1;
    return 0;
}

ActionQueueModel::Row ActionQueueModel::summarise(const QJsonObject &a)
{
    Row r;
    const QJsonObject risk = a.value(QStringLiteral("risk")).toObject();
    r.id = a.value(QStringLiteral("id")).toString();
    r.session = a.value(QStringLiteral("session_id")).toString();
    r.status = a.value(QStringLiteral("status")).toString();
    r.level = risk.value(QStringLiteral("level")).toString();
    r.levelRank = levelRank(r.level);
    r.score = risk.value(QStringLiteral("score")).toInt();
    r.agent = a.value(QStringLiteral("agent")).toString();
    r.kind = a.value(QStringLiteral("kind")).toString();
    r.title = a.value(QStringLiteral("title")).toString();
    r.target = a.value(QStringLiteral("target")).toString();
    r.summary = a.value(QStringLiteral("summary")).toString();
    r.haystack = (r.agent + u'\n' + r.kind + u'\n' + r.title + u'\n' + r.target).toLower();
    r.approvals = int(a.value(QStringLiteral("approvals")).toArray().size());
    r.required = a.value(QStringLiteral("required_approvals")).toInt();
    r.version = a.value(QStringLiteral("version")).toInt();
    r.created = fromRfc3339(a.value(QStringLiteral("created_at")).toString()).value_or(0);
    r.expires = fromRfc3339(a.value(QStringLiteral("expires_at")).toString()).value_or(0);
    return r;
}

QVariant ActionQueueModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &r = m_summary.at(index.row());
    switch (role) {
    case IdRole:
        return r.id;
    case SessionRole:
        return r.session;
    case StatusRole:
        return r.status;
    case ScoreRole:
        return r.score;
    case CreatedRole:
        return r.created;
    default:
        break;
    }
    if (role == Qt::ForegroundRole && index.column() == Risk)
        return QBrush(levelColor(r.level));
    if (role == Qt::ToolTipRole && index.column() == Title)
        return r.summary;
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Risk:
        return QStringLiteral("%1 %2").arg(r.score).arg(Labels::level(r.level));
    case Age:
        return ago(m_now - r.created);
    case ExpiresIn:
        return r.status == QLatin1String("pending") ? ago(r.expires - m_now) : QString();
    case Agent:
        return r.agent;
    case Kind:
        return r.kind;
    case Title:
        return r.title;
    case Target:
        return r.target;
    case Approvals:
        return tr("%1 of %2").arg(r.approvals).arg(r.required);
    case Status:
        return Labels::status(r.status);
    default:
        return {};
    }
}

QVariant ActionQueueModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Risk:
        return tr("Risk");
    case Age:
        return tr("Age");
    case ExpiresIn:
        return tr("Expires in");
    case Agent:
        return tr("Agent");
    case Kind:
        return tr("Kind");
    case Title:
        return tr("Title");
    case Target:
        return tr("Target");
    case Approvals:
        return tr("Approvals");
    case Status:
        return tr("Status");
    default:
        return {};
    }
}

void ActionQueueModel::reset(const QList<QJsonObject> &actions)
{
    beginResetModel();
    m_actions = actions;
    m_summary.clear();
    m_summary.reserve(actions.size());
    m_rows.clear();
    m_rows.reserve(actions.size());
    for (const QJsonObject &a : actions) {
        m_summary.append(summarise(a));
        m_rows.insert(m_summary.last().id, int(m_summary.size() - 1));
    }
    endResetModel();
}

void ActionQueueModel::upsert(const QJsonObject &action)
{
    Row r = summarise(action);
    if (r.id.isEmpty())
        return;
    const auto it = m_rows.constFind(r.id);
    if (it != m_rows.constEnd()) {
        // Never go back to an older version (events and reloads may cross).
        if (m_summary[*it].version > r.version)
            return;
        m_actions[*it] = action;
        m_summary[*it] = std::move(r);
        Q_EMIT dataChanged(index(*it, 0), index(*it, ColumnCount - 1));
        return;
    }
    const int row = int(m_actions.size());
    beginInsertRows({}, row, row);
    m_rows.insert(r.id, row);
    m_actions.append(action);
    m_summary.append(std::move(r));
    endInsertRows();
}

QJsonObject ActionQueueModel::action(const QString &id) const
{
    const auto it = m_rows.constFind(id);
    return it == m_rows.constEnd() ? QJsonObject() : m_actions.at(*it);
}

void ActionQueueModel::setNow(qint64 msSinceEpoch)
{
    m_now = msSinceEpoch;
    if (!m_actions.isEmpty())
        Q_EMIT dataChanged(index(0, Age), index(int(m_actions.size()) - 1, ExpiresIn),
                           {Qt::DisplayRole});
}

} // namespace interlock::ui
