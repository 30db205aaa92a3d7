#pragma once

#include "Store.h"

#include <QObject>

namespace interlock {

// The events other servers commit to a shared database, delivered in commit (= seq) order and
// without gaps: after a lost connection the feed reconnects and first delivers what it missed.
// The server turns them into wake-ups of its parked long-polls and into kills in its KillSwitch.
class ChangeFeed : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    ~ChangeFeed() override = default;

Q_SIGNALS:
    // Events with seq above everything delivered before (type, session_id, action_id, seq; data
    // for action events only).
    void eventsCommitted(const QList<interlock::EventRecord> &events);
    // The feed had lost its connection and is listening again (after delivering the gap).
    void resubscribed();
    // A message a server sent with Store::tellPeers (this server's own too).
    void peerMessage(const QString &message);
};

} // namespace interlock
