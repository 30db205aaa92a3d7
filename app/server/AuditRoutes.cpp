#include "RouteSupport.h"
#include "Store.h"

#include <QJsonArray>

namespace interlock {

void addAuditRoutes(Router &router, ApiContext &api)
{
    const Access managers = Access::only({Role::Manager, Role::Admin});

    router.add("GET", QStringLiteral("/v1/audit"), managers,
               [&api](const HttpRequest &req, const Principal &, HttpReplyPtr reply) {
                   qint64 after = 0, limit = 0;
                   ApiError e = readQueryInt(req, QStringLiteral("after"), 0,
                                             std::numeric_limits<qint64>::max() / 2, 0, &after);
                   if (!e.isError())
                       e = readQueryInt(req, QStringLiteral("limit"), 1, 1000, 100, &limit);
                   if (e.isError())
                       return reply->sendError(e);
                   QJsonArray entries;
                   qint64 next = after;
                   for (const AuditEntry &entry : api.store.auditEntries(after, int(limit))) {
                       entries.append(entry.toJson());
                       next = entry.seq;
                   }
                   reply->sendJson(
                       200, {{QStringLiteral("entries"), entries}, {QStringLiteral("next"), next}});
               });

    router.add("GET", QStringLiteral("/v1/audit/verify"), managers,
               [&api](const HttpRequest &, const Principal &, HttpReplyPtr reply) {
                   replyFromReader(api, std::move(reply),
                                   [](Store &reader) { return reader.verifyAudit().toJson(); });
               });
}

} // namespace interlock
