#pragma once

#include "HttpExchange.h"
#include "Principal.h"

namespace interlock {

class KillSwitch;
class Store;
struct SessionRecord;
class TokenCache;

// Resolves "Authorization: Bearer <token>" to a Principal. A session token whose session is no
// longer active yields 403 session_killed (or forbidden once ended), with *out still filled in
// and sessionClosed set, so a route that allows it can accept it. A session marked in the
// KillSwitch is refused at once, before (and whatever) the database says. A supervisor token
// stays valid while its session is active or killed (it reports the termination), not after.
// Every person's and supervisor's token seen valid here is kept in the TokenCache, which the
// control path on the I/O thread reads. The KillSwitch learns from every session row read here:
// a session opened or killed on another server reaches this one through the change feed, which
// can lag behind the first request for it (a supervisor's first poll, behind a load balancer).
class Authenticator
{
public:
    Authenticator(Store &store, KillSwitch &killSwitch, TokenCache &cache);
    ApiError authenticate(const HttpRequest &request, Principal *out) const;
    // The token of an Authorization header value: "Bearer" in any case, then the token, with
    // any spaces or tabs around them; nullopt when it is not of that form.
    static std::optional<QByteArray> bearerToken(const QByteArray &header);

private:
    // Brings the KillSwitch up to the row: active, or killed (which wakes the supervisor).
    void learn(const SessionRecord &session) const;

    Store &m_store;
    KillSwitch &m_killSwitch;
    TokenCache &m_cache;
};

} // namespace interlock
