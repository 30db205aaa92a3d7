#include "KillRecorder.h"

#include "CommitGroup.h"
#include "DiskReserve.h"
#include "KillJournal.h"

#include <QJsonArray>

namespace interlock {

namespace {
constexpr int kFirstRetryMs = 100;
constexpr int kLongestRetryMs = 2000;

QString describe(const KillRecorder::Request &r)
{
    return r.ids.isEmpty() ? QStringLiteral("stop-all (%1 sessions)").arg(r.stopAllTargets.size())
                           : QStringLiteral("kill of %1").arg(r.ids.join(QStringLiteral(", ")));
}

const char *failureName(StoreFailure f)
{
    switch (f) {
    case StoreFailure::DiskFull:
        return "the disk is full or refuses writes";
    case StoreFailure::Busy:
        return "the database was locked by another program or server";
    case StoreFailure::Unavailable:
        return "the database server cannot be reached";
    case StoreFailure::Other:
        return "the database refused the write";
    case StoreFailure::None:
        break;
    }
    return "unknown";
}
} // namespace

KillRecorder::KillRecorder(Store &store, CommitGroup *commits, DiskReserve *reserve,
                           QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_commits(commits)
    , m_reserve(reserve)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &KillRecorder::retry);
}

KillRecorder::~KillRecorder()
{
    m_timer.stop();
    if (!m_queue.isEmpty())
        retry();
    m_timer.stop();
    for (const Request &r : std::as_const(m_queue)) {
        if (m_queueSaved)
            qCritical("interlock: the server stops before the %s could be written to the "
                      "database; it is kept in %s and recorded when the server starts again",
                      qPrintable(describe(r)), qPrintable(m_journal->path()));
        else
            qCritical("interlock: KILL NOT RECORDED: the server stops before the %s could be "
                      "written to the database (it was refused in memory until now)",
                      qPrintable(describe(r)));
    }
}

void KillRecorder::setJournal(std::shared_ptr<KillJournal> journal)
{
    m_journal = std::move(journal);
}

void KillRecorder::restore(const QList<Request> &kills)
{
    if (kills.isEmpty())
        return;
    m_queue.append(kills);
    m_queueSaved = true; // read from the journal
    m_delayMs = kFirstRetryMs;
    m_failures = 0;
    m_since.start();
    retry();
}

void KillRecorder::saveQueue()
{
    m_queueSaved = false;
    if (!m_journal)
        return;
    QJsonArray kills;
    for (const Request &r : std::as_const(m_queue))
        kills.append(toJson(r));
    QString error;
    m_queueSaved = m_journal->keepWaiting(kills, &error);
    if (!m_queueSaved)
        qCritical("interlock: the kills not yet recorded could not be kept aside either: %s "
                  "(they are lost if the server stops before the database takes them)",
                  qPrintable(error));
}

KillRecorder::Request KillRecorder::request(const QStringList &ids, QString reason,
                                            const QString &actor, qint64 at,
                                            const QStringList &stopAllTargets)
{
    if (reason.trimmed().isEmpty())
        reason =
            ids.isEmpty() ? QStringLiteral("stop all agents") : QStringLiteral("emergency stop");
    if (!ids.isEmpty())
        return {ids, reason, Transition{{}, {}, {}, actor, at, {}}, {}};
    return {{},
            reason,
            Transition{QStringLiteral("stop.all"),
                       {{QStringLiteral("reason"), reason}},
                       QStringLiteral("stop.all"),
                       actor,
                       at,
                       {}},
            stopAllTargets};
}

QJsonObject KillRecorder::toJson(const Request &r)
{
    const Transition &t = r.transition;
    return {{QStringLiteral("ids"), QJsonArray::fromStringList(r.ids)},
            {QStringLiteral("reason"), r.reason},
            {QStringLiteral("stop_all_targets"), QJsonArray::fromStringList(r.stopAllTargets)},
            {QStringLiteral("event_type"), t.eventType},
            {QStringLiteral("event_data"), t.eventData},
            {QStringLiteral("audit_type"), t.auditType},
            {QStringLiteral("actor"), t.actor},
            {QStringLiteral("at"), t.at}};
}

std::optional<KillRecorder::Request> KillRecorder::fromJson(const QJsonObject &o)
{
    const auto strings = [&o](const char *key) -> std::optional<QStringList> {
        const QJsonValue v = o.value(QLatin1String(key));
        if (!v.isArray())
            return std::nullopt;
        QStringList out;
        for (const QJsonValue &s : v.toArray()) {
            if (!s.isString() || s.toString().isEmpty())
                return std::nullopt;
            out.append(s.toString());
        }
        return out;
    };
    const auto ids = strings("ids");
    const auto targets = strings("stop_all_targets");
    const QJsonValue at = o.value(QStringLiteral("at"));
    const QJsonValue eventType = o.value(QStringLiteral("event_type"));
    const bool stopAll = eventType.toString() == QLatin1String("stop.all");
    if (!ids || !targets || ids->isEmpty() != stopAll || !eventType.isString() ||
        !o.value(QStringLiteral("audit_type")).isString() ||
        !o.value(QStringLiteral("reason")).isString() ||
        !o.value(QStringLiteral("actor")).isString() || !at.isDouble() || at.toDouble() < 0 ||
        at.toDouble() > 9e15 || !o.value(QStringLiteral("event_data")).isObject())
        return std::nullopt;
    return Request{*ids, o.value(QStringLiteral("reason")).toString(),
                   Transition{o.value(QStringLiteral("event_type")).toString(),
                              o.value(QStringLiteral("event_data")).toObject(),
                              o.value(QStringLiteral("audit_type")).toString(),
                              o.value(QStringLiteral("actor")).toString(),
                              qint64(at.toDouble()),
                              {}},
                   *targets};
}

std::optional<SessionsEnded> KillRecorder::write(const QStringList &ids, const Request &request,
                                                 StoreFailure *why)
{
    // Alone: commit what is pending first (its replies go out, or fail, on their own).
    if (m_commits)
        m_commits->flush();
    else
        m_store.commitGroup();
    auto ended = m_store.killSessions(ids, request.reason, request.transition);
    if (ended && m_store.commitGroup()) {
        Q_EMIT written();
        return ended;
    }
    *why = m_store.lastFailure();
    // A failed savepoint leaves its group open and empty: close it.
    m_store.commitGroup();
    return std::nullopt;
}

std::optional<SessionsEnded> KillRecorder::attempt(const QStringList &ids, const Request &request)
{
    m_lastFailure = StoreFailure::None;
    if (auto ended = write(ids, request, &m_lastFailure))
        return ended;
    if (m_lastFailure != StoreFailure::DiskFull || !m_reserve)
        return std::nullopt;
    const qint64 freed = m_reserve->release();
    qCritical("interlock: the disk is full: released the %lld-byte disk reserve to record the %s",
              freed, qPrintable(describe(request)));
    auto ended = write(ids, request, &m_lastFailure);
    // Take back at once what is left, for the next kill; the rest comes back with free space.
    m_reserve->replenish();
    return ended;
}

std::optional<SessionsEnded> KillRecorder::record(const Request &request)
{
    if (auto ended = attempt(request.ids, request))
        return ended;
    qCritical("interlock: KILL NOT RECORDED YET: the %s could not be written (%s); the sessions "
              "are refused in memory and the write is retried until it gets through",
              qPrintable(describe(request)), failureName(m_lastFailure));
    m_queue.append(request);
    if (m_reserve && m_lastFailure == StoreFailure::DiskFull) {
        // The list of kills waiting needs room on the same disk: the reserve's, as the kill did.
        m_reserve->release();
        saveQueue();
        m_reserve->replenish();
    } else {
        saveQueue();
    }
    if (!m_timer.isActive()) {
        m_delayMs = kFirstRetryMs;
        m_failures = 0;
        m_since.start();
        m_timer.start(m_delayMs);
    }
    return std::nullopt;
}

void KillRecorder::retry()
{
    // Each one on its own: a kill that keeps failing must not hold back the others.
    const qsizetype waiting = m_queue.size();
    for (qsizetype i = 0; i < m_queue.size();) {
        const Request r = m_queue.at(i);
        QStringList targets = r.ids.isEmpty() ? r.stopAllTargets : r.ids;
        // A stop-all that found nobody active writes its own entry only: to the store an empty
        // list is every session active now, and no session has the empty id.
        if (targets.isEmpty())
            targets = QStringList{QString()};
        const auto ended = attempt(targets, r);
        if (!ended) {
            ++i;
            continue;
        }
        qWarning("interlock: the %s is recorded, %lld ms after the first retry began",
                 qPrintable(describe(r)), m_since.elapsed());
        m_queue.removeAt(i);
        Q_EMIT recordedLater(*ended, r.ids.isEmpty());
    }
    if (m_queue.size() != waiting || !m_queueSaved)
        saveQueue();
    if (m_queue.isEmpty())
        return;
    ++m_failures;
    if (m_failures % 10 == 0)
        qCritical("interlock: %lld KILLS NOT RECORDED YET after %lld ms and %d attempts (%s)",
                  qint64(m_queue.size()), m_since.elapsed(), m_failures,
                  failureName(m_lastFailure));
    m_delayMs = std::min(m_delayMs * 2, kLongestRetryMs);
    m_timer.start(m_delayMs);
}

} // namespace interlock
