#include "ApiServer.h"

#include "ActionService.h"
#include "Authenticator.h"
#include "ChangeFeed.h"
#include "CommitGroup.h"
#include "ControlPath.h"
#include "DiskReserve.h"
#include "EventTap.h"
#include "HttpServerAdapter.h"
#include "KillJournal.h"
#include "KillRecorder.h"
#include "KillSwitch.h"
#include "LivenessMonitor.h"
#include "PgStore.h"
#include "RiskEngine.h"
#include "RouteSupport.h"
#include "SafetyGuard.h"
#include "ServerMetrics.h"
#include "SessionService.h"
#include "SignInGuard.h"
#include "SqliteStore.h"
#include "StoreFactory.h"
#include "SubmissionBudget.h"
#include "TokenCache.h"
#include "Tokens.h"
#include "WaitHub.h"
#include "WebhookMessage.h"
#include "core/Clock.h"
#include "core/Identity.h"
#include "core/Timestamp.h"
#include "http/ConnectionTable.h"
#include "interlock_config.h"

#include <QUuid>
#include <utility>

namespace interlock {

namespace {
bool isJsonContentType(const QByteArray &value)
{
    const QByteArray mime = value.split(';').first().trimmed().toLower();
    return mime == "application/json";
}
} // namespace

ApiServer::ApiServer(const QString &databasePath, const Limits &limits, Clock *clock,
                     QObject *parent)
    : QObject(parent)
    , m_limits(limits)
    , m_databasePath(databasePath)
    , m_ownClock(clock ? nullptr : std::make_unique<SystemClock>())
    , m_clock(clock ? clock : m_ownClock.get())
    , m_store(makeStore(databasePath))
    , m_sqlite(dynamic_cast<SqliteStore *>(m_store.get()))
    , m_killSwitch(std::make_unique<KillSwitch>())
    , m_tokens(std::make_unique<TokenCache>())
    , m_risk(RiskEngine::builtIn())
    , m_auth(std::make_unique<Authenticator>(*m_store, *m_killSwitch, *m_tokens))
{
    // Windows and blocks on the monotonic clock (a ManualClock's in tests).
    std::function<qint64()> monotonic = [c = m_clock] { return c->monotonicMs(); };
    m_signIns = std::make_unique<SignInGuard>(*m_store, *m_clock, monotonic);
}

ApiServer::~ApiServer()
{
    // The children use the members (store, clock): stop taking requests (the I/O thread and the
    // control path first), drop parked long-polls, commit what is pending, then the services;
    // only then may the members go.
    m_killSwitch->setObserver({});
    if (m_liveness) {
        m_liveness->setObserver({});
        m_liveness->setPeers({});
    }
    delete m_http;
    delete m_hub;
    m_hub = nullptr; // the last group's commit below wakes nobody
    delete m_sessions;
    delete m_recorder; // a last try for kills not yet recorded
    delete m_commits;  // its last group still reaches the metrics and the webhooks (EventTap)
    delete m_tap;
    delete m_guard;
    delete m_actions;
    m_feed.reset();
    m_notifier.reset();
}

bool ApiServer::open(QString *error)
{
    if (m_sqlite)
        m_sqlite->setCheckBudget(m_storeOptions.checkBudgetMs);
    if (!m_store->open(error))
        return false;
    // The feed starts before the active sessions are read: a kill committed elsewhere in between
    // is then delivered by the feed rather than missed by both.
    error->clear();
    m_feed = m_store->openChangeFeed(error);
    if (!m_feed && !error->isEmpty())
        return false;
    if (m_sqlite) {
        // The disk reserve for kills on a full disk lives beside the SQLite file; a PostgreSQL
        // server's disk is the database administrator's to watch.
        m_reserve = new DiskReserve(m_databasePath + QStringLiteral(".reserve"),
                                    m_storeOptions.diskReserveBytes, this);
        if (m_reserve->replenish() < m_storeOptions.diskReserveBytes)
            qWarning("interlock: the disk is nearly full: only %lld of the %lld bytes of the disk "
                     "reserve for kills could be set aside",
                     m_reserve->size(), m_storeOptions.diskReserveBytes);
    }
    m_commits = new CommitGroup(*m_store, this);
    connect(m_commits, &CommitGroup::groupCommitted, this, &ApiServer::wakeDeferred);
    m_recorder = new KillRecorder(*m_store, m_commits, m_reserve, this);
    QStringList active, killed, supervised, killedSupervised;
    for (const SessionRecord &s : m_store->sessions(QStringLiteral("active"))) {
        active.append(s.id);
        if (s.supervised)
            supervised.append(s.id);
    }
    for (const SessionRecord &s : m_store->sessions(QStringLiteral("killed"))) {
        killed.append(s.id);
        if (s.supervised)
            killedSupervised.append(s.id);
    }
    m_killSwitch->setActive(active);
    m_killSwitch->setSupervised(supervised + killedSupervised);
    if (!killed.isEmpty())
        m_killSwitch->kill(killed); // their supervisors may still poll and report
    if (m_sqlite && !restoreKills(error))
        return false;
    for (const auto &[hash, token] : m_store->controlTokens())
        m_tokens->insert(hash, {token.role, token.name, token.sessionId});
    m_liveness = std::make_unique<LivenessMonitor>(
        LivenessMonitor::Settings{m_limits.livenessIntervalMs, m_limits.livenessDeadlineMs},
        *m_killSwitch, [c = m_clock] { return c->monotonicMs(); },
        [c = m_clock] { return c->nowMs(); });
    awaitKillReports(supervised + killedSupervised); // after restoreKills(): its kills too
    m_hub = new WaitHub(this);
    m_hub->setMaxPerOwner(m_limits.maxWaitsPerToken);
    m_actions = new ActionService(*m_store, *m_clock, m_limits, *m_risk, *m_killSwitch, this);
    m_sessions = new SessionService(*m_store, *m_clock, *m_killSwitch, *m_recorder, this);
    connect(m_commits, &CommitGroup::failed, m_actions, &ActionService::retryExpiryLater);
    connect(m_actions, &ActionService::actionChanged, this,
            [this](const QString &actionId, const QString &sessionId) {
                wake(QStringLiteral("action:") + actionId);
                wake(QStringLiteral("session:") + sessionId);
                wake(QStringLiteral("events"));
            });
    connect(m_sessions, &SessionService::sessionChanged, this, [this](const QString &sessionId) {
        if (!sessionId.isEmpty())
            wake(QStringLiteral("session:") + sessionId);
        wake(QStringLiteral("events"));
    });
    connect(m_sessions, &SessionService::actionCancelled, this,
            [this](const QString &actionId) { wake(QStringLiteral("action:") + actionId); });
    if (m_feed) {
        connect(m_feed.get(), &ChangeFeed::eventsCommitted, this, &ApiServer::applyPeerEvents);
        shareLiveness();
    }
    m_context.reset(new ApiContext{*m_store, *m_clock, m_limits, *m_actions, *m_sessions, *m_hub});
    if (m_limits.agentMiBPer10Min > 0) {
        m_budget = std::make_unique<SubmissionBudget>(qint64(m_limits.agentMiBPer10Min) << 20);
        m_context->budget = m_budget.get();
    }
    m_context->killSwitch = m_killSwitch.get();
    m_context->tokens = m_tokens.get();
    m_context->liveness = m_liveness.get();
    openSafety();
    openLiveness();
    registerRoutes();
    connect(m_commits, &CommitGroup::groupCommitted, this,
            [this](qint64 nanoseconds, bool ok, qint64 lastEvent) {
                m_metrics->commitTook(nanoseconds, ok);
                if (ok)
                    m_tap->committed(lastEvent);
            });
    // Kills are written alone, outside the group commit.
    // Synced by itself, with everything committed before it: all events are durable.
    connect(m_recorder, &KillRecorder::written, m_tap, [tap = m_tap] { tap->committed(); });
    // Written now that the event tap (webhooks, metrics) and the session service listen, and
    // before the first request can arrive.
    m_recorder->restore(std::exchange(m_restoredKills, {}));
    m_http = new HttpServerAdapter(
        [this](HttpRequest &&r, HttpReplyPtr reply) { dispatch(std::move(r), std::move(reply)); },
        m_commits, m_limits, this);
    HttpServerAdapter *http = m_http;
    m_control = new ControlPath(
        *m_killSwitch, *m_tokens, m_limits,
        [http](HttpRequest &&r, std::shared_ptr<http::ReplyChannel> channel) {
            http->forward(std::move(r), std::move(channel));
        },
        m_liveness.get());
    if (m_killJournal)
        m_control->setJournal(m_killJournal, [c = m_clock] { return c->nowMs(); });
    ControlPath *control = m_control;
    connect(m_commits, &CommitGroup::broke, control,
            [control](const QString &why) { control->setBroken(why); });
    m_http->setFront(control,
                     [control](HttpRequest &r, const std::shared_ptr<http::ReplyChannel> &channel) {
                         return control->handle(r, channel);
                     });
    m_http->setPeople([tokens = m_tokens.get()](const HttpRequest &r) {
        const std::optional<QByteArray> token =
            Authenticator::bearerToken(r.header(QByteArrayLiteral("authorization")));
        if (!token)
            return false;
        const std::optional<TokenCache::Entry> e =
            tokens->find(tokenHash(QString::fromLatin1(*token)));
        return e && isUserRole(e->role);
    });
    QMetaObject::invokeMethod(control, &ControlPath::startPings, Qt::QueuedConnection);
    // A kill made on this thread (a token the control path did not know) wakes the supervisors
    // on the I/O thread too.
    m_killSwitch->setObserver([control, liveness = m_liveness.get()](const QStringList &ids) {
        liveness->killed(ids); // the supervisor's report is due from now
        QMetaObject::invokeMethod(
            control, [control, ids] { control->wake(ids); }, Qt::QueuedConnection);
    });
    return true;
}

quint16 ApiServer::listen(const QHostAddress &address, quint16 port, QString *error,
                          QTcpServer *server)
{
    return m_http->listen(address, port, error, server);
}

void ApiServer::wake(const QString &topic)
{
    if (!m_hub)
        return;
    if (m_store->hasUncommitted())
        m_deferredWakes.insert(topic);
    else
        m_hub->wake(topic);
}

void ApiServer::wakeDeferred()
{
    const QSet<QString> topics = std::exchange(m_deferredWakes, {});
    if (!m_hub)
        return;
    for (const QString &topic : topics)
        m_hub->wake(topic);
}

void ApiServer::applyPeerEvents(const QList<EventRecord> &events)
{
    if (m_guard)
        m_guard->peerEvents(events);
    bool created = false;
    for (const EventRecord &e : events) {
        if (!e.sessionId.isEmpty()) {
            if (e.type == QLatin1String("session.killed"))
                m_killSwitch->kill({e.sessionId});
            else if (e.type == QLatin1String("session.opened"))
                m_killSwitch->opened(e.sessionId,
                                     e.data.value(QStringLiteral("supervised")).toBool());
            else if (e.type == QLatin1String("session.ended"))
                m_killSwitch->ended(e.sessionId);
            else if (e.type == QLatin1String("session.liveness_lost"))
                m_liveness->lostElsewhere(e.sessionId); // raised there: not again here
            else if (e.type == QLatin1String("session.kill_unconfirmed"))
                m_liveness->unconfirmedElsewhere(e.sessionId);
            else if (e.type == QLatin1String("session.terminated"))
                m_liveness->terminated(e.sessionId);
            // Over on another server: its supervisor token is no longer good here either.
            if (e.type == QLatin1String("session.ended") ||
                e.type == QLatin1String("session.terminated"))
                m_tokens->removeSession(e.sessionId);
            wake(QStringLiteral("session:") + e.sessionId);
        }
        if (!e.actionId.isEmpty())
            wake(QStringLiteral("action:") + e.actionId);
        created = created || e.type == QLatin1String("action.created");
    }
    wake(QStringLiteral("events"));
    // Another server's new action may expire before anything this server scheduled; whichever
    // server's timer fires first expires it (a compare-and-swap: once).
    if (created)
        m_actions->rescheduleExpiry();
}

void ApiServer::shareLiveness()
{
    // HAProxy hands a supervisor's polls and answers to any server: the one that sent a ping
    // takes the answer from the others, and every server takes the word that a session's kill
    // path was proven (docs/security.md "The kill path, proven alive"). The store is this
    // thread's: the message is sent from here.
    const auto tell = [this](const QString &message) {
        QMetaObject::invokeMethod(
            this, [this, message] { m_store->tellPeers(message); }, Qt::QueuedConnection);
    };
    // This server's own "verified" comes back too: told apart by a name of its own.
    const QString self = QUuid::createUuid().toString(QUuid::Id128);
    m_liveness->setPeers(
        {[tell](const QString &sessionId, const QString &pingId) {
             tell(QStringLiteral("pong %1 %2").arg(sessionId, pingId));
         },
         [tell, self](const QString &sessionId, qint64 wallMs) {
             tell(QStringLiteral("verified %1 %2 %3").arg(self, sessionId).arg(wallMs));
         }});
    connect(m_feed.get(), &ChangeFeed::peerMessage, this, [this, self](const QString &message) {
        const QStringList parts = message.split(QLatin1Char(' '));
        if (parts.size() == 3 && parts[0] == QLatin1String("pong") && !parts[1].isEmpty()) {
            m_liveness->answer(parts[1], parts[2]);
            return;
        }
        bool ok = false;
        const qint64 wallMs = parts.size() == 4 ? parts[3].toLongLong(&ok) : 0;
        if (ok && parts[0] == QLatin1String("verified") && parts[1] != self && !parts[2].isEmpty())
            m_liveness->verifiedElsewhere(parts[2], wallMs);
    });
}

void ApiServer::openSafety()
{
    m_guard =
        new SafetyGuard(*m_store, *m_clock, *m_actions, *m_sessions, m_risk->breakers(), this);
    m_guard->load();
    m_actions->setGuard(m_guard);
    connect(m_commits, &CommitGroup::failed, m_guard, &SafetyGuard::storeWhatFailed);
    connect(m_guard, &SafetyGuard::sessionsTold, this, [this](const QStringList &sessionIds) {
        for (const QString &id : sessionIds)
            wake(QStringLiteral("session:") + id);
        wake(QStringLiteral("events"));
    });
    connect(m_sessions, &SessionService::sessionChanged, m_guard, &SafetyGuard::sessionChanged);
    m_context->sessionJson = [guard = m_guard,
                              liveness = m_liveness.get()](const SessionRecord &s) {
        QJsonObject o = guard->sessionJson(s);
        // A kill whose supervisor never reported the agent's processes reaped.
        if (s.supervised && s.status == QLatin1String("killed") && liveness->killUnconfirmed(s.id))
            o.insert(QStringLiteral("kill_unconfirmed"), true);
        // The kill path proven alive: for active supervised sessions.
        if (s.supervised && s.status == QLatin1String("active")) {
            const LivenessMonitor::View v = liveness->view(s.id);
            o.insert(QStringLiteral("liveness"),
                     v.watched ? v.liveness : QStringLiteral("unknown"));
            o.insert(QStringLiteral("kill_path_verified_at"),
                     v.verifiedAtMs < 0 ? QJsonValue(QJsonValue::Null)
                                        : QJsonValue(toRfc3339(v.verifiedAtMs)));
            o.insert(QStringLiteral("kill_path_verified_ms_ago"),
                     v.verifiedAgoMs < 0 ? QJsonValue(QJsonValue::Null)
                                         : QJsonValue(v.verifiedAgoMs));
        }
        return o;
    };
    m_metrics = std::make_unique<ServerMetrics>();
    if (!m_webhookOptions.urls.isEmpty())
        m_notifier = std::make_unique<WebhookNotifier>(m_webhookOptions);
    m_tap = new EventTap(*m_store, this);
    if (auto *pg = dynamic_cast<PgStore *>(m_store.get())) {
        m_tap->setFilter([pg](qint64 seq) { return pg->wroteEvent(seq); });
        m_guard->setOwnEvents([pg](qint64 seq) { return pg->wroteEvent(seq); });
    }
    m_tap->listen([this](const EventRecord &e) { m_metrics->observe(e, *m_store); });
    if (m_notifier) {
        m_tap->listen([this](const EventRecord &e) {
            if (const auto message = webhookMessage(e, *m_store))
                m_notifier->notify(*message);
        });
    }
    m_safetyContext.reset(new SafetyContext{*m_guard, *m_metrics, m_notifier.get()});
}

bool ApiServer::restoreKills(QString *error)
{
    auto journal = std::make_shared<KillJournal>(m_databasePath + QStringLiteral(".kills"));
    const auto left = journal->read(error);
    if (!left)
        return false;
    QList<KillRecorder::Request> kills;
    for (const QJsonValue &v : *left) {
        const auto kill = KillRecorder::fromJson(v.toObject());
        if (!kill) {
            *error = QStringLiteral("%1 holds something that is not a kill; a server must not "
                                    "start without the kills it lists: look at the file, then "
                                    "move it away to start without them")
                         .arg(journal->path());
            return false;
        }
        // (Never an empty list: to the KillSwitch that is every session.)
        const QStringList sessions = kill->ids.isEmpty() ? kill->stopAllTargets : kill->ids;
        if (!sessions.isEmpty())
            m_killSwitch->kill(sessions);
        kills.append(*kill);
    }
    if (!kills.isEmpty())
        qWarning("interlock: %lld kills the last run could not record are refused again and "
                 "written now (from %s)",
                 qint64(kills.size()), qPrintable(journal->path()));
    m_killJournal = journal;
    m_recorder->setJournal(std::move(journal));
    m_restoredKills = kills;
    return true;
}

// Kills made before this server started whose supervisors have not reported the agents'
// processes reaped: one already raised as unconfirmed (its liveness record says so) is shown as
// such; the others are awaited from now, as if killed now.
void ApiServer::awaitKillReports(const QStringList &supervised)
{
    QSet<QString> raised;
    for (const QJsonObject &r : m_store->safetyRecords(QStringLiteral("liveness"))) {
        if (r.value(QStringLiteral("kill_confirmed")) == QJsonValue(false))
            raised.insert(r.value(QStringLiteral("session_id")).toString());
    }
    QStringList awaited;
    for (const QString &id : supervised) {
        if (!m_killSwitch->isKilled(id))
            continue;
        if (raised.contains(id))
            m_liveness->unconfirmedElsewhere(id);
        else
            awaited.append(id);
    }
    m_liveness->killed(awaited);
}

void ApiServer::openLiveness()
{
    // A supervisor that stops answering (or answers again) is an event on the session's stream
    // and the consoles' (session.liveness_lost / session.liveness_restored), with an audit entry,
    // written on this thread.
    m_liveness->setObserver([this](const LivenessMonitor::Change &change) {
        QMetaObject::invokeMethod(
            this,
            [this, change] {
                const QString type = change.killUnconfirmed
                                         ? QStringLiteral("session.kill_unconfirmed")
                                     : change.lost ? QStringLiteral("session.liveness_lost")
                                                   : QStringLiteral("session.liveness_restored");
                QJsonObject doc = change.data;
                doc.insert(QStringLiteral("session_id"), change.sessionId);
                doc.insert(QStringLiteral("at"), toRfc3339(m_clock->nowMs()));
                if (!m_store->putSafetyRecord(QStringLiteral("liveness"), change.sessionId, doc,
                                              {{Transition{type,
                                                           change.data,
                                                           type,
                                                           QStringLiteral("system:liveness"),
                                                           m_clock->nowMs(),
                                                           {}},
                                                change.sessionId, change.sessionId}}))
                    qWarning("interlock: %s of session %s could not be stored", qPrintable(type),
                             qPrintable(change.sessionId));
                if (change.killUnconfirmed)
                    qWarning("interlock: KILL NOT CONFIRMED: the supervisor of session %s did not "
                             "report the agent's processes reaped within %lld ms of the kill: the "
                             "agent may still be running",
                             qPrintable(change.sessionId),
                             change.data.value(QStringLiteral("waited_ms")).toInteger());
                else if (change.lost)
                    qWarning("interlock: the supervisor of session %s did not answer its "
                             "session.ping within %d ms: the agent may be running unguarded",
                             qPrintable(change.sessionId), m_limits.livenessDeadlineMs);
                wake(QStringLiteral("session:") + change.sessionId);
                wake(QStringLiteral("events"));
            },
            Qt::QueuedConnection);
    });
}

void ApiServer::setWebhooks(WebhookOptions options)
{
    Q_ASSERT(!m_actions); // before open()
    m_webhookOptions = std::move(options);
}

void ApiServer::setRiskEngine(std::unique_ptr<RiskEngine> engine)
{
    Q_ASSERT(!m_actions); // before open()
    m_risk = std::move(engine);
}

QString ApiServer::createToken(Role role, const QString &name, QString *error)
{
    const QString token =
        issueToken(*m_store, role, name, m_clock->nowMs(), QStringLiteral("local"), error);
    if (!token.isEmpty()) // the store keeps the name as its displayName(): so does the cache
        m_tokens->insert(tokenHash(token), {role, displayName(name), {}});
    return token;
}

void ApiServer::registerRoutes()
{
    m_router.add("GET", QStringLiteral("/v1/health"), Access::anyone(),
                 [this](const HttpRequest &, const Principal &, HttpReplyPtr reply) {
                     // A load balancer takes a server whose database is away out of rotation.
                     const bool up = m_store->ensureAvailable();
                     reply->sendJson(
                         up ? 200 : 503,
                         {{QStringLiteral("status"),
                           up ? QStringLiteral("ok") : QStringLiteral("unavailable")},
                          {QStringLiteral("version"), QStringLiteral(INTERLOCK_VERSION)}});
                 });
    m_router.add("GET", QStringLiteral("/v1/me"), Access::anyToken(),
                 [](const HttpRequest &, const Principal &who, HttpReplyPtr reply) {
                     QJsonObject me{{QStringLiteral("name"), who.name},
                                    {QStringLiteral("role"), roleName(who.role)}};
                     if (who.isSession())
                         me.insert(QStringLiteral("session_id"), who.sessionId);
                     reply->sendJson(200, me);
                 });
    m_router.add("GET", QStringLiteral("/v1/metrics"),
                 Access::only({Role::Reviewer, Role::Oncall, Role::Manager, Role::Admin}),
                 [this](const HttpRequest &, const Principal &, HttpReplyPtr reply) {
                     reply->send(200, "text/plain; version=0.0.4; charset=utf-8", metricsText());
                 });
    addSessionRoutes(m_router, *m_context);
    addActionRoutes(m_router, *m_context);
    addEventRoutes(m_router, *m_context);
    addAuditRoutes(m_router, *m_context);
    addHistoryRoutes(m_router, *m_context);
    addSafetyRoutes(m_router, *m_context, *m_safetyContext);
}

QByteArray ApiServer::metricsText() const
{
    const http::TransportCounters &c = m_http->counters();
    struct Figure {
        const char *name;
        const char *type;
        const char *help;
        qint64 value;
    };
    const Figure figures[] = {
        {"interlock_connections_open", "gauge", "Open client connections.", c.open.load()},
        {"interlock_connections_max", "gauge", "The cap on open connections.",
         m_http->maxConnections()},
        {"interlock_connections_accepted_total", "counter", "Connections accepted.",
         c.accepted.load()},
        {"interlock_connections_evicted_total", "counter",
         "Connections without a request in progress closed for a new one at the cap.",
         c.evicted.load()},
        {"interlock_connections_refused_total", "counter", "Connections refused.",
         c.refused.load()},
        {"interlock_connections_timed_out_total", "counter",
         "Connections closed for slow headers, body or idleness.", c.timedOut.load()},
        {"interlock_requests_busy_total", "counter",
         "Requests answered 503 server_busy at once: too many were waiting for the API thread.",
         c.busy.load()},
        {"interlock_waiting_requests", "gauge", "Parked long-polls.", m_hub->waiting()},
        {"interlock_control_polls", "gauge", "Parked supervisor control polls.",
         m_control->parked()},
        {"interlock_kills_unrecorded", "gauge", "Kills not yet written to the store.",
         m_recorder->unrecorded()},
        {"interlock_sessions_liveness_late", "gauge",
         "Supervised sessions whose supervisor did not answer its last session.ping in time.",
         m_liveness->lateCount()},
    };
    QByteArray out;
    for (const Figure &f : figures)
        out += QByteArray("# HELP ") + f.name + ' ' + f.help + "\n# TYPE " + f.name + ' ' + f.type +
               '\n' + f.name + ' ' + QByteArray::number(f.value) + '\n';
    // The safety layer's figures (breakers, grants, webhooks, decisions: ServerMetrics).
    out += m_safetyContext->metrics.render(m_context->store, m_safetyContext->guard,
                                           m_safetyContext->notifier);
    return out;
}

void ApiServer::dispatch(HttpRequest &&request, HttpReplyPtr reply)
{
    const Router::Match match = m_router.match(request.method, request.path);
    if (!match.route) {
        if (match.pathKnown)
            return reply->sendError({405,
                                     QStringLiteral("method_not_allowed"),
                                     QStringLiteral("%1 is not supported on %2.")
                                         .arg(QString::fromLatin1(request.method), request.path),
                                     {}});
        return reply->sendError(
            ApiError::notFound(QStringLiteral("There is no endpoint at %1.").arg(request.path)));
    }
    if (request.body.size() > m_limits.maxBodyBytes)
        return reply->sendError(ApiError::payloadTooLarge(m_limits.maxBodyBytes));

    if (!match.route->access.anonymous && !m_store->ensureAvailable())
        return reply->sendError(ApiError::unavailable(
            QStringLiteral("The server cannot reach its database right now; retry shortly.")));
    Principal who;
    if (!match.route->access.anonymous) {
        if (ApiError e = m_auth->authenticate(request, &who); e.isError()) {
            const bool allowed = match.route->access.closedSession && who.sessionClosed &&
                                 e.code == QLatin1String("session_killed");
            // A wrong or malformed token (not a missing one) counts against the address; only
            // failures are throttled, so a valid token from the same address still gets in.
            if (e.status == 401 && !request.header("authorization").isEmpty()) {
                if (const auto refusal = m_signIns->failed(request.peer))
                    return reply->sendJson(
                        refusal->error.status, refusal->error.toJson(),
                        {{"Retry-After", QByteArray::number(refusal->retryAfterSeconds)}});
            }
            if (!allowed)
                return reply->sendError(e);
        }
        if (!match.route->access.allows(who.role))
            return reply->sendError(ApiError::forbidden(
                QStringLiteral("A %1 token cannot use %2 %3.")
                    .arg(roleName(who.role), QString::fromLatin1(request.method),
                         match.route->pattern)));
    }
    if (request.method == "POST" && !request.body.isEmpty() &&
        !isJsonContentType(request.header("content-type")))
        return reply->sendError(ApiError::unsupportedMediaType());
    m_actions->expireIfDue();
    request.params = match.params;
    match.route->handler(request, who, std::move(reply));
}

} // namespace interlock
