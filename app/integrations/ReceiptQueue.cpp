#include "ReceiptQueue.h"

#include <QCoreApplication>
#include <QPointer>

namespace interlock::integrations {

ReceiptQueue::ReceiptQueue(std::function<ApiClient *()> client, Options options, QObject *parent)
    : QObject(parent)
    , m_client(std::move(client))
    , m_options(options)
{
    m_quiet.setSingleShot(true);
    connect(&m_quiet, &QTimer::timeout, this, &ReceiptQueue::sendAll);
}

void ReceiptQueue::add(const QString &actionId, const QJsonObject &body)
{
    m_pending.append({actionId, body});
    m_quiet.start(m_options.quietMs);
}

void ReceiptQueue::callArrived()
{
    if (!m_pending.isEmpty())
        m_quiet.start(m_options.quietMs);
}

void ReceiptQueue::submissionSent()
{
    if (!m_pending.isEmpty())
        sendAll();
}

void ReceiptQueue::sendAll()
{
    m_quiet.stop();
    const QList<Receipt> receipts = std::exchange(m_pending, {});
    for (const Receipt &r : receipts)
        send(r, false);
}

void ReceiptQueue::send(const Receipt &receipt, bool again)
{
    ApiClient *client = m_client();
    if (!client)
        return;
    ++m_inFlight;
    QPointer<ReceiptQueue> self(this);
    client->request(
        "POST", QStringLiteral("/v1/actions/%1/receipt").arg(receipt.actionId), receipt.body,
        [self, receipt, again](const ApiResult &r) {
            if (!self)
                return;
            --self->m_inFlight;
            if (!again && (r.status == 0 || r.status >= 500))
                self->send(receipt, true);
        },
        {}, 10000);
}

void ReceiptQueue::flush(int waitMs)
{
    sendAll();
    QTimer wake; // so that the wait below ends at the deadline even when nothing else happens
    wake.setSingleShot(true);
    wake.start(waitMs);
    while (m_inFlight > 0 && wake.isActive())
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
}

} // namespace interlock::integrations
