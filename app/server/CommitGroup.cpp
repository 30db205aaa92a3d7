#include "CommitGroup.h"

#include "Store.h"
#include "SyncThread.h"

#include <QTimer>
#include <limits>

namespace interlock {

CommitGroup::CommitGroup(Store &store, QObject *parent)
    : QObject(parent)
    , m_store(store)
{
    m_store.setGroupCommit([this] {
        if (m_flushScheduled)
            return;
        m_flushScheduled = true;
        QTimer::singleShot(0, this, &CommitGroup::flush);
    });
    m_store.setFlushNow([this] { flush(); });
    m_sync = m_store.syncApart();
    if (m_sync) {
        m_syncer =
            std::make_unique<SyncThread>(m_sync, [this](qint64 upTo, bool ok, const QString &why) {
                QMetaObject::invokeMethod(
                    this, [this, upTo, ok, why] { synced(upTo, ok, why); }, Qt::QueuedConnection);
            });
    }
}

CommitGroup::~CommitGroup()
{
    flush();
    if (m_syncer) {
        // Its answer would not be delivered any more: sync here, and answer what is held.
        m_syncer.reset();
        QString why;
        synced(m_committed, m_sync(&why), why);
    }
    m_store.setFlushNow({});
    m_store.setGroupCommit({});
}

bool CommitGroup::holding() const
{
    return m_store.hasUncommitted() || m_durable < m_committed || !m_broken.isEmpty();
}

bool CommitGroup::writing() const
{
    return m_store.hasUncommitted();
}

void CommitGroup::hold(HttpReply *reply)
{
    if (!m_broken.isEmpty()) {
        reply->release(brokenError());
        return;
    }
    m_held.append({reply, m_store.hasUncommitted() ? m_attempted + 1 : m_committed});
}

void CommitGroup::flush()
{
    m_flushScheduled = false;
    if (!m_store.hasUncommitted()) {
        releaseDurable();
        return;
    }
    const qint64 group = ++m_attempted;
    ++m_groups;
    QElapsedTimer took;
    took.start();
    const bool committed = m_syncer ? m_store.commitGroupUnsynced() : m_store.commitGroup();
    if (committed) {
        m_committed = group;
        if (m_syncer) {
            m_syncing.append({group, took, m_store.lastEventSeq()});
            m_syncer->request(group);
            return;
        }
        m_durable = group;
        releaseDurable();
        Q_EMIT groupCommitted(took.nsecsElapsed(), true, std::numeric_limits<qint64>::max());
        return;
    }
    // A lost database connection (PostgreSQL restarting) is worth a retry, on this server or,
    // behind a load balancer, another: 503.
    const ApiError failure =
        m_store.connected() ? storeError(m_store.lastFailure(), QStringLiteral("The change"))
                            : ApiError::unavailable(QStringLiteral(
                                  "The database went away; nothing was changed. Retry shortly."));
    qWarning("interlock: a group commit failed (%s); its replies become errors",
             qPrintable(failure.code));
    Q_EMIT failed();
    // Only the group's own replies: those made before it wait for their own sync.
    QList<Held> others;
    for (const Held &h : std::exchange(m_held, {})) {
        if (h.group < group)
            others.append(h);
        else if (h.reply)
            h.reply->release(failure);
    }
    m_held = std::move(others);
    Q_EMIT groupCommitted(took.nsecsElapsed(), false, 0);
}

void CommitGroup::synced(qint64 upTo, bool ok, const QString &why)
{
    if (!ok && m_broken.isEmpty()) {
        m_broken = why.isEmpty() ? QStringLiteral("no reason given") : why;
        m_store.stopWriting();
        qCritical("interlock: THE DISK DID NOT CONFIRM A COMMIT (%s): every reply is an error "
                  "from now on; restart the server",
                  qPrintable(why));
        Q_EMIT broke(why);
        for (const Held &h : std::exchange(m_held, {})) {
            if (h.reply)
                h.reply->release(brokenError());
        }
        Q_EMIT failed();
    }
    while (!m_syncing.isEmpty() && m_syncing.first().group <= upTo) {
        const Committed c = m_syncing.takeFirst();
        ok = ok && m_broken.isEmpty();
        if (ok) {
            m_durable = c.group;
            releaseDurable();
        }
        Q_EMIT groupCommitted(c.since.nsecsElapsed(), ok, ok ? c.lastEvent : 0);
    }
}

void CommitGroup::releaseDurable()
{
    qsizetype n = 0;
    while (n < m_held.size() && m_held.at(n).group <= m_durable)
        ++n;
    if (n == 0)
        return;
    const QList<Held> ready = m_held.first(n);
    m_held.remove(0, n);
    for (const Held &h : ready) {
        if (h.reply)
            h.reply->release();
    }
}

ApiError CommitGroup::brokenError() const
{
    return ApiError::internal(
        QStringLiteral("The server's disk did not confirm a change (%1). The server answers "
                       "nothing more until it is restarted.")
            .arg(m_broken));
}

} // namespace interlock
