#include "RouteSupport.h"

#include "Store.h"
#include "core/FieldReader.h"

#include <QThreadPool>

namespace interlock {

QJsonObject sessionView(const ApiContext &api, const SessionRecord &session, const Principal &who)
{
    QJsonObject o = api.sessionJson ? api.sessionJson(session) : session.toJson();
    // How close it is to each breaker is for people: an agent that saw it could pace itself
    // just under every rule (GET /v1/breakers is theirs only, too).
    if (!who.isUser())
        o.remove(QStringLiteral("breaker_counts"));
    return o;
}

QJsonObject eventView(const EventRecord &event, const Principal &who)
{
    QJsonObject o = event.toJson();
    if (!who.isUser()) { // what the breakers count of an action: as above
        o.remove(QStringLiteral("destructive"));
        o.remove(QStringLiteral("deleted_items"));
    }
    return o;
}

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

void replyFromReader(ApiContext &api, HttpReplyPtr reply,
                     std::function<QJsonObject(Store &reader)> work)
{
    // The reply stays alive until disposed, which only happens back on the server's thread.
    HttpReply *target = reply.release();
    const Store *store = &api.store;
    QThreadPool::globalInstance()->start([store, target, work = std::move(work)] {
        QString error;
        QJsonObject result;
        ApiError failure;
        if (const std::unique_ptr<Store> reader = store->openReader(&error))
            result = work(*reader);
        else
            failure = ApiError::internal(QStringLiteral("Cannot read the database: ") + error);
        QMetaObject::invokeMethod(
            target,
            [target, result, failure] {
                if (failure.isError())
                    target->sendError(failure);
                else
                    target->sendJson(200, result);
                target->dispose();
            },
            Qt::QueuedConnection);
    });
}

QString waitOwner(const Principal &who)
{
    return roleName(who.role) + QLatin1Char(':') +
           (who.sessionId.isEmpty() ? who.name : who.sessionId);
}

QString encodeCursor(std::pair<qint64, qint64> c)
{
    return QString::fromLatin1(
        QByteArray::number(c.first)
            .append(':')
            .append(QByteArray::number(c.second))
            .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

std::optional<std::pair<qint64, qint64>> decodeCursor(const QString &text)
{
    const auto decoded = QByteArray::fromBase64Encoding(
        text.toLatin1(), QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    const QList<QByteArray> parts = decoded.decoded.split(':');
    bool ok1 = false, ok2 = false;
    if (!decoded || parts.size() != 2)
        return std::nullopt;
    const qint64 first = parts[0].toLongLong(&ok1);
    const qint64 second = parts[1].toLongLong(&ok2);
    if (!ok1 || !ok2)
        return std::nullopt;
    return std::make_pair(first, second);
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
