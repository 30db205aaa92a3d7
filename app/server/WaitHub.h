#pragma once

#include "HttpExchange.h"

#include <QHash>
#include <QObject>
#include <functional>
#include <list>

class QTimer;

namespace interlock {

// Parks long-poll replies under a topic ("action:<id>", "events", "session:<id>"). A parked reply
// is answered by its respond() callback when its topic is woken or its wait runs out, whichever
// comes first; a client that leaves is dropped without a write.
class WaitHub : public QObject
{
    Q_OBJECT
public:
    using Respond = std::function<void(HttpReply &)>;

    using QObject::QObject;
    ~WaitHub() override;

    // `owner` names the caller (see ownerOf): one caller parks at most maxPerOwner replies at
    // once; beyond that the reply is answered 429 at once instead of being parked.
    void park(const QString &topic, HttpReplyPtr reply, int waitMs, Respond respond,
              const QString &owner = {});
    void wake(const QString &topic);
    int waiting() const;
    void setMaxPerOwner(int max) { m_maxPerOwner = max; }

private:
    struct Waiter;
    void finish(Waiter *waiter, bool respond);
    void release(Waiter *waiter);

    QHash<QString, std::list<Waiter *>> m_topics;
    QHash<QString, int> m_perOwner;
    int m_maxPerOwner = 0; // 0: no cap
};

} // namespace interlock
