#include "BenchServer.h"

#include "server/ApiServer.h"
#include "server/CommitGroup.h"

namespace interlock::ctl {

BenchServer::BenchServer(QString databasePath, int maxPendingPerSession)
    : m_db(std::move(databasePath))
{
    m_limits.maxPendingPerSession = maxPendingPerSession;
}

void BenchServer::run()
{
    ApiServer server(m_db, m_limits);
    QString error;
    if (server.open(&error))
        port = server.listen(QHostAddress::LocalHost, 0, &error);
    if (port) {
        agentToken = server.createToken(Role::Agent, QStringLiteral("bench-agent"));
        reviewerToken = server.createToken(Role::Reviewer, QStringLiteral("bench-reviewer"));
        oncallToken = server.createToken(Role::Oncall, QStringLiteral("bench-oncall"));
    }
    ready.release();
    if (port)
        exec();
    syncs = server.commits().groups();
}

} // namespace interlock::ctl
