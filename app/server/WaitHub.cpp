#include "WaitHub.h"

#include <QTimer>

namespace interlock {

struct WaitHub::Waiter {
    QString topic;
    HttpReplyPtr reply;
    Respond respond;
    QTimer timer;
};

WaitHub::~WaitHub()
{
    for (auto &list : m_topics) {
        for (Waiter *w : list)
            delete w;
    }
}

void WaitHub::park(const QString &topic, HttpReplyPtr reply, int waitMs, Respond respond)
{
    auto *w = new Waiter;
    w->topic = topic;
    w->reply = std::move(reply);
    w->respond = std::move(respond);
    m_topics[topic].push_back(w);
    w->timer.setSingleShot(true);
    connect(&w->timer, &QTimer::timeout, this, [this, w] { finish(w, true); });
    connect(w->reply.get(), &HttpReply::clientGone, this, [this, w] { finish(w, false); });
    w->timer.start(waitMs);
}

void WaitHub::finish(Waiter *w, bool respond)
{
    auto it = m_topics.find(w->topic);
    if (it == m_topics.end())
        return;
    it->remove(w);
    if (it->empty())
        m_topics.erase(it);
    w->timer.stop();
    w->reply->disconnect(this);
    if (respond && w->reply->isOpen())
        w->respond(*w->reply);
    delete w; // the reply itself is deleted later (HttpReplyPtr)
}

void WaitHub::wake(const QString &topic)
{
    // Take the whole list first: a respond() may park a new waiter under the same topic, which
    // must wait for the next wake.
    const std::list<Waiter *> waiters = m_topics.take(topic);
    for (Waiter *w : waiters) {
        w->timer.stop();
        w->reply->disconnect(this);
        if (w->reply->isOpen())
            w->respond(*w->reply);
        delete w;
    }
}

int WaitHub::waiting() const
{
    int n = 0;
    for (const auto &list : m_topics)
        n += int(list.size());
    return n;
}

} // namespace interlock
