#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QThread>
#include <QUrl>
#include <atomic>
#include <memory>

namespace interlock {

struct WebhookOptions {
    QList<QUrl> urls;       // interlockd --notify URL (repeatable)
    QByteArray secret;      // --notify-secret FILE: the HMAC key; empty: unsigned
    int maxAttempts = 8;    // per notification and URL
    int baseDelayMs = 1000; // first retry; doubles each time
    int maxDelayMs = 60000;
    int timeoutMs = 10000;    // per attempt: a receiver that hangs is given up on
    int queueCapacity = 1000; // per URL; when full the oldest waiting one is dropped
};

// Webhooks (docs/safety.md "Webhooks"): every notification is POSTed to every URL as JSON,
// signed with X-Interlock-Signature: sha256=<hex HMAC-SHA256 of the body>, retried with
// exponential backoff. Delivery runs on the notifier's own thread with its own event loop:
// notify() only queues, so a slow, failing or hanging receiver never holds up a transition.
// A notification is never an approval path: nothing comes back in.
class WebhookNotifier
{
public:
    explicit WebhookNotifier(WebhookOptions options);
    ~WebhookNotifier();

    // Thread-safe; returns at once.
    void notify(const QJsonObject &body);

    struct Counts {
        qint64 sent = 0;   // delivered (2xx)
        qint64 failed = 0; // attempts that failed (network error, timeout, non-2xx)
        qint64 dropped =
            0; // given up: out of attempts, refused (4xx), or pushed out of a full queue
        qint64 queued = 0; // waiting now, all URLs
    };
    Counts counts() const;
    int urlCount() const { return int(m_options.urls.size()); }

    // The signature header value for a body: "sha256=<hex>".
    static QByteArray signature(const QByteArray &secret, const QByteArray &body);

    class Worker;
    struct Shared {
        std::atomic<qint64> sent{0}, failed{0}, dropped{0}, queued{0};
    };

private:
    WebhookOptions m_options;
    std::shared_ptr<Shared> m_counts;
    QThread m_thread;
    Worker *m_worker = nullptr; // lives in m_thread
};

} // namespace interlock
