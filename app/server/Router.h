#pragma once

#include "HttpExchange.h"
#include "Principal.h"

#include <QList>
#include <functional>

namespace interlock {

// Who may call a route. A route with no roles and anonymous=false accepts any valid token.
struct Access {
    bool anonymous = false;
    QList<Role> roles;
    // The token of a killed session is refused (403 session_killed) everywhere but on routes that
    // set this: the supervisor reports the termination with it.
    bool closedSession = false;

    static Access anyone() { return {true, {}, false}; }
    static Access anyToken() { return {false, {}, false}; }
    static Access only(QList<Role> roles) { return {false, std::move(roles), false}; }
    static Access closedSessionToo() { return {false, {Role::Session}, true}; }
    bool allows(Role role) const { return roles.isEmpty() || roles.contains(role); }
};

using Handler = std::function<void(const HttpRequest &, const Principal &, HttpReplyPtr)>;

struct Route {
    QByteArray method;
    QString pattern; // e.g. /v1/actions/{id}/decision
    Access access;
    Handler handler;
    QStringList segments; // the pattern split at '/', once (match() runs for every request)
};

// Matches method + path against registered patterns; {name} matches one path segment.
class Router
{
public:
    void add(const QByteArray &method, const QString &pattern, Access access, Handler handler);

    struct Match {
        const Route *route = nullptr;
        bool pathKnown = false; // some route has this path, with another method
        QStringList params;
    };
    Match match(const QByteArray &method, const QString &path) const;
    const QList<Route> &routes() const { return m_routes; }

private:
    QList<Route> m_routes;
};

} // namespace interlock
