#include "ActionFields.h"
#include "ActionGuard.h"
#include "ActionService.h"
#include "AgentNames.h"
#include "KillSwitch.h"
#include "RiskEngine.h"
#include "core/CanonicalJson.h"
#include "core/Identity.h"
#include "core/PayloadView.h"
#include "core/Timestamp.h"

#include <QJsonArray>

// People's decisions on actions: approve, edit-then-approve, reject, and a standing grant's
// approval, with the rules that refuse them.

namespace interlock {

using namespace actionfields;

namespace {
// Which rendering a `seen.view_sha256` is: the view derived from one of `payloads`, the agent's
// own changes or diff ("agent_partial" when that is a diff showing only some of the lines an
// fs.write writes: it does not count as having seen the file), or neither.
QString viewSource(const QJsonObject &action, const QString &viewSha256,
                   const QList<QJsonObject> &payloads)
{
    const QString kind = str(action, QStringLiteral("kind"));
    for (const QJsonObject &p : payloads) {
        if (!p.isEmpty() && PayloadView::isDerivable(kind) &&
            PayloadView::viewSha256(PayloadView::derivedChanges(kind, p)) == viewSha256)
            return QStringLiteral("derived");
    }
    const QJsonValue diff = action.value(QStringLiteral("diff"));
    const QString agent =
        diff.isString()
            ? PayloadView::viewSha256(diff.toString())
            : PayloadView::viewSha256(action.value(QStringLiteral("changes")).toArray());
    if (agent != viewSha256)
        return QStringLiteral("unknown");
    const QString status = action.value(QStringLiteral("view_check"))
                               .toObject()
                               .value(QStringLiteral("status"))
                               .toString();
    return status == QLatin1String("partial") ? QStringLiteral("agent_partial")
                                              : QStringLiteral("agent");
}

// Who made the edit an approval would run: an edit restarts the approvals with the editor's.
QString editorOf(const QJsonObject &action)
{
    const QJsonArray approvals = action.value(QStringLiteral("approvals")).toArray();
    return approvals.isEmpty()
               ? QStringLiteral("another reviewer")
               : approvals.first().toObject().value(QStringLiteral("by")).toString();
}

// The decision's record of what the reviewer had on screen (issue #15). An approval or edit
// made on a view of another payload is refused with 409 stale_view; a rejection never is.
ApiError seenRecord(const QJsonObject &action, const DecisionRequest &request, QJsonObject *out)
{
    if (!request.seen)
        return {};
    const DecisionRequest::Seen &seen = *request.seen;
    const bool edit = request.kind == DecisionRequest::Kind::Edit;
    const QString expected =
        edit ? QString::fromLatin1(sha256Hex(canonicalJson(request.payload)))
             : QString::fromLatin1(sha256Hex(canonicalJson(approvedPayload(action))));
    if (request.kind != DecisionRequest::Kind::Reject && seen.payloadSha256 != expected) {
        return ApiError::conflict(
            QStringLiteral("stale_view"),
            edit ? QStringLiteral("The payload you saw (seen.payload_sha256) is not the edited "
                                  "payload you sent; review the edit again.")
                 : QStringLiteral("The payload you saw (seen.payload_sha256) is not the one this "
                                  "approval would run (%1); reload the action.")
                       .arg(expected));
    }
    // The views an approval can have been made on: derived from the payload it runs (an edit:
    // from the agent's payload or the edit sent; a rejection: from either).
    const QJsonObject original = action.value(QStringLiteral("payload")).toObject();
    QList<QJsonObject> payloads{approvedPayload(action)};
    if (edit)
        payloads = {original, request.payload};
    else if (request.kind == DecisionRequest::Kind::Reject)
        payloads.append(original);
    const QString view =
        seen.viewSha256.isEmpty() ? QString() : viewSource(action, seen.viewSha256, payloads);
    // After an edit, the agent's view and the view of its original payload are of another
    // payload than the one this approval runs.
    if (request.kind == DecisionRequest::Kind::Approve &&
        action.contains(QStringLiteral("approved_payload")) && !view.isEmpty() &&
        view != QLatin1String("derived") &&
        (view.startsWith(QLatin1String("agent")) ||
         viewSource(action, seen.viewSha256, {original}) == QLatin1String("derived"))) {
        const QString editor = editorOf(action);
        return ApiError::conflict(
            QStringLiteral("stale_view"),
            QStringLiteral("The view you saw (seen.view_sha256) shows the agent's original "
                           "payload, but this approval would run the payload as edited by %1; "
                           "reload the action and review the edit.")
                .arg(editor));
    }
    // What a command runs with (env, elevated, sandbox off, host, unknown fields) is in the view
    // derived from its payload and in the payload's JSON, never in the agent's own view: an
    // approval made on any other view would cover settings nobody saw (red team F4).
    const QStringList settings = PayloadView::runsWith(
        str(action, QStringLiteral("kind")), edit ? request.payload : approvedPayload(action));
    if (request.kind != DecisionRequest::Kind::Reject && !settings.isEmpty() && !view.isEmpty() &&
        view != QLatin1String("derived")) {
        return ApiError::conflict(
            QStringLiteral("stale_view"),
            QStringLiteral("The view you saw (seen.view_sha256, %1) does not show what the command "
                           "runs with (%2 setting(s): environment, rights, sandbox, host or other "
                           "fields); review the view derived from the payload or its JSON.")
                .arg(view)
                .arg(settings.size()));
    }
    *out = QJsonObject{{QStringLiteral("payload_sha256"), seen.payloadSha256},
                       {QStringLiteral("view_sha256"),
                        seen.viewSha256.isEmpty() ? QJsonValue() : QJsonValue(seen.viewSha256)},
                       {QStringLiteral("view"), view.isEmpty() ? QJsonValue() : QJsonValue(view)}};
    return {};
}
} // namespace

ActionService::Outcome ActionService::approveByGrant(const QJsonObject &stored,
                                                     const QString &grantId, const QString &by)
{
    QJsonObject action = current(stored);
    if (!isPending(action) || m_killSwitch.isKilled(str(action, QStringLiteral("session_id"))))
        return {action, false,
                ApiError::conflict(QStringLiteral("already_decided"),
                                   QStringLiteral("This action is no longer pending."))};
    const QString at = toRfc3339(m_clock.nowMs());
    action.insert(kStatus, QStringLiteral("approved"));
    action.insert(QStringLiteral("approvals"),
                  QJsonArray{QJsonObject{{QStringLiteral("by"), by}, {QStringLiteral("at"), at}}});
    action.insert(
        QStringLiteral("decision"),
        QJsonObject{{QStringLiteral("kind"), QStringLiteral("approve")},
                    {QStringLiteral("by"), by},
                    {QStringLiteral("grant"), grantId},
                    {QStringLiteral("comment"), QStringLiteral("approved by a standing grant")},
                    {QStringLiteral("at"), at}});
    Transition t = transition(QStringLiteral("action.decided"), QStringLiteral("action.approve"),
                              QStringLiteral("grant:") + grantId, action);
    t.eventData.insert(QStringLiteral("grant_id"), grantId);
    if (!write(action, t))
        return {action, false,
                ApiError::conflict(QStringLiteral("version_conflict"),
                                   QStringLiteral("The action changed while approving it."))};
    return {action, false, {}};
}

qint64 ActionService::readingStart(const QJsonObject &action, const QString &reviewer,
                                   qint64 firstView)
{
    if (!action.contains(QStringLiteral("approved_payload")))
        return firstView;
    const QJsonObject edit = action.value(QStringLiteral("approvals")).toArray().first().toObject();
    if (identityKey(edit.value(QStringLiteral("by")).toString()) == identityKey(reviewer))
        return firstView;
    return qMax(firstView, fromRfc3339(edit.value(QStringLiteral("at")).toString()).value_or(0));
}

ApiError ActionService::tooFast(const QJsonObject &action, const QString &reviewer,
                                std::optional<qint64> reviewMs) const
{
    const int level = levelIndex(action);
    const qint64 needed = qint64(m_risk.policy().minReviewSeconds[level]) * 1000;
    if (needed <= 0 || (reviewMs && *reviewMs >= needed))
        return {};
    Q_UNUSED(reviewer);
    const QString levelText = levelName(RiskLevel(level));
    if (!reviewMs)
        return ApiError{422,
                        QStringLiteral("too_fast"),
                        QStringLiteral("Too fast: you have not opened this %1 action yet. Open "
                                       "its detail and read it: approving needs at least %2 s "
                                       "after you first see it.")
                            .arg(levelText)
                            .arg(needed / 1000),
                        {}};
    const qint64 leftMs = needed - *reviewMs;
    return ApiError{422,
                    QStringLiteral("too_fast"),
                    QStringLiteral("Too fast: you opened this %1 action %2 s ago; approving it "
                                   "needs at least %3 s of reading. %4 s remain.")
                        .arg(levelText)
                        .arg(double(*reviewMs) / 1000.0, 0, 'f', 1)
                        .arg(needed / 1000)
                        .arg((leftMs + 999) / 1000),
                    {}};
}

ActionService::Outcome ActionService::decide(const Principal &who, const QString &id,
                                             const DecisionRequest &request)
{
    Outcome found = visible(who, id);
    if (found.error.isError())
        return found;
    QJsonObject action = found.action;
    const bool approving = request.kind != DecisionRequest::Kind::Reject;
    QJsonObject seen;
    ApiError refused = undecidable(who, action, request);
    if (!refused.isError())
        refused = seenRecord(action, request, &seen);
    if (!refused.isError() && m_guard)
        refused = m_guard->checkDecision(who, action, request);
    if (refused.isError())
        return {action, false, refused};

    const qint64 now = m_clock.nowMs();
    // Reading time: the decision minus this reviewer's first view of the detail.
    // After someone else's edit, reading counts from the edit: what was read before is another
    // payload.
    std::optional<qint64> reviewMs;
    if (const auto first = m_store.firstView(id, who.name)) {
        reviewMs = qMax<qint64>(0, now - readingStart(action, who.name, *first));
    }
    if (approving) {
        if (const ApiError e = tooFast(action, who.name, reviewMs); e.isError())
            return {action, false, e};
    }
    // What the decision and each approval record: who, when, how long they read, what they saw.
    QJsonObject approval{{QStringLiteral("by"), who.name}, {QStringLiteral("at"), toRfc3339(now)}};
    if (reviewMs)
        approval.insert(QStringLiteral("review_ms"), *reviewMs);
    if (!seen.isEmpty())
        approval.insert(QStringLiteral("seen"), seen);
    QJsonObject decision = approval;
    decision.insert(QStringLiteral("kind"), DecisionRequest::kindName(request.kind));
    decision.insert(QStringLiteral("comment"),
                    request.comment.isEmpty() ? QJsonValue() : QJsonValue(request.comment));
    if (approving) {
        if (const ApiError e = addApproval(action, request, approval, decision); e.isError())
            return {action, false, e};
    } else {
        action.insert(kStatus, QStringLiteral("rejected"));
        action.insert(QStringLiteral("decision"), decision);
    }
    const QString audit = QStringLiteral("action.") + DecisionRequest::kindName(request.kind);
    const QString event =
        isPending(action) ? QStringLiteral("action.updated") : QStringLiteral("action.decided");
    Transition t = transition(event, audit, who.name, action);
    t.eventData.insert(QStringLiteral("by_person"), true); // the breakers' runs of rejections
    if (!seen.isEmpty())
        t.eventData.insert(QStringLiteral("seen"), seen); // into the audit entry as well
    if (reviewMs)
        t.eventData.insert(QStringLiteral("review_ms"), *reviewMs);
    t.review = ReviewRecord{who.name, now, reviewMs, request.kind != DecisionRequest::Kind::Reject};
    if (!write(action, t)) {
        if (m_store.lastFailure() != StoreFailure::None)
            return {action, false,
                    storeError(m_store.lastFailure(), QStringLiteral("The decision"))};
        return {
            action, false,
            ApiError::conflict(QStringLiteral("version_conflict"),
                               QStringLiteral("The action changed while deciding; reload it."))};
    }
    if (m_guard)
        m_guard->decided(who, action, request);
    return {action, false, {}};
}

ApiError ActionService::undecidable(const Principal &who, const QJsonObject &action,
                                    const DecisionRequest &request)
{
    if (!isPending(action))
        return ApiError::conflict(
            QStringLiteral("already_decided"),
            QStringLiteral("This action is already %1.").arg(str(action, kStatus)));
    // Killed in memory but perhaps not yet in the database: never approve for a stopped agent.
    if (m_killSwitch.isKilled(str(action, QStringLiteral("session_id"))))
        return ApiError::conflict(QStringLiteral("session_killed"),
                                  QStringLiteral("The session that submitted this action was "
                                                 "killed; its actions can no longer be decided."));
    if (request.version && *request.version != action.value(kVersion).toInt())
        return ApiError::conflict(QStringLiteral("version_conflict"),
                                  QStringLiteral("The action changed since you loaded it (version "
                                                 "%1 is current).")
                                      .arg(action.value(kVersion).toInt()));
    // After an edit, an approval that names neither the version nor the payload it was made on
    // may be a reviewer's verdict on the original (a script, the CLI): it would complete the
    // edit unseen. It must say what it approves.
    if (request.kind == DecisionRequest::Kind::Approve && !request.version && !request.seen &&
        action.contains(QStringLiteral("approved_payload")))
        return ApiError::conflict(
            QStringLiteral("stale_view"),
            QStringLiteral("This action was edited by %1 after it was submitted, so an approval "
                           "must say what it approves: send the version you reviewed (%2 is "
                           "current) or seen.payload_sha256 of the edited payload.")
                .arg(editorOf(action))
                .arg(action.value(kVersion).toInt()));
    if (request.kind != DecisionRequest::Kind::Reject)
        return selfApproval(identityKey(who.name), str(action, QStringLiteral("session_id")));
    return {};
}

ApiError ActionService::addApproval(QJsonObject &action, const DecisionRequest &request,
                                    const QJsonObject &approval, QJsonObject decision) const
{
    QJsonArray approvals = action.value(QStringLiteral("approvals")).toArray();
    if (request.kind == DecisionRequest::Kind::Approve) {
        // Two approvals are two identities, however the names are written or drawn (tokens
        // named alike from before issueToken refused look-alikes count as one).
        const QString me = identityKey(str(approval, QStringLiteral("by")));
        const QString drawn = agentNameSkeleton(str(approval, QStringLiteral("by")));
        for (const QJsonValue &a : std::as_const(approvals)) {
            const QString other = a.toObject().value(QStringLiteral("by")).toString();
            if (identityKey(other) == me || agentNameSkeleton(other) == drawn)
                return ApiError::conflict(QStringLiteral("already_approved"),
                                          QStringLiteral("You already approved this action; "
                                                         "another reviewer must add theirs."));
        }
    }
    if (request.kind == DecisionRequest::Kind::Edit) {
        // The edited payload is scored again and earlier approvals (of another payload) lapse.
        RiskInput editedInput;
        editedInput.kind = str(action, QStringLiteral("kind"));
        editedInput.payload = request.payload;
        editedInput.target = str(action, QStringLiteral("target"));
        const RiskAssessment edited = m_risk.assess(editedInput);
        const int required = qMax(action.value(QStringLiteral("required_approvals")).toInt(),
                                  edited.requiredApprovals);
        action.insert(QStringLiteral("required_approvals"), required);
        action.insert(QStringLiteral("approved_payload"), request.payload);
        action.insert(QStringLiteral("approved_payload_sha256"),
                      QString::fromLatin1(sha256Hex(canonicalJson(request.payload))));
        action.insert(QStringLiteral("approved_risk"), edited.toJson());
        approvals = QJsonArray();
    }
    approvals.append(approval);
    action.insert(QStringLiteral("approvals"), approvals);
    if (approvals.size() >= action.value(QStringLiteral("required_approvals")).toInt()) {
        action.insert(kStatus, QStringLiteral("approved"));
        if (action.contains(QStringLiteral("approved_payload")))
            decision.insert(QStringLiteral("kind"), QStringLiteral("edit"));
        action.insert(QStringLiteral("decision"), decision);
    }
    return {};
}

ApiError ActionService::selfApproval(const QString &approverKey, const QString &sessionId)
{
    const auto session = m_store.session(sessionId);
    if (!session)
        return {};
    // Names compared as identities (case, white space, invisible characters): an agent cannot
    // slip its owner past this check by spelling the name differently, and a session from
    // before owners were resolved is compared the same way. Admins are no exception.
    if (!session->owner.isEmpty() && identityKey(session->owner) == approverKey)
        return ApiError{403, QStringLiteral("self_approval"),
                        QStringLiteral("You (%1) own the session that submitted this action, so "
                                       "someone else must approve it.")
                            .arg(session->owner),
                        QStringLiteral("owner")};
    if (!session->opener.isEmpty() && identityKey(session->opener) == approverKey)
        return ApiError{403, QStringLiteral("self_approval"),
                        QStringLiteral("You (%1) opened the session that submitted this action, "
                                       "so someone else must approve it.")
                            .arg(session->opener),
                        QStringLiteral("opened_by")};
    return {};
}

} // namespace interlock
