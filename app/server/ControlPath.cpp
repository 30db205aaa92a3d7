#include "ControlPath.h"

#include "Authenticator.h"
#include "KillJournal.h"
#include "KillRecorder.h"
#include "KillSwitch.h"
#include "LivenessMonitor.h"
#include "SerialWorker.h"
#include "TokenCache.h"
#include "Tokens.h"
#include "core/FieldReader.h"
#include "interlock_config.h"

#include <QJsonDocument>
#include <QTimer>

namespace interlock {

using http::ReplyChannel;
using http::ResponsePart;

namespace {
// A supervisor needs one poll at a time; a few allow for a reconnect overlapping the last one.
constexpr int kControlPollsPerToken = 4;

void sendJson(ReplyChannel &channel, int status, const QJsonObject &body)
{
    channel.post(ResponsePart{ResponsePart::Kind::Whole,
                              status,
                              "application/json",
                              {},
                              QJsonDocument(body).toJson(QJsonDocument::Compact)});
}

QJsonObject controlState(const QString &sessionId, const QString &state)
{
    return {{QStringLiteral("session_id"), sessionId}, {QStringLiteral("state"), state}};
}

QStringList pathParts(const QString &path)
{
    return path.split(QLatin1Char('/'));
}
} // namespace

struct ControlPath::Caller {
    QByteArray hash;
    TokenCache::Entry entry;
};

// One parked control poll: answered by wake(), by its timer, or dropped when the client leaves.
class ControlPath::Waiter : public QObject, private http::ReplySource
{
    ControlPath &m_path;

public:
    Waiter(ControlPath &path, std::shared_ptr<ReplyChannel> channel, QString sessionId,
           QByteArray token, int waitMs)
        : m_path(path)
        , channel(std::move(channel))
        , sessionId(std::move(sessionId))
        , token(std::move(token))
    {
        this->channel->attach(this, this);
        m_timer.setSingleShot(true);
        connect(&m_timer, &QTimer::timeout, this, [this] {
            sendJson(*this->channel, 200, m_path.activeState(this->sessionId));
            m_path.drop(this);
        });
        m_timer.start(waitMs);
    }
    ~Waiter() override { channel->detach(); }

    std::shared_ptr<ReplyChannel> channel;
    QString sessionId;
    QByteArray token;

private:
    void channelClosed() override { m_path.drop(this); }
    void channelWritable() override {}

    QTimer m_timer;
};

// Waits for the API thread's answer to a kill the control path has already applied in memory:
// passes it on when it comes in time, or answers "recorded": false when it does not (or when
// the write failed; the KillRecorder keeps retrying it). An answer of "recorded": false is made
// durable first: the kill goes into the journal, and out of it once the API thread has answered
// 200 (it wrote the kill, or its KillRecorder keeps it in the same journal). The journal is
// written on its own thread, in order: a slow disk holds up this answer only, never the I/O
// thread's other work (health, other kills, the supervisors' polls).
class ControlPath::KillWait : public QObject, public http::ReplySink
{
public:
    KillWait(std::shared_ptr<ReplyChannel> client, QJsonObject unrecorded, int waitMs,
             std::shared_ptr<KillJournal> journal, SerialWorker *journalThread, QJsonObject kill)
        : m_client(std::move(client))
        , m_unrecorded(std::move(unrecorded))
        , m_journal(std::move(journal))
        , m_journalThread(journalThread)
        , m_kill(std::move(kill))
    {
        m_timer.setSingleShot(true);
        connect(&m_timer, &QTimer::timeout, this, [this] { finish(std::nullopt, true); });
        m_timer.start(waitMs);
    }
    ~KillWait() override
    {
        if (m_inner)
            m_inner->done();
    }
    void setInner(std::shared_ptr<ReplyChannel> inner) { m_inner = std::move(inner); }

    void deliver(ReplyChannel *, ResponsePart part) override
    {
        const bool whole = part.kind == ResponsePart::Kind::Whole;
        if (m_finished) { // answered already, on time out
            if (whole) {
                m_apiAnswered = true;
                // 200: written, or kept by the KillRecorder. Anything else keeps it journaled:
                // written again at the next start (a kill of a session already killed or
                // unknown changes nothing).
                m_apiTookIt = part.status == 200;
                settle();
            }
            return;
        }
        if (whole && part.status < 500)
            return finish(std::move(part), false);
        finish(std::nullopt, false); // a failed write: the kill holds in memory all the same
    }

private:
    void finish(std::optional<ResponsePart> answer, bool awaitApi)
    {
        if (m_finished)
            return;
        m_finished = true;
        m_timer.stop();
        m_apiAnswered = !awaitApi;
        if (answer || !m_journal || !m_journalThread) {
            if (answer)
                m_client->post(std::move(*answer));
            else
                sendJson(*m_client, 200, m_unrecorded);
            m_journalDone = true;
            return settle();
        }
        // Alive until journaled() has run: settle() is the only delete, and the ControlPath
        // stops the journal thread before its children go.
        m_journalThread->post([journal = m_journal, kill = m_kill, self = this] {
            QString error;
            const std::optional<quint64> id = journal->keepAnswered(kill, &error);
            QMetaObject::invokeMethod(
                self, [self, id, error] { self->journaled(id, error); }, Qt::QueuedConnection);
        });
    }

    void journaled(std::optional<quint64> id, const QString &error)
    {
        m_journaled = id;
        m_journalDone = true;
        if (!id)
            qCritical("interlock: a kill answered before the database took it could not be "
                      "kept aside either: %s (it is lost if the server stops before the "
                      "database takes it)",
                      qPrintable(error));
        sendJson(*m_client, 200, m_unrecorded);
        settle();
    }

    // Once the kill is answered and the API thread has answered too: out of the journal if the
    // API thread took it, and gone.
    void settle()
    {
        if (!m_journalDone || !m_apiAnswered)
            return;
        if (m_apiTookIt && m_journaled) {
            m_journalThread->post([journal = m_journal, id = *m_journaled] {
                QString error;
                if (!journal->forgetAnswered(id, &error))
                    qWarning("interlock: %s", qPrintable(error)); // kept: recorded again
            });
        }
        deleteLater();
    }

    std::shared_ptr<ReplyChannel> m_client;
    std::shared_ptr<ReplyChannel> m_inner;
    QJsonObject m_unrecorded;
    std::shared_ptr<KillJournal> m_journal;
    SerialWorker *m_journalThread;
    QJsonObject m_kill;
    std::optional<quint64> m_journaled;
    QTimer m_timer;
    bool m_finished = false;
    bool m_journalDone = false; // answered, journaled first when it had to be
    bool m_apiAnswered = false; // the API thread's whole answer came (or will not come)
    bool m_apiTookIt = false;   // ... and it was a 200
};

ControlPath::ControlPath(KillSwitch &killSwitch, const TokenCache &tokens, const Limits &limits,
                         Forward forward, LivenessMonitor *liveness)
    : m_killSwitch(killSwitch)
    , m_tokens(tokens)
    , m_limits(limits)
    , m_forward(std::move(forward))
    , m_liveness(liveness)
{}

void ControlPath::setJournal(std::shared_ptr<KillJournal> journal, std::function<qint64()> now)
{
    m_journal = std::move(journal);
    m_now = std::move(now);
    if (m_journal && !m_journalThread)
        m_journalThread = std::make_unique<SerialWorker>(QStringLiteral("kill journal"));
}

void ControlPath::startPings()
{
    if (!m_liveness || m_pingTimer)
        return;
    // Often enough to issue a ping and to notice a missed deadline well within either period.
    const auto &s = m_liveness->settings();
    m_pingTimer = new QTimer(this);
    m_pingTimer->setInterval(qBound(10, qMin(s.intervalMs, s.deadlineMs) / 5, 1000));
    connect(m_pingTimer, &QTimer::timeout, this, &ControlPath::sendPings);
    m_pingTimer->start();
}

void ControlPath::sendPings()
{
    for (const QString &id : m_liveness->tick()) {
        const QList<Waiter *> waiters = m_waiters.value(id);
        if (waiters.isEmpty())
            continue; // delivered with the supervisor's next poll
        sendJson(*waiters.first()->channel, 200, activeState(id));
        drop(waiters.first());
    }
}

QJsonObject ControlPath::activeState(const QString &sessionId)
{
    QJsonObject state = controlState(sessionId, QStringLiteral("active"));
    if (m_liveness) {
        if (const auto ping = m_liveness->take(sessionId))
            state.insert(QStringLiteral("ping"), ping->toJson());
    }
    return state;
}

ControlPath::~ControlPath()
{
    // First: a journal write still running may post to a KillWait, a child of this path.
    m_journalThread.reset();
    for (const QList<Waiter *> &list : std::as_const(m_waiters))
        qDeleteAll(list);
}

std::optional<ControlPath::Caller> ControlPath::caller(const HttpRequest &request) const
{
    // The same reading as the normal path's (any case of "Bearer", spaces or tabs).
    const auto token = Authenticator::bearerToken(request.header("authorization"));
    if (!token)
        return std::nullopt;
    const QByteArray hash = tokenHash(QString::fromLatin1(*token));
    const auto entry = m_tokens.find(hash);
    if (!entry)
        return std::nullopt;
    return Caller{hash, *entry};
}

void ControlPath::setBroken(const QString &why)
{
    QMutexLocker lock(&m_brokenMutex);
    m_broken = why;
}

bool ControlPath::handle(HttpRequest &request, const std::shared_ptr<ReplyChannel> &channel)
{
    const QStringList parts = pathParts(request.path);
    if (request.method == "GET" && request.path == QLatin1String("/v1/health")) {
        QString broken;
        {
            QMutexLocker lock(&m_brokenMutex);
            broken = m_broken;
        }
        QJsonObject health{{QStringLiteral("status"),
                            broken.isEmpty() ? QStringLiteral("ok") : QStringLiteral("broken")},
                           {QStringLiteral("version"), QStringLiteral(INTERLOCK_VERSION)}};
        if (!broken.isEmpty())
            health.insert(QStringLiteral("reason"), broken);
        sendJson(*channel, broken.isEmpty() ? 200 : 503, health);
        return true;
    }
    if (request.method == "POST" && request.path == QLatin1String("/v1/stop-all"))
        return kill(request, channel, {});
    // "", "v1", "sessions", id, verb
    if (parts.size() == 5 && parts[1] == QLatin1String("v1") &&
        parts[2] == QLatin1String("sessions") && !parts[3].isEmpty()) {
        if (request.method == "POST" && parts[4] == QLatin1String("kill"))
            return kill(request, channel, parts[3]);
        if (request.method == "GET" && parts[4] == QLatin1String("control"))
            return control(request, channel, parts[3]);
        if (request.method == "POST" && parts[4] == QLatin1String("pong"))
            return pong(request, channel, parts[3]);
    }
    return false;
}

bool ControlPath::kill(const HttpRequest &request, const std::shared_ptr<ReplyChannel> &channel,
                       const QString &sessionId)
{
    const auto who = caller(request);
    const bool stopAll = sessionId.isEmpty();
    const QList<Role> allowed = stopAll ? QList<Role>{Role::Oncall, Role::Admin}
                                        : QList<Role>{Role::Reviewer, Role::Oncall, Role::Admin};
    if (!who || !allowed.contains(who->entry.role))
        return false; // the normal path answers (and refuses) it
    // Only a body the API thread will accept as it is: else the normal path names the error.
    QString reason;
    if (!request.body.trimmed().isEmpty()) {
        const QByteArray mime = request.header("content-type").split(';').first().trimmed();
        QJsonObject body;
        if (mime.toLower() != "application/json" || parseJsonObject(request.body, &body).isError())
            return false;
        FieldReader r(body);
        r.allowOnly({QStringLiteral("reason")});
        reason = r.string(QStringLiteral("reason"), false, 500, FieldReader::Text::MultiLine)
                     .value_or(QString());
        if (!r.ok())
            return false;
    }
    QJsonObject unrecorded{{QStringLiteral("recorded"), false}};
    QStringList stopped;
    if (stopAll) {
        stopped = m_killSwitch.kill({});
        unrecorded.insert(QStringLiteral("killed"), stopped.size());
    } else {
        if (!m_killSwitch.isActive(sessionId) && !m_killSwitch.isKilled(sessionId))
            return false; // unknown or over: the normal path says so
        m_killSwitch.kill({sessionId});
        unrecorded.insert(QStringLiteral("session"),
                          QJsonObject{{QStringLiteral("id"), sessionId},
                                      {QStringLiteral("status"), QStringLiteral("killed")}});
    }
    // The observer wakes the supervisors too, but through the event loop; this is at once.
    wake(stopAll ? QStringList(m_waiters.keys()) : QStringList{sessionId});
    auto *wait = new KillWait(channel, unrecorded, m_limits.killRecordWaitMs, m_journal,
                              m_journalThread.get(),
                              m_journal ? KillRecorder::toJson(KillRecorder::request(
                                              stopAll ? QStringList() : QStringList{sessionId},
                                              reason, who->entry.name, m_now(), stopped))
                                        : QJsonObject());
    wait->setParent(this);
    auto inner = std::make_shared<ReplyChannel>(wait, wait, false);
    wait->setInner(inner);
    HttpRequest copy = request;
    m_forward(std::move(copy), std::move(inner));
    return true;
}

bool ControlPath::control(const HttpRequest &request, const std::shared_ptr<ReplyChannel> &channel,
                          const QString &sessionId)
{
    const auto who = caller(request);
    if (!who || who->entry.role != Role::Supervisor || who->entry.sessionId != sessionId)
        return false;
    int waitMs = 0;
    if (request.query.hasQueryItem(QStringLiteral("wait"))) {
        bool ok = false;
        const double seconds = request.query.queryItemValue(QStringLiteral("wait")).toDouble(&ok);
        if (!ok || !(seconds >= 0) || seconds > m_limits.maxWaitSeconds)
            return false; // the normal path names the error
        waitMs = int(seconds * 1000);
    }
    if (m_killSwitch.isKilled(sessionId)) {
        sendJson(*channel, 200, controlState(sessionId, QStringLiteral("killed")));
        return true;
    }
    if (!m_killSwitch.isActive(sessionId)) {
        sendJson(*channel, 200, controlState(sessionId, QStringLiteral("ended")));
        return true;
    }
    // A supervisor that answers pings says so (`pings=1`): from then on its session is pinged.
    // A ping waiting to be delivered (or not answered yet) goes out at once.
    if (m_liveness && request.query.queryItemValue(QStringLiteral("pings")) == QLatin1String("1"))
        m_liveness->watch(sessionId);
    if (m_liveness && m_liveness->watched(sessionId)) {
        const QJsonObject state = activeState(sessionId);
        if (waitMs == 0 || state.contains(QStringLiteral("ping"))) {
            sendJson(*channel, 200, state);
            return true;
        }
    }
    if (waitMs == 0) {
        sendJson(*channel, 200, controlState(sessionId, QStringLiteral("active")));
        return true;
    }
    if (m_perToken.value(who->hash) >= kControlPollsPerToken) {
        sendJson(*channel, 429,
                 ApiError::rateLimited(QStringLiteral("Too many control polls with this token."))
                     .toJson());
        return true;
    }
    auto *waiter = new Waiter(*this, channel, sessionId, who->hash, waitMs);
    waiter->setParent(this);
    m_waiters[sessionId].append(waiter);
    ++m_perToken[who->hash];
    m_parkedCount.ref();
    return true;
}

bool ControlPath::pong(const HttpRequest &request, const std::shared_ptr<ReplyChannel> &channel,
                       const QString &sessionId)
{
    const auto who = caller(request);
    if (!m_liveness || !who || who->entry.role != Role::Supervisor ||
        who->entry.sessionId != sessionId)
        return false; // the normal path answers (a session token: 403)
    const QByteArray mime = request.header("content-type").split(';').first().trimmed();
    if (mime.toLower() != "application/json")
        return false;
    const auto [status, body] = m_liveness->pong(sessionId, request.body);
    sendJson(*channel, status, body);
    return true;
}

void ControlPath::drop(Waiter *waiter)
{
    auto it = m_waiters.find(waiter->sessionId);
    if (it == m_waiters.end() || !it->removeOne(waiter))
        return;
    if (it->isEmpty())
        m_waiters.erase(it);
    if (--m_perToken[waiter->token] <= 0)
        m_perToken.remove(waiter->token);
    m_parkedCount.deref();
    waiter->deleteLater();
}

void ControlPath::wake(const QStringList &sessionIds)
{
    for (const QString &id : sessionIds) {
        const QList<Waiter *> waiters = m_waiters.value(id);
        for (Waiter *w : waiters) {
            sendJson(*w->channel, 200, controlState(id, QStringLiteral("killed")));
            drop(w);
        }
    }
}

} // namespace interlock
