#include "PgChangeFeed.h"

#include "PgStore.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>

namespace interlock {

namespace {
constexpr int kHealthIntervalMs = 200;
constexpr int kPage = 1000;
} // namespace

PgChangeFeed::PgChangeFeed(PgConnectionInfo info, QString channel, QString origin, QObject *parent)
    : ChangeFeed(parent)
    , m_info(std::move(info))
    , m_channel(std::move(channel))
    , m_origin(std::move(origin))
    , m_connection(QStringLiteral("interlock-feed-") +
                   QUuid::createUuid().toString(QUuid::WithoutBraces))
{
    m_health.setInterval(kHealthIntervalMs);
    connect(&m_health, &QTimer::timeout, this, &PgChangeFeed::checkConnection);
}

PgChangeFeed::~PgChangeFeed()
{
    m_read.reset();
    {
        QSqlDatabase db = QSqlDatabase::database(m_connection, false);
        if (db.isValid())
            db.close();
    }
    QSqlDatabase::removeDatabase(m_connection);
}

bool PgChangeFeed::listen(QString *error)
{
    if (!m_info.open(m_connection, error, QStringLiteral("interlock-feed")))
        return false;
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    if (!m_listening) {
        connect(db.driver(), &QSqlDriver::notification, this, &PgChangeFeed::onNotification);
        m_listening = true;
    }
    for (const QString &channel : {m_channel, PgStore::peerChannel(m_channel)}) {
        if (!db.driver()->subscribeToNotification(channel)) {
            *error = QStringLiteral("cannot LISTEN on %1: %2")
                         .arg(channel, db.driver()->lastError().text());
            return false;
        }
    }
    return true;
}

bool PgChangeFeed::start(QString *error)
{
    // LISTEN first, then read where the log ends: a commit in between is delivered, not lost.
    if (!listen(error))
        return false;
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    if (!q.exec(QStringLiteral("SELECT coalesce(max(seq), 0) FROM events")) || !q.next()) {
        *error = QStringLiteral("cannot read the event log: ") + q.lastError().text();
        return false;
    }
    m_lastSeen = q.value(0).toLongLong();
    m_health.start();
    return true;
}

void PgChangeFeed::onNotification(const QString &name, QSqlDriver::NotificationSource,
                                  const QVariant &payload)
{
    if (name == PgStore::peerChannel(m_channel)) {
        // Store::tellPeers: not an event, nothing to catch up (one that is lost is lost).
        Q_EMIT peerMessage(payload.toString());
        return;
    }
    if (name != m_channel)
        return;
    const QStringList parts = payload.toString().split(QLatin1Char(' '));
    if (parts.size() == 3) {
        const qint64 first = parts[1].toLongLong();
        const qint64 last = parts[2].toLongLong();
        if (last <= m_lastSeen)
            return; // delivered by an earlier catch-up
        if (parts[0] == m_origin && first == m_lastSeen + 1 && !m_catchUpScheduled) {
            m_lastSeen = last; // our own commit, nothing of others' in between
            return;
        }
    }
    scheduleCatchUp();
}

void PgChangeFeed::scheduleCatchUp()
{
    if (m_catchUpScheduled)
        return;
    m_catchUpScheduled = true;
    QTimer::singleShot(0, this, [this] {
        m_catchUpScheduled = false;
        catchUp();
    });
}

void PgChangeFeed::catchUp()
{
    if (!m_read) {
        m_read = std::make_unique<QSqlQuery>(QSqlDatabase::database(m_connection, false));
        // The data of submissions and decisions only: the breakers count other servers' from
        // it (SafetyGuard::peerEvents).
        if (!m_read->prepare(QStringLiteral(
                "SELECT seq, type, at, session_id, action_id, CASE WHEN type IN "
                "('action.created', 'action.updated', 'action.decided') THEN data END FROM "
                "events WHERE seq > ? ORDER BY seq LIMIT ?"))) {
            m_read.reset();
            return; // the health check reconnects and catches up
        }
    }
    for (;;) {
        QSqlQuery &q = *m_read;
        q.addBindValue(m_lastSeen);
        q.addBindValue(kPage);
        if (!q.exec()) {
            qWarning("interlock: the change feed cannot read events: %s",
                     qPrintable(q.lastError().text()));
            return; // the health check reconnects and catches up
        }
        QList<EventRecord> events;
        while (q.next()) {
            events.append(EventRecord{
                q.value(0).toLongLong(), q.value(1).toString(), q.value(2).toLongLong(),
                q.value(3).toString(), q.value(4).toString(),
                q.isNull(5) ? QJsonObject()
                            : QJsonDocument::fromJson(q.value(5).toString().toUtf8()).object()});
        }
        q.finish();
        if (events.isEmpty())
            return;
        m_lastSeen = events.last().seq;
        Q_EMIT eventsCommitted(events);
        if (events.size() < kPage)
            return;
    }
}

void PgChangeFeed::checkConnection()
{
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    if (db.isOpen())
        return;
    // The server went away (a restart closes the connection without a word to LISTEN). Its
    // prepared statement went with it.
    withoutDeallocateWarnings([this] { m_read.reset(); });
    db.close();
    QString error;
    if (!listen(&error))
        return; // again on the next tick
    qInfo("interlock: the change feed reconnected to PostgreSQL and listens again");
    catchUp();
    Q_EMIT resubscribed();
}

} // namespace interlock
