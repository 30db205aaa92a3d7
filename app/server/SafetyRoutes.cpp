#include "BulkDecision.h"
#include "RouteSupport.h"
#include "SafetyGuard.h"
#include "ServerMetrics.h"
#include "Store.h"
#include "core/FieldReader.h"

#include <QJsonArray>

// The routes of docs/safety.md: standing grants, resuming a frozen session, breaker trips and
// rules, bulk decisions, and the Prometheus metrics.
namespace interlock {

namespace {
ApiError readStatus(const HttpRequest &req, const QStringList &known, QString *out)
{
    *out = req.query.queryItemValue(QStringLiteral("status"));
    if (!out->isEmpty() && !known.contains(*out))
        return ApiError::invalidField(QStringLiteral("status"),
                                      QStringLiteral("'status' must be one of: ") +
                                          known.join(QStringLiteral(", ")));
    return {};
}

QJsonArray arrayOf(const QList<QJsonObject> &list)
{
    QJsonArray out;
    for (const QJsonObject &o : list)
        out.append(o);
    return out;
}
} // namespace

void addSafetyRoutes(Router &router, ApiContext &api, SafetyContext &safety)
{
    const QList<Role> users{Role::Reviewer, Role::Oncall, Role::Manager, Role::Admin};
    const QList<Role> deciders{Role::Reviewer, Role::Oncall, Role::Admin};

    router.add("GET", QStringLiteral("/v1/grants"), Access::only(users),
               [&api, &safety](const HttpRequest &req, const Principal &, HttpReplyPtr reply) {
                   QString status;
                   qint64 limit = 0;
                   ApiError e = readStatus(req,
                                           {QStringLiteral("active"), QStringLiteral("expired"),
                                            QStringLiteral("revoked")},
                                           &status);
                   if (!e.isError())
                       e = readQueryInt(req, QStringLiteral("limit"), 1, api.limits.maxListLimit,
                                        api.limits.maxListLimit, &limit);
                   if (e.isError())
                       return reply->sendError(e);
                   const QString agent = req.query.queryItemValue(QStringLiteral("agent"));
                   reply->sendJson(
                       200, {{QStringLiteral("grants"),
                              arrayOf(safety.guard.grants().list(status, agent, int(limit)))}});
               });

    router.add("GET", QStringLiteral("/v1/grants/{id}"), Access::only(users),
               [&safety](const HttpRequest &req, const Principal &, HttpReplyPtr reply) {
                   const auto grant = safety.guard.grants().grant(req.params.value(0));
                   if (!grant)
                       return reply->sendError(ApiError::notFound(
                           QStringLiteral("No grant with id '%1'.").arg(req.params.value(0))));
                   reply->sendJson(200, {{QStringLiteral("grant"), *grant}});
               });

    router.add("DELETE", QStringLiteral("/v1/grants/{id}"), Access::only(deciders),
               [&safety](const HttpRequest &req, const Principal &who, HttpReplyPtr reply) {
                   const auto grant = safety.guard.revokeGrant(who, req.params.value(0));
                   if (!grant)
                       return reply->sendError(ApiError::notFound(
                           QStringLiteral("No grant with id '%1'.").arg(req.params.value(0))));
                   reply->sendJson(200, {{QStringLiteral("grant"), *grant}});
               });

    router.add(
        "POST", QStringLiteral("/v1/sessions/{id}/resume"), Access::only(deciders),
        [&api, &safety](const HttpRequest &req, const Principal &who, HttpReplyPtr reply) {
            QJsonObject body;
            if (!req.body.trimmed().isEmpty() && !readJsonBody(req, *reply, &body))
                return;
            FieldReader r(body);
            r.allowOnly({QStringLiteral("comment")});
            const QString comment =
                r.string(QStringLiteral("comment"), false, 2000, FieldReader::Text::MultiLine)
                    .value_or(QString());
            if (!r.ok())
                return reply->sendError(r.error());
            const QString id = req.params.value(0);
            const auto resumed = safety.guard.resume(who, id, comment);
            if (resumed.error.isError())
                return reply->sendError(resumed.error);
            const auto session = api.store.session(id);
            reply->sendJson(200, {{QStringLiteral("session"),
                                   session ? sessionView(api, *session, who) : QJsonObject()},
                                  {QStringLiteral("resumed"), resumed.lifted},
                                  {QStringLiteral("trips"), arrayOf(resumed.trips)}});
        });

    router.add("GET", QStringLiteral("/v1/trips"), Access::only(users),
               [&api, &safety](const HttpRequest &req, const Principal &, HttpReplyPtr reply) {
                   QString status;
                   qint64 limit = 0;
                   ApiError e = readStatus(req,
                                           {QStringLiteral("frozen"), QStringLiteral("resumed"),
                                            QStringLiteral("killed")},
                                           &status);
                   if (!e.isError())
                       e = readQueryInt(req, QStringLiteral("limit"), 1, api.limits.maxListLimit,
                                        100, &limit);
                   if (e.isError())
                       return reply->sendError(e);
                   reply->sendJson(200,
                                   {{QStringLiteral("trips"),
                                     arrayOf(safety.guard.freezes().list(status, int(limit)))}});
               });

    router.add("GET", QStringLiteral("/v1/breakers"), Access::only(users),
               [&safety](const HttpRequest &, const Principal &, HttpReplyPtr reply) {
                   reply->sendJson(200, safety.guard.breakers().rules().toJson());
               });

    router.add("POST", QStringLiteral("/v1/actions/bulk-decision"),
               Access::only({Role::Reviewer, Role::Admin}),
               [&api](const HttpRequest &req, const Principal &who, HttpReplyPtr reply) {
                   QJsonObject body;
                   if (!readJsonBody(req, *reply, &body))
                       return;
                   BulkDecision bulk;
                   if (const ApiError e = BulkDecision::parse(body, &bulk); e.isError())
                       return reply->sendError(e);
                   int status = 0;
                   const QJsonObject out = bulk.run(api.actions, who, &status);
                   reply->sendJson(status, out);
               });

    // GET /v1/metrics is registered by ApiServer: the transport's figures and then
    // safety.metrics.render(...).
}

} // namespace interlock
