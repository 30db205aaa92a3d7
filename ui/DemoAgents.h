#pragma once

#include "client/ApiClient.h"

#include <QJsonArray>

#include <QObject>

namespace interlock::ui {

// `interlock --demo`: agents that open sessions with an enrollment token and submit the
// realistic scenario in resources/demo/scenario.json over the real REST API, so the first run
// shows a live queue.
class DemoAgents : public QObject
{
    Q_OBJECT
public:
    DemoAgents(const QUrl &server, const QString &enrollmentToken, QObject *parent = nullptr);
    void start();
    int submitted() const { return m_submitted; }
    bool isFinished() const { return m_finished; }

Q_SIGNALS:
    void finished(int submitted, const QString &error);

private:
    void runAgent(qsizetype index);

    QUrl m_server;
    QString m_token;
    QJsonArray m_agents;
    int m_submitted = 0;
    bool m_finished = false;
};

} // namespace interlock::ui
