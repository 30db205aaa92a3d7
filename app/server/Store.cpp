#include "Store.h"

#include "ChangeFeed.h"

#include "core/Timestamp.h"

namespace interlock {

std::optional<Credential> Store::credential(const QByteArray &hash)
{
    const auto token = this->token(hash);
    if (!token)
        return std::nullopt;
    Credential out{*token, std::nullopt};
    if (!token->sessionId.isEmpty())
        out.session = session(token->sessionId);
    return out;
}

QJsonObject SessionRecord::toJson() const
{
    QJsonObject o{{QStringLiteral("id"), id},
                  {QStringLiteral("agent"), agent},
                  // null: no owner (none was sent, or it named nobody this server knows)
                  {QStringLiteral("owner"), owner.isEmpty() ? QJsonValue() : QJsonValue(owner)},
                  {QStringLiteral("status"), status},
                  {QStringLiteral("supervised"), supervised},
                  {QStringLiteral("created_at"), toRfc3339(createdAt)},
                  {QStringLiteral("pending"), pending}};
    if (!description.isEmpty())
        o.insert(QStringLiteral("description"), description);
    if (!ownerClaimed.isEmpty())
        o.insert(QStringLiteral("owner_claimed"), ownerClaimed);
    if (!opener.isEmpty())
        o.insert(QStringLiteral("opened_by"), opener);
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

ApiError storeError(StoreFailure failure, const QString &what)
{
    switch (failure) {
    case StoreFailure::DiskFull:
        return {507,
                QStringLiteral("insufficient_storage"),
                QStringLiteral("%1 could not be stored: the server's disk is full. Nothing was "
                               "changed. Kills and stop-all still work.")
                    .arg(what),
                {}};
    case StoreFailure::Busy: {
        ApiError e{503,
                   QStringLiteral("store_busy"),
                   QStringLiteral("%1 could not be stored: the database was locked by another "
                                  "program or server. Nothing was changed; retry shortly.")
                       .arg(what),
                   {}};
        e.retryAfterSeconds = 1;
        return e;
    }
    case StoreFailure::Unavailable:
        return ApiError::unavailable(QStringLiteral("%1 could not be stored: the server lost its "
                                                    "database connection. Nothing was changed; "
                                                    "retry shortly.")
                                         .arg(what));
    case StoreFailure::None:
    case StoreFailure::Other:
        break;
    }
    return ApiError::internal(QStringLiteral("%1 could not be stored.").arg(what));
}

std::unique_ptr<ChangeFeed> Store::openChangeFeed(QString *error) const
{
    Q_UNUSED(error);
    return nullptr;
}

} // namespace interlock
