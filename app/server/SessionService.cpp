#include "SessionService.h"

#include "ActionService.h"
#include "Tokens.h"
#include "core/Clock.h"
#include "core/SessionRequest.h"

namespace interlock {

SessionService::SessionService(Store &store, Clock &clock, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_clock(clock)
{}

SessionService::Opened SessionService::open(const Principal &who, const QJsonObject &body)
{
    SessionRequest request;
    if (const ApiError e = SessionRequest::parse(body, &request); e.isError())
        return {{}, {}, e};
    SessionRecord s;
    s.id = newId("ses");
    s.agent = request.agent;
    s.owner = request.owner;
    s.description = request.description;
    s.supervised = request.supervised;
    s.status = QStringLiteral("active");
    s.createdAt = m_clock.nowMs();
    const QString token = newToken();
    const Transition t{QStringLiteral("session.opened"),
                       {{QStringLiteral("agent"), s.agent}, {QStringLiteral("status"), s.status}},
                       QStringLiteral("session.open"),
                       actorOf(who),
                       s.createdAt};
    if (!m_store.insertSession(s, tokenHash(token), t))
        return {{}, {}, ApiError::internal(QStringLiteral("The session could not be stored."))};
    Q_EMIT sessionChanged(s.id);
    return {s, token, {}};
}

} // namespace interlock
