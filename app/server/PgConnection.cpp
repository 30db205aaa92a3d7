// The PostgreSQL store's connection: the URL, opening, reconnecting after a server restart, the
// cache of prepared statements and the transaction primitives.
#include "PgChangeFeed.h"
#include "PgSupport.h"

#include <QSqlDriver>
#include <QThread>
#include <QUrl>
#include <QUrlQuery>
#include <QUuid>

namespace interlock {

using namespace pg;

namespace {
// Forgetting the statements of a dead connection makes QPSQL try to DEALLOCATE each one and warn
// that it cannot; those warnings say nothing, so this thread drops them meanwhile.
thread_local bool t_forgetting = false;
QtMessageHandler g_previousHandler = nullptr;

void dropDeallocateWarnings(QtMsgType type, const QMessageLogContext &context, const QString &text)
{
    if (t_forgetting && text.startsWith(QLatin1String("Unable to free statement")))
        return;
    if (g_previousHandler)
        g_previousHandler(type, context, text);
}

// libpq conninfo quoting: 'value' with \ and ' escaped.
QString conninfoValue(QString v)
{
    v.replace(QLatin1Char('\\'), QLatin1String("\\\\"));
    v.replace(QLatin1Char('\''), QLatin1String("\\'"));
    return QLatin1Char('\'') + v + QLatin1Char('\'');
}
} // namespace

std::optional<PgConnectionInfo> PgConnectionInfo::parse(const QString &url, QString *error)
{
    const QUrl u(url, QUrl::StrictMode);
    if (!u.isValid() ||
        (u.scheme() != QLatin1String("postgresql") && u.scheme() != QLatin1String("postgres"))) {
        *error =
            QStringLiteral("not a PostgreSQL URL (postgresql://[user[:password]@][host][:port]"
                           "/dbname[?param=value…]): %1")
                .arg(u.errorString().isEmpty() ? QStringLiteral("wrong scheme") : u.errorString());
        return std::nullopt;
    }
    PgConnectionInfo info;
    info.host = u.host(QUrl::FullyDecoded);
    info.port = u.port(-1);
    info.user = u.userName(QUrl::FullyDecoded);
    info.password = u.password(QUrl::FullyDecoded);
    info.database = u.path(QUrl::FullyDecoded).mid(1);
    const QUrlQuery query(u);
    for (const auto &[key, encoded] : query.queryItems(QUrl::FullyDecoded)) {
        const QString &value = encoded;
        if (key == QLatin1String("host")) {
            info.host = value;
        } else if (key == QLatin1String("port")) {
            bool ok = false;
            info.port = value.toInt(&ok);
            if (!ok) {
                *error = QStringLiteral("the port in the PostgreSQL URL is not a number");
                return std::nullopt;
            }
        } else if (key == QLatin1String("user")) {
            info.user = value;
        } else if (key == QLatin1String("password")) {
            info.password = value;
        } else if (key == QLatin1String("dbname")) {
            info.database = value;
        } else {
            static const QRegularExpression name(QStringLiteral("^[a-z_]+$"));
            if (!name.match(key).hasMatch()) {
                *error = QStringLiteral("unknown parameter '%1' in the PostgreSQL URL").arg(key);
                return std::nullopt;
            }
            info.options.append(key + QLatin1Char('=') + conninfoValue(value));
        }
    }
    if (!info.options.join(QLatin1Char(' ')).contains(QLatin1String("connect_timeout=")))
        info.options.append(QStringLiteral("connect_timeout='5'"));
    return info;
}

bool PgConnectionInfo::open(const QString &connection, QString *error,
                            const QString &applicationName) const
{
    if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QPSQL"))) {
        *error = QStringLiteral("Qt's PostgreSQL driver is not installed (Debian: apt-get install "
                                "libqt6sql6-psql)");
        return false;
    }
    QSqlDatabase db = QSqlDatabase::contains(connection)
                          ? QSqlDatabase::database(connection, false)
                          : QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), connection);
    db.setHostName(host);
    db.setPort(port);
    db.setDatabaseName(database);
    db.setUserName(user);
    db.setPassword(password);
    db.setConnectOptions((QStringList(options)
                          << QStringLiteral("application_name=") + conninfoValue(applicationName))
                             .join(QLatin1Char(';')));
    if (!db.open()) {
        *error = QStringLiteral("cannot connect to PostgreSQL: %1")
                     .arg(db.lastError().databaseText().trimmed());
        return false;
    }
    return true;
}

void withoutDeallocateWarnings(const std::function<void()> &work)
{
    static const QtMessageHandler installed = [] {
        g_previousHandler = qInstallMessageHandler(dropDeallocateWarnings);
        return g_previousHandler;
    }();
    Q_UNUSED(installed);
    t_forgetting = true;
    work();
    t_forgetting = false;
}

PgStore::PgStore(QString url, Mode mode)
    : m_url(std::move(url))
    , m_mode(mode)
    , m_connection(QStringLiteral("interlock-pg-") +
                   QUuid::createUuid().toString(QUuid::WithoutBraces))
    , m_origin(QUuid::createUuid().toString(QUuid::Id128).left(12))
{}

PgStore::~PgStore()
{
    m_statements.clear();
    m_unprepared.reset();
    {
        QSqlDatabase db = QSqlDatabase::database(m_connection, false);
        if (db.isValid()) {
            if (m_inTransaction)
                db.rollback();
            db.close();
        }
    }
    QSqlDatabase::removeDatabase(m_connection);
}

QSqlDatabase PgStore::database() const
{
    return QSqlDatabase::database(m_connection, false);
}

bool PgStore::open(QString *error)
{
    const auto info = PgConnectionInfo::parse(m_url, error);
    if (!info)
        return false;
    const auto key = AuditKey::forDatabase(m_url, true, false, error);
    if (!key)
        return false;
    m_auditKey = *key;
    if (m_mode == Mode::ReadWrite && m_auditKey.isNull()) {
        // No default beside the database is possible; an unkeyed chain could be rewritten by
        // anyone who can write the database (docs/security.md).
        *error = QStringLiteral(
            "no audit key: a PostgreSQL database needs one (--audit-key FILE or "
            "INTERLOCK_AUDIT_KEY=FILE, the same file for every server and interlockctl that "
            "writes it; create it with: head -c 32 /dev/urandom > FILE; chmod 600 FILE)");
        return false;
    }
    m_info = *info;
    if (!m_info.open(m_connection, error))
        return false;
    m_lastReconnect.start();
    if (m_mode == Mode::ReadOnly) {
        if (!statement(QStringLiteral("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY"))) {
            *error = QStringLiteral("cannot open the PostgreSQL database read-only");
            return false;
        }
    } else {
        // A server thread never waits for a row lock for long: it would stop every request.
        statement(QStringLiteral("SET lock_timeout = '10s'"));
    }
    if (!migrate(error))
        return false;
    if (m_mode == Mode::ReadWrite && !keyTheChain()) {
        *error = QStringLiteral("cannot key the audit log");
        return false;
    }
    QSqlQuery schema(database());
    if (schema.exec(QStringLiteral("SELECT current_schema()")) && schema.next()) {
        QString name = schema.value(0).toString().toLower();
        name.replace(QRegularExpression(QStringLiteral("[^a-z0-9_]")), QStringLiteral("_"));
        m_channel = QStringLiteral("interlock_") + name;
    }
    return !m_channel.isEmpty();
}

std::unique_ptr<Store> PgStore::openReader(QString *error) const
{
    auto reader = std::make_unique<PgStore>(m_url, Mode::ReadOnly);
    reader->m_auditHead = m_auditHead;
    if (!reader->open(error))
        return nullptr;
    return reader;
}

std::unique_ptr<ChangeFeed> PgStore::openChangeFeed(QString *error) const
{
    if (m_mode == Mode::ReadOnly)
        return nullptr;
    auto feed = std::make_unique<PgChangeFeed>(m_info, m_channel, m_origin);
    if (!feed->start(error))
        return nullptr;
    return feed;
}

QString PgStore::peerChannel(const QString &channel)
{
    return channel.left(58) + QStringLiteral("_peer"); // identifiers: 63 bytes at most
}

void PgStore::tellPeers(const QString &message)
{
    // Inside an open commit group, PostgreSQL sends it at the commit; a group that fails drops
    // it (what is told is told again: the next answer to a ping).
    QSqlQuery &q = prepared(QStringLiteral("SELECT pg_notify(?, ?)"));
    q.addBindValue(peerChannel(m_channel));
    q.addBindValue(message);
    if (!execute(q))
        qWarning("interlock: could not tell the other servers: %s", qPrintable(message));
    q.finish();
}

bool PgStore::connectionBroken() const
{
    return !database().isOpen();
}

bool PgStore::connectionLost()
{
    if (connectionBroken())
        return true;
    // A server that shut down left its last words ("terminating connection due to immediate
    // shutdown") in the socket: the next statement reads them as its error and the connection
    // still looks open until the one after. Ask once more to know.
    QSqlQuery probe(database());
    return !probe.exec(QStringLiteral("SELECT 1")) && connectionBroken();
}

bool PgStore::reconnect()
{
    // At most a few attempts a second while the server is away.
    if (m_lastReconnect.isValid() && m_lastReconnect.elapsed() < 200 && connectionBroken())
        return false;
    m_lastReconnect.start();
    // The server forgot the prepared statements with the old session; so do we (their
    // DEALLOCATE fails on the dead connection, harmlessly).
    withoutDeallocateWarnings([this] {
        m_statements.clear();
        m_unprepared.reset();
    });
    m_inTransaction = false;
    m_groupOpen = false;
    m_groupFailed = false;
    m_heldSafetyRow = false;
    m_events.clear();
    m_audit.clear();
    database().close();
    QString error;
    if (!m_info.open(m_connection, &error)) {
        qWarning("PostgreSQL: %s", qPrintable(error));
        return false;
    }
    qInfo("PostgreSQL: reconnected to %s", qPrintable(m_info.database));
    if (m_mode == Mode::ReadOnly)
        statement(QStringLiteral("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY"));
    else
        statement(QStringLiteral("SET lock_timeout = '10s'"));
    return true;
}

bool PgStore::ensureAvailable()
{
    if (!connectionBroken())
        return true;
    if (m_groupOpen)
        return false; // the open group is lost; commitGroup() reports it, then we reconnect
    return reconnect();
}

QSqlQuery &PgStore::prepared(const QString &sql)
{
    auto it = m_statements.find(sql);
    if (it == m_statements.end()) {
        auto q = std::make_unique<QSqlQuery>(database());
        if (!q->prepare(sql)) {
            qWarning("PostgreSQL: cannot prepare %s: %s", qPrintable(sql),
                     qPrintable(q->lastError().text()));
            noteFailure(q->lastError());
            // Not cached: prepared again next time. Its exec() fails.
            m_unprepared = std::move(q);
            return *m_unprepared;
        }
        it = m_statements.emplace(sql, std::move(q)).first;
    }
    return *it->second;
}

bool PgStore::execute(QSqlQuery &q)
{
    if (q.exec())
        return true;
    qWarning("PostgreSQL: %s: %s", qPrintable(q.lastQuery()), qPrintable(q.lastError().text()));
    noteFailure(q.lastError());
    return false;
}

void PgStore::noteFailure(const QSqlError &error)
{
    const bool doomed = m_groupFailed;
    m_failed = true;
    if (m_groupOpen)
        m_groupFailed = true;
    const QString state = error.nativeErrorCode();
    // In a group already doomed, every later statement fails because of it ("transaction
    // aborted", or a statement that could not even be prepared then runs unprepared): the
    // failure that doomed it says why (a deadlock is worth a retry, a full disk is not).
    if (doomed)
        return;
    if (state == QLatin1String("53100"))
        m_failure = StoreFailure::DiskFull;
    else if (state == QLatin1String("55P03") || state == QLatin1String("40P01") ||
             state == QLatin1String("40001"))
        m_failure = StoreFailure::Busy;
    else if (state.startsWith(QLatin1String("08")) || state.startsWith(QLatin1String("57P")) ||
             error.type() == QSqlError::ConnectionError)
        m_failure = StoreFailure::Unavailable; // connection exception, the server shutting down
    else
        m_failure = StoreFailure::Other;
}

bool PgStore::statement(const QString &sql)
{
    QSqlQuery q(database());
    if (q.exec(sql))
        return true;
    qWarning("PostgreSQL: %s: %s", qPrintable(sql), qPrintable(q.lastError().text()));
    noteFailure(q.lastError());
    return false;
}

bool PgStore::begin()
{
    if (connectionBroken() && !reconnect())
        return false;
    QSqlDatabase db = database();
    if (!db.transaction()) {
        // The connection may have died since it was last used: one more try on a fresh one.
        if (!connectionLost() || !reconnect() || !database().transaction()) {
            qWarning("PostgreSQL: BEGIN: %s", qPrintable(database().lastError().text()));
            noteFailure(database().lastError());
            return false;
        }
    }
    m_inTransaction = true;
    return true;
}

void PgStore::rollback()
{
    if (m_inTransaction)
        database().rollback();
    m_inTransaction = false;
    m_events.clear();
    m_audit.clear();
}

void PgStore::setGroupCommit(std::function<void()> onGroupOpened)
{
    m_onGroupOpened = std::move(onGroupOpened);
}

bool PgStore::commitGroup()
{
    if (!m_groupOpen)
        return true;
    m_groupOpen = false;
    m_heldSafetyRow = false;
    m_lastGroupFailed = true;
    if (m_groupFailed) {
        // m_failure still says why the statement that doomed the group failed.
        m_groupFailed = false;
        rollback();
        return false;
    }
    m_lastGroupFailed = !flushAndCommit();
    return !m_lastGroupFailed;
}

} // namespace interlock
