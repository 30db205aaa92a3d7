#include "SerialWorker.h"

namespace interlock {

SerialWorker::SerialWorker(const QString &name)
    : m_context(new QObject)
{
    m_thread.setObjectName(name);
    m_context->moveToThread(&m_thread);
    QObject::connect(&m_thread, &QThread::finished, m_context, &QObject::deleteLater);
    m_thread.start();
}

SerialWorker::~SerialWorker()
{
    m_thread.quit();
    m_thread.wait();
}

void SerialWorker::post(std::function<void()> job)
{
    QMetaObject::invokeMethod(m_context, std::move(job), Qt::QueuedConnection);
}

} // namespace interlock
