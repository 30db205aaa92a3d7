#pragma once

#include "Router.h"
#include "core/Limits.h"

namespace interlock {

struct EventRecord;

class ActionService;
class Clock;
class KillSwitch;
class LivenessMonitor;
class SafetyGuard;
class ServerMetrics;
class SessionService;
class Store;
class TokenCache;
class WaitHub;
class WebhookNotifier;
struct SessionRecord;

// What route handlers work with.
class SubmissionBudget;

struct ApiContext {
    Store &store;
    Clock &clock;
    const Limits &limits;
    ActionService &actions;
    SessionService &sessions;
    WaitHub &hub;
    // The control path's state, shared with the I/O thread (set by ApiServer).
    KillSwitch *killSwitch = nullptr;
    TokenCache *tokens = nullptr;
    LivenessMonitor *liveness = nullptr;
    // What each agent may still submit (null: no budget).
    SubmissionBudget *budget = nullptr;
    // A session as the API shows it (SafetyGuard adds "frozen"); unset: SessionRecord::toJson.
    std::function<QJsonObject(const SessionRecord &)> sessionJson = {};
};

// Who a parked long-poll counts against (WaitHub's cap per caller): the session for session
// tokens, the token's role and name otherwise.
QString waitOwner(const Principal &who);

// What the safety routes work with (SafetyRoutes.cpp).
struct SafetyContext {
    SafetyGuard &guard;
    ServerMetrics &metrics;
    const WebhookNotifier *notifier; // null without --notify
};

// A session as `who` may see it: its breaker counts for people only.
QJsonObject sessionView(const ApiContext &api, const SessionRecord &session, const Principal &who);
// An event as `who` may see it: what the breakers count of an action for people only.
QJsonObject eventView(const EventRecord &event, const Principal &who);

// Parses the JSON object body; on error sends it and returns false.
bool readJsonBody(const HttpRequest &request, HttpReply &reply, QJsonObject *out);
// Reads an integer query parameter within [min, max]; absent gives `fallback`.
ApiError readQueryInt(const HttpRequest &request, const QString &name, qint64 min, qint64 max,
                      qint64 fallback, qint64 *out);
// `wait` in seconds (fractions allowed) up to limits.maxWaitSeconds, as milliseconds.
ApiError readWait(const HttpRequest &request, const Limits &limits, int *waitMs);

// Runs `work` on a worker thread over a read-only store of its own and sends what it returns
// as a 200 JSON reply: long reads (verify, stats) never hold up the server's thread, so a kill
// is never queued behind them.
void replyFromReader(ApiContext &api, HttpReplyPtr reply,
                     std::function<QJsonObject(Store &reader)> work);

// Keyset cursors handed to clients: two numbers, opaque to them.
QString encodeCursor(std::pair<qint64, qint64> position);
std::optional<std::pair<qint64, qint64>> decodeCursor(const QString &text);

void addSessionRoutes(Router &router, ApiContext &api);
void addActionRoutes(Router &router, ApiContext &api);
void addEventRoutes(Router &router, ApiContext &api);
void addAuditRoutes(Router &router, ApiContext &api);
void addHistoryRoutes(Router &router, ApiContext &api);
// Standing grants, resume, breaker trips, bulk decisions and metrics (docs/safety.md).
void addSafetyRoutes(Router &router, ApiContext &api, SafetyContext &safety);

} // namespace interlock
