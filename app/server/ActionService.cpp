#include "ActionService.h"

#include "ActionFields.h"
#include "ActionGuard.h"
#include "RiskEngine.h"
#include "Tokens.h"
#include "core/ActionSubmission.h"
#include "core/CanonicalJson.h"
#include "core/Clock.h"
#include "core/Timestamp.h"

#include <QJsonArray>

namespace interlock {

using namespace actionfields;

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
    return Transition{event, data, audit, actor, m_clock.nowMs(), {}};
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
    if (m_guard) {
        if (const ApiError e = m_guard->refuseUnscored(*session); e.isError())
            return {{}, false, e};
    }

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
        const qint64 from = readingStart(r.action, who.name, *first);
        review.insert(QStringLiteral("remaining_ms"),
                      qMax<qint64>(0, qint64(minSeconds) * 1000 - (now - from)));
    }
    r.action.insert(QStringLiteral("review"), review);
    return r;
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
