#pragma once

#include "ChangeFeed.h"
#include "PgStore.h"

#include <QSqlDriver>
#include <QSqlQuery>
#include <QTimer>
#include <memory>

namespace interlock {

// LISTEN on the store's channel over a connection of its own (in the thread that made it). Every
// commit with events NOTIFYs "origin first last"; the feed then reads the events after the last
// one it delivered (a catch-up query), so a lost or coalesced notification loses nothing. Its own
// server's notifications are skipped when nothing lies between. A timer checks the connection:
// a restarted server closes it silently, so the feed reconnects, LISTENs again, catches up, and
// says so (resubscribed()).
class PgChangeFeed final : public ChangeFeed
{
    Q_OBJECT
public:
    PgChangeFeed(PgConnectionInfo info, QString channel, QString origin, QObject *parent = nullptr);
    ~PgChangeFeed() override;

    bool start(QString *error);
    qint64 lastDelivered() const { return m_lastSeen; }

private:
    void onNotification(const QString &name, QSqlDriver::NotificationSource source,
                        const QVariant &payload);
    void checkConnection();
    bool listen(QString *error);
    // Soon, once for a burst of notifications (QPSQL hands them over one by one).
    void scheduleCatchUp();
    void catchUp();

    PgConnectionInfo m_info;
    QString m_channel;
    QString m_origin;
    QString m_connection;
    qint64 m_lastSeen = 0;
    bool m_listening = false;
    bool m_catchUpScheduled = false;
    std::unique_ptr<QSqlQuery> m_read; // prepared once per connection
    QTimer m_health;
};

} // namespace interlock
