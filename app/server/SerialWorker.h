#pragma once

#include <QThread>
#include <functional>

namespace interlock {

// A thread of its own that runs the jobs posted to it one after another, in the order posted:
// for work that may block on a slow disk (the kill journal's writes and syncs), which must not
// hold up the thread that posts it. Destroying it waits for the job running, if any, and drops
// the ones not started.
class SerialWorker
{
public:
    explicit SerialWorker(const QString &name);
    ~SerialWorker();
    SerialWorker(const SerialWorker &) = delete;
    SerialWorker &operator=(const SerialWorker &) = delete;

    void post(std::function<void()> job);

private:
    QThread m_thread;
    QObject *m_context; // lives on m_thread
};

} // namespace interlock
