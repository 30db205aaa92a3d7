#include "BulkDecision.h"

#include "ActionService.h"
#include "core/FieldReader.h"

#include <QHash>
#include <QJsonArray>
#include <QSet>

namespace interlock {

ApiError BulkDecision::parse(const QJsonObject &body, BulkDecision *out)
{
    FieldReader r(body);
    r.allowOnly({QStringLiteral("ids"), QStringLiteral("decision"), QStringLiteral("comment"),
                 QStringLiteral("versions")});
    const auto ids = r.array(QStringLiteral("ids"), true, kMaxIds);
    QSet<QString> seen;
    for (const QJsonValue &v : ids.value_or(QJsonArray())) {
        const QString id = v.toString();
        if (!v.isString() || id.isEmpty() || id.size() > 64) {
            r.fail(QStringLiteral("ids"), QStringLiteral("'ids' must hold action ids."));
            break;
        }
        if (seen.contains(id)) {
            r.fail(QStringLiteral("ids"), QStringLiteral("'%1' is listed twice.").arg(id));
            break;
        }
        seen.insert(id);
        out->ids.append(id);
    }
    if (r.ok() && out->ids.isEmpty())
        r.fail(QStringLiteral("ids"), QStringLiteral("'ids' must list at least one action."));
    const QString decision = r.string(QStringLiteral("decision"), true, 16).value_or(QString());
    if (r.ok() && decision == QLatin1String("approve"))
        out->kind = DecisionRequest::Kind::Approve;
    else if (r.ok() && decision == QLatin1String("reject"))
        out->kind = DecisionRequest::Kind::Reject;
    else if (r.ok())
        r.fail(QStringLiteral("decision"),
               QStringLiteral("'decision' must be approve or reject (an edit is made one action "
                              "at a time)."));
    out->comment =
        r.string(QStringLiteral("comment"), r.ok() && out->kind == DecisionRequest::Kind::Reject,
                 2000, FieldReader::Text::MultiLine)
            .value_or(QString());
    const auto versions = r.object(QStringLiteral("versions"), false);
    if (versions) {
        for (auto it = versions->constBegin(); it != versions->constEnd(); ++it) {
            const double v = it.value().toDouble(-1);
            if (!seen.contains(it.key()) || !it.value().isDouble() || v < 1 || v > (1 << 30) ||
                v != double(int(v))) {
                r.fail(QStringLiteral("versions"),
                       QStringLiteral("'versions' maps listed ids to the version shown."));
                break;
            }
            out->versions.insert(it.key(), int(v));
        }
    }
    return r.error();
}

QJsonObject BulkDecision::run(ActionService &actions, const Principal &who, int *status) const
{
    // Checked as a whole first.
    QJsonArray refused;
    QStringList named;
    for (const QString &id : ids) {
        const ActionService::Outcome found = actions.visible(who, id);
        QString reason;
        if (found.error.isError())
            reason = QStringLiteral("not_found");
        else if (!ActionService::isPending(found.action))
            reason = QStringLiteral("not_pending");
        else if (kind == DecisionRequest::Kind::Approve) {
            const QString level = found.action.value(QStringLiteral("risk"))
                                      .toObject()
                                      .value(QStringLiteral("level"))
                                      .toString();
            if (level != QLatin1String("low") && level != QLatin1String("medium"))
                reason = level;
        }
        if (reason.isEmpty())
            continue;
        refused.append(QJsonObject{{QStringLiteral("id"), id}, {QStringLiteral("reason"), reason}});
        named.append(QStringLiteral("%1 (%2)").arg(id, reason));
    }
    if (!refused.isEmpty()) {
        *status = 422;
        const QString message =
            kind == DecisionRequest::Kind::Approve
                ? QStringLiteral("Nothing was decided: only pending low and medium actions can be "
                                 "approved together. Refused: %1.")
                : QStringLiteral("Nothing was decided: only pending actions can be rejected. "
                                 "Refused: %1.");
        return {
            {QStringLiteral("error"),
             QJsonObject{{QStringLiteral("code"), QStringLiteral("bulk_refused")},
                         {QStringLiteral("message"), message.arg(named.join(QStringLiteral(", ")))},
                         {QStringLiteral("field"), QStringLiteral("ids")},
                         {QStringLiteral("refused"), refused}}}};
    }
    // Then each on its own, in id order, answered in the order given. On PostgreSQL each decision
    // locks its row until the group commits; a kill, an expiry or a bulk decision on another
    // server locks many rows in that same order, so the two wait for each other instead of
    // deadlocking (which fails a whole group of requests after a second).
    QStringList byId = ids;
    byId.sort();
    QHash<QString, QJsonObject> resultOf;
    int decided = 0;
    for (const QString &id : std::as_const(byId)) {
        DecisionRequest request;
        request.kind = kind;
        request.comment = comment;
        if (versions.contains(id))
            request.version = versions.value(id);
        const ActionService::Outcome r = actions.decide(who, id, request);
        if (r.error.isError()) {
            QJsonObject error = r.error.toJson().value(QStringLiteral("error")).toObject();
            resultOf.insert(id, {{QStringLiteral("id"), id},
                                 {QStringLiteral("ok"), false},
                                 {QStringLiteral("status"), r.error.status},
                                 {QStringLiteral("error"), error}});
            continue;
        }
        ++decided;
        resultOf.insert(id, {{QStringLiteral("id"), id},
                             {QStringLiteral("ok"), true},
                             {QStringLiteral("status"), 200},
                             {QStringLiteral("action"), r.action}});
    }
    QJsonArray results;
    for (const QString &id : ids)
        results.append(resultOf.value(id));
    *status = 200;
    return {{QStringLiteral("decision"), DecisionRequest::kindName(kind)},
            {QStringLiteral("results"), results},
            {QStringLiteral("decided"), decided},
            {QStringLiteral("failed"), int(ids.size()) - decided}};
}

} // namespace interlock
