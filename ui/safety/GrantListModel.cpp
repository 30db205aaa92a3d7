#include "GrantListModel.h"

#include "../RevealedText.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>

namespace interlock::ui {

namespace {
QString str(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toString();
}

// One shell word as a person would type it: quoted when it holds anything but safe characters.
QString shellWord(const QString &w)
{
    static const QString safe = QStringLiteral("+-./:=@_%,");
    bool plain = !w.isEmpty();
    for (const QChar c : w)
        plain = plain && (c.isLetterOrNumber() || safe.contains(c));
    if (plain)
        return w;
    QString q = w;
    q.replace(u'\'', QStringLiteral("'\\''"));
    return u'\'' + q + u'\'';
}

QString localTime(const QString &rfc3339)
{
    const QDateTime t = QDateTime::fromString(rfc3339, Qt::ISODateWithMs);
    return t.isValid() ? QLocale().toString(t.toLocalTime(), QLocale::ShortFormat) : rfc3339;
}
} // namespace

int GrantListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_grants.size());
}

int GrantListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString GrantListModel::matches(const QJsonObject &g)
{
    const QJsonObject facts = g.value(QStringLiteral("facts")).toObject();
    const QString kind = str(g, "kind");
    QString text;
    if (kind == QLatin1String("shell.exec")) {
        QStringList words;
        for (const QJsonValue &v : facts.value(QStringLiteral("argv")).toArray())
            words.append(shellWord(v.toString()));
        text = words.join(u' ');
        if (const QString cwd = str(facts, "cwd"); !cwd.isEmpty())
            text = tr("%1 in %2").arg(text, cwd);
    } else if (kind == QLatin1String("fs.write")) {
        text = str(facts, "path");
    } else if (kind == QLatin1String("mcp.tool_call")) {
        text = QStringLiteral("%1 / %2").arg(str(facts, "server"), str(facts, "tool"));
        const QJsonObject args = facts.value(QStringLiteral("arguments")).toObject();
        if (!args.isEmpty())
            text += QStringLiteral(" (%1)").arg(
                QString::fromUtf8(QJsonDocument(args).toJson(QJsonDocument::Compact)));
    }
    return RevealedText::plain(text, HiddenText::Lines::Single, 300);
}

QVariant GrantListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const QJsonObject &g = m_grants.at(index.row());
    if (role == IdRole)
        return str(g, "id");
    if (role == StatusRole)
        return str(g, "status");
    if (role == Qt::ToolTipRole && index.column() == Matches)
        return tr("Grant %1, made from action %2").arg(str(g, "id"), str(g, "source_action"));
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Agent:
        return RevealedText::plain(str(g, "agent"));
    case Kind:
        return str(g, "kind");
    case Matches:
        return matches(g);
    case Target:
        return RevealedText::plain(str(g, "target"), HiddenText::Lines::Single, 200);
    case MadeBy:
        return str(g, "created_by");
    case Expires:
        return localTime(str(g, "expires_at"));
    case Uses:
        return g.value(QStringLiteral("uses")).toInt();
    case Status: {
        const QString status = str(g, "status");
        if (status == QLatin1String("revoked"))
            return tr("revoked by %1").arg(str(g, "revoked_by"));
        if (status == QLatin1String("expired"))
            return tr("expired");
        return tr("active");
    }
    default:
        return {};
    }
}

QVariant GrantListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Agent:
        return tr("Agent");
    case Kind:
        return tr("Kind");
    case Matches:
        return tr("Allows exactly");
    case Target:
        return tr("Target");
    case MadeBy:
        return tr("Made by");
    case Expires:
        return tr("Expires");
    case Uses:
        return tr("Uses");
    case Status:
        return tr("Status");
    default:
        return {};
    }
}

void GrantListModel::reset(const QList<QJsonObject> &grants)
{
    beginResetModel();
    m_grants = grants;
    endResetModel();
}

} // namespace interlock::ui
