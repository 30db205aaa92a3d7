#include "ActionQueueModel.h"

#include "core/Timestamp.h"

#include <QBrush>
#include <QColor>
#include <QDateTime>
#include <QJsonArray>

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

QVariant ActionQueueModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const QJsonObject &a = m_actions.at(index.row());
    const QJsonObject risk = a.value(QStringLiteral("risk")).toObject();
    switch (role) {
    case IdRole:
        return a.value(QStringLiteral("id")).toString();
    case SessionRole:
        return a.value(QStringLiteral("session_id")).toString();
    case StatusRole:
        return a.value(QStringLiteral("status")).toString();
    case ScoreRole:
        return risk.value(QStringLiteral("score")).toInt();
    case CreatedRole:
        return m_created.at(index.row());
    default:
        break;
    }
    if (role == Qt::ForegroundRole && index.column() == Risk)
        return QBrush(levelColor(risk.value(QStringLiteral("level")).toString()));
    if (role == Qt::ToolTipRole && index.column() == Title)
        return a.value(QStringLiteral("summary")).toString();
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Risk:
        return QStringLiteral("%1 %2")
            .arg(risk.value(QStringLiteral("score")).toInt())
            .arg(risk.value(QStringLiteral("level")).toString());
    case Age:
        return ago(m_now - m_created.at(index.row()));
    case ExpiresIn:
        return a.value(QStringLiteral("status")).toString() == QLatin1String("pending")
                   ? ago(m_expires.at(index.row()) - m_now)
                   : QString();
    case Agent:
        return a.value(QStringLiteral("agent")).toString();
    case Kind:
        return a.value(QStringLiteral("kind")).toString();
    case Title:
        return a.value(QStringLiteral("title")).toString();
    case Target:
        return a.value(QStringLiteral("target")).toString();
    case Approvals:
        return tr("%1 of %2")
            .arg(a.value(QStringLiteral("approvals")).toArray().size())
            .arg(a.value(QStringLiteral("required_approvals")).toInt());
    case Status:
        return a.value(QStringLiteral("status")).toString();
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
    m_actions.clear();
    m_created.clear();
    m_expires.clear();
    m_rows.clear();
    for (const QJsonObject &a : actions) {
        m_rows.insert(a.value(QStringLiteral("id")).toString(), int(m_actions.size()));
        m_actions.append(a);
        m_created.append(fromRfc3339(a.value(QStringLiteral("created_at")).toString()).value_or(0));
        m_expires.append(fromRfc3339(a.value(QStringLiteral("expires_at")).toString()).value_or(0));
    }
    endResetModel();
}

void ActionQueueModel::upsert(const QJsonObject &action)
{
    const QString id = action.value(QStringLiteral("id")).toString();
    if (id.isEmpty())
        return;
    const auto it = m_rows.constFind(id);
    if (it != m_rows.constEnd()) {
        // Never go back to an older version (events and reloads may cross).
        if (m_actions[*it].value(QStringLiteral("version")).toInt() >
            action.value(QStringLiteral("version")).toInt())
            return;
        m_actions[*it] = action;
        Q_EMIT dataChanged(index(*it, 0), index(*it, ColumnCount - 1));
        return;
    }
    const int row = int(m_actions.size());
    beginInsertRows({}, row, row);
    m_rows.insert(id, row);
    m_actions.append(action);
    m_created.append(
        fromRfc3339(action.value(QStringLiteral("created_at")).toString()).value_or(0));
    m_expires.append(
        fromRfc3339(action.value(QStringLiteral("expires_at")).toString()).value_or(0));
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
