#include "RouteSupport.h"

#include "core/FieldReader.h"

namespace interlock {

bool readJsonBody(const HttpRequest &request, HttpReply &reply, QJsonObject *out)
{
    const ApiError e = parseJsonObject(request.body, out);
    if (e.isError()) {
        reply.sendError(e);
        return false;
    }
    return true;
}

ApiError readQueryInt(const HttpRequest &request, const QString &name, qint64 min, qint64 max,
                      qint64 fallback, qint64 *out)
{
    if (!request.query.hasQueryItem(name)) {
        *out = fallback;
        return {};
    }
    bool ok = false;
    const qint64 v = request.query.queryItemValue(name).toLongLong(&ok);
    if (!ok || v < min || v > max) {
        return ApiError::invalidField(name,
                                      QStringLiteral("'%1' must be a whole number from %2 to %3.")
                                          .arg(name)
                                          .arg(min)
                                          .arg(max));
    }
    *out = v;
    return {};
}

ApiError readWait(const HttpRequest &request, const Limits &limits, int *waitMs)
{
    *waitMs = 0;
    if (!request.query.hasQueryItem(QStringLiteral("wait")))
        return {};
    bool ok = false;
    const double seconds = request.query.queryItemValue(QStringLiteral("wait")).toDouble(&ok);
    if (!ok || !(seconds >= 0) || seconds > limits.maxWaitSeconds) {
        return ApiError::invalidField(
            QStringLiteral("wait"),
            QStringLiteral("'wait' must be a number of seconds from 0 to %1.")
                .arg(limits.maxWaitSeconds));
    }
    *waitMs = int(seconds * 1000);
    return {};
}

} // namespace interlock
