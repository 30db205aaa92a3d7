#include "TestServer.h"

#include "server/PgStore.h"
#include "server/RiskEngine.h"
#include "server/StoreFactory.h"

#include <QDateTime>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>
#include <QTcpSocket>
#include <QTimer>
#include <QUrlQuery>
#include <QUuid>
#include <QtTest>

namespace interlock::test {

namespace {
QString storeUnderTest()
{
    return qEnvironmentVariable("INTERLOCK_TEST_STORE");
}

// Runs `sql` on the cluster's maintenance database (a CREATE DATABASE cannot run in the database
// it clones).
void onCluster(const QString &baseUrl, const QString &sql)
{
    QString error;
    auto info = PgConnectionInfo::parse(baseUrl, &error);
    if (!info)
        qFatal("INTERLOCK_TEST_STORE: %s", qPrintable(error));
    info->database = QStringLiteral("postgres");
    const QString name = QStringLiteral("test-admin-") + QUuid::createUuid().toString();
    {
        if (!info->open(name, &error))
            qFatal("INTERLOCK_TEST_STORE: %s", qPrintable(error));
        QSqlQuery q(QSqlDatabase::database(name));
        if (!q.exec(sql))
            qFatal("%s: %s", qPrintable(sql), qPrintable(q.lastError().text()));
    }
    QSqlDatabase::removeDatabase(name);
}
} // namespace

bool testingPostgres()
{
    return isPostgresLocation(storeUnderTest());
}

QString freshDatabase(const QTemporaryDir &dir, const QString &name, bool bare)
{
    const QString base = storeUnderTest();
    if (!isPostgresLocation(base))
        return dir.filePath(name);
    // A clone of the fixture's database, which holds the current schema (interlockctl db
    // migrate ran on it when the cluster started).
    QUrl url(base);
    const QString template_ = url.path().mid(1);
    const QString database =
        QStringLiteral("t_") + QUuid::createUuid().toString(QUuid::Id128).left(20);
    onCluster(base, QStringLiteral("CREATE DATABASE %1 TEMPLATE %2")
                        .arg(database, bare ? QStringLiteral("template0") : template_));
    url.setPath(QLatin1Char('/') + database);
    return url.toString();
}

TestServer::TestServer()
    : TestServer(Options{})
{}

TestServer::TestServer(const Options &options, const WebhookOptions &webhooks)
    : m_options(options)
    , m_webhooks(webhooks)
{
    if (options.manualClock)
        m_manual = std::make_unique<ManualClock>(
            QDateTime(QDate(2026, 11, 24), QTime(9, 0), QTimeZone::utc()).toMSecsSinceEpoch());
    m_shared = options.sharedClock;
    m_db = options.database.isEmpty() ? freshDatabase(m_dir) : options.database;
    start();
    for (Role r : {Role::Agent, Role::Reviewer, Role::Oncall, Role::Manager, Role::Admin})
        m_tokens[r] = m_server->createToken(r, roleName(r) + QStringLiteral("-user"));
}

void TestServer::start()
{
    m_server = std::make_unique<ApiServer>(m_db, m_options.limits, clock());
    QString error;
    if (!m_options.riskRules.isEmpty()) {
        auto engine = RiskEngine::fromJson(m_options.riskRules, &error);
        if (!engine)
            qFatal("bad test rules: %s", qPrintable(error));
        m_server->setRiskEngine(std::move(engine));
    }
    if (!m_webhooks.urls.isEmpty())
        m_server->setWebhooks(m_webhooks);
    if (!m_options.readingTime)
        m_server->riskEngine().setMinReviewSeconds(0, 0);
    if (!m_server->open(&error))
        qFatal("cannot open test database: %s", qPrintable(error));
    m_port = m_server->listen(QHostAddress::LocalHost, 0, &error);
    if (!m_port)
        qFatal("cannot listen: %s", qPrintable(error));
}

void TestServer::restart()
{
    m_server.reset();
    start();
}

TestServer::~TestServer() = default;

QUrl TestServer::url() const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_port));
}

ApiResult TestServer::call(const QString &token, const QByteArray &method, const QString &path,
                           const std::optional<QJsonObject> &body,
                           const ApiClient::Headers &headers)
{
    ApiClient client(url(), token);
    return client.call(method, path, body, headers);
}

std::pair<QString, QString> TestServer::openSession(const QString &agent, const QString &owner)
{
    QJsonObject body{{QStringLiteral("agent"), agent}};
    if (!owner.isEmpty())
        body.insert(QStringLiteral("owner"), owner);
    const ApiResult r = call(token(Role::Agent), "POST", QStringLiteral("/v1/sessions"), body);
    if (r.status != 201)
        qWarning("openSession failed: %s", qPrintable(r.describe()));
    return {
        r.body.value(QStringLiteral("session")).toObject().value(QStringLiteral("id")).toString(),
        r.body.value(QStringLiteral("token")).toString()};
}

TestServer::Supervised TestServer::openSupervisedSession(const QString &agent)
{
    const QJsonObject body{{QStringLiteral("agent"), agent}, {QStringLiteral("supervised"), true}};
    const ApiResult r = call(token(Role::Agent), "POST", QStringLiteral("/v1/sessions"), body);
    if (r.status != 201)
        qWarning("openSupervisedSession failed: %s", qPrintable(r.describe()));
    return {
        r.body.value(QStringLiteral("session")).toObject().value(QStringLiteral("id")).toString(),
        r.body.value(QStringLiteral("token")).toString(),
        r.body.value(QStringLiteral("supervisor_token")).toString()};
}

QString TestServer::submit(const QString &sessionToken, const QJsonObject &body)
{
    const ApiResult r = call(sessionToken, "POST", QStringLiteral("/v1/actions"), body);
    if (r.status != 201)
        qWarning("submit failed: %s", qPrintable(r.describe()));
    return r.body.value(QStringLiteral("id")).toString();
}

QJsonObject TestServer::sessionView(const QString &id)
{
    const ApiResult r = call(token(Role::Reviewer), "GET", QStringLiteral("/v1/sessions/") + id);
    if (r.status != 200)
        qWarning("session read failed: %s", qPrintable(r.describe()));
    return r.body.value(QStringLiteral("session")).toObject();
}

QByteArray rulesWithBreakers(const QJsonArray &breakers)
{
    QFile f(QStringLiteral(":/risk/rules.json"));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("no built-in rules");
    QJsonObject root = QJsonDocument::fromJson(f.readAll()).object();
    root.insert(QStringLiteral("breakers"), breakers);
    return QJsonDocument(root).toJson();
}

TestServer::Options sharingDatabaseOf(TestServer &other, const QByteArray &riskRules)
{
    TestServer::Options o;
    o.database = other.dbPath();
    o.sharedClock = other.clock();
    o.riskRules = riskRules;
    return o;
}

QJsonObject sampleAction(const QString &kind, const QString &title)
{
    return {{QStringLiteral("kind"), kind},
            {QStringLiteral("title"), title},
            {QStringLiteral("summary"), QStringLiteral("Looks at what the last build produced.")},
            {QStringLiteral("target"), QStringLiteral("host://ci-runner-3")},
            {QStringLiteral("payload"),
             QJsonObject{{QStringLiteral("command"), QStringLiteral("ls -la build/")}}},
            {QStringLiteral("risk"),
             QJsonObject{{QStringLiteral("score"), 10},
                         {QStringLiteral("reasons"), QJsonArray{QStringLiteral("read-only")}}}},
            {QStringLiteral("expires_in"), 900}};
}

QJsonObject RawResponse::json() const
{
    return QJsonDocument::fromJson(body).object();
}

void withOutsideConnection(const QString &location, const std::function<void(QSqlDatabase &)> &work)
{
    const QString name = QStringLiteral("outside");
    {
        bool open = false;
        if (isPostgresLocation(location)) {
            QString error;
            const auto info = PgConnectionInfo::parse(location, &error);
            open = info && info->open(name, &error);
            if (!open)
                qWarning("cannot open %s from outside: %s", qPrintable(location),
                         qPrintable(error));
        } else {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
            db.setDatabaseName(location);
            open = db.open();
            if (!open)
                qWarning("cannot open %s from outside", qPrintable(location));
        }
        if (open) {
            QSqlDatabase db = QSqlDatabase::database(name);
            work(db);
        }
    }
    QSqlDatabase::removeDatabase(name);
}

bool dropPendingCounters(QSqlDatabase &db)
{
    QSqlQuery q(db);
    for (const char *sql :
         {"DROP TABLE pending_counts", "DROP FUNCTION interlock_count_pending CASCADE",
          "DROP FUNCTION interlock_forget_pending CASCADE"}) {
        if (!q.exec(QString::fromLatin1(sql))) {
            qWarning("%s: %s", sql, qPrintable(q.lastError().text()));
            return false;
        }
    }
    return true;
}

int lockWaiters(QSqlDatabase &db)
{
    QSqlQuery q(db);
    return q.exec(QStringLiteral("SELECT pg_stat_clear_snapshot()")) &&
                   q.exec(QStringLiteral("SELECT count(*) FROM pg_stat_activity WHERE datname = "
                                         "current_database() AND wait_event_type = 'Lock'")) &&
                   q.next()
               ? q.value(0).toInt()
               : -1;
}

void refuseWritesTo(const QString &location, const QString &table)
{
    withOutsideConnection(location, [&](QSqlDatabase &db) {
        QSqlQuery q(db);
        QStringList sql;
        if (isPostgresLocation(location)) {
            sql << QStringLiteral("CREATE FUNCTION refuse_write() RETURNS trigger LANGUAGE plpgsql "
                                  "AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$")
                << QStringLiteral("CREATE TRIGGER refuse_write BEFORE INSERT OR UPDATE OR DELETE "
                                  "ON %1 FOR EACH ROW EXECUTE FUNCTION refuse_write()")
                       .arg(table);
        } else {
            for (const char *op : {"INSERT", "UPDATE", "DELETE"})
                sql << QStringLiteral("CREATE TRIGGER refuse_%1_%2 BEFORE %2 ON %1 BEGIN SELECT "
                                      "RAISE(ABORT, 'injected failure'); END")
                           .arg(table, QLatin1String(op));
        }
        for (const QString &statement : std::as_const(sql)) {
            if (!q.exec(statement))
                qWarning("%s: %s", qPrintable(statement), qPrintable(q.lastError().text()));
        }
    });
}

QByteArray rawRequest(const QByteArray &method, const QByteArray &path, const QByteArray &body,
                      const QList<QByteArray> &headers)
{
    QByteArray out = method + ' ' + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
    for (const QByteArray &h : headers)
        out += h + "\r\n";
    out += "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
    return out;
}

RawResponse rawHttp(quint16 port, const QByteArray &request, int timeoutMs)
{
    QTcpSocket socket;
    QByteArray received;
    RawResponse response;
    QEventLoop loop;
    const auto tryParse = [&](bool closed) {
        const qsizetype end = received.indexOf("\r\n\r\n");
        if (end < 0)
            return false;
        const QByteArray head = received.left(end);
        qsizetype length = -1;
        bool chunked = false;
        for (const QByteArray &line : head.split('\n')) {
            if (line.toLower().startsWith("content-length:"))
                length = line.mid(15).trimmed().toLongLong();
            if (line.toLower().startsWith("transfer-encoding:") && line.contains("chunked"))
                chunked = true;
        }
        if (chunked) {
            QByteArray body;
            qsizetype at = end + 4;
            for (;;) {
                const qsizetype lineEnd = received.indexOf("\r\n", at);
                bool ok = false;
                const qsizetype size =
                    lineEnd < 0 ? 0 : received.mid(at, lineEnd - at).toLongLong(&ok, 16);
                if (lineEnd < 0 || !ok || received.size() < lineEnd + 2 + size + 2) {
                    if (!closed)
                        return false;
                    response.truncated = true; // closed before the final chunk
                    break;
                }
                if (size == 0)
                    break;
                body += received.mid(lineEnd + 2, size);
                at = lineEnd + 2 + size + 2;
            }
            response.status = head.mid(9, 3).toInt();
            response.head = head;
            response.body = body;
            return true;
        }
        if (length < 0 || received.size() < end + 4 + length)
            return false;
        response.status = head.mid(9, 3).toInt();
        response.head = head;
        response.body = received.mid(end + 4, length);
        return true;
    };
    QObject::connect(&socket, &QTcpSocket::readyRead, &loop, [&] {
        received += socket.readAll();
        if (tryParse(false))
            loop.quit();
    });
    QObject::connect(&socket, &QTcpSocket::disconnected, &loop, [&] {
        received += socket.readAll();
        if (response.status == 0)
            tryParse(true);
        loop.quit();
    });
    QObject::connect(&socket, &QTcpSocket::connected, &loop, [&] { socket.write(request); });
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    socket.connectToHost(QHostAddress::LocalHost, port);
    loop.exec();
    return response;
}

} // namespace interlock::test
