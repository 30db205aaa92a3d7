#include "Store.h"

#include "ChangeFeed.h"

#include "core/Timestamp.h"

namespace interlock {

QJsonObject SessionRecord::toJson() const
{
    QJsonObject o{{QStringLiteral("id"), id},
                  {QStringLiteral("agent"), agent},
                  {QStringLiteral("owner"), owner.isEmpty() ? QJsonValue() : QJsonValue(owner)},
                  {QStringLiteral("status"), status},
                  {QStringLiteral("supervised"), supervised},
                  {QStringLiteral("created_at"), toRfc3339(createdAt)},
                  {QStringLiteral("pending"), pending}};
    if (!description.isEmpty())
        o.insert(QStringLiteral("description"), description);
    for (auto it = stop.constBegin(); it != stop.constEnd(); ++it)
        o.insert(it.key(), it.value());
    return o;
}

QJsonObject EventRecord::toJson() const
{
    QJsonObject o = data;
    o.insert(QStringLiteral("seq"), seq);
    o.insert(QStringLiteral("type"), type);
    o.insert(QStringLiteral("at"), toRfc3339(at));
    if (!sessionId.isEmpty())
        o.insert(QStringLiteral("session_id"), sessionId);
    if (!actionId.isEmpty())
        o.insert(QStringLiteral("action_id"), actionId);
    return o;
}

std::unique_ptr<ChangeFeed> Store::openChangeFeed(QString *error) const
{
    Q_UNUSED(error);
    return nullptr;
}

} // namespace interlock
