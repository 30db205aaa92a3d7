#include "KillRecorder.h"

#include "CommitGroup.h"
#include "DiskReserve.h"

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
        return "another program holds the database's write lock";
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
    if (!m_queue.isEmpty())
        retry();
    for (const Request &r : std::as_const(m_queue))
        qCritical("interlock: KILL NOT RECORDED: the server stops before the %s could be "
                  "written to the database (it was refused in memory until now)",
                  qPrintable(describe(r)));
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
    for (qsizetype i = 0; i < m_queue.size();) {
        const Request r = m_queue.at(i);
        const auto ended = attempt(r.ids.isEmpty() ? r.stopAllTargets : r.ids, r);
        if (!ended) {
            ++i;
            continue;
        }
        qWarning("interlock: the %s is recorded, %lld ms after the first retry began",
                 qPrintable(describe(r)), m_since.elapsed());
        m_queue.removeAt(i);
        Q_EMIT recordedLater(*ended, r.ids.isEmpty());
    }
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
