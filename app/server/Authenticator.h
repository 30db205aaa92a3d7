#pragma once

#include "HttpExchange.h"
#include "Principal.h"

namespace interlock {

class Store;

// Resolves "Authorization: Bearer <token>" to a Principal. A session token whose session is no
// longer active yields 403 session_killed (or forbidden once ended), with *out still filled in
// and sessionClosed set, so a route that allows it can accept it.
class Authenticator
{
public:
    explicit Authenticator(Store &store);
    ApiError authenticate(const HttpRequest &request, Principal *out) const;
    // The token of an Authorization header value: "Bearer" in any case, then the token, with
    // any spaces or tabs around them; nullopt when it is not of that form.
    static std::optional<QByteArray> bearerToken(const QByteArray &header);

private:
    Store &m_store;
};

} // namespace interlock
