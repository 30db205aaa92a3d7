#pragma once

#include "KillRecorder.h"
#include "Router.h"
#include "Store.h"
#include "WebhookNotifier.h"
#include "core/Limits.h"

#include <QHostAddress>
#include <QObject>
#include <QSet>
#include <memory>

class QTcpServer;

namespace interlock {

class ActionService;
class Authenticator;
class ChangeFeed;
struct EventRecord;
class Clock;
class CommitGroup;
class ControlPath;
class DiskReserve;
class HttpServerAdapter;
class KillJournal;
class KillRecorder;
class KillSwitch;
class LivenessMonitor;
class EventTap;
class RiskEngine;
class SafetyGuard;
class ServerMetrics;
class SessionService;
class SignInGuard;
class SqliteStore;
class Store;
class TokenCache;
class WaitHub;

// The queue server: REST API v1 over a Store. Lives in one thread, the API thread (its own in
// the console, the main thread in interlockd), where routes, services and the store run. Its
// HTTP transport reads and writes connections on an I/O thread of its own, where the control
// path (health, kill, stop-all, the supervisors' control channel) is answered without waiting
// for this thread; only the KillSwitch and the TokenCache are shared between the two.
class ApiServer : public QObject
{
    Q_OBJECT
public:
    // database: a SQLite file or a PostgreSQL URL (StoreFactory.h). clock: business time;
    // nullptr uses the system clock. Not owned.
    explicit ApiServer(const QString &database, const Limits &limits = {}, Clock *clock = nullptr,
                       QObject *parent = nullptr);
    ~ApiServer() override;

    // Replaces the built-in risk rules; call before open().
    void setRiskEngine(std::unique_ptr<RiskEngine> engine);
    // Webhooks for alerts (interlockd --notify); call before open().
    void setWebhooks(WebhookOptions options);
    // The disk reserve and the start-up check of the database; call before open().
    void setStoreOptions(const StoreOptions &options) { m_storeOptions = options; }
    RiskEngine &riskEngine() { return *m_risk; }
    bool open(QString *error);
    // Returns the bound port or 0 with *error set. `server`, when given, is the listening socket
    // to use (taken over), e.g. TLS from createTlsListener().
    quint16 listen(const QHostAddress &address, quint16 port, QString *error,
                   QTcpServer *server = nullptr);

    // Creates a token for a person or an enrolling agent (bootstrap, tests, the console); empty
    // with *error set when the name is refused (see issueToken).
    QString createToken(Role role, const QString &name, QString *error = nullptr);

    const Router &router() const { return m_router; }
    Store &store() { return *m_store; }
    WaitHub &waitHub() { return *m_hub; }
    ActionService &actions() { return *m_actions; }
    const CommitGroup &commits() const { return *m_commits; }
    const SignInGuard &signIns() const { return *m_signIns; }
    KillSwitch &killSwitch() { return *m_killSwitch; }
    // Other servers' changes (PostgreSQL), null on SQLite.
    ChangeFeed *changeFeed() const { return m_feed.get(); }
    HttpServerAdapter &transport() { return *m_http; }
    const ControlPath &controlPath() const { return *m_control; }
    SafetyGuard &safety() { return *m_guard; }
    const KillRecorder &killRecorder() const { return *m_recorder; }
    // SQLite only (a PostgreSQL server's disk is not beside this process).
    const DiskReserve &diskReserve() const { return *m_reserve; }
    LivenessMonitor &liveness() { return *m_liveness; }

private:
    void dispatch(HttpRequest &&request, HttpReplyPtr reply);
    // GET /v1/metrics: the transport's and the waits' figures, Prometheus text format.
    QByteArray metricsText() const;
    void registerRoutes();
    // Wakes the long-polls parked on a topic; while a commit group is open, once it is committed
    // (what they will read must be durable and, on PostgreSQL, written: events are appended at
    // commit).
    void wake(const QString &topic);
    void wakeDeferred();
    // What other servers committed: the same wake-ups, and their kills into the KillSwitch.
    void applyPeerEvents(const QList<EventRecord> &events);
    // Several servers: the supervisors' answers to pings, and their kill paths proven, reach
    // every server (LivenessMonitor::setPeers).
    void shareLiveness();
    void openSafety();
    void openLiveness();
    // The kills a previous run could not record (KillJournal beside the SQLite file): refused
    // again at once and recorded now or retried. False with *error when they cannot be read.
    bool restoreKills(QString *error);
    void awaitKillReports(const QStringList &supervised);

    Limits m_limits;
    StoreOptions m_storeOptions;
    QList<KillRecorder::Request> m_restoredKills; // read by restoreKills(), written later
    std::shared_ptr<KillJournal> m_killJournal;   // SQLite: kills not in the database yet
    QString m_databasePath;
    std::unique_ptr<Clock> m_ownClock;
    Clock *m_clock;
    std::unique_ptr<Store> m_store;
    SqliteStore *m_sqlite; // m_store when it is SQLite, for its SQLite-only settings; else null
    std::unique_ptr<KillSwitch> m_killSwitch;
    std::unique_ptr<TokenCache> m_tokens;
    std::unique_ptr<LivenessMonitor> m_liveness;
    std::unique_ptr<RiskEngine> m_risk;
    std::unique_ptr<Authenticator> m_auth;
    std::unique_ptr<ChangeFeed> m_feed;
    QSet<QString> m_deferredWakes;
    std::unique_ptr<SignInGuard> m_signIns;
    WaitHub *m_hub = nullptr;
    ActionService *m_actions = nullptr;
    SessionService *m_sessions = nullptr;
    CommitGroup *m_commits = nullptr;
    DiskReserve *m_reserve = nullptr;
    KillRecorder *m_recorder = nullptr;
    std::unique_ptr<struct ApiContext> m_context;
    std::unique_ptr<class SubmissionBudget> m_budget;
    // The safety layer (docs/safety.md).
    SafetyGuard *m_guard = nullptr;
    std::unique_ptr<ServerMetrics> m_metrics;
    EventTap *m_tap = nullptr;
    WebhookOptions m_webhookOptions;
    std::unique_ptr<WebhookNotifier> m_notifier;
    std::unique_ptr<struct SafetyContext> m_safetyContext;
    HttpServerAdapter *m_http = nullptr;
    ControlPath *m_control = nullptr; // lives on the I/O thread, owned by m_http
    Router m_router;
};

} // namespace interlock
