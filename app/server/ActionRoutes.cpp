#include "ActionService.h"
#include "RouteSupport.h"
#include "Store.h"
#include "SubmissionBudget.h"
#include "WaitHub.h"
#include "core/DecisionRequest.h"
#include "core/FieldReader.h"

#include <QJsonArray>

namespace interlock {

namespace {
const QStringList &knownStatuses()
{
    static const QStringList s{QStringLiteral("pending"), QStringLiteral("approved"),
                               QStringLiteral("rejected"), QStringLiteral("expired"),
                               QStringLiteral("cancelled")};
    return s;
}

ApiError readListQuery(const HttpRequest &req, const Limits &limits, ActionQuery *q)
{
    q->status = req.query.queryItemValue(QStringLiteral("status"));
    if (!q->status.isEmpty() && !knownStatuses().contains(q->status))
        return ApiError::invalidField(QStringLiteral("status"),
                                      QStringLiteral("'status' must be one of: ") +
                                          knownStatuses().join(QStringLiteral(", ")));
    q->agent = req.query.queryItemValue(QStringLiteral("agent"));
    q->kind = req.query.queryItemValue(QStringLiteral("kind"));
    qint64 riskMin = 0, limit = 0;
    if (ApiError e = readQueryInt(req, QStringLiteral("risk_min"), 0, 100, 0, &riskMin);
        e.isError())
        return e;
    if (ApiError e =
            readQueryInt(req, QStringLiteral("limit"), 1, limits.maxListLimit, 100, &limit);
        e.isError())
        return e;
    q->riskMin = int(riskMin);
    q->limit = int(limit);
    const QString cursor = req.query.queryItemValue(QStringLiteral("cursor"));
    if (!cursor.isEmpty()) {
        q->after = decodeCursor(cursor);
        if (!q->after)
            return ApiError::invalidField(QStringLiteral("cursor"),
                                          QStringLiteral("'cursor' is not one this server "
                                                         "handed out."));
    }
    return {};
}

ApiError readIdempotencyKey(const HttpRequest &req, QString *key)
{
    const QByteArray raw = req.header("idempotency-key");
    *key = QString::fromUtf8(raw);
    if (raw.isEmpty())
        return {};
    if (raw.size() > 255 ||
        !FieldReader::checkText(*key, 255, FieldReader::Text::SingleLine).isEmpty())
        return ApiError::invalidField(
            QStringLiteral("Idempotency-Key"),
            QStringLiteral("Idempotency-Key must be at most 255 printable characters."));
    return {};
}
// 429 too_much_data when the agent, or the sessions its token opened, sent more than their budget
// in the last 10 minutes.
ApiError overBudget(ApiContext &api, const Principal &who, qint64 bytes)
{
    if (!api.budget)
        return {};
    const QString agent = who.session ? who.session->agent : who.name;
    const QString opener = who.session ? who.session->opener : QString();
    qint64 retryAfterMs = 0;
    const SubmissionBudget::Refused refused =
        api.budget->take(agent, opener, bytes, api.clock.monotonicMs(), &retryAfterMs);
    if (refused == SubmissionBudget::Refused::No)
        return {};
    const QString whose = refused == SubmissionBudget::Refused::Agent
                              ? QStringLiteral("This agent")
                              : QStringLiteral("The sessions opened with this agent's token");
    const int mib = refused == SubmissionBudget::Refused::Agent
                        ? api.limits.agentMiBPer10Min
                        : api.limits.agentMiBPer10Min * SubmissionBudget::kOpenerShare;
    ApiError e{429,
               QStringLiteral("too_much_data"),
               QStringLiteral("%1 sent more than %2 MiB of submissions in the last 10 minutes; "
                              "try again in %3 s.")
                   .arg(whose)
                   .arg(mib)
                   .arg((retryAfterMs + 999) / 1000),
               {}};
    e.retryAfterSeconds = int((retryAfterMs + 999) / 1000);
    return e;
}
} // namespace

void addActionRoutes(Router &router, ApiContext &api)
{
    const QList<Role> users{Role::Reviewer, Role::Oncall, Role::Manager, Role::Admin};
    QList<Role> sessionOrUsers = users;
    sessionOrUsers.append(Role::Session);

    router.add("POST", QStringLiteral("/v1/actions"), Access::only({Role::Session}),
               [&api](const HttpRequest &req, const Principal &who, HttpReplyPtr reply) {
                   QString key;
                   if (ApiError e = readIdempotencyKey(req, &key); e.isError())
                       return reply->sendError(e);
                   QJsonObject body;
                   if (!readJsonBody(req, *reply, &body))
                       return;
                   if (const ApiError e = overBudget(api, who, req.body.size()); e.isError())
                       return reply->sendError(e);
                   const auto r = api.actions.submit(who, body, key);
                   // A frozen session's refusal leaves at once: the freeze holds in memory, and
                   // after a crash before its commit the breaker's windows, rebuilt from the
                   // stored actions, trip again on the next submission (docs/safety.md).
                   if (r.error.status == 423)
                       return reply->sendRefusal(r.error);
                   if (r.error.isError())
                       return reply->sendError(r.error);
                   QList<std::pair<QByteArray, QByteArray>> headers;
                   if (r.replayed)
                       headers.append(
                           std::make_pair(QByteArray("Idempotent-Replayed"), QByteArray("true")));
                   reply->sendJson(201, r.action, headers);
               });

    router.add("GET", QStringLiteral("/v1/actions"), Access::only(users),
               [&api](const HttpRequest &req, const Principal &, HttpReplyPtr reply) {
                   ActionQuery q;
                   if (ApiError e = readListQuery(req, api.limits, &q); e.isError())
                       return reply->sendError(e);
                   // The stored texts are spliced in: no parse and re-serialisation of 500
                   // actions per page (the console loads a 100,000-action queue this way).
                   const ActionPage page = api.store.actions(q);
                   if (api.store.lastReadFailed()) // not "no actions": the database is away
                       return reply->sendError(ApiError::unavailable(QStringLiteral(
                           "The server cannot reach its database right now; retry shortly.")));
                   qsizetype size = 64;
                   for (const QByteArray &doc : page.docs)
                       size += doc.size() + 1;
                   QByteArray body;
                   body.reserve(size);
                   body += "{\"actions\":[";
                   body += page.docs.join(',');
                   body += "],\"next_cursor\":";
                   body += page.next ? '"' + encodeCursor(*page.next).toLatin1() + '"'
                                     : QByteArray("null");
                   body += '}';
                   reply->send(200, "application/json", body);
               });

    router.add("GET", QStringLiteral("/v1/actions/{id}"), Access::only(sessionOrUsers),
               [&api](const HttpRequest &req, const Principal &who, HttpReplyPtr reply) {
                   // prefetch=1: the console loading ahead; not the reviewer opening it.
                   const bool prefetch =
                       req.query.queryItemValue(QStringLiteral("prefetch")) == QLatin1String("1");
                   const auto r = api.actions.opened(who, req.params.value(0), !prefetch);
                   if (r.error.isError())
                       return reply->sendError(r.error);
                   reply->sendJson(200, r.action);
               });

    router.add("GET", QStringLiteral("/v1/actions/{id}/decision"), Access::only({Role::Session}),
               [&api](const HttpRequest &req, const Principal &who, HttpReplyPtr reply) {
                   const QString id = req.params.value(0);
                   const auto r = api.actions.visible(who, id);
                   if (r.error.isError())
                       return reply->sendError(r.error);
                   int waitMs = 0;
                   if (ApiError e = readWait(req, api.limits, &waitMs); e.isError())
                       return reply->sendError(e);
                   auto respond = [&api, id](HttpReply &out) {
                       ApiError error;
                       const QJsonObject view = api.actions.deliverDecision(id, &error);
                       if (error.isError())
                           return out.sendError(error);
                       out.sendJson(200, view);
                   };
                   if (waitMs > 0 && ActionService::isPending(r.action)) {
                       api.hub.park(QStringLiteral("action:") + id, std::move(reply), waitMs,
                                    respond, waitOwner(who));
                       return;
                   }
                   respond(*reply);
               });

    router.add("POST", QStringLiteral("/v1/actions/{id}/decision"),
               Access::only({Role::Reviewer, Role::Admin}),
               [&api](const HttpRequest &req, const Principal &who, HttpReplyPtr reply) {
                   QJsonObject body;
                   if (!readJsonBody(req, *reply, &body))
                       return;
                   DecisionRequest decision;
                   if (ApiError e = DecisionRequest::parse(body, &decision, api.limits.json);
                       e.isError())
                       return reply->sendError(e);
                   const auto r = api.actions.decide(who, req.params.value(0), decision);
                   if (r.error.isError())
                       return reply->sendError(r.error);
                   reply->sendJson(200, r.action);
               });

    router.add("POST", QStringLiteral("/v1/actions/{id}/receipt"), Access::only({Role::Session}),
               [&api](const HttpRequest &req, const Principal &who, HttpReplyPtr reply) {
                   QJsonObject body;
                   if (!readJsonBody(req, *reply, &body))
                       return;
                   const auto r = api.actions.receipt(who, req.params.value(0), body);
                   if (r.error.isError())
                       return reply->sendError(r.error);
                   reply->sendJson(200, r.action);
               });

    router.add("POST", QStringLiteral("/v1/actions/{id}/withdraw"), Access::only({Role::Session}),
               [&api](const HttpRequest &req, const Principal &who, HttpReplyPtr reply) {
                   QJsonObject body;
                   if (!readJsonBody(req, *reply, &body))
                       return;
                   const auto r = api.actions.withdraw(who, req.params.value(0), body);
                   if (r.error.isError())
                       return reply->sendError(r.error);
                   reply->sendJson(200, r.action);
               });
}

} // namespace interlock
