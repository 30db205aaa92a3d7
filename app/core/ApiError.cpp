#include "ApiError.h"

namespace interlock {

QJsonObject ApiError::toJson() const
{
    QJsonObject inner{{QStringLiteral("code"), code}, {QStringLiteral("message"), message}};
    if (!field.isEmpty())
        inner.insert(QStringLiteral("field"), field);
    return QJsonObject{{QStringLiteral("error"), inner}};
}

ApiError ApiError::fromJson(int status, const QJsonObject &body)
{
    const QJsonObject inner = body.value(QStringLiteral("error")).toObject();
    return ApiError{status, inner.value(QStringLiteral("code")).toString(),
                    inner.value(QStringLiteral("message")).toString(),
                    inner.value(QStringLiteral("field")).toString()};
}

ApiError ApiError::invalidJson(const QString &message)
{
    return {400, QStringLiteral("invalid_json"), message, {}};
}

ApiError ApiError::invalidField(const QString &field, const QString &message)
{
    return {422, QStringLiteral("invalid_field"), message, field};
}

ApiError ApiError::unauthenticated(const QString &message)
{
    return {401, QStringLiteral("unauthenticated"), message, {}};
}

ApiError ApiError::forbidden(const QString &message)
{
    return {403, QStringLiteral("forbidden"), message, {}};
}

ApiError ApiError::sessionKilled()
{
    return {403,
            QStringLiteral("session_killed"),
            QStringLiteral("This session was killed; its token no longer works."),
            {}};
}

ApiError ApiError::notFound(const QString &message)
{
    return {404, QStringLiteral("not_found"), message, {}};
}

ApiError ApiError::conflict(const QString &code, const QString &message)
{
    return {409, code, message, {}};
}

ApiError ApiError::payloadTooLarge(qint64 limit)
{
    return {413,
            QStringLiteral("payload_too_large"),
            QStringLiteral("The request body is larger than the limit of %1 bytes.").arg(limit),
            {}};
}

ApiError ApiError::unsupportedMediaType()
{
    return {415,
            QStringLiteral("unsupported_media_type"),
            QStringLiteral("The request body must be sent as Content-Type: application/json."),
            {}};
}

ApiError ApiError::rateLimited(const QString &message)
{
    return {429, QStringLiteral("rate_limited"), message, {}};
}

ApiError ApiError::internal(const QString &message)
{
    return {500, QStringLiteral("internal"), message, {}};
}

ApiError ApiError::unavailable(const QString &message)
{
    return {503, QStringLiteral("unavailable"), message, {}};
}

} // namespace interlock
