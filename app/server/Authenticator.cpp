#include "Authenticator.h"

#include "KillSwitch.h"
#include "Store.h"
#include "Tokens.h"

namespace interlock {

Authenticator::Authenticator(Store &store, const KillSwitch &killSwitch)
    : m_store(store)
    , m_killSwitch(killSwitch)
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
    if (!record) {
        // A database that went away must not look like a bad token: a supervisor would take
        // that as final and kill its agent.
        if (m_store.lastReadFailed() || !m_store.ensureAvailable())
            return ApiError::unavailable(
                QStringLiteral("The server cannot reach its database right now; retry shortly."));
        return ApiError::unauthenticated(QStringLiteral("The token is not valid."));
    }
    if (record->role == Role::Session) {
        // Checked before `revoked`: a kill revokes the token, and its owner must learn why.
        if (m_killSwitch.isKilled(record->sessionId)) {
            *out = Principal{true, Role::Session, record->name, record->sessionId, true};
            return ApiError::sessionKilled();
        }
        const auto session = m_store.session(record->sessionId);
        if (!session) {
            if (m_store.lastReadFailed() || !m_store.ensureAvailable())
                return ApiError::unavailable(QStringLiteral(
                    "The server cannot reach its database right now; retry shortly."));
            return ApiError::unauthenticated(QStringLiteral("The token is not valid."));
        }
        if (session->status != QLatin1String("active")) {
            *out = Principal{true, Role::Session, record->name, record->sessionId, true};
            if (session->status == QLatin1String("ended"))
                return ApiError::forbidden(QStringLiteral("This session has ended."));
            return ApiError::sessionKilled();
        }
    }
    if (record->revoked)
        return ApiError::unauthenticated(QStringLiteral("The token is not valid."));
    *out = Principal{true, record->role, record->name, record->sessionId};
    return {};
}

} // namespace interlock
