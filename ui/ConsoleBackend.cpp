#include "ConsoleBackend.h"

#include "ReviewTimer.h"

#include "SessionListModel.h"

#include <QJsonArray>
#include <QTimer>

namespace interlock::ui {

ConsoleBackend::ConsoleBackend(const QUrl &server, const QString &token, QObject *parent)
    : QObject(parent)
    , m_client(server, token)
    , m_stream(m_client)
    , m_actions(new ActionQueueModel(this))
    , m_sessions(new SessionListModel(this))
    , m_review(new ReviewTimer(this))
{
    connect(&m_stream, &EventStream::resynced, this, [this] {
        reloadActions();
        reloadSessions();
    });
    connect(&m_stream, &EventStream::eventsArrived, this, &ConsoleBackend::onEvents);
    // The kill path's "verified N s ago" moves with every ping, which is not an event: the
    // sessions are read again every few seconds while connected.
    auto *sessionsTimer = new QTimer(this);
    sessionsTimer->setInterval(5000);
    connect(sessionsTimer, &QTimer::timeout, this, [this] {
        if (isConnected() && !m_sessionsReloadQueued)
            reloadSessions();
    });
    sessionsTimer->start();
    connect(&m_stream, &EventStream::stateChanged, this,
            [this](EventStream::State state, const QString &detail) {
                switch (state) {
                case EventStream::State::Connected:
                    Q_EMIT connectionChanged(
                        true, tr("Connected to %1").arg(m_client.baseUrl().toString()));
                    break;
                case EventStream::State::Reconnecting:
                    Q_EMIT connectionChanged(false, tr("Reconnecting… (%1)").arg(detail));
                    break;
                case EventStream::State::Refused:
                    Q_EMIT connectionChanged(false, tr("Refused by the server: %1").arg(detail));
                    break;
                case EventStream::State::Connecting:
                    Q_EMIT connectionChanged(false, tr("Connecting…"));
                    break;
                }
            });
}

ConsoleBackend::~ConsoleBackend() = default;

void ConsoleBackend::start()
{
    Q_EMIT connectionChanged(false, tr("Connecting to %1…").arg(m_client.baseUrl().toString()));
    m_stream.start();
    m_client.request("GET", QStringLiteral("/v1/me"), std::nullopt, [this](const ApiResult &r) {
        if (!r.ok())
            return;
        m_role = r.body.value(QStringLiteral("role")).toString();
        m_name = r.body.value(QStringLiteral("name")).toString();
        Q_EMIT roleKnown(m_role);
    });
}

QString ConsoleBackend::explain(const ApiResult &r)
{
    if (r.status == 0)
        return tr("The server could not be reached (%1).").arg(r.networkError);
    if (!r.unreadable.isEmpty())
        return tr("The server's answer could not be read (%1, HTTP %2).")
            .arg(r.unreadable)
            .arg(r.status);
    const QString code = r.error().code;
    if (code == QLatin1String("already_decided"))
        return tr("Someone else decided this action first; nothing was changed.");
    if (code == QLatin1String("already_approved"))
        return tr("You already approved this action; a second reviewer must approve it too.");
    if (code == QLatin1String("self_approval") && r.error().field == QLatin1String("opened_by"))
        return tr("You opened the session that submitted this action, so someone else must "
                  "approve it.");
    if (code == QLatin1String("self_approval"))
        return tr("You own the session that submitted this action, so someone else must approve "
                  "it.");
    if (code == QLatin1String("forbidden"))
        return tr("Your token is not allowed to do this.");
    if (code == QLatin1String("session_frozen"))
        return tr("A circuit breaker froze this agent's session: approvals wait until a person "
                  "resumes it in the sessions panel; rejecting still works.");
    if (code == QLatin1String("version_conflict"))
        return tr("The action changed while you looked at it; check it again.");
    return r.error().message.isEmpty() ? tr("The server answered HTTP %1.").arg(r.status)
                                       : r.error().message;
}

// The queue holds every pending action (page after page) and, for the other status views, the
// first 200 actions of each decided status; the full record is the History tab's job, so a
// database with a million decided actions still opens at once.
void ConsoleBackend::reloadActions(const QString &cursor, int stage)
{
    static const QStringList stages{QStringLiteral("pending"), QStringLiteral("approved"),
                                    QStringLiteral("rejected"), QStringLiteral("expired"),
                                    QStringLiteral("cancelled")};
    if (cursor.isEmpty() && stage == 0) {
        m_loading.clear();
        m_arrivedWhileLoading.clear();
        m_reloading = true;
    }
    const QString status = stages.value(stage);
    m_client.request(
        "GET",
        QStringLiteral("/v1/actions?status=%1&limit=%2").arg(status).arg(stage == 0 ? 500 : 200) +
            (cursor.isEmpty() ? QString() : QStringLiteral("&cursor=") + cursor),
        std::nullopt, [this, stage](const ApiResult &r) {
            if (!r.ok()) {
                m_reloading = false;
                m_arrivedWhileLoading.clear();
                m_loading.clear();
                m_queueFailed = true; // the next event tries again
                Q_EMIT queueFailed(explain(r));
                return Q_EMIT outcome(explain(r), true);
            }
            for (const QJsonValue &v : r.body.value(QStringLiteral("actions")).toArray())
                m_loading.append(m_actions->summarise(v.toObject()));
            const QString next = r.body.value(QStringLiteral("next_cursor")).toString();
            if (stage == 0 && !next.isEmpty()) {
                // The server sends the triage order, so the first page is the top of the queue:
                // an empty console shows it at once instead of waiting for the last page.
                if (m_actions->rowCount() == 0)
                    m_actions->reset(m_loading);
                Q_EMIT loadProgress(int(m_loading.size()));
                return reloadActions(next, 0);
            }
            if (stage + 1 < stages.size())
                return reloadActions({}, stage + 1);
            m_actions->reset(std::exchange(m_loading, {}));
            m_reloading = false;
            m_queueFailed = false;
            for (const QJsonObject &a : std::exchange(m_arrivedWhileLoading, {}))
                m_actions->upsert(a); // never older than the snapshot: upsert keeps the newest
            Q_EMIT loaded();
        });
}

void ConsoleBackend::reloadSessions()
{
    m_sessionsReloadQueued = false;
    m_client.request(
        "GET", QStringLiteral("/v1/sessions"), std::nullopt, [this](const ApiResult &r) {
            if (!r.ok())
                return;
            QList<QJsonObject> list;
            for (const QJsonValue &v : r.body.value(QStringLiteral("sessions")).toArray())
                list.append(v.toObject());
            m_sessions->reset(list);
        });
}

void ConsoleBackend::openAction(const QString &id)
{
    if (id.isEmpty() || m_review->known(id))
        return;
    requestAction(id, true);
}

void ConsoleBackend::requestAction(const QString &id, bool opened)
{
    QSet<QString> &inFlight = opened ? m_opening : m_fetching;
    if (id.isEmpty() || inFlight.contains(id))
        return;
    inFlight.insert(id);
    const QString path =
        QStringLiteral("/v1/actions/") + id + (opened ? QString() : QStringLiteral("?prefetch=1"));
    m_client.request("GET", path, std::nullopt, [this, id, opened](const ApiResult &r) {
        (opened ? m_opening : m_fetching).remove(id);
        if (!r.ok())
            return Q_EMIT actionUnavailable(id, explain(r));
        if (opened)
            m_review->note(id, r.body.value(QStringLiteral("review")).toObject());
        m_actions->upsert(r.body);
        // A reload in flight would replace the model with an older snapshot:
        // this action is applied again on top of it.
        if (m_reloading)
            m_arrivedWhileLoading.append(r.body);
    });
}

void ConsoleBackend::onEvents(const QJsonArray &events)
{
    QStringList actions;
    bool sessionsChanged = false;
    for (const QJsonValue &v : events) {
        const QJsonObject e = v.toObject();
        const QString id = e.value(QStringLiteral("action_id")).toString();
        if (!id.isEmpty() && !actions.contains(id))
            actions.append(id);
        if (e.value(QStringLiteral("type")).toString() == QLatin1String("receipt.violation")) {
            const ActionQueueModel::Row *row = m_actions->find(id);
            const QString agent = row ? row->agent : QString();
            const QString title = row && !row->title.isEmpty() ? row->title : id;
            Q_EMIT violation(tr("%1 (%2) reported running “%3”: %4")
                                 .arg(agent, e.value(QStringLiteral("session_id")).toString(),
                                      title, e.value(QStringLiteral("message")).toString()));
        }
        // Pending counts and session states live in the sessions list.
        sessionsChanged = true;
    }
    Q_EMIT eventsReceived(events);
    if (m_queueFailed && !m_reloading)
        reloadActions(); // the queue could not be loaded: load it whole again
    else
        for (const QString &id : std::as_const(actions))
            requestAction(id);
    if (sessionsChanged && !m_sessionsReloadQueued) {
        m_sessionsReloadQueued = true;
        QTimer::singleShot(0, this, &ConsoleBackend::reloadSessions);
    }
}

void ConsoleBackend::decide(const QString &actionId, const QJsonObject &body, const QString &done)
{
    if (!isConnected())
        return Q_EMIT outcome(tr("Not connected: the decision was not sent."), true);
    const ActionQueueModel::Row *row = m_actions->find(actionId);
    const QString title = row ? row->title : actionId;
    m_client.request(
        "POST", QStringLiteral("/v1/actions/%1/decision").arg(actionId), body,
        [this, done, title](const ApiResult &r) {
            if (!r.ok())
                return Q_EMIT outcome(explain(r), true);
            m_actions->upsert(r.body);
            const QString status = r.body.value(QStringLiteral("status")).toString();
            if (status == QLatin1String("pending"))
                Q_EMIT outcome(tr("Your approval of “%1” is recorded; it needs %2 approvals.")
                                   .arg(title)
                                   .arg(r.body.value(QStringLiteral("required_approvals")).toInt()),
                               false);
            else if (const QJsonObject grant = r.body.value(QStringLiteral("grant")).toObject();
                     !grant.isEmpty())
                Q_EMIT outcome(
                    tr("Approved “%1”; the same is allowed for this agent for %n hour(s) "
                       "(grant %2).",
                       nullptr, grant.value(QStringLiteral("for_seconds")).toInt() / 3600)
                        .arg(title, grant.value(QStringLiteral("id")).toString()),
                    false);
            else
                Q_EMIT outcome(done.arg(title), false);
        });
}

void ConsoleBackend::approve(const QString &actionId, int versionSeen, const QJsonObject &seen)
{
    QJsonObject body{{QStringLiteral("decision"), QStringLiteral("approve")},
                     {QStringLiteral("version"), versionSeen}};
    if (!seen.isEmpty())
        body.insert(QStringLiteral("seen"), seen);
    if (const int seconds = grantOffered(actionId); seconds > 0) {
        QJsonObject match;
        if (const QStringList names = grantArgumentsOffered(actionId); !names.isEmpty())
            match.insert(QStringLiteral("arguments"), QJsonArray::fromStringList(names));
        body.insert(QStringLiteral("grant"), QJsonObject{{QStringLiteral("for_seconds"), seconds},
                                                         {QStringLiteral("match"), match}});
    }
    offerGrant({}, 0);
    decide(actionId, body, tr("Approved “%1”."));
}

void ConsoleBackend::offerGrant(const QString &actionId, int forSeconds,
                                const QStringList &arguments)
{
    m_grantAction = forSeconds > 0 ? actionId : QString();
    m_grantSeconds = forSeconds > 0 ? forSeconds : 0;
    m_grantArguments = forSeconds > 0 ? arguments : QStringList();
}

int ConsoleBackend::grantOffered(const QString &actionId) const
{
    return !actionId.isEmpty() && actionId == m_grantAction ? m_grantSeconds : 0;
}

QStringList ConsoleBackend::grantArgumentsOffered(const QString &actionId) const
{
    return grantOffered(actionId) > 0 ? m_grantArguments : QStringList();
}

void ConsoleBackend::edit(const QString &actionId, const QJsonObject &payload, int versionSeen,
                          const QJsonObject &seen)
{
    QJsonObject body{{QStringLiteral("decision"), QStringLiteral("edit")},
                     {QStringLiteral("payload"), payload},
                     {QStringLiteral("version"), versionSeen}};
    if (!seen.isEmpty())
        body.insert(QStringLiteral("seen"), seen);
    decide(actionId, body, tr("Approved an edited “%1”."));
}

void ConsoleBackend::reject(const QString &actionId, const QString &reason)
{
    decide(actionId,
           {{QStringLiteral("decision"), QStringLiteral("reject")},
            {QStringLiteral("comment"), reason}},
           tr("Rejected “%1”."));
}

void ConsoleBackend::killSession(const QString &sessionId)
{
    m_client.request(
        "POST", QStringLiteral("/v1/sessions/%1/kill").arg(sessionId),
        QJsonObject{{QStringLiteral("reason"), tr("emergency stop from the console")}},
        [this](const ApiResult &r) {
            if (!r.ok())
                return Q_EMIT outcome(tr("The kill failed: %1").arg(explain(r)), true);
            const QJsonObject session = r.body.value(QStringLiteral("session")).toObject();
            m_sessions->upsert(session); // shown the moment the server answers
            if (!r.body.value(QStringLiteral("recorded")).toBool(true))
                return Q_EMIT outcome(tr("Killed the session: its token is refused and its "
                                         "supervisor told, but the server could not record the "
                                         "kill yet; it keeps trying."),
                                      false);
            Q_EMIT outcome(tr("Killed the session of %1; %n pending action(s) cancelled.", nullptr,
                              r.body.value(QStringLiteral("cancelled")).toInt())
                               .arg(session.value(QStringLiteral("agent")).toString()),
                           false);
        });
}

void ConsoleBackend::stopAll()
{
    m_client.request(
        "POST", QStringLiteral("/v1/stop-all"),
        QJsonObject{{QStringLiteral("reason"), tr("stop all agents from the console")}},
        [this](const ApiResult &r) {
            if (!r.ok())
                return Q_EMIT outcome(tr("Stop all failed: %1").arg(explain(r)), true);
            reloadSessions();
            Q_EMIT outcome(
                tr("Stopped all agents: %1 session(s) killed, %2 pending action(s) cancelled.")
                    .arg(r.body.value(QStringLiteral("killed")).toInt())
                    .arg(r.body.value(QStringLiteral("cancelled")).toInt()),
                false);
        });
}

} // namespace interlock::ui
