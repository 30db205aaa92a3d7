#pragma once

#include <QObject>
#include <functional>
#include <limits>
#include <vector>

namespace interlock {

struct EventRecord;
class Store;

// Reads the events each group commit made durable, in order, and hands them to its listeners
// (the metrics, the webhooks). Nothing is ever reported from a transaction that a crash could
// still undo, and listeners never run inside a transition.
class EventTap : public QObject
{
    Q_OBJECT
public:
    using Listener = std::function<void(const EventRecord &)>;

    // Starts after the events already stored: nothing from before the start is reported again.
    explicit EventTap(Store &store, QObject *parent = nullptr);
    void listen(Listener listener) { m_listeners.push_back(std::move(listener)); }
    // Only the events this accepts are reported (several servers on one PostgreSQL database:
    // each reports the events it wrote, so a webhook is sent once, not once per server).
    void setFilter(std::function<bool(qint64 seq)> filter) { m_filter = std::move(filter); }

    // After a group commit is durable: its events, up to lastEvent (those after it may still be
    // uncommitted, or not yet on disk).
    void committed(qint64 lastEvent = std::numeric_limits<qint64>::max());

private:
    Store &m_store;
    qint64 m_last = 0;
    std::vector<Listener> m_listeners;
    std::function<bool(qint64)> m_filter;
};

} // namespace interlock
