#pragma once

#include "HttpExchange.h"

#include <QByteArray>
#include <QHash>
#include <QMutex>
#include <deque>
#include <memory>
#include <optional>

namespace interlock {

namespace http {
class ReplyChannel;
}

// Requests waiting for the API thread, taken in turns by caller (its bearer token, else its
// address): a caller with thousands of requests queued delays another caller's next one by one
// of its own, not by all of them. First in, first out within a caller. Thread-safe: the I/O
// thread puts, the API thread takes.
class FairQueue
{
public:
    struct Item {
        HttpRequest request;
        std::shared_ptr<http::ReplyChannel> channel;
    };

    // The caller a request counts for: its bearer token however the header spells it ("bearer",
    // spaces), else its address.
    static QByteArray callerOf(const HttpRequest &request);

    // True when the queue was empty: the taker must be woken.
    bool put(const QByteArray &caller, Item item);
    // Before every caller's turn: a kill the control path answered, to be recorded.
    bool putFirst(Item item);
    // The oldest of those put first, else the next caller's oldest request; *more says whether
    // others still wait.
    std::optional<Item> take(bool *more);
    qsizetype size() const;

private:
    mutable QMutex m_mutex;
    QHash<QByteArray, std::deque<Item>> m_byCaller;
    std::deque<QByteArray> m_turns; // the callers with requests waiting, in turn
    std::deque<Item> m_first;
    qsizetype m_size = 0;
};

} // namespace interlock
