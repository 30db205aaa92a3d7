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

    void park(const QString &topic, HttpReplyPtr reply, int waitMs, Respond respond);
    void wake(const QString &topic);
    int waiting() const;

private:
    struct Waiter;
    void finish(Waiter *waiter, bool respond);

    QHash<QString, std::list<Waiter *>> m_topics;
};

} // namespace interlock
