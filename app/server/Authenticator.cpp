#include "Authenticator.h"

#include "KillSwitch.h"
#include "Store.h"
#include "TokenCache.h"
#include "Tokens.h"

namespace interlock {

Authenticator::Authenticator(Store &store, KillSwitch &killSwitch, TokenCache &cache)
    : m_store(store)
    , m_killSwitch(killSwitch)
    , m_cache(cache)
{}

std::optional<QByteArray> Authenticator::bearerToken(const QByteArray &header)
{
    // RFC 9110: the scheme is case-insensitive; one or more spaces (or tabs) follow it.
    const QByteArray value = header.trimmed();
    if (value.size() > 512)
        return std::nullopt;
    qsizetype end = 0;
    while (end < value.size() && value[end] != ' ' && value[end] != '\t')
        ++end;
    if (value.left(end).toLower() != "bearer")
        return std::nullopt;
    const QByteArray token = value.mid(end).trimmed();
    if (token.isEmpty())
        return std::nullopt;
    for (const char c : token) {
        if (c <= ' ' || c == 0x7f)
            return std::nullopt;
    }
    return token;
}

void Authenticator::learn(const SessionRecord &session) const
{
    if (session.status == QLatin1String("active")) {
        if (!m_killSwitch.isActive(session.id))
            m_killSwitch.opened(session.id, // no-op for one this server killed meanwhile
                                session.supervised);
    } else if (session.status == QLatin1String("killed")) {
        if (!m_killSwitch.isKilled(session.id)) {
            if (session.supervised) // its supervisor's report is awaited here too
                m_killSwitch.setSupervised({session.id});
            m_killSwitch.kill({session.id});
        }
    } else if (m_killSwitch.isActive(session.id)) {
        m_killSwitch.ended(session.id); // ended: no longer a target for stop-all
    }
}

ApiError Authenticator::authenticate(const HttpRequest &request, Principal *out) const
{
    const QByteArray header = request.header("authorization");
    if (header.isEmpty())
        return ApiError::unauthenticated(QStringLiteral("Send 'Authorization: Bearer <token>'."));
    const auto token = bearerToken(header);
    if (!token)
        return ApiError::unauthenticated(
            QStringLiteral("The Authorization header must be 'Bearer <token>'."));
    const QByteArray hash = tokenHash(QString::fromLatin1(*token));
    // The session too, for a session's or a supervisor's token: one read of the store.
    auto credential = m_store.credential(hash);
    if (!credential) {
        // A database that went away must not look like a bad token: a supervisor would take
        // that as final and kill its agent.
        if (m_store.lastReadFailed() || !m_store.ensureAvailable())
            return ApiError::unavailable(
                QStringLiteral("The server cannot reach its database right now; retry shortly."));
        return ApiError::unauthenticated(QStringLiteral("The token is not valid."));
    }
    const TokenRecord *record = &credential->token;
    if (record->role == Role::Supervisor) {
        // Revoked with its session's other tokens by the kill, yet still the one credential that
        // may report the termination: valid until the session is over.
        const auto &session = credential->session;
        if (!session && (m_store.lastReadFailed() || !m_store.ensureAvailable()))
            return ApiError::unavailable(
                QStringLiteral("The server cannot reach its database right now; retry shortly."));
        const bool usable = session && (session->status == QLatin1String("active") ||
                                        session->status == QLatin1String("killed"));
        if (!usable) {
            m_cache.remove(hash);
            return ApiError::forbidden(QStringLiteral("This session is over."));
        }
        learn(*session);
        m_cache.insert(hash, {record->role, record->name, record->sessionId});
        *out = Principal{true, Role::Supervisor, record->name, record->sessionId};
        return {};
    }
    std::shared_ptr<const SessionRecord> sessionRow;
    if (record->role == Role::Session) {
        // Checked before `revoked`: a kill revokes the token, and its owner must learn why.
        if (m_killSwitch.isKilled(record->sessionId)) {
            *out = Principal{true, Role::Session, record->name, record->sessionId, true};
            return ApiError::sessionKilled();
        }
        const auto &session = credential->session;
        if (!session) {
            if (m_store.lastReadFailed() || !m_store.ensureAvailable())
                return ApiError::unavailable(QStringLiteral(
                    "The server cannot reach its database right now; retry shortly."));
            return ApiError::unauthenticated(QStringLiteral("The token is not valid."));
        }
        learn(*session);
        sessionRow = std::make_shared<const SessionRecord>(*session);
        if (session->status != QLatin1String("active")) {
            *out = Principal{true, Role::Session, record->name, record->sessionId, true};
            if (session->status == QLatin1String("ended"))
                return ApiError::forbidden(QStringLiteral("This session has ended."));
            return ApiError::sessionKilled();
        }
    }
    if (record->revoked) {
        m_cache.remove(hash);
        return ApiError::unauthenticated(QStringLiteral("The token is not valid."));
    }
    if (TokenCache::cacheable(record->role))
        m_cache.insert(hash, {record->role, record->name, {}});
    *out = Principal{true, record->role, record->name, record->sessionId};
    out->session = std::move(sessionRow);
    return {};
}

} // namespace interlock
