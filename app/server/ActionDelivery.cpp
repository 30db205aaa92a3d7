#include "ActionFields.h"
#include "ActionService.h"
#include "core/CanonicalJson.h"
#include "core/FieldReader.h"
#include "core/Timestamp.h"

#include <QRegularExpression>

// What the agent learns of a decision and tells of its execution: the decision view, its
// delivery, the receipt, and a withdrawal.

namespace interlock {

using namespace actionfields;

QJsonObject ActionService::decisionView(const QJsonObject &action)
{
    const QString status = str(action, kStatus);
    const QJsonObject decision = action.value(QStringLiteral("decision")).toObject();
    QJsonObject view{{kStatus, status},
                     {QStringLiteral("decision"), QJsonValue::Null},
                     {QStringLiteral("payload"), QJsonValue::Null},
                     {QStringLiteral("payload_sha256"), QJsonValue::Null},
                     {QStringLiteral("comment"), QJsonValue::Null}};
    if (status != QLatin1String("approved") && status != QLatin1String("rejected"))
        return view;
    view.insert(QStringLiteral("decision"), decision.value(QStringLiteral("kind")));
    view.insert(QStringLiteral("comment"), decision.value(QStringLiteral("comment")));
    if (status == QLatin1String("approved")) {
        const QJsonObject payload = approvedPayload(action);
        view.insert(QStringLiteral("payload"), payload);
        view.insert(QStringLiteral("payload_sha256"),
                    QString::fromLatin1(sha256Hex(canonicalJson(payload))));
    }
    // A decision is used once: an agent that fetches it a second time (the same tool call
    // replayed, or two waiters on one action) is told, and our integrations then do not run it.
    view.insert(QStringLiteral("delivered_before"),
                !action.value(QStringLiteral("delivered_at")).isNull());
    return view;
}

QJsonObject ActionService::deliverDecision(const QString &id, ApiError *error)
{
    QJsonObject action = current(m_store.action(id).value_or(QJsonObject()));
    QJsonObject view = decisionView(action);
    const QJsonValue before = view.value(QStringLiteral("delivered_before"));
    if (before.isUndefined() || before.toBool()) // not decided, or delivered before
        return view;
    // Claimed before the answer leaves (the version's compare-and-swap, so of two servers
    // delivering at once one wins), and the answer is held until the claim is durable: an
    // approval is handed out once.
    action.insert(QStringLiteral("delivered_at"), toRfc3339(m_clock.nowMs()));
    if (write(action,
              transition(QStringLiteral("action.updated"), QStringLiteral("action.deliver"),
                         QStringLiteral("session:") + str(action, QStringLiteral("session_id")),
                         action)))
        return view;
    const QJsonObject now = m_store.action(id).value_or(QJsonObject());
    if (!now.value(QStringLiteral("delivered_at")).isNull()) {
        view.insert(QStringLiteral("delivered_before"), true); // another server had it first
        return view;
    }
    *error = storeError(m_store.lastFailure(), QStringLiteral("The decision's delivery"));
    return {};
}

ActionService::Outcome ActionService::receipt(const Principal &who, const QString &id,
                                              const QJsonObject &body)
{
    Outcome found = visible(who, id);
    if (found.error.isError())
        return found;
    FieldReader r(body);
    r.allowOnly(
        {QStringLiteral("outcome"), QStringLiteral("payload_sha256"), QStringLiteral("detail")});
    const QString outcome = r.string(QStringLiteral("outcome"), true, 16).value_or(QString());
    if (r.ok() && outcome != QLatin1String("succeeded") && outcome != QLatin1String("failed"))
        r.fail(QStringLiteral("outcome"), QStringLiteral("'outcome' must be succeeded or failed."));
    const QString hash = r.string(QStringLiteral("payload_sha256"), true, 64).value_or(QString());
    static const QRegularExpression hex(QStringLiteral("^[0-9a-f]{64}$"));
    if (r.ok() && !hex.match(hash).hasMatch())
        r.fail(QStringLiteral("payload_sha256"),
               QStringLiteral("'payload_sha256' must be 64 lower-case hex digits."));
    const QString detail =
        r.string(QStringLiteral("detail"), false, 4000, FieldReader::Text::MultiLine)
            .value_or(QString());
    if (!r.ok())
        return {{}, false, r.error()};

    QJsonObject action = found.action;
    if (!action.value(QStringLiteral("execution")).isNull()) {
        return {
            action, false,
            ApiError::conflict(QStringLiteral("already_recorded"),
                               QStringLiteral("A receipt for this action was already recorded."))};
    }
    const bool approved = str(action, kStatus) == QLatin1String("approved");
    const QString approvedHash =
        QString::fromLatin1(sha256Hex(canonicalJson(approvedPayload(action))));
    QString violation;
    if (!approved)
        violation = QStringLiteral("executed an action that was %1, not approved")
                        .arg(str(action, kStatus));
    else if (hash != approvedHash)
        violation = QStringLiteral("executed a payload that differs from the approved one");
    QJsonObject execution{{QStringLiteral("outcome"), outcome},
                          {QStringLiteral("payload_sha256"), hash},
                          {QStringLiteral("at"), toRfc3339(m_clock.nowMs())},
                          {QStringLiteral("violation"), !violation.isEmpty()}};
    if (!detail.isEmpty())
        execution.insert(QStringLiteral("detail"), detail);
    if (!violation.isEmpty())
        execution.insert(QStringLiteral("violation_reason"), violation);
    action.insert(QStringLiteral("execution"), execution);
    Transition t = violation.isEmpty()
                       ? transition(QStringLiteral("action.updated"),
                                    QStringLiteral("action.receipt"), actorOf(who), action)
                       : transition(QStringLiteral("receipt.violation"),
                                    QStringLiteral("receipt.violation"), actorOf(who), action);
    if (!violation.isEmpty())
        t.eventData.insert(QStringLiteral("message"), violation);
    if (!write(action, t)) {
        if (m_store.lastFailure() != StoreFailure::None)
            return {{}, false, storeError(m_store.lastFailure(), QStringLiteral("The receipt"))};
        return {{},
                false,
                ApiError::conflict(QStringLiteral("version_conflict"),
                                   QStringLiteral("The action changed; retry."))};
    }
    return {action, false, {}};
}

ActionService::Outcome ActionService::withdraw(const Principal &who, const QString &id,
                                               const QJsonObject &body)
{
    Outcome found = visible(who, id);
    if (found.error.isError())
        return found;
    FieldReader r(body);
    r.allowOnly({QStringLiteral("reason")});
    const QString reason =
        r.string(QStringLiteral("reason"), false, 500, FieldReader::Text::MultiLine)
            .value_or(QString());
    if (!r.ok())
        return {{}, false, r.error()};
    QJsonObject action = found.action;
    if (!isPending(action)) {
        return {action, false,
                ApiError::conflict(
                    QStringLiteral("already_decided"),
                    QStringLiteral("This action is already %1.").arg(str(action, kStatus)))};
    }
    action.insert(kStatus, QStringLiteral("cancelled"));
    QJsonObject withdrawn{{QStringLiteral("at"), toRfc3339(m_clock.nowMs())}};
    if (!reason.isEmpty())
        withdrawn.insert(QStringLiteral("reason"), reason);
    action.insert(QStringLiteral("withdrawn"), withdrawn);
    if (!write(action, transition(QStringLiteral("action.updated"),
                                  QStringLiteral("action.withdraw"), actorOf(who), action)))
        return {{},
                false,
                ApiError::conflict(QStringLiteral("version_conflict"),
                                   QStringLiteral("The action changed; retry."))};
    return {action, false, {}};
}

} // namespace interlock
