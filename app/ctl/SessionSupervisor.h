#pragma once

#include "ProcessTree.h"
#include "client/ApiClient.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

class QSocketNotifier;

namespace interlock::ctl {

// `interlockctl run`: opens a supervised session, runs the agent under it and kills the agent's
// whole process tree the moment the session is killed, without the agent's cooperation, then
// reports `terminated` with the measured latency. It speaks with its own supervisor token, which
// the agent never sees (not in its environment; the supervisor is not dumpable, so its memory and
// /proc/PID/environ are closed to the agent), over the control channel that the server answers on
// its I/O thread. With a dead-man time it also kills the agent when the control channel has not
// answered for that long, whatever the agent does with its own connections (fail closed).
class SessionSupervisor : public QObject
{
    Q_OBJECT
public:
    // Ends the line the supervisor prints when its dead-man switch fires (and only that line:
    // the state line at start says "dead-man: N s"); `bench flood` and the tests look for it.
    static constexpr char kDeadManFired[] = "(dead-man)";

    struct Options {
        QUrl server;
        QString enrollmentToken;
        QJsonObject session; // the POST /v1/sessions body
        int graceMs = 0;
        int deadManSeconds = 0;
        QStringList command;
    };
    explicit SessionSupervisor(Options options, QObject *parent = nullptr);
    ~SessionSupervisor() override;

    // Runs until the agent is gone; returns the supervisor's exit code.
    int run();

private:
    void poll();
    void onControl(const ApiResult &result);
    // Answers the server's session.ping with the supervisor token, then polls again.
    void answerPing(const QString &pingId);
    // What the supervisor can do, on stderr at start (cgroup, subreaper, dead-man).
    void printState() const;
    void contact();
    // serverGone: the dead-man fired; the report then gets one short try.
    void killAgent(const QString &why, bool serverGone = false);
    void agentExited();
    // Retried while the failure is retryable, for up to retryForMs.
    void report(const QJsonObject &body, int retryForMs = 15000);
    void finish(int code);
    void setUpSignals();

    Options m_options;
    ProcessTree m_tree;
    std::unique_ptr<ApiClient> m_client; // with the supervisor token
    QString m_sessionId;
    QTimer m_reapTimer;
    QTimer m_retryTimer;
    QTimer m_deadMan; // restarted by every answer of the control channel
    QSocketNotifier *m_signals = nullptr;
    bool m_done = false;
    int m_exitCode = 1;
};

} // namespace interlock::ctl
