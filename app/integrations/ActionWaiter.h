#pragma once

#include "client/ApiClient.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonObject>
#include <QObject>
#include <QTimer>
#include <functional>
#include <memory>

namespace interlock::integrations {

// How an action submitted by an integration ended, as the integration must act on it.
struct Decision {
    enum class Outcome {
        Approved,    // payload: what to run (the reviewer's, when edited)
        Rejected,    // comment: the reviewer's reason
        Expired,     // nobody decided in time
        Cancelled,   // withdrawn, or cancelled by the server
        Killed,      // the session was killed (403 session_killed)
        Refused,     // the server refused the request (bad token, invalid action…)
        Unreachable, // the server could not be reached
        TimedOut,    // the integration's own deadline passed first
    };
    Outcome outcome = Outcome::Unreachable;
    QString actionId;
    QString kind;        // "approve" or "edit" when approved
    QJsonObject payload; // the approved payload
    QString comment;
    QString message; // for people: why, when it is not a decision
    bool autoApproved = false;

    bool approved() const { return outcome == Outcome::Approved; }
};

// Submits one action and long-polls its decision until it is final, the session is killed, the
// server stays unreachable, or the deadline passes (fail closed in every case but approval).
class ActionWaiter : public QObject
{
    Q_OBJECT
public:
    struct Options {
        qint64 deadlineMs = 3600 * 1000;       // from start()
        qint64 unreachableGraceMs = 30 * 1000; // while waiting: how long the server may be gone
    };
    ActionWaiter(ApiClient &client, Options options, QObject *parent = nullptr);

    void start(const QJsonObject &submission, const QString &idempotencyKey);
    // Stops waiting (no finished() after this) and asks the server to cancel the action if it is
    // still pending, retrying with backoff while the server cannot be reached or answers 5xx, up
    // to the action's expiry (at least 30 s); the retries outlive this waiter (they belong to the
    // client). `done` runs when the server answered or the retries gave up.
    void withdraw(const QString &reason, std::function<void()> done = {});
    QString actionId() const { return m_actionId; }
    bool isFinished() const { return m_finished; }

Q_SIGNALS:
    void submitted(const QString &actionId);
    void finished(const interlock::integrations::Decision &decision);

private:
    void onSubmitted(const ApiResult &r);
    void poll();
    void onDecision(const ApiResult &r);
    void onServerGone(const QString &why);
    void finish(Decision d);
    Decision fromView(const QJsonObject &view);
    void checkKilledThenFinish(Decision d);

    ApiClient &m_client;
    Options m_options;
    QElapsedTimer m_clock;
    QElapsedTimer m_unreachableSince;
    QTimer m_deadline;
    QTimer m_retry;
    QString m_actionId;
    QDateTime m_expiresAt; // the action's own expiry, as the server said
    // A withdrawal asked for while the submission is in flight: carried out by the submission's
    // callback when the action's id arrives, whether or not this waiter still exists.
    struct Submission;
    std::shared_ptr<Submission> m_submission;
    bool m_finished = false;
    quint64 m_generation = 0; // replies of a finished wait are ignored
};

} // namespace interlock::integrations

Q_DECLARE_METATYPE(interlock::integrations::Decision)
