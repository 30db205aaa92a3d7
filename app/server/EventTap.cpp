#include "EventTap.h"

#include "Store.h"

namespace interlock {

EventTap::EventTap(Store &store, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_last(store.lastEventSeq())
{}

void EventTap::committed(qint64 lastEvent)
{
    while (m_last < lastEvent) {
        const QList<EventRecord> events = m_store.events(m_last, {}, 1000);
        for (const EventRecord &e : events) {
            if (e.seq > lastEvent)
                return;
            m_last = e.seq;
            if (m_filter && !m_filter(e.seq))
                continue;
            for (const Listener &l : m_listeners)
                l(e);
        }
        if (events.size() < 1000)
            return;
    }
}

} // namespace interlock
