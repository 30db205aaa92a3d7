#include "SessionListModel.h"

#include "RevealedText.h"

#include <QBrush>
#include <QColor>
#include <QJsonArray>

namespace interlock::ui {

SessionListModel::SessionListModel(QObject *parent)
    : QAbstractTableModel(parent)
{
    m_elapsed.start();
    m_clock = [this] { return m_elapsed.elapsed(); };
    m_ageTimer.setInterval(1000);
    connect(&m_ageTimer, &QTimer::timeout, this, [this] {
        if (!m_sessions.isEmpty())
            Q_EMIT dataChanged(index(0, KillPath), index(rowCount() - 1, KillPath));
    });
    m_ageTimer.start();
}

int SessionListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_sessions.size());
}

int SessionListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

bool SessionListModel::reportedLate(const QJsonObject &s)
{
    return s.value(QStringLiteral("reported_after_kill_ms")).toInteger() >= 5000;
}

QString SessionListModel::statusText(const QJsonObject &s)
{
    const QString status = s.value(QStringLiteral("status")).toString();
    if (status == QLatin1String("terminated")) {
        // Reported late: the supervisor was held up (stopped by the agent, or cut off), whatever
        // its own kill took.
        if (reportedLate(s))
            return tr("terminated, but reported %1 s after the kill")
                .arg(s.value(QStringLiteral("reported_after_kill_ms")).toInteger() / 1000);
        const double ms = s.value(QStringLiteral("kill_latency_ms")).toDouble();
        return tr("terminated ✓ (%1 ms)")
            .arg(ms < 10 ? QString::number(ms, 'f', 1) : QString::number(qRound(ms)));
    }
    if (status == QLatin1String("killed"))
        return s.value(QStringLiteral("kill_unconfirmed")).toBool()
                   ? tr("killed · ⚠ not confirmed: the agent may still be running")
                   : tr("killed");
    if (status == QLatin1String("ended"))
        return tr("ended");
    if (const QJsonObject frozen = s.value(QStringLiteral("frozen")).toObject(); !frozen.isEmpty())
        return frozenText(frozen);
    const QString near = nearestBreakerText(s.value(QStringLiteral("breaker_counts")).toArray());
    return near.isEmpty() ? tr("active") : tr("active · %1").arg(near);
}

QString SessionListModel::nearestBreakerText(const QJsonArray &counts)
{
    // The rule closest to tripping, once half of what it allows is used.
    QJsonObject nearest;
    double nearestShare = 0;
    for (const QJsonValue &v : counts) {
        const QJsonObject c = v.toObject();
        const double allowed =
            double(qMax<qint64>(1, c.value(QStringLiteral("more_than")).toInteger()));
        const double share = double(c.value(QStringLiteral("count")).toInteger()) / allowed;
        if (share >= 0.5 && share > nearestShare) {
            nearest = c;
            nearestShare = share;
        }
    }
    if (nearest.isEmpty())
        return {};
    const QString rule = nearest.value(QStringLiteral("breaker")).toString();
    const qint64 count = nearest.value(QStringLiteral("count")).toInteger();
    const qint64 allowed = nearest.value(QStringLiteral("more_than")).toInteger();
    if (!nearest.contains(QStringLiteral("window_seconds")))
        return tr("%1: %2 of %3 rejections in a row allowed").arg(rule).arg(count).arg(allowed);
    return tr("%1: %2 of %3 allowed in %4 s")
        .arg(rule)
        .arg(count)
        .arg(allowed)
        .arg(nearest.value(QStringLiteral("window_seconds")).toInt());
}

QString SessionListModel::breakerCountsText(const QJsonArray &counts)
{
    QStringList lines;
    for (const QJsonValue &v : counts) {
        const QJsonObject c = v.toObject();
        const QString measure = c.value(QStringLiteral("measure")).toString().replace(u'_', u' ');
        const QString whose = c.value(QStringLiteral("scope")).toString() == QLatin1String("agent")
                                  ? tr("every session of this agent")
                                  : tr("this session");
        const QString figure =
            c.contains(QStringLiteral("window_seconds"))
                ? tr("%1 in the last %2 s")
                      .arg(c.value(QStringLiteral("count")).toInteger())
                      .arg(c.value(QStringLiteral("window_seconds")).toInt())
                : tr("%1 in a row").arg(c.value(QStringLiteral("count")).toInteger());
        lines.append(tr("%1 (%2, %3): %4; it acts above %5")
                         .arg(c.value(QStringLiteral("breaker")).toString(), measure, whose, figure)
                         .arg(c.value(QStringLiteral("more_than")).toInteger()));
    }
    return lines.join(u'\n');
}

QString SessionListModel::frozenText(const QJsonObject &frozen)
{
    QStringList by;
    for (const QJsonValue &r : frozen.value(QStringLiteral("resumes")).toArray())
        by.append(r.toObject().value(QStringLiteral("by")).toString());
    const int required = frozen.value(QStringLiteral("required_resumes")).toInt(1);
    // Who resumed so far first: the rule's message can be long.
    QString who;
    if (required > 1)
        who = u' ' + (by.isEmpty() ? tr("(critical: two people must resume it)")
                                   : tr("(resumed by %1, %2 of %3)")
                                         .arg(by.join(QStringLiteral(", ")))
                                         .arg(by.size())
                                         .arg(required));
    const QString text = tr("frozen by %1%2: %3")
                             .arg(frozen.value(QStringLiteral("rule")).toString(), who,
                                  frozen.value(QStringLiteral("message")).toString());
    return text;
}

QJsonObject SessionListModel::session(const QString &id) const
{
    for (const QJsonObject &s : m_sessions)
        if (s.value(QStringLiteral("id")).toString() == id)
            return s;
    return {};
}

QString SessionListModel::killPathText(const QJsonObject &s, qint64 sinceFetchMs)
{
    if (s.value(QStringLiteral("kill_unconfirmed")).toBool())
        return tr("⚠ kill not confirmed by its supervisor");
    if (s.value(QStringLiteral("status")).toString() != QLatin1String("active"))
        return {};
    const QString liveness = s.value(QStringLiteral("liveness")).toString();
    if (liveness.isEmpty())
        return s.value(QStringLiteral("supervised")).toBool() ? QString() : tr("not supervised");
    const QJsonValue ago = s.value(QStringLiteral("kill_path_verified_ms_ago"));
    const qint64 seconds = ago.isDouble() ? (ago.toInteger() + sinceFetchMs) / 1000 : -1;
    if (liveness == QLatin1String("late")) {
        return seconds < 0 ? tr("⚠ supervisor not answering: the agent may be running unguarded")
                           : tr("⚠ supervisor not answering (verified %1 s ago): the agent may "
                                "be running unguarded")
                                 .arg(seconds);
    }
    if (seconds < 0)
        return tr("kill path not verified yet");
    return tr("kill path verified %1 s ago").arg(seconds);
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
    if (role == FrozenRole)
        return s.value(QStringLiteral("frozen")).toObject();
    if (role == Qt::ToolTipRole && index.column() == Status) {
        const QString counts =
            breakerCountsText(s.value(QStringLiteral("breaker_counts")).toArray());
        return counts.isEmpty()
                   ? statusText(s)
                   : statusText(s) + u'\n' + tr("Toward its circuit breakers:") + u'\n' + counts;
    }
    if (role == LivenessRole)
        return s.value(QStringLiteral("liveness")).toString();
    const bool late = s.value(QStringLiteral("liveness")).toString() == QLatin1String("late") &&
                      s.value(QStringLiteral("status")).toString() == QLatin1String("active");
    const bool unconfirmed = s.value(QStringLiteral("kill_unconfirmed")).toBool();
    if (index.column() == KillPath && unconfirmed) {
        if (role == Qt::ForegroundRole)
            return QBrush(QColor(0xb9, 0x1c, 0x1c));
        if (role == Qt::BackgroundRole)
            return QBrush(QColor(0xfe, 0xe2, 0xe2));
        if (role == Qt::ToolTipRole)
            return tr("The session was killed, but its supervisor did not report the agent's "
                      "processes reaped: the agent may still be running. Check the machine it "
                      "runs on.");
    }
    if (index.column() == KillPath && late) {
        if (role == Qt::ForegroundRole)
            return QBrush(QColor(0xb9, 0x1c, 0x1c));
        if (role == Qt::BackgroundRole)
            return QBrush(QColor(0xfe, 0xe2, 0xe2));
        if (role == Qt::ToolTipRole)
            return tr("The supervisor did not answer the server's liveness check in time: a kill "
                      "may not reach the agent. Check the machine it runs on.");
    }
    if (role == Qt::ForegroundRole && index.column() == Status) {
        const QString status = s.value(QStringLiteral("status")).toString();
        if (status == QLatin1String("killed"))
            return QBrush(QColor(0xb9, 0x1c, 0x1c));
        if (status == QLatin1String("terminated"))
            return reportedLate(s) ? QBrush(QColor(0xb4, 0x53, 0x09)) // amber: held up
                                   : QBrush(QColor(0x15, 0x80, 0x3d));
        if (s.value(QStringLiteral("frozen")).isObject())
            return QBrush(QColor(0xb4, 0x53, 0x09)); // frozen: amber
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
    case KillPath:
        return killPathText(s, sinceFetchMs());
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
    case KillPath:
        return tr("Kill path");
    default:
        return {};
    }
}

void SessionListModel::reset(const QList<QJsonObject> &sessions)
{
    beginResetModel();
    m_sessions = sessions;
    m_fetchedAt = m_clock();
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
