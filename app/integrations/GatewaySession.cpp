#include "GatewaySession.h"

#include <QJsonArray>

namespace interlock::integrations {

namespace {
bool isKilledReply(const ApiResult &r)
{
    return r.status == 403 && r.error().code == QLatin1String("session_killed");
}
} // namespace

GatewaySession::GatewaySession(Config config, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
{
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &GatewaySession::watch);
}

GatewaySession::~GatewaySession() = default;

void GatewaySession::ensure(std::function<void(const QString &)> done)
{
    if (m_killed)
        return done(QStringLiteral("the Interlock session was killed"));
    if (m_client)
        return done({});
    m_waiting.append(std::move(done));
    if (m_opening)
        return;
    m_opening = true;
    const QString inherited = qEnvironmentVariable("INTERLOCK_SESSION_TOKEN");
    if (!inherited.isEmpty()) {
        const QString id = qEnvironmentVariable("INTERLOCK_SESSION_ID");
        if (!id.isEmpty())
            return opened(inherited, id);
        // The supervisor always sets the id; without it, ask the server whose token this is.
        m_enroll = std::make_unique<ApiClient>(m_config.server, inherited);
        m_enroll->request(
            "GET", QStringLiteral("/v1/me"), std::nullopt,
            [this, inherited](const ApiResult &r) {
                if (isKilledReply(r))
                    markKilled(QStringLiteral("the Interlock session was killed"));
                if (!r.ok())
                    return finishOpening(QStringLiteral("the inherited session is "
                                                        "not usable: ") +
                                         r.describe());
                opened(inherited, r.body.value(QStringLiteral("session_id")).toString());
            },
            {}, 15000);
        return;
    }
    const QString enrollment = qEnvironmentVariable("INTERLOCK_TOKEN");
    if (enrollment.isEmpty())
        return finishOpening(QStringLiteral("no Interlock session: set INTERLOCK_TOKEN (an agent "
                                            "enrollment token), or run under 'interlockctl run'"));
    QJsonObject body{{QStringLiteral("agent"), m_config.agent},
                     {QStringLiteral("description"), m_config.description.left(500)}};
    if (!m_config.owner.isEmpty())
        body.insert(QStringLiteral("owner"), m_config.owner);
    m_enroll = std::make_unique<ApiClient>(m_config.server, enrollment);
    m_enroll->request(
        "POST", QStringLiteral("/v1/sessions"), body,
        [this](const ApiResult &r) {
            if (!r.ok())
                return finishOpening(QStringLiteral("cannot open an Interlock "
                                                    "session: ") +
                                     r.describe());
            opened(r.body.value(QStringLiteral("token")).toString(),
                   r.body.value(QStringLiteral("session"))
                       .toObject()
                       .value(QStringLiteral("id"))
                       .toString());
        },
        {}, 15000);
}

void GatewaySession::opened(const QString &token, const QString &sessionId)
{
    m_client = std::make_unique<ApiClient>(m_config.server, token);
    m_sessionId = sessionId;
    finishOpening({});
    watch();
}

void GatewaySession::finishOpening(const QString &error)
{
    m_opening = false;
    const auto waiting = std::exchange(m_waiting, {});
    for (const auto &done : waiting)
        done(m_killed ? QStringLiteral("the Interlock session was killed") : error);
}

void GatewaySession::watch()
{
    if (m_killed || !m_client || m_sessionId.isEmpty())
        return;
    m_client->request(
        "GET",
        QStringLiteral("/v1/sessions/%1/events?after=%2&wait=20").arg(m_sessionId).arg(m_after),
        std::nullopt, [this](const ApiResult &r) { onEvents(r); }, {}, 35000);
}

void GatewaySession::onEvents(const ApiResult &r)
{
    if (m_killed)
        return;
    if (isKilledReply(r))
        return markKilled(QStringLiteral("the Interlock session was killed"));
    if (r.ok()) {
        for (const QJsonValue &v : r.body.value(QStringLiteral("events")).toArray()) {
            const QJsonObject e = v.toObject();
            if (e.value(QStringLiteral("type")).toString() == QLatin1String("session.killed"))
                return markKilled(QStringLiteral("the Interlock session was killed: ") +
                                  e.value(QStringLiteral("reason")).toString());
        }
        m_after = r.body.value(QStringLiteral("next")).toInteger(m_after);
        return watch();
    }
    // Unreachable or refusing: calls fail closed on their own; keep watching.
    m_retry.start(r.status == 0 ? 1000 : 5000);
}

void GatewaySession::markKilled(const QString &why)
{
    if (m_killed)
        return;
    m_killed = true;
    m_retry.stop();
    Q_EMIT killed(why);
}

} // namespace interlock::integrations
