#include "RouteSupport.h"
#include "SessionService.h"
#include "Store.h"

#include <QJsonArray>

namespace interlock {

void addSessionRoutes(Router &router, ApiContext &api)
{
    const QList<Role> users{Role::Reviewer, Role::Oncall, Role::Manager, Role::Admin};

    router.add("POST", QStringLiteral("/v1/sessions"), Access::only({Role::Agent, Role::Admin}),
               [&api](const HttpRequest &req, const Principal &who, HttpReplyPtr reply) {
                   QJsonObject body;
                   if (!readJsonBody(req, *reply, &body))
                       return;
                   const auto opened = api.sessions.open(who, body);
                   if (opened.error.isError())
                       return reply->sendError(opened.error);
                   reply->sendJson(201, {{QStringLiteral("session"), opened.session.toJson()},
                                         {QStringLiteral("token"), opened.token}});
               });

    router.add("GET", QStringLiteral("/v1/sessions"), Access::only(users),
               [&api](const HttpRequest &req, const Principal &, HttpReplyPtr reply) {
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
                       list.append(s.toJson());
                   reply->sendJson(200, {{QStringLiteral("sessions"), list}});
               });
}

} // namespace interlock
