#pragma once

#include "core/Role.h"

#include <QString>
#include <memory>

namespace interlock {

struct SessionRecord;

// Who is calling: resolved from the bearer token for every request.
struct Principal {
    bool authenticated = false;
    Role role = Role::Agent;
    QString name;               // token name; the agent's name for a session token
    QString sessionId;          // session tokens only
    bool sessionClosed = false; // a session token whose session was killed or has ended
    // A session token's session as the Authenticator read it for this request: the handler
    // need not read it again (on PostgreSQL, a round trip per submission).
    std::shared_ptr<const SessionRecord> session = nullptr;

    bool isSession() const { return authenticated && role == Role::Session; }
    bool isUser() const { return authenticated && isUserRole(role); }
};

} // namespace interlock
