#pragma once

#include "HttpExchange.h"
#include "Principal.h"

namespace interlock {

class KillSwitch;
class Store;

// Resolves "Authorization: Bearer <token>" to a Principal. A session token whose session is no
// longer active yields 403 session_killed (or forbidden once ended), with *out still filled in
// and sessionClosed set, so a route that allows it can accept it. A session marked in the
// KillSwitch is refused at once, before (and whatever) the database says.
class Authenticator
{
public:
    Authenticator(Store &store, const KillSwitch &killSwitch);
    ApiError authenticate(const HttpRequest &request, Principal *out) const;

private:
    Store &m_store;
    const KillSwitch &m_killSwitch;
};

} // namespace interlock
