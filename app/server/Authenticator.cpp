#include "Authenticator.h"

#include "Store.h"
#include "Tokens.h"

namespace interlock {

Authenticator::Authenticator(Store &store)
    : m_store(store)
{}

ApiError Authenticator::authenticate(const HttpRequest &request, Principal *out) const
{
    const QByteArray header = request.header("authorization");
    if (header.isEmpty())
        return ApiError::unauthenticated(QStringLiteral("Send 'Authorization: Bearer <token>'."));
    if (!header.startsWith("Bearer ") || header.size() > 512)
        return ApiError::unauthenticated(
            QStringLiteral("The Authorization header must be 'Bearer <token>'."));
    const QString token = QString::fromLatin1(header.mid(7).trimmed());
    const auto record = m_store.token(tokenHash(token));
    if (!record || record->revoked)
        return ApiError::unauthenticated(QStringLiteral("The token is not valid."));
    if (record->role == Role::Session) {
        const auto session = m_store.session(record->sessionId);
        if (!session)
            return ApiError::unauthenticated(QStringLiteral("The token is not valid."));
        if (session->status == QLatin1String("killed") ||
            session->status == QLatin1String("terminated"))
            return ApiError::sessionKilled();
        if (session->status != QLatin1String("active"))
            return ApiError::forbidden(QStringLiteral("This session has ended."));
    }
    *out = Principal{true, record->role, record->name, record->sessionId};
    return {};
}

} // namespace interlock
