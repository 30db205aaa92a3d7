#pragma once

#include "Router.h"
#include "core/Limits.h"

#include <QHostAddress>
#include <QObject>
#include <QSet>
#include <memory>

namespace interlock {

class ActionService;
class Authenticator;
class ChangeFeed;
struct EventRecord;
class Clock;
class CommitGroup;
class HttpServerAdapter;
class KillSwitch;
class RiskEngine;
class SessionService;
class Store;
class WaitHub;

// The queue server: REST API v1 over a Store. Lives in one thread (its own in the console,
// the main thread in interlockd); nothing in it is shared across threads.
class ApiServer : public QObject
{
    Q_OBJECT
public:
    // database: a SQLite file or a PostgreSQL URL (StoreFactory.h). clock: business time;
    // nullptr uses the system clock. Not owned.
    explicit ApiServer(const QString &database, const Limits &limits = {},
                       Clock *clock = nullptr, QObject *parent = nullptr);
    ~ApiServer() override;

    // Replaces the built-in risk rules; call before open().
    void setRiskEngine(std::unique_ptr<RiskEngine> engine);
    bool open(QString *error);
    // Returns the bound port or 0 with *error set.
    quint16 listen(const QHostAddress &address, quint16 port, QString *error);

    // Creates a token for a person or an enrolling agent (bootstrap, tests, the console).
    QString createToken(Role role, const QString &name);

    const Router &router() const { return m_router; }
    Store &store() { return *m_store; }
    WaitHub &waitHub() { return *m_hub; }
    ActionService &actions() { return *m_actions; }
    const CommitGroup &commits() const { return *m_commits; }
    KillSwitch &killSwitch() { return *m_killSwitch; }
    // Other servers' changes (PostgreSQL), null on SQLite.
    ChangeFeed *changeFeed() const { return m_feed.get(); }

private:
    void dispatch(HttpRequest &&request, HttpReplyPtr reply);
    void registerRoutes();
    // Wakes the long-polls parked on a topic; while a commit group is open, once it is committed
    // (what they will read must be durable and, on PostgreSQL, written: events are appended at
    // commit).
    void wake(const QString &topic);
    void wakeDeferred();
    // What other servers committed: the same wake-ups, and their kills into the KillSwitch.
    void applyPeerEvents(const QList<EventRecord> &events);

    Limits m_limits;
    std::unique_ptr<Clock> m_ownClock;
    Clock *m_clock;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<KillSwitch> m_killSwitch;
    std::unique_ptr<RiskEngine> m_risk;
    std::unique_ptr<Authenticator> m_auth;
    std::unique_ptr<ChangeFeed> m_feed;
    QSet<QString> m_deferredWakes;
    WaitHub *m_hub = nullptr;
    ActionService *m_actions = nullptr;
    SessionService *m_sessions = nullptr;
    CommitGroup *m_commits = nullptr;
    std::unique_ptr<struct ApiContext> m_context;
    HttpServerAdapter *m_http = nullptr;
    Router m_router;
};

} // namespace interlock
