#include "ActionQueueModel.h"

#include "Labels.h"
#include "RevealedText.h"
#include "core/Timestamp.h"

#include <QBrush>
#include <QColor>
#include <QDateTime>
#include <QJsonArray>

#include <algorithm>

namespace interlock::ui {

ActionQueueModel::ActionQueueModel(QObject *parent)
    : QAbstractTableModel(parent)
    , m_now(QDateTime::currentMSecsSinceEpoch())
{}

int ActionQueueModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_order.size());
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

QString ActionQueueModel::shared(const QString &value)
{
    // Bounded: an agent that invents a new value per action only stops sharing, never grows this.
    constexpr qsizetype poolLimit = 4096;
    const auto it = m_pool.constFind(value);
    if (it != m_pool.constEnd())
        return *it;
    if (m_pool.size() < poolLimit)
        m_pool.insert(value);
    return value;
}

ActionQueueModel::Row ActionQueueModel::summarise(const QJsonObject &a)
{
    constexpr qsizetype tipLength = 240;
    Row r;
    const QJsonObject risk = a.value(QStringLiteral("risk")).toObject();
    r.id = a.value(QStringLiteral("id")).toString();
    r.session = shared(a.value(QStringLiteral("session_id")).toString());
    r.status = shared(a.value(QStringLiteral("status")).toString());
    r.level = shared(risk.value(QStringLiteral("level")).toString());
    r.levelRank = levelRank(r.level);
    r.score = risk.value(QStringLiteral("score")).toInt();
    r.agent = shared(a.value(QStringLiteral("agent")).toString());
    r.kind = shared(a.value(QStringLiteral("kind")).toString());
    r.title = a.value(QStringLiteral("title")).toString();
    r.target = a.value(QStringLiteral("target")).toString();
    const QString summary = a.value(QStringLiteral("summary")).toString();
    r.tip = summary.size() > tipLength ? summary.left(tipLength) + u'…' : summary;
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
    const Row &r = row(index.row());
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
        return QBrush(Labels::levelColor(r.level));
    if (role == Qt::ToolTipRole && index.column() == Title)
        return RevealedText::toolTip(RevealedText::plain(r.tip, HiddenText::Lines::Multi));
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
        return RevealedText::plain(r.agent);
    case Kind:
        return r.kind;
    case Title:
        return RevealedText::plain(r.title);
    case Target:
        return RevealedText::plain(r.target);
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

bool ActionQueueModel::triageBefore(const Row &a, const Row &b)
{
    if (a.score != b.score)
        return a.score > b.score;
    if (a.created != b.created)
        return a.created < b.created;
    return a.id < b.id;
}

// Where the stored row `stored` is, or belongs, in the triage order (keys are unique: the id
// breaks ties).
int ActionQueueModel::lowerBound(int stored) const
{
    const Row &r = m_rows.at(stored);
    const auto it = std::lower_bound(m_order.cbegin(), m_order.cend(), stored,
                                     [this, &r](int a, int) { return triageBefore(m_rows[a], r); });
    return int(it - m_order.cbegin());
}

int ActionQueueModel::position(int stored) const
{
    const int at = lowerBound(stored);
    return at < m_order.size() && m_order.at(at) == stored ? at : -1;
}

void ActionQueueModel::insertAt(int stored)
{
    const int at = lowerBound(stored);
    beginInsertRows({}, at, at);
    m_order.insert(at, stored);
    endInsertRows();
}

void ActionQueueModel::reset(QList<Row> rows)
{
    beginResetModel();
    m_rows = std::move(rows);
    m_index.clear();
    m_index.reserve(m_rows.size());
    m_agents.clear();
    m_kinds.clear();
    m_order.resize(m_rows.size());
    for (qsizetype i = 0; i < m_rows.size(); ++i) {
        const Row &r = m_rows.at(i);
        m_order[i] = int(i);
        m_index.insert(r.id, int(i));
        m_agents.insert(r.agent);
        m_kinds.insert(r.kind);
    }
    std::sort(m_order.begin(), m_order.end(),
              [this](int a, int b) { return triageBefore(m_rows[a], m_rows[b]); });
    endResetModel();
}

void ActionQueueModel::upsert(const QJsonObject &action)
{
    Row r = summarise(action);
    if (r.id.isEmpty())
        return;
    const auto it = m_index.constFind(r.id);
    if (it != m_index.constEnd() && m_rows[*it].version > r.version)
        return; // never go back to an older version (events and reloads may cross)
    m_full.insert(r.id, new QJsonObject(action));
    m_agents.insert(r.agent);
    m_kinds.insert(r.kind);
    if (it == m_index.constEnd()) {
        const int stored = int(m_rows.size());
        m_index.insert(r.id, stored);
        m_rows.append(std::move(r));
        return insertAt(stored);
    }
    const int stored = *it;
    const int at = position(stored);
    if (!triageBefore(r, m_rows[stored]) && !triageBefore(m_rows[stored], r)) {
        m_rows[stored] = std::move(r);
        Q_EMIT dataChanged(index(at, 0), index(at, ColumnCount - 1));
        return;
    }
    // Its place in the triage order changed (a new risk score): out, then in where it belongs.
    beginRemoveRows({}, at, at);
    m_order.remove(at);
    endRemoveRows();
    m_rows[stored] = std::move(r);
    insertAt(stored);
}

int ActionQueueModel::rowOf(const QString &id) const
{
    const auto it = m_index.constFind(id);
    return it == m_index.constEnd() ? -1 : position(*it);
}

const ActionQueueModel::Row *ActionQueueModel::find(const QString &id) const
{
    const auto it = m_index.constFind(id);
    return it == m_index.constEnd() ? nullptr : &m_rows.at(*it);
}

std::optional<QJsonObject> ActionQueueModel::fullAction(const QString &id) const
{
    const Row *r = find(id);
    const QJsonObject *full = m_full.object(id);
    if (!r || !full || full->value(QStringLiteral("version")).toInt() != r->version)
        return std::nullopt;
    return *full;
}

namespace {
QStringList sorted(const QSet<QString> &set)
{
    QStringList out(set.cbegin(), set.cend());
    out.removeAll(QString());
    out.sort(Qt::CaseInsensitive);
    return out;
}
} // namespace

QStringList ActionQueueModel::agents() const
{
    return sorted(m_agents);
}

QStringList ActionQueueModel::kinds() const
{
    return sorted(m_kinds);
}

void ActionQueueModel::setNow(qint64 msSinceEpoch)
{
    m_now = msSinceEpoch;
    if (!m_order.isEmpty())
        Q_EMIT dataChanged(index(0, Age), index(int(m_order.size()) - 1, ExpiresIn),
                           {Qt::DisplayRole});
}

} // namespace interlock::ui
