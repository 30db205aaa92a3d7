#include "WaitHub.h"

#include <QTimer>

namespace interlock {

struct WaitHub::Waiter {
    QString topic;
    QString owner;
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

void WaitHub::park(const QString &topic, HttpReplyPtr reply, int waitMs, Respond respond,
                   const QString &owner)
{
    if (!owner.isEmpty() && m_maxPerOwner > 0 && m_perOwner.value(owner) >= m_maxPerOwner) {
        reply->sendError(ApiError::rateLimited(
            QStringLiteral("This token already has %1 requests waiting; wait for one of them.")
                .arg(m_maxPerOwner)));
        return;
    }
    auto *w = new Waiter;
    w->topic = topic;
    w->owner = owner;
    if (!owner.isEmpty())
        ++m_perOwner[owner];
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
    release(w);
}

void WaitHub::release(Waiter *w)
{
    if (!w->owner.isEmpty()) {
        auto it = m_perOwner.find(w->owner);
        if (it != m_perOwner.end() && --it.value() <= 0)
            m_perOwner.erase(it);
    }
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
        release(w);
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
