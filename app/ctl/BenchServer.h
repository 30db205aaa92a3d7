#pragma once

#include "core/Limits.h"

#include <QSemaphore>
#include <QThread>

namespace interlock::ctl {

// The server under test for the benchmarks: a fresh ApiServer in its own thread with its own
// event loop, as in the console. start(), then ready.acquire(); port is 0 if it failed.
class BenchServer : public QThread
{
public:
    BenchServer(QString databasePath, int maxPendingPerSession);
    void run() override;

    QSemaphore ready;
    quint16 port = 0;
    QString agentToken;
    QString reviewerToken;
    QString oncallToken;
    qint64 syncs = 0; // group commits over the whole run, read after the thread finished

private:
    QString m_db;
    Limits m_limits;
};

} // namespace interlock::ctl
