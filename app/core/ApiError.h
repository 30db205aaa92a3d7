#pragma once

#include <QJsonObject>
#include <QString>

namespace interlock {

// The error shape of REST API v1: {"error":{"code","message","field"?}} with its HTTP status.
struct ApiError {
    int status = 0;
    QString code;
    QString message;
    QString field;
    int retryAfterSeconds = 0; // sent as Retry-After when positive (503, 429)

    bool isError() const { return status != 0; }
    QJsonObject toJson() const;
    static ApiError fromJson(int status, const QJsonObject &body);

    static ApiError invalidJson(const QString &message);
    static ApiError invalidField(const QString &field, const QString &message);
    static ApiError unauthenticated(const QString &message);
    static ApiError forbidden(const QString &message);
    static ApiError sessionKilled();
    static ApiError notFound(const QString &message);
    static ApiError conflict(const QString &code, const QString &message);
    static ApiError payloadTooLarge(qint64 limit);
    static ApiError unsupportedMediaType();
    static ApiError rateLimited(const QString &message);
    static ApiError internal(const QString &message);
    // 503 `unavailable`: the server cannot reach its database right now; retry shortly.
    static ApiError unavailable(const QString &message);
};

} // namespace interlock
