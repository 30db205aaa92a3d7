#include "SessionListModel.h"

#include "RevealedText.h"

#include <QBrush>
#include <QColor>

namespace interlock::ui {

int SessionListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_sessions.size());
}

int SessionListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString SessionListModel::statusText(const QJsonObject &s)
{
    const QString status = s.value(QStringLiteral("status")).toString();
    if (status == QLatin1String("terminated")) {
        const double ms = s.value(QStringLiteral("kill_latency_ms")).toDouble();
        return tr("terminated ✓ (%1 ms)")
            .arg(ms < 10 ? QString::number(ms, 'f', 1) : QString::number(qRound(ms)));
    }
    if (status == QLatin1String("killed"))
        return tr("killed");
    if (status == QLatin1String("ended"))
        return tr("ended");
    return tr("active");
}

QVariant SessionListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const QJsonObject &s = m_sessions.at(index.row());
    if (role == IdRole)
        return s.value(QStringLiteral("id")).toString();
    if (role == StateRole)
        return s.value(QStringLiteral("status")).toString();
    if (role == Qt::ForegroundRole && index.column() == Status) {
        const QString status = s.value(QStringLiteral("status")).toString();
        if (status == QLatin1String("killed"))
            return QBrush(QColor(0xb9, 0x1c, 0x1c));
        if (status == QLatin1String("terminated"))
            return QBrush(QColor(0x15, 0x80, 0x3d));
        return {};
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Agent:
        return RevealedText::plain(s.value(QStringLiteral("agent")).toString());
    case Owner: {
        // The server resolves the owner to a known person; what an agent merely claims is shown
        // as a claim.
        const QJsonValue owner = s.value(QStringLiteral("owner"));
        if (owner.isString())
            return owner.toString();
        const QString claimed = s.value(QStringLiteral("owner_claimed")).toString();
        return claimed.isEmpty() ? tr("none")
                                 : tr("none (claims “%1”)").arg(RevealedText::plain(claimed));
    }
    case Pending:
        return s.value(QStringLiteral("pending")).toInt();
    case Status:
        return statusText(s);
    default:
        return {};
    }
}

QVariant SessionListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Agent:
        return tr("Agent");
    case Owner:
        return tr("Owner");
    case Pending:
        return tr("Pending");
    case Status:
        return tr("Status");
    default:
        return {};
    }
}

void SessionListModel::reset(const QList<QJsonObject> &sessions)
{
    beginResetModel();
    m_sessions = sessions;
    endResetModel();
}

void SessionListModel::upsert(const QJsonObject &session)
{
    const QString id = session.value(QStringLiteral("id")).toString();
    for (int row = 0; row < m_sessions.size(); ++row) {
        if (m_sessions[row].value(QStringLiteral("id")).toString() == id) {
            // Merged: a kill the server could not record yet answers with id and status only.
            for (auto it = session.constBegin(); it != session.constEnd(); ++it)
                m_sessions[row].insert(it.key(), it.value());
            Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
            return;
        }
    }
    beginInsertRows({}, 0, 0);
    m_sessions.prepend(session);
    endInsertRows();
}

} // namespace interlock::ui
