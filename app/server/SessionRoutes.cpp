#include "KillSwitch.h"
#include "LivenessMonitor.h"
#include "RouteSupport.h"
#include "SessionService.h"
#include "Store.h"
#include "TokenCache.h"
#include "Tokens.h"

#include <QJsonArray>

namespace interlock {

void addSessionRoutes(Router &router, ApiContext &api)
{
    const QList<Role> users{Role::Reviewer, Role::Oncall, Role::Manager, Role::Admin};

    router.add(
        "POST", QStringLiteral("/v1/sessions"), Access::only({Role::Agent, Role::Admin}),
        [&api](const HttpRequest &req, const Principal &who, HttpReplyPtr reply) {
            QJsonObject body;
            if (!readJsonBody(req, *reply, &body))
                return;
            const auto opened = api.sessions.open(who, body);
            if (opened.error.isError())
                return reply->sendError(opened.error);
            QJsonObject out{{QStringLiteral("session"), sessionView(api, opened.session, who)},
                            {QStringLiteral("token"), opened.token}};
            if (!opened.supervisorToken.isEmpty()) {
                out.insert(QStringLiteral("supervisor_token"), opened.supervisorToken);
                if (api.tokens)
                    api.tokens->insert(tokenHash(opened.supervisorToken),
                                       {Role::Supervisor, opened.session.agent, opened.session.id});
            }
            reply->sendJson(201, out);
        });

    router.add("GET", QStringLiteral("/v1/sessions"), Access::only(users),
               [&api](const HttpRequest &req, const Principal &who, HttpReplyPtr reply) {
                   const QString status = req.query.queryItemValue(QStringLiteral("status"));
                   static const QStringList known{
                       QStringLiteral("active"), QStringLiteral("killed"),
                       QStringLiteral("terminated"), QStringLiteral("ended")};
                   if (!status.isEmpty() && !known.contains(status)) {
                       return reply->sendError(ApiError::invalidField(
                           QStringLiteral("status"), QStringLiteral("'status' must be one of: ") +
                                                         known.join(QStringLiteral(", "))));
                   }
                   QJsonArray list;
                   for (const SessionRecord &s : api.store.sessions(status))
                       list.append(sessionView(api, api.sessions.asSeen(s), who));
                   reply->sendJson(200, {{QStringLiteral("sessions"), list}});
               });

    // POST bodies here are optional: an emergency stop must work with an empty request.
    const auto optionalBody = [](const HttpRequest &req, HttpReply &reply, QJsonObject *out) {
        return req.body.trimmed().isEmpty() || readJsonBody(req, reply, out);
    };

    router.add(
        "GET", QStringLiteral("/v1/sessions/{id}"),
        Access::only({Role::Session, Role::Reviewer, Role::Oncall, Role::Manager, Role::Admin}),
        [&api](const HttpRequest &req, const Principal &who, HttpReplyPtr reply) {
            const QString id = req.params.value(0);
            const auto s = api.store.session(id);
            if (!s || (who.isSession() && who.sessionId != id))
                return reply->sendError(
                    ApiError::notFound(QStringLiteral("No session with id '%1'.").arg(id)));
            reply->sendJson(
                200, {{QStringLiteral("session"), sessionView(api, api.sessions.asSeen(*s), who)}});
        });

    router.add(
        "POST", QStringLiteral("/v1/sessions/{id}/kill"),
        Access::only({Role::Reviewer, Role::Oncall, Role::Admin}),
        [&api, optionalBody](const HttpRequest &req, const Principal &who, HttpReplyPtr reply) {
            QJsonObject body;
            if (!optionalBody(req, *reply, &body))
                return;
            const QString id = req.params.value(0);
            const auto ended = api.sessions.kill(who, {id}, body);
            if (ended.error.isError())
                return reply->sendError(ended.error);
            // Killing a session that is no longer active changes nothing and says so. A kill not
            // yet in the database (`recorded`: false) holds in memory and is retried until it is.
            const auto now = ended.recorded ? api.store.session(id)
                                            : std::optional(ended.result.sessions.value(0));
            reply->sendJson(
                200,
                {{QStringLiteral("session"), now ? sessionView(api, *now, who) : QJsonObject()},
                 {QStringLiteral("cancelled"), ended.result.cancelledActions.size()},
                 {QStringLiteral("recorded"), ended.recorded}});
        });

    router.add(
        "POST", QStringLiteral("/v1/stop-all"), Access::only({Role::Oncall, Role::Admin}),
        [&api, optionalBody](const HttpRequest &req, const Principal &who, HttpReplyPtr reply) {
            QJsonObject body;
            if (!optionalBody(req, *reply, &body))
                return;
            const auto ended = api.sessions.kill(who, {}, body);
            if (ended.error.isError())
                return reply->sendError(ended.error);
            reply->sendJson(200,
                            {{QStringLiteral("killed"), ended.result.sessions.size()},
                             {QStringLiteral("cancelled"), ended.result.cancelledActions.size()},
                             {QStringLiteral("recorded"), ended.recorded}});
        });

    // The supervisor's control channel is served on the I/O thread (ControlPath); this answers
    // only what reaches the API thread: a token the control path's cache did not know, or a bad
    // `wait`. It never waits.
    router.add("GET", QStringLiteral("/v1/sessions/{id}/control"), Access::only({Role::Supervisor}),
               [&api](const HttpRequest &req, const Principal &who, HttpReplyPtr reply) {
                   const QString id = req.params.value(0);
                   if (who.sessionId != id)
                       return reply->sendError(
                           ApiError::notFound(QStringLiteral("No session with id '%1'.").arg(id)));
                   int waitMs = 0;
                   if (ApiError e = readWait(req, api.limits, &waitMs); e.isError())
                       return reply->sendError(e);
                   // The Authenticator has just brought this server's memory up to the
                   // session's row (it may have been opened or killed on another server).
                   QString state = QStringLiteral("active");
                   if (api.killSwitch && api.killSwitch->isKilled(id))
                       state = QStringLiteral("killed");
                   else if (api.killSwitch && !api.killSwitch->isActive(id))
                       state = QStringLiteral("ended");
                   reply->sendJson(
                       200, {{QStringLiteral("session_id"), id}, {QStringLiteral("state"), state}});
               });

    // The supervisor's answer to a session.ping: served on the I/O thread (ControlPath) for a
    // token in its cache; here for the rest. Only the session's supervisor: the agent's session
    // token gets 403.
    router.add("POST", QStringLiteral("/v1/sessions/{id}/pong"), Access::only({Role::Supervisor}),
               [&api](const HttpRequest &req, const Principal &who, HttpReplyPtr reply) {
                   const QString id = req.params.value(0);
                   if (who.sessionId != id || !api.liveness)
                       return reply->sendError(
                           ApiError::notFound(QStringLiteral("No session with id '%1'.").arg(id)));
                   const auto [status, body] = api.liveness->pong(id, req.body);
                   reply->sendJson(status, body);
               });

    router.add(
        "POST", QStringLiteral("/v1/sessions/{id}/terminated"), Access::only({Role::Supervisor}),
        [&api, optionalBody](const HttpRequest &req, const Principal &who, HttpReplyPtr reply) {
            QJsonObject body;
            if (!optionalBody(req, *reply, &body))
                return;
            const auto ended = api.sessions.finish(who, req.params.value(0), body);
            if (ended.error.isError())
                return reply->sendError(ended.error);
            if (api.tokens)
                api.tokens->removeSession(req.params.value(0));
            if (api.liveness)
                api.liveness->terminated(req.params.value(0)); // a kill confirmed
            reply->sendJson(200,
                            {{QStringLiteral("session"), ended.result.sessions.value(0).toJson()},
                             {QStringLiteral("cancelled"), ended.result.cancelledActions.size()}});
        });

    // Agent names and the tokens they belong to (AgentNames.h); an admin frees one.
    const auto holderJson = [](const AgentNameHolder &h) {
        return QJsonObject{
            {QStringLiteral("agent"), h.agent},
            {QStringLiteral("opener"), h.opener.isEmpty() ? QJsonValue() : QJsonValue(h.opener)}};
    };
    router.add("GET", QStringLiteral("/v1/agent-names"), Access::only(users),
               [&api, holderJson](const HttpRequest &, const Principal &, HttpReplyPtr reply) {
                   QJsonArray list;
                   for (const AgentNameHolder &h : api.store.agentNames())
                       list.append(holderJson(h));
                   reply->sendJson(200, {{QStringLiteral("agent_names"), list}});
               });
    router.add(
        "POST", QStringLiteral("/v1/agent-names/release"), Access::only({Role::Admin}),
        [&api, holderJson](const HttpRequest &req, const Principal &who, HttpReplyPtr reply) {
            QJsonObject body;
            if (!readJsonBody(req, *reply, &body))
                return;
            const auto released = api.sessions.releaseName(who, body);
            if (released.error.isError())
                return reply->sendError(released.error);
            reply->sendJson(200, {{QStringLiteral("released"), holderJson(released.released)}});
        });
}

} // namespace interlock
