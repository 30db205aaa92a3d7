#include "ServerThread.h"

#include "ApiServer.h"
#include "CommitGroup.h"
#include "RiskEngine.h"

namespace interlock {

ServerThread::ServerThread(QString databasePath, QHostAddress address, quint16 port, Limits limits)
    : m_db(std::move(databasePath))
    , m_address(std::move(address))
    , m_requestedPort(port)
    , m_limits(limits)
{}

ServerThread::~ServerThread()
{
    quit();
    wait();
}

bool ServerThread::waitUntilReady()
{
    m_ready.acquire();
    return m_port != 0;
}

void ServerThread::run()
{
    ApiServer server(m_db, m_limits);
    if (!m_rules.isEmpty()) {
        auto engine = RiskEngine::fromJson(m_rules, &m_error);
        if (!engine) {
            m_ready.release();
            return;
        }
        server.setRiskEngine(std::move(engine));
    }
    if (server.open(&m_error))
        m_port = server.listen(m_address, m_requestedPort, &m_error);
    if (m_port) {
        m_admin = server.createToken(Role::Admin, QStringLiteral("console"));
        m_agent = server.createToken(Role::Agent, QStringLiteral("enrollment"));
        m_reviewer = server.createToken(Role::Reviewer, QStringLiteral("reviewer"));
        m_oncall = server.createToken(Role::Oncall, QStringLiteral("oncall"));
        if (m_onListening)
            m_onListening(server);
    }
    m_ready.release();
    if (m_port)
        exec();
    m_syncs = server.commits().groups();
}

} // namespace interlock
