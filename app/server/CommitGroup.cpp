#include "CommitGroup.h"

#include "Store.h"

#include <QElapsedTimer>
#include <QTimer>

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
}

CommitGroup::~CommitGroup()
{
    flush();
    m_store.setGroupCommit({});
}

bool CommitGroup::holding() const
{
    return m_store.hasUncommitted();
}

void CommitGroup::hold(HttpReply *reply)
{
    m_held.append(reply);
}

void CommitGroup::flush()
{
    m_flushScheduled = false;
    const bool hadGroup = m_store.hasUncommitted();
    QElapsedTimer took;
    took.start();
    const bool committed = m_store.commitGroup();
    const qint64 nanoseconds = took.nsecsElapsed();
    if (hadGroup)
        ++m_groups;
    // A lost database connection (PostgreSQL restarting) is worth a retry, on this server or,
    // behind a load balancer, another: 503.
    const ApiError failure =
        committed             ? ApiError{}
        : m_store.connected() ? storeError(m_store.lastFailure(), QStringLiteral("The change"))
                              : ApiError::unavailable(QStringLiteral(
                                    "The database went away; nothing was changed. Retry shortly."));
    if (!committed) {
        qWarning("interlock: a group commit failed (%s); %lld replies become errors",
                 qPrintable(failure.code), qint64(m_held.size()));
        Q_EMIT failed();
    }
    const QList<QPointer<HttpReply>> held = std::exchange(m_held, {});
    for (const QPointer<HttpReply> &reply : held) {
        if (reply)
            reply->release(failure);
    }
    if (hadGroup)
        Q_EMIT groupCommitted(nanoseconds, committed);
}

} // namespace interlock
