#include "DemoAgents.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

namespace interlock::ui {

DemoAgents::DemoAgents(const QUrl &server, const QString &enrollmentToken, QObject *parent)
    : QObject(parent)
    , m_server(server)
    , m_token(enrollmentToken)
{
    QFile file(QStringLiteral(":/demo/scenario.json"));
    if (file.open(QIODevice::ReadOnly))
        m_agents = QJsonDocument::fromJson(file.readAll())
                       .object()
                       .value(QStringLiteral("agents"))
                       .toArray();
}

void DemoAgents::start()
{
    runAgent(0);
}

// One agent after another: open its session, then submit its actions in order.
void DemoAgents::runAgent(qsizetype index)
{
    if (index >= m_agents.size()) {
        m_finished = true;
        Q_EMIT finished(m_submitted, {});
        return;
    }
    const QJsonObject agent = m_agents.at(index).toObject();
    auto *enrollment = new ApiClient(m_server, m_token, this);
    enrollment->request(
        "POST", QStringLiteral("/v1/sessions"),
        QJsonObject{{QStringLiteral("agent"), agent.value(QStringLiteral("agent"))},
                    {QStringLiteral("owner"), agent.value(QStringLiteral("owner"))},
                    {QStringLiteral("description"), QStringLiteral("demo agent")}},
        [this, index, agent, enrollment](const ApiResult &r) {
            enrollment->deleteLater();
            if (!r.ok()) {
                m_finished = true;
                Q_EMIT finished(m_submitted, r.describe());
                return;
            }
            auto *session =
                new ApiClient(m_server, r.body.value(QStringLiteral("token")).toString(), this);
            const QJsonArray actions = agent.value(QStringLiteral("actions")).toArray();
            auto left = std::make_shared<qsizetype>(actions.size());
            if (*left == 0) {
                session->deleteLater();
                return runAgent(index + 1);
            }
            for (const QJsonValue &a : actions) {
                session->request("POST", QStringLiteral("/v1/actions"), a.toObject(),
                                 [this, index, session, left](const ApiResult &sent) {
                                     if (sent.ok())
                                         ++m_submitted;
                                     if (--*left == 0) {
                                         session->deleteLater();
                                         runAgent(index + 1);
                                     }
                                 });
            }
        });
}

} // namespace interlock::ui
