#include "ActionWaiter.h"

#include "core/CanonicalJson.h"

#include <QDateTime>
#include <QPointer>
#include <algorithm>

namespace interlock::integrations {

namespace {
const QString kStatus = QStringLiteral("status");

bool isKilled(const ApiResult &r)
{
    return r.status == 403 && r.error().code == QLatin1String("session_killed");
}

QString usedOnce()
{
    return QStringLiteral("Interlock's approval of this call was already given to an earlier "
                          "attempt of it (the same call id and input); an approval runs one call, "
                          "so this repeat is not run: ask again as a new call");
}

// One withdrawal, retried until the server answers it (withdrawn, or 409/404/403: then nothing
// runs the action either) or `untilMs` passes. It belongs to the client, not to the waiter: the
// waiter of a cancelled call is gone long before a loaded server answers.
class Withdrawal : public QObject
{
public:
    Withdrawal(ApiClient &client, QString actionId, QString reason, qint64 untilMs,
               std::function<void()> done)
        : QObject(&client)
        , m_client(client)
        , m_actionId(std::move(actionId))
        , m_reason(std::move(reason))
        , m_untilMs(untilMs)
        , m_done(std::move(done))
    {
        m_clock.start();
    }

    void attempt()
    {
        QPointer<Withdrawal> self(this);
        m_client.request(
            "POST", QStringLiteral("/v1/actions/%1/withdraw").arg(m_actionId),
            QJsonObject{{QStringLiteral("reason"), m_reason.left(500)}},
            [self](const ApiResult &r) {
                if (self)
                    self->onAnswer(r);
            },
            {}, 10000);
    }

private:
    void onAnswer(const ApiResult &r)
    {
        const bool retry = r.status == 0 || r.status == 429 || r.status >= 500;
        const qint64 left = m_untilMs - m_clock.elapsed();
        if (!retry || left <= 0) {
            if (m_done)
                m_done();
            deleteLater();
            return;
        }
        const int pause = int(qMin<qint64>(m_backoffMs, left));
        m_backoffMs = qMin<qint64>(m_backoffMs * 2, 10000);
        QTimer::singleShot(pause, this, &Withdrawal::attempt);
    }

    ApiClient &m_client;
    const QString m_actionId;
    const QString m_reason;
    const qint64 m_untilMs;
    std::function<void()> m_done;
    QElapsedTimer m_clock;
    qint64 m_backoffMs = 250;
};
// How long a withdrawal is retried: until the action expires by itself, never less than
// kMinWithdrawMs (a clock apart or an expiry already due still gets tries), at most an hour.
qint64 withdrawalWindowMs(qint64 untilMs, const QDateTime &expiresAt)
{
    constexpr qint64 kMinWithdrawMs = 30 * 1000;
    constexpr qint64 kMaxWithdrawMs = 3600 * 1000;
    if (expiresAt.isValid())
        untilMs = QDateTime::currentDateTimeUtc().msecsTo(expiresAt);
    return std::clamp(untilMs, kMinWithdrawMs, kMaxWithdrawMs);
}
} // namespace

struct ActionWaiter::Submission {
    bool inFlight = true;
    bool withdrawWanted = false;
    QString reason;
    std::function<void()> done;
};

ActionWaiter::ActionWaiter(ApiClient &client, Options options, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_options(options)
{
    qRegisterMetaType<interlock::integrations::Decision>();
    m_deadline.setSingleShot(true);
    connect(&m_deadline, &QTimer::timeout, this, [this] {
        Decision d;
        d.outcome = Decision::Outcome::TimedOut;
        d.message = QStringLiteral("no decision within %1 s").arg(m_options.deadlineMs / 1000);
        finish(d);
    });
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &ActionWaiter::poll);
}

void ActionWaiter::start(const QJsonObject &submission, const QString &idempotencyKey)
{
    m_clock.start();
    m_deadline.start(int(qMin<qint64>(m_options.deadlineMs, std::numeric_limits<int>::max())));
    ApiClient::Headers headers;
    if (!idempotencyKey.isEmpty())
        headers.append({"Idempotency-Key", idempotencyKey.toUtf8()});
    QPointer<ActionWaiter> self(this);
    const quint64 generation = m_generation;
    m_submission = std::make_shared<Submission>();
    ApiClient *client = &m_client;
    m_client.request(
        "POST", QStringLiteral("/v1/actions"), submission,
        [self, generation, state = m_submission, client](const ApiResult &r) {
            state->inFlight = false;
            if (state->withdrawWanted) {
                // Withdrawn before the server said which action it made: withdraw it now, or
                // it would wait for a reviewer that nothing will act on.
                const QString id = r.body.value(QStringLiteral("id")).toString();
                if (!r.ok() || id.isEmpty()) {
                    if (state->done)
                        state->done();
                    return;
                }
                const QDateTime expires = QDateTime::fromString(
                    r.body.value(QStringLiteral("expires_at")).toString(), Qt::ISODateWithMs);
                (new Withdrawal(*client, id, state->reason, withdrawalWindowMs(0, expires),
                                std::move(state->done)))
                    ->attempt();
                return;
            }
            if (self && self->m_generation == generation)
                self->onSubmitted(r);
        },
        headers, 30000);
}

void ActionWaiter::onSubmitted(const ApiResult &r)
{
    if (m_finished)
        return;
    Decision d;
    if (isKilled(r)) {
        d.outcome = Decision::Outcome::Killed;
        d.message = QStringLiteral("the Interlock session was killed");
        return finish(d);
    }
    if (r.status == 0) {
        d.outcome = Decision::Outcome::Unreachable;
        d.message = r.describe();
        return finish(d);
    }
    if (!r.ok()) {
        d.outcome = Decision::Outcome::Refused;
        d.message = QStringLiteral("Interlock refused the action: ") + r.describe();
        return finish(d);
    }
    m_actionId = r.body.value(QStringLiteral("id")).toString();
    if (r.approvalUsedBefore()) {
        // The same call (same id, same input) was approved for an earlier attempt, which had its
        // answer: one approval runs one call. The model sent it again, or someone replays it. (A
        // refusal is given again as it was.)
        d.outcome = Decision::Outcome::Refused;
        d.message = usedOnce();
        return finish(d);
    }
    m_expiresAt = QDateTime::fromString(r.body.value(QStringLiteral("expires_at")).toString(),
                                        Qt::ISODateWithMs);
    Q_EMIT submitted(m_actionId);
    if (r.body.value(kStatus).toString() == QLatin1String("approved") &&
        r.body.value(QStringLiteral("auto_approved")).toBool()) {
        // Approved by the server's policy at once: the payload is the one submitted.
        d.outcome = Decision::Outcome::Approved;
        d.kind = QStringLiteral("approve");
        d.autoApproved = true;
        d.payload = r.body.value(QStringLiteral("payload")).toObject();
        d.comment = r.body.value(QStringLiteral("decision"))
                        .toObject()
                        .value(QStringLiteral("comment"))
                        .toString();
        return finish(d);
    }
    poll();
}

void ActionWaiter::poll()
{
    if (m_finished)
        return;
    const qint64 left = m_options.deadlineMs - m_clock.elapsed();
    const int wait = int(std::clamp<qint64>(left / 1000, 1, 60));
    QPointer<ActionWaiter> self(this);
    const quint64 generation = m_generation;
    m_client.request(
        "GET", QStringLiteral("/v1/actions/%1/decision?wait=%2").arg(m_actionId).arg(wait),
        std::nullopt,
        [self, generation](const ApiResult &r) {
            if (self && self->m_generation == generation)
                self->onDecision(r);
        },
        {}, (wait + 15) * 1000);
}

void ActionWaiter::onDecision(const ApiResult &r)
{
    if (m_finished)
        return;
    if (isKilled(r)) {
        Decision d;
        d.outcome = Decision::Outcome::Killed;
        d.message = QStringLiteral("the Interlock session was killed");
        return finish(d);
    }
    if (r.status == 0 || r.status >= 500)
        return onServerGone(r.describe());
    if (!r.ok()) {
        Decision d;
        d.outcome = Decision::Outcome::Refused;
        d.message = QStringLiteral("Interlock refused to give the decision: ") + r.describe();
        return finish(d);
    }
    m_unreachableSince.invalidate();
    if (r.body.value(kStatus).toString() == QLatin1String("pending"))
        return poll();
    if (r.approvalUsedBefore()) {
        // Another waiter on the same action (the same call sent twice at once) had it first.
        Decision d;
        d.outcome = Decision::Outcome::Refused;
        d.message = usedOnce();
        return finish(d);
    }
    const Decision d = fromView(r.body);
    if (d.outcome == Decision::Outcome::Cancelled)
        return checkKilledThenFinish(d);
    finish(d);
}

void ActionWaiter::onServerGone(const QString &why)
{
    if (!m_unreachableSince.isValid())
        m_unreachableSince.start();
    if (m_unreachableSince.elapsed() >= m_options.unreachableGraceMs) {
        Decision d;
        d.outcome = Decision::Outcome::Unreachable;
        d.message = why;
        return finish(d);
    }
    m_retry.start(500);
}

Decision ActionWaiter::fromView(const QJsonObject &view)
{
    Decision d;
    const QString status = view.value(kStatus).toString();
    d.comment = view.value(QStringLiteral("comment")).toString();
    d.kind = view.value(QStringLiteral("decision")).toString();
    if (status == QLatin1String("approved")) {
        d.payload = view.value(QStringLiteral("payload")).toObject();
        const QString hash = view.value(QStringLiteral("payload_sha256")).toString();
        if (QString::fromLatin1(sha256Hex(canonicalJson(d.payload))) != hash) {
            d.outcome = Decision::Outcome::Refused;
            d.message = QStringLiteral("the approved payload does not match its hash");
            return d;
        }
        d.outcome = Decision::Outcome::Approved;
    } else if (status == QLatin1String("rejected")) {
        d.outcome = Decision::Outcome::Rejected;
    } else if (status == QLatin1String("expired")) {
        d.outcome = Decision::Outcome::Expired;
        d.message = QStringLiteral("no reviewer decided before the action expired");
    } else {
        d.outcome = Decision::Outcome::Cancelled;
        d.message = QStringLiteral("the action was cancelled (%1)").arg(status);
    }
    return d;
}

void ActionWaiter::checkKilledThenFinish(Decision d)
{
    // A kill cancels the session's pending actions; the session's token then says which it was.
    QPointer<ActionWaiter> self(this);
    const quint64 generation = m_generation;
    m_client.request(
        "GET", QStringLiteral("/v1/me"), std::nullopt,
        [self, generation, d](const ApiResult &r) mutable {
            if (!self || self->m_generation != generation)
                return;
            if (isKilled(r)) {
                d.outcome = Decision::Outcome::Killed;
                d.message = QStringLiteral("the Interlock session was killed");
            }
            self->finish(d);
        },
        {}, 5000);
}

void ActionWaiter::withdraw(const QString &reason, std::function<void()> done)
{
    m_finished = true;
    ++m_generation;
    m_deadline.stop();
    m_retry.stop();
    if (m_actionId.isEmpty()) {
        if (m_submission && m_submission->inFlight) {
            m_submission->withdrawWanted = true;
            m_submission->reason = reason;
            m_submission->done = std::move(done);
        } else if (done) {
            done();
        }
        return;
    }
    // Retried until the server answers (refused with 409 when it was decided meanwhile: then
    // nothing runs it either), at most until the action expires by itself.
    const qint64 untilMs =
        withdrawalWindowMs(m_options.deadlineMs - m_clock.elapsed(), m_expiresAt);
    (new Withdrawal(m_client, m_actionId, reason, untilMs, std::move(done)))->attempt();
}

void ActionWaiter::finish(Decision d)
{
    if (m_finished)
        return;
    m_finished = true;
    ++m_generation;
    m_deadline.stop();
    m_retry.stop();
    d.actionId = m_actionId;
    Q_EMIT finished(d);
}

} // namespace interlock::integrations
