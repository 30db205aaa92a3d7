#include "WebhookNotifier.h"

#include "interlock_config.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QMessageAuthenticationCode>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTimer>
#include <QUuid>
#include <deque>
#include <vector>

namespace interlock {

class WebhookNotifier::Worker : public QObject
{
public:
    Worker(const WebhookOptions &options, std::shared_ptr<Shared> counts)
        : m_options(options)
        , m_counts(std::move(counts))
    {
        for (const QUrl &url : m_options.urls)
            m_targets.push_back(Target{url, {}, false, false});
    }

    void enqueue(const QByteArray &body, const QByteArray &type)
    {
        if (!m_nam) {
            m_nam = new QNetworkAccessManager(this);
            m_nam->setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
        }
        const QByteArray id = QUuid::createUuid().toByteArray(QUuid::WithoutBraces);
        for (size_t i = 0; i < m_targets.size(); ++i) {
            Target &t = m_targets[i];
            // Full: the oldest one still waiting goes (never the one on the wire).
            if (int(t.queue.size()) >= m_options.queueCapacity) {
                const auto oldest = t.queue.begin() + (t.inFlight ? 1 : 0);
                if (oldest != t.queue.end()) {
                    t.queue.erase(oldest);
                    ++m_counts->dropped;
                    --m_counts->queued;
                }
            }
            t.queue.push_back(Item{body, type, id, 0});
            ++m_counts->queued;
            pump(i);
        }
    }

private:
    struct Item {
        QByteArray body;
        QByteArray type;
        QByteArray id;
        int attempts = 0;
    };
    struct Target {
        QUrl url;
        std::deque<Item> queue;
        bool inFlight = false;
        bool backingOff = false;
    };

    void pump(size_t i)
    {
        Target &t = m_targets[i];
        if (t.inFlight || t.backingOff || t.queue.empty())
            return;
        Item &item = t.queue.front();
        ++item.attempts;
        QNetworkRequest request(t.url);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
        request.setHeader(QNetworkRequest::UserAgentHeader,
                          QByteArray("interlockd/" INTERLOCK_VERSION));
        request.setRawHeader("X-Interlock-Event", item.type);
        request.setRawHeader("X-Interlock-Delivery", item.id);
        request.setRawHeader("X-Interlock-Timestamp",
                             QByteArray::number(QDateTime::currentSecsSinceEpoch()));
        if (!m_options.secret.isEmpty())
            request.setRawHeader("X-Interlock-Signature",
                                 WebhookNotifier::signature(m_options.secret, item.body));
        request.setTransferTimeout(m_options.timeoutMs);
        t.inFlight = true;
        QNetworkReply *reply = m_nam->post(request, item.body);
        connect(reply, &QNetworkReply::finished, this, [this, i, reply] { finished(i, reply); });
    }

    void finished(size_t i, QNetworkReply *reply)
    {
        reply->deleteLater();
        Target &t = m_targets[i];
        t.inFlight = false;
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (reply->error() == QNetworkReply::NoError && status >= 200 && status < 300) {
            ++m_counts->sent;
            pop(t);
            pump(i);
            return;
        }
        ++m_counts->failed;
        const bool retry = status == 0 || status == 408 || status == 429 || status >= 500;
        if (!retry || t.queue.front().attempts >= m_options.maxAttempts) {
            qWarning("interlock: webhook %s gave up on a %s notification after %d attempt(s) "
                     "(last: HTTP %d %s)",
                     qPrintable(t.url.toDisplayString(QUrl::RemoveUserInfo | QUrl::RemoveQuery)),
                     t.queue.front().type.constData(), t.queue.front().attempts, status,
                     qPrintable(reply->errorString()));
            ++m_counts->dropped;
            pop(t);
            pump(i);
            return;
        }
        const int attempts = t.queue.front().attempts;
        const qint64 delay = qMin<qint64>(qint64(m_options.baseDelayMs) << qMin(attempts - 1, 20),
                                          m_options.maxDelayMs);
        t.backingOff = true;
        QTimer::singleShot(int(delay), this, [this, i] {
            m_targets[i].backingOff = false;
            pump(i);
        });
    }

    void pop(Target &t)
    {
        t.queue.pop_front();
        --m_counts->queued;
    }

    WebhookOptions m_options;
    std::shared_ptr<Shared> m_counts;
    QNetworkAccessManager *m_nam = nullptr;
    std::vector<Target> m_targets;
};

WebhookNotifier::WebhookNotifier(WebhookOptions options)
    : m_options(std::move(options))
    , m_counts(std::make_shared<Shared>())
{
    m_options.maxAttempts = qMax(1, m_options.maxAttempts);
    m_options.queueCapacity = qMax(1, m_options.queueCapacity);
    m_worker = new Worker(m_options, m_counts);
    m_worker->moveToThread(&m_thread);
    QObject::connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread.setObjectName(QStringLiteral("interlock-webhooks"));
    m_thread.start();
}

WebhookNotifier::~WebhookNotifier()
{
    m_thread.quit();
    m_thread.wait();
}

QByteArray WebhookNotifier::signature(const QByteArray &secret, const QByteArray &body)
{
    return "sha256=" +
           QMessageAuthenticationCode::hash(body, secret, QCryptographicHash::Sha256).toHex();
}

void WebhookNotifier::notify(const QJsonObject &body)
{
    if (m_options.urls.isEmpty())
        return;
    const QByteArray bytes = QJsonDocument(body).toJson(QJsonDocument::Compact);
    const QByteArray type = body.value(QStringLiteral("type")).toString().toLatin1();
    Worker *worker = m_worker;
    QMetaObject::invokeMethod(
        worker, [worker, bytes, type] { worker->enqueue(bytes, type); }, Qt::QueuedConnection);
}

WebhookNotifier::Counts WebhookNotifier::counts() const
{
    return Counts{m_counts->sent.load(), m_counts->failed.load(), m_counts->dropped.load(),
                  m_counts->queued.load()};
}

} // namespace interlock
