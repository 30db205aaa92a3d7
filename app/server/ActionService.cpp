#include "ActionService.h"

#include "ActionGuard.h"
#include "KillSwitch.h"
#include "RiskEngine.h"
#include "Tokens.h"
#include "core/ActionSubmission.h"
#include "core/CanonicalJson.h"
#include "core/Clock.h"
#include "core/FieldReader.h"
#include "core/Identity.h"
#include "core/PayloadView.h"
#include "core/RiskLevel.h"
#include "core/Timestamp.h"

#include <QJsonArray>
#include <QRegularExpression>

namespace interlock {

namespace {
const QString kStatus = QStringLiteral("status");
const QString kVersion = QStringLiteral("version");
const QString kPending = QStringLiteral("pending");

// The action's level as an index into the policy's per-level arrays.
int levelIndex(const QJsonObject &action)
{
    const QString level =
        action.value(QStringLiteral("risk")).toObject().value(QStringLiteral("level")).toString();
    for (RiskLevel l : {RiskLevel::Low, RiskLevel::Medium, RiskLevel::High, RiskLevel::Critical})
        if (levelName(l) == level)
            return int(l);
    return int(RiskLevel::Critical); // unknown: the strictest
}

QString str(const QJsonObject &o, const QString &key)
{
    return o.value(key).toString();
}

QJsonObject approvedPayload(const QJsonObject &action)
{
    const QJsonValue edited = action.value(QStringLiteral("approved_payload"));
    return edited.isObject() ? edited.toObject()
                             : action.value(QStringLiteral("payload")).toObject();
}

// Which rendering a `seen.view_sha256` is: the view derived from the payload (or from the
// edited payload), the agent's own changes or diff, or neither.
QString viewSource(const QJsonObject &action, const QString &viewSha256,
                   const QJsonObject &editedPayload)
{
    const QString kind = str(action, QStringLiteral("kind"));
    for (const QJsonObject &p :
         {action.value(QStringLiteral("payload")).toObject(), editedPayload}) {
        if (!p.isEmpty() && PayloadView::isDerivable(kind) &&
            PayloadView::viewSha256(PayloadView::derivedChanges(kind, p)) == viewSha256)
            return QStringLiteral("derived");
    }
    const QJsonValue diff = action.value(QStringLiteral("diff"));
    const QString agent =
        diff.isString()
            ? PayloadView::viewSha256(diff.toString())
            : PayloadView::viewSha256(action.value(QStringLiteral("changes")).toArray());
    return agent == viewSha256 ? QStringLiteral("agent") : QStringLiteral("unknown");
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
    *out = QJsonObject{{QStringLiteral("payload_sha256"), seen.payloadSha256},
                       {QStringLiteral("view_sha256"),
                        seen.viewSha256.isEmpty() ? QJsonValue() : QJsonValue(seen.viewSha256)},
                       {QStringLiteral("view"),
                        seen.viewSha256.isEmpty()
                            ? QJsonValue()
                            : QJsonValue(viewSource(action, seen.viewSha256,
                                                    edit ? request.payload : QJsonObject()))}};
    return {};
}
} // namespace

QString actorOf(const Principal &who)
{
    return who.isSession() ? QStringLiteral("session:") + who.sessionId : who.name;
}

ActionService::ActionService(Store &store, Clock &clock, const Limits &limits,
                             const RiskEngine &risk, const KillSwitch &killSwitch, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_clock(clock)
    , m_deadlines(clock)
    , m_limits(limits)
    , m_risk(risk)
    , m_killSwitch(killSwitch)
{
    m_expiryTimer.setSingleShot(true);
    connect(&m_expiryTimer, &QTimer::timeout, this, &ActionService::expireDue);
    connect(&m_clock, &Clock::jumped, this, &ActionService::expireIfDue);
    scheduleExpiry(m_store.nextPendingExpiry());
}

bool ActionService::isPending(const QJsonObject &action)
{
    return action.value(kStatus).toString() == kPending;
}

Transition ActionService::transition(const QString &event, const QString &audit,
                                     const QString &actor, const QJsonObject &action) const
{
    QJsonObject data{
        {kStatus, action.value(kStatus)},
        {QStringLiteral("kind"), action.value(QStringLiteral("kind"))},
        {QStringLiteral("agent"), action.value(QStringLiteral("agent"))},
        {QStringLiteral("risk_level"),
         action.value(QStringLiteral("risk")).toObject().value(QStringLiteral("level"))},
        {kVersion, action.value(kVersion)}};
    return Transition{event, data, audit, actor, m_clock.nowMs()};
}

bool ActionService::write(QJsonObject &action, const Transition &t)
{
    const int expected = action.value(kVersion).toInt();
    action.insert(kVersion, expected + 1);
    Transition withVersion = t;
    withVersion.eventData.insert(kVersion, expected + 1);
    withVersion.eventData.insert(kStatus, action.value(kStatus));
    if (!m_store.updateAction(action, expected, withVersion))
        return false;
    Q_EMIT actionChanged(str(action, QStringLiteral("id")),
                         str(action, QStringLiteral("session_id")));
    return true;
}

ActionService::Outcome ActionService::submit(const Principal &who, const QJsonObject &body,
                                             const QString &idempotencyKey)
{
    ActionSubmission s;
    if (const ApiError e = ActionSubmission::parse(body, m_limits, &s); e.isError())
        return {{}, false, e};
    const std::optional<SessionRecord> session = who.session && who.session->id == who.sessionId
                                                     ? std::optional(*who.session)
                                                     : m_store.session(who.sessionId);
    if (!session)
        return {{}, false, ApiError::sessionKilled()};

    const RiskInput input = RiskInput::from(s);
    const RiskAssessment risk = m_risk.assess(input);
    const qint64 now = m_clock.nowMs();
    // The policy's deadline for the level is the longest an action may wait; an agent may ask for
    // less.
    const int expiresIn = s.expiresInSeconds > 0 ? qMin(s.expiresInSeconds, risk.deadlineSeconds)
                                                 : risk.deadlineSeconds;
    // expires_at is for people (wall clock); the deadline that is enforced is on the deadline
    // clock, the same instant unless the wall clock is stepped while the action waits.
    const qint64 expiresAt = now + qint64(expiresIn) * 1000;
    const qint64 deadline = m_deadlines.nowMs() + qint64(expiresIn) * 1000;
    QJsonObject doc{{QStringLiteral("id"), newId("act")},
                    {kVersion, 1},
                    {QStringLiteral("session_id"), session->id},
                    {QStringLiteral("agent"), session->agent},
                    {QStringLiteral("kind"), s.kind},
                    {QStringLiteral("title"), s.title},
                    {QStringLiteral("summary"), s.summary},
                    {QStringLiteral("target"), s.target},
                    {QStringLiteral("payload"), s.payload},
                    {QStringLiteral("payload_sha256"),
                     QString::fromLatin1(sha256Hex(canonicalJson(s.payload)))},
                    {QStringLiteral("risk"), risk.toJson()},
                    {QStringLiteral("required_approvals"), risk.requiredApprovals},
                    {QStringLiteral("approvals"), QJsonArray()},
                    {kStatus, kPending},
                    {QStringLiteral("decision"), QJsonValue::Null},
                    {QStringLiteral("created_at"), toRfc3339(now)},
                    {QStringLiteral("expires_at"), toRfc3339(expiresAt)},
                    {QStringLiteral("delivered_at"), QJsonValue::Null},
                    {QStringLiteral("execution"), QJsonValue::Null}};
    if (s.diff)
        doc.insert(QStringLiteral("diff"), *s.diff);
    else
        doc.insert(QStringLiteral("changes"), s.changes);
    doc.insert(QStringLiteral("hidden_text"), risk.hiddenText);
    doc.insert(QStringLiteral("hidden_text_total"), double(risk.hiddenTotal));
    doc.insert(QStringLiteral("view_check"), input.view.toJson());
    if (m_risk.policy().autoApproveLow && risk.level == RiskLevel::Low) {
        // Decided by the policy, never in a person's name.
        doc.insert(kStatus, QStringLiteral("approved"));
        doc.insert(QStringLiteral("auto_approved"), true);
        doc.insert(
            QStringLiteral("decision"),
            QJsonObject{{QStringLiteral("kind"), QStringLiteral("approve")},
                        {QStringLiteral("by"), QStringLiteral("policy")},
                        {QStringLiteral("comment"), QStringLiteral("auto-approved: low risk")},
                        {QStringLiteral("at"), toRfc3339(now)}});
    }

    if (m_guard) {
        if (const ApiError e = m_guard->admit(*session, doc); e.isError())
            return {{}, false, e};
    }

    const QByteArray bodyHash = sha256Hex(canonicalJson(body));
    Transition created = transition(QStringLiteral("action.created"),
                                    QStringLiteral("action.submit"), actorOf(who), doc);
    if (m_guard)
        m_guard->describe(doc, created.eventData);
    const InsertOutcome r = m_store.insertAction(doc, idempotencyKey, bodyHash,
                                                 m_limits.maxPendingPerSession, deadline, created);
    if (r.error.isError() || r.replayed)
        return {r.replayed ? current(r.action) : QJsonObject(), r.replayed, r.error};
    if (!m_nextExpiry || deadline < *m_nextExpiry)
        scheduleExpiry(deadline);
    Q_EMIT actionChanged(str(doc, QStringLiteral("id")), session->id);
    if (m_guard)
        doc = m_guard->submitted(doc);
    return {doc, false, {}};
}

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

QJsonObject ActionService::current(QJsonObject action)
{
    if (!isPending(action))
        return action;
    const QString id = str(action, QStringLiteral("id"));
    const std::optional<qint64> deadline = m_store.deadlineOf(id);
    if (deadline) {
        if (*deadline > m_deadlines.nowMs())
            return action;
    } else {
        // The deadline could not be read: the wall clock decides, never in the agent's favour.
        const auto expiresAt = fromRfc3339(str(action, QStringLiteral("expires_at")));
        if (expiresAt && *expiresAt > m_clock.nowMs())
            return action;
    }
    action.insert(kStatus, QStringLiteral("expired"));
    if (!write(action, transition(QStringLiteral("action.updated"), QStringLiteral("action.expire"),
                                  QStringLiteral("system"), action))) {
        // The write failed (a full disk, a lock): the action is expired all the same, and stays
        // so for every reader until the write gets through.
        if (m_store.lastFailure() != StoreFailure::None)
            return action;
        // Someone else changed it first: return what is stored now.
        return m_store.action(id).value_or(action);
    }
    return action;
}

ActionService::Outcome ActionService::visible(const Principal &who, const QString &id)
{
    const auto action = m_store.action(id);
    const bool mine =
        action && who.isSession() && str(*action, QStringLiteral("session_id")) == who.sessionId;
    if (!action || !(who.isUser() || mine))
        return {{}, false, ApiError::notFound(QStringLiteral("No action with id '%1'.").arg(id))};
    return {current(*action), false, {}};
}

ActionService::Outcome ActionService::opened(const Principal &who, const QString &id,
                                             bool recordView)
{
    Outcome r = visible(who, id);
    if (r.error.isError() || !who.isUser())
        return r;
    const qint64 now = m_clock.nowMs();
    // The server's own time, never the client's: reading starts when the detail leaves here.
    if (recordView && isPending(r.action))
        m_store.recordFirstView(id, who.name, now);
    const int minSeconds = m_risk.policy().minReviewSeconds[levelIndex(r.action)];
    QJsonObject review{{QStringLiteral("min_seconds"), minSeconds}};
    if (const auto first = m_store.firstView(id, who.name)) {
        review.insert(QStringLiteral("first_viewed_at"), toRfc3339(*first));
        review.insert(QStringLiteral("remaining_ms"),
                      qMax<qint64>(0, qint64(minSeconds) * 1000 - (now - *first)));
    }
    r.action.insert(QStringLiteral("review"), review);
    return r;
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
    if (!isPending(action)) {
        return {action, false,
                ApiError::conflict(
                    QStringLiteral("already_decided"),
                    QStringLiteral("This action is already %1.").arg(str(action, kStatus)))};
    }
    // Killed in memory but perhaps not yet in the database: never approve for a stopped agent.
    if (m_killSwitch.isKilled(str(action, QStringLiteral("session_id")))) {
        return {
            action, false,
            ApiError::conflict(QStringLiteral("session_killed"),
                               QStringLiteral("The session that submitted this action was "
                                              "killed; its actions can no longer be decided."))};
    }
    if (request.version && *request.version != action.value(kVersion).toInt()) {
        return {action, false,
                ApiError::conflict(QStringLiteral("version_conflict"),
                                   QStringLiteral("The action changed since you loaded it (version "
                                                  "%1 is current).")
                                       .arg(action.value(kVersion).toInt()))};
    }
    const QString me = identityKey(who.name);
    if (request.kind != DecisionRequest::Kind::Reject) {
        if (const ApiError e = selfApproval(me, str(action, QStringLiteral("session_id")));
            e.isError())
            return {action, false, e};
    }

    QJsonObject seen;
    if (const ApiError e = seenRecord(action, request, &seen); e.isError())
        return {action, false, e};
    if (m_guard) {
        if (const ApiError e = m_guard->checkDecision(who, action, request); e.isError())
            return {action, false, e};
    }

    const qint64 now = m_clock.nowMs();
    // Reading time: the decision minus this reviewer's first view of the detail.
    std::optional<qint64> reviewMs;
    if (const auto first = m_store.firstView(id, who.name))
        reviewMs = qMax<qint64>(0, now - *first);
    if (request.kind != DecisionRequest::Kind::Reject) {
        if (const ApiError e = tooFast(action, who.name, reviewMs); e.isError())
            return {action, false, e};
    }
    const QString at = toRfc3339(now);
    QJsonObject decision{{QStringLiteral("kind"), DecisionRequest::kindName(request.kind)},
                         {QStringLiteral("by"), who.name},
                         {QStringLiteral("comment"),
                          request.comment.isEmpty() ? QJsonValue() : QJsonValue(request.comment)},
                         {QStringLiteral("at"), at}};
    if (reviewMs)
        decision.insert(QStringLiteral("review_ms"), *reviewMs);
    if (!seen.isEmpty())
        decision.insert(QStringLiteral("seen"), seen);
    QJsonArray approvals = action.value(QStringLiteral("approvals")).toArray();
    QString audit = QStringLiteral("action.") + DecisionRequest::kindName(request.kind);

    if (request.kind == DecisionRequest::Kind::Reject) {
        action.insert(kStatus, QStringLiteral("rejected"));
        action.insert(QStringLiteral("decision"), decision);
    } else {
        for (const QJsonValue &a : std::as_const(approvals)) {
            // Two approvals are two identities, however the names are written.
            if (identityKey(a.toObject().value(QStringLiteral("by")).toString()) == me &&
                request.kind == DecisionRequest::Kind::Approve) {
                return {action, false,
                        ApiError::conflict(QStringLiteral("already_approved"),
                                           QStringLiteral("You already approved this action; "
                                                          "another reviewer must add theirs."))};
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
        QJsonObject approval{{QStringLiteral("by"), who.name}, {QStringLiteral("at"), at}};
        if (reviewMs)
            approval.insert(QStringLiteral("review_ms"), *reviewMs);
        if (!seen.isEmpty())
            approval.insert(QStringLiteral("seen"), seen);
        approvals.append(approval);
        action.insert(QStringLiteral("approvals"), approvals);
        if (approvals.size() >= action.value(QStringLiteral("required_approvals")).toInt()) {
            action.insert(kStatus, QStringLiteral("approved"));
            if (action.contains(QStringLiteral("approved_payload")))
                decision.insert(QStringLiteral("kind"), QStringLiteral("edit"));
            action.insert(QStringLiteral("decision"), decision);
        }
    }
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

QJsonObject ActionService::decisionView(const QString &id, bool *undelivered)
{
    *undelivered = false;
    const QJsonObject action = current(m_store.action(id).value_or(QJsonObject()));
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
    *undelivered = action.value(QStringLiteral("delivered_at")).isNull();
    return view;
}

void ActionService::markDelivered(const QString &id)
{
    QJsonObject action = m_store.action(id).value_or(QJsonObject());
    if (action.isEmpty() || !action.value(QStringLiteral("delivered_at")).isNull())
        return;
    action.insert(QStringLiteral("delivered_at"), toRfc3339(m_clock.nowMs()));
    write(action, transition(QStringLiteral("action.updated"), QStringLiteral("action.deliver"),
                             QStringLiteral("session:") + str(action, QStringLiteral("session_id")),
                             action));
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

int ActionService::expireDue()
{
    int expired = 0;
    bool failed = false;
    for (;;) {
        QList<QJsonObject> due = m_store.pendingExpiredAt(m_deadlines.nowMs(), 200);
        // In id order, as every change of many actions locks them: another server expiring the
        // same actions, or deciding them in bulk, waits for this one instead of deadlocking.
        std::sort(due.begin(), due.end(), [](const QJsonObject &a, const QJsonObject &b) {
            return a.value(QStringLiteral("id")).toString() <
                   b.value(QStringLiteral("id")).toString();
        });
        int batch = 0;
        for (const QJsonObject &a : due) {
            if (!isPending(current(a)))
                ++batch;
            if (m_store.lastFailure() != StoreFailure::None) {
                failed = true; // a full disk or a lock: every write would fail the same way
                break;
            }
        }
        expired += batch;
        if (failed || due.size() < 200 || batch == 0)
            break;
    }
    if (failed)
        retryExpiryLater();
    else
        scheduleExpiry(m_store.nextPendingExpiry());
    return expired;
}

void ActionService::retryExpiryLater()
{
    // Reads stay fail-closed meanwhile: current() expires an overdue action in what it returns.
    constexpr int kRetryMs = 1000;
    m_nextExpiry = m_deadlines.nowMs() + kRetryMs;
    m_expiryTimer.start(kRetryMs);
}

void ActionService::expireIfDue()
{
    if (m_nextExpiry && *m_nextExpiry <= m_deadlines.nowMs())
        expireDue();
}

void ActionService::rescheduleExpiry()
{
    scheduleExpiry(m_store.nextPendingExpiry());
}

void ActionService::scheduleExpiry(std::optional<qint64> at)
{
    m_nextExpiry = at;
    if (!at) {
        m_expiryTimer.stop();
        return;
    }
    const qint64 delay = std::clamp<qint64>(*at - m_deadlines.nowMs(), 0, 3600 * 1000);
    m_expiryTimer.start(int(delay));
}

} // namespace interlock
