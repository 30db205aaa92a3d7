#pragma once

#include "HttpExchange.h"

#include <QList>
#include <QObject>

namespace interlock {

class Store;

// Group commit for the server thread. Transitions made while handling the requests of one
// event-loop pass share one transaction; a zero-time timer commits it (one sync for all of them)
// and only then releases the replies held meanwhile, so a 201 still means "durable". If the commit
// fails, every held reply becomes an error (507 on a full disk, 503 store_busy, else 500) and the
// store is back where the group began.
class CommitGroup : public QObject, public ReplyGate
{
    Q_OBJECT
public:
    explicit CommitGroup(Store &store, QObject *parent = nullptr);
    ~CommitGroup() override;

    bool holding() const override;
    void hold(HttpReply *reply) override;
    void flush();

    // Figures for `bench`: how many groups were committed and how many replies they carried.
    qint64 groups() const { return m_groups; }

Q_SIGNALS:
    // After each group: how long its commit took, and whether it held (metrics, EventTap); its
    // held replies are released by then.
    void groupCommitted(qint64 nanoseconds, bool ok);
    // A commit did not get through (full disk, lock): everything in the group was undone.
    void failed();

private:
    Store &m_store;
    QList<QPointer<HttpReply>> m_held;
    bool m_flushScheduled = false;
    qint64 m_groups = 0;
};

} // namespace interlock
