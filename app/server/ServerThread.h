#pragma once

#include "core/Limits.h"

#include <QHostAddress>
#include <QSemaphore>
#include <QThread>
#include <functional>

namespace interlock {

class ApiServer;

// An ApiServer in its own thread with its own event loop: the console's embedded server and the
// benchmarks' server under test. start(), then waitUntilReady(); port() is 0 if it failed and
// error() says why. Fresh tokens are created on every start and kept only in memory.
class ServerThread : public QThread
{
public:
    ServerThread(QString databasePath, QHostAddress address, quint16 port, Limits limits = {});
    ~ServerThread() override;

    // A rules file's content replacing the built-in risk rules (and breakers); before start().
    void setRiskRules(const QByteArray &json) { m_rules = json; }
    // Called on the server's thread once it listens, before the first request (benchmarks: to
    // watch the server's own signals with direct connections); before start().
    void setOnListening(std::function<void(ApiServer &)> f) { m_onListening = std::move(f); }
    bool waitUntilReady();
    quint16 port() const { return m_port; }
    QString error() const { return m_error; }
    QString adminToken() const { return m_admin; }
    QString agentToken() const { return m_agent; }
    QString reviewerToken() const { return m_reviewer; }
    QString oncallToken() const { return m_oncall; }
    qint64 syncs() const { return m_syncs; } // group commits; read after the thread finished

protected:
    void run() override;

private:
    QString m_db;
    QHostAddress m_address;
    quint16 m_requestedPort;
    Limits m_limits;
    QByteArray m_rules;
    std::function<void(ApiServer &)> m_onListening;
    QSemaphore m_ready;
    quint16 m_port = 0;
    QString m_error;
    QString m_admin, m_agent, m_reviewer, m_oncall;
    qint64 m_syncs = 0;
};

} // namespace interlock
