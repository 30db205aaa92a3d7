#pragma once

#include "Principal.h"
#include "Store.h"

#include <QObject>

namespace interlock {

class Clock;

// Opening and listing agent sessions. (Kill and stop-all come with the emergency-stop issue.)
class SessionService : public QObject
{
    Q_OBJECT
public:
    SessionService(Store &store, Clock &clock, QObject *parent = nullptr);

    struct Opened {
        SessionRecord session;
        QString token;
        ApiError error;
    };
    Opened open(const Principal &who, const QJsonObject &body);

Q_SIGNALS:
    void sessionChanged(const QString &sessionId);

private:
    Store &m_store;
    Clock &m_clock;
};

} // namespace interlock
