#include "RouteSupport.h"
#include "Store.h"
#include "WaitHub.h"

#include <QJsonArray>

namespace interlock {

namespace {
// Answers with events after `after` (optionally of one session); with none yet and a wait,
// parks until the topic is woken or the wait runs out.
void serveEvents(ApiContext &api, const HttpRequest &req, const Principal &who, HttpReplyPtr reply,
                 const QString &sessionId)
{
    qint64 after = 0;
    int waitMs = 0;
    // after=-1: "from now": no events, just the current head to follow from.
    ApiError e = readQueryInt(req, QStringLiteral("after"), -1,
                              std::numeric_limits<qint64>::max() / 2, 0, &after);
    if (!e.isError() && after == -1)
        return reply->sendJson(200, {{QStringLiteral("events"), QJsonArray()},
                                     {QStringLiteral("next"), api.store.lastEventSeq()}});
    if (!e.isError())
        e = readWait(req, api.limits, &waitMs);
    if (e.isError())
        return reply->sendError(e);
    const int limit = api.limits.maxEventsPerPoll;
    auto respond = [&api, after, sessionId, limit, who](HttpReply &r) {
        QJsonArray out;
        qint64 next = after;
        for (const EventRecord &ev : api.store.events(after, sessionId, limit)) {
            out.append(eventView(ev, who));
            next = ev.seq;
        }
        r.sendJson(200, {{QStringLiteral("events"), out}, {QStringLiteral("next"), next}});
    };
    if (waitMs > 0 && api.store.events(after, sessionId, 1).isEmpty()) {
        const QString topic =
            sessionId.isEmpty() ? QStringLiteral("events") : QStringLiteral("session:") + sessionId;
        api.hub.park(topic, std::move(reply), waitMs, respond, waitOwner(who));
        return;
    }
    respond(*reply);
}
} // namespace

void addEventRoutes(Router &router, ApiContext &api)
{
    const QList<Role> users{Role::Reviewer, Role::Oncall, Role::Manager, Role::Admin};
    QList<Role> sessionOrUsers = users;
    sessionOrUsers.append(Role::Session);

    router.add("GET", QStringLiteral("/v1/events"), Access::only(users),
               [&api](const HttpRequest &req, const Principal &who, HttpReplyPtr reply) {
                   serveEvents(api, req, who, std::move(reply), {});
               });

    router.add("GET", QStringLiteral("/v1/sessions/{id}/events"), Access::only(sessionOrUsers),
               [&api](const HttpRequest &req, const Principal &who, HttpReplyPtr reply) {
                   const QString id = req.params.value(0);
                   if ((who.isSession() && who.sessionId != id) || !api.store.session(id))
                       return reply->sendError(
                           ApiError::notFound(QStringLiteral("No session with id '%1'.").arg(id)));
                   serveEvents(api, req, who, std::move(reply), id);
               });
}

} // namespace interlock
