#include "FairQueue.h"

#include "Authenticator.h"
#include "http/ReplyChannel.h"

namespace interlock {

QByteArray FairQueue::callerOf(const HttpRequest &request)
{
    // One token is one caller: "Bearer t", "bearer  t" and "BEARER\tt" would be three turns.
    if (const std::optional<QByteArray> token =
            Authenticator::bearerToken(request.header("authorization")))
        return "token " + *token;
    return "address " + request.peer.toString().toLatin1();
}

bool FairQueue::put(const QByteArray &caller, Item item)
{
    const QMutexLocker lock(&m_mutex);
    std::deque<Item> &queue = m_byCaller[caller];
    if (queue.empty())
        m_turns.push_back(caller);
    queue.push_back(std::move(item));
    return ++m_size == 1;
}

bool FairQueue::putFirst(Item item)
{
    const QMutexLocker lock(&m_mutex);
    m_first.push_back(std::move(item));
    return ++m_size == 1;
}

std::optional<FairQueue::Item> FairQueue::take(bool *more)
{
    const QMutexLocker lock(&m_mutex);
    *more = false;
    if (!m_first.empty()) {
        Item item = std::move(m_first.front());
        m_first.pop_front();
        *more = --m_size > 0;
        return item;
    }
    if (m_turns.empty())
        return std::nullopt;
    const QByteArray caller = std::move(m_turns.front());
    m_turns.pop_front();
    const auto it = m_byCaller.find(caller);
    Item item = std::move(it->front());
    it->pop_front();
    if (it->empty())
        m_byCaller.erase(it);
    else
        m_turns.push_back(caller); // its next one waits for every other caller's turn
    --m_size;
    *more = m_size > 0;
    return item;
}

qsizetype FairQueue::size() const
{
    const QMutexLocker lock(&m_mutex);
    return m_size;
}

} // namespace interlock
