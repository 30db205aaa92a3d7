#include "interlock_config.h"
#include "server/ApiServer.h"
#include "server/AuditKey.h"
#include "server/HttpServerAdapter.h"
#include "server/LimitOptions.h"
#include "server/ListenAddress.h"
#include "server/RiskEngine.h"
#include "server/StoreFactory.h"
#include "server/TlsListener.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSocketNotifier>
#include <QStandardPaths>
#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <unistd.h>

using namespace interlock;

namespace {
int g_signalPipe[2] = {-1, -1};

void onStopSignal(int)
{
    const char byte = 1;
    [[maybe_unused]] const auto written = ::write(g_signalPipe[1], &byte, 1);
}
} // namespace

int main(int argc, char *argv[])
{
    // Every connection is a file descriptor: take all the system allows (LimitNOFILE in the
    // systemd unit sets the hard limit).
    const qint64 openFiles = raiseOpenFileLimit();
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("interlock"));
    QCoreApplication::setApplicationVersion(QStringLiteral(INTERLOCK_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Interlock queue server: agents submit actions over REST API v1 and wait; people approve, "
        "edit or reject them.\n\nBootstrap tokens with: interlockctl token create --db FILE --role "
        "admin --name NAME\n\nSeveral interlockd can share one PostgreSQL database (--db "
        "postgresql://…) behind a load balancer: see docs/postgresql.md."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QString defaultDb = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
                              QStringLiteral("/interlock.db");
    QCommandLineOption db(
        QStringLiteral("db"),
        QStringLiteral("SQLite database file, created on first start (default: %1), or a "
                       "PostgreSQL URL postgresql://[user[:password]@][host][:port]/dbname"
                       "[?host=/socket/folder&…] shared by several interlockd.")
            .arg(defaultDb),
        QStringLiteral("FILE|URL"), defaultDb);
    QCommandLineOption listen(
        QStringLiteral("listen"),
        QStringLiteral("Address to listen on (default: 127.0.0.1:7878). Port 0 picks a free port. "
                       "Listening beyond loopback must be asked for explicitly."),
        QStringLiteral("HOST:PORT"), QStringLiteral("127.0.0.1:7878"));
    QCommandLineOption maxBody(
        QStringLiteral("max-body"),
        QStringLiteral("Largest accepted request body in bytes (default: 1048576)."),
        QStringLiteral("BYTES"), QStringLiteral("1048576"));
    QCommandLineOption maxPending(
        QStringLiteral("max-pending"),
        QStringLiteral("Most pending actions one session may have (default: 1000)."),
        QStringLiteral("N"), QStringLiteral("1000"));
    QCommandLineOption rules(
        QStringLiteral("rules"),
        QStringLiteral("Risk rules file replacing the built-in ones (see docs/risk-rules.md)."),
        QStringLiteral("FILE"));
    QCommandLineOption limit(QStringLiteral("limit"),
                             QStringLiteral("Set a transport limit, NAME=VALUE (repeatable): ") +
                                 limitOptionHelp() + QLatin1Char('.'),
                             QStringLiteral("NAME=VALUE"));
    QCommandLineOption notify(
        QStringLiteral("notify"),
        QStringLiteral("POST alerts (new high and critical actions, breaker trips, receipt "
                       "violations, kills) as JSON to this http(s) URL; repeatable. Slack and "
                       "Teams incoming webhooks show their `text` (see docs/safety.md)."),
        QStringLiteral("URL"));
    QCommandLineOption notifySecret(
        QStringLiteral("notify-secret"),
        QStringLiteral("File holding the HMAC-SHA256 key for X-Interlock-Signature on every "
                       "webhook."),
        QStringLiteral("FILE"));
    QCommandLineOption tlsCert(
        QStringLiteral("tls-cert"),
        QStringLiteral("Serve HTTPS with this PEM certificate chain (server certificate first)."),
        QStringLiteral("FILE"));
    QCommandLineOption tlsKey(QStringLiteral("tls-key"),
                              QStringLiteral("The PEM private key of --tls-cert (unencrypted)."),
                              QStringLiteral("FILE"));
    QCommandLineOption diskReserve(
        QStringLiteral("disk-reserve"),
        QStringLiteral("MiB kept free beside the database so that kills are recorded even on a "
                       "full disk (default: 16; 0: none)."),
        QStringLiteral("MIB"), QStringLiteral("16"));
    QCommandLineOption checkSeconds(
        QStringLiteral("check-seconds"),
        QStringLiteral("Longest PRAGMA quick_check of the database at start (default: 60; 0: no "
                       "limit)."),
        QStringLiteral("S"), QStringLiteral("60"));
    QCommandLineOption auditKey(
        QStringLiteral("audit-key"),
        QStringLiteral("File holding the secret the audit log is keyed with (HMAC-SHA256; default: "
                       "$INTERLOCK_AUDIT_KEY, else <db file>.audit-key, created on first start; "
                       "required for PostgreSQL, the same file for every server). Keep it "
                       "unreadable to agents and back it up: see docs/security.md."),
        QStringLiteral("FILE"));
    parser.addOptions({db, auditKey, listen, maxBody, maxPending, rules, limit, tlsCert, tlsKey,
                       diskReserve, checkSeconds, notify, notifySecret});
    parser.process(app);

    const auto address = parseListenAddress(parser.value(listen));
    if (!address) {
        std::fprintf(stderr, "interlockd: --listen must be HOST:PORT, e.g. 127.0.0.1:7878\n");
        return 2;
    }
    Limits limits;
    bool ok1 = false, ok2 = false;
    limits.maxBodyBytes = parser.value(maxBody).toLongLong(&ok1);
    limits.maxPendingPerSession = parser.value(maxPending).toInt(&ok2);
    if (!ok1 || limits.maxBodyBytes < 1024 || !ok2 || limits.maxPendingPerSession < 1) {
        std::fprintf(stderr,
                     "interlockd: --max-body must be at least 1024 and --max-pending at least 1\n");
        return 2;
    }
    for (const QString &assignment : parser.values(limit)) {
        QString error;
        if (!applyLimitOption(limits, assignment, &error)) {
            std::fprintf(stderr, "interlockd: %s\n", qPrintable(error));
            return 2;
        }
    }

    WebhookOptions webhooks;
    for (const QString &value : parser.values(notify)) {
        const QUrl url(value, QUrl::StrictMode);
        if (!url.isValid() || url.host().isEmpty() ||
            (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https"))) {
            std::fprintf(stderr, "interlockd: --notify needs an http(s) URL, not '%s'\n",
                         qPrintable(value));
            return 2;
        }
        webhooks.urls.append(url);
    }
    if (parser.isSet(notifySecret)) {
        QFile secret(parser.value(notifySecret));
        if (!secret.open(QIODevice::ReadOnly)) {
            std::fprintf(stderr, "interlockd: cannot read --notify-secret %s: %s\n",
                         qPrintable(secret.fileName()), qPrintable(secret.errorString()));
            return 1;
        }
        webhooks.secret = secret.readAll().trimmed();
        if (webhooks.secret.isEmpty()) {
            std::fprintf(stderr, "interlockd: --notify-secret %s is empty\n",
                         qPrintable(secret.fileName()));
            return 1;
        }
    }
    StoreOptions storeOptions;
    bool ok3 = false, ok4 = false;
    storeOptions.diskReserveBytes = parser.value(diskReserve).toLongLong(&ok3) * 1024 * 1024;
    storeOptions.checkBudgetMs = parser.value(checkSeconds).toLongLong(&ok4) * 1000;
    if (!ok3 || !ok4 || storeOptions.diskReserveBytes < 0 || storeOptions.checkBudgetMs < 0) {
        std::fprintf(stderr, "interlockd: --disk-reserve and --check-seconds must be whole "
                             "numbers, 0 or more\n");
        return 2;
    }
    if (parser.isSet(tlsCert) != parser.isSet(tlsKey)) {
        std::fprintf(stderr, "interlockd: --tls-cert and --tls-key go together\n");
        return 2;
    }

    if (parser.isSet(auditKey))
        AuditKey::setExplicitFile(QFileInfo(parser.value(auditKey)).absoluteFilePath());
    const QString dbPath = parser.value(db);
    const bool postgres = isPostgresLocation(dbPath);
    if (!postgres)
        QDir().mkpath(QFileInfo(dbPath).absolutePath());
    ApiServer server(dbPath, limits);
    server.setStoreOptions(storeOptions);
    if (!webhooks.urls.isEmpty()) {
        std::printf("interlockd: webhooks to %lld URL(s), %s\n", qint64(webhooks.urls.size()),
                    webhooks.secret.isEmpty() ? "unsigned (no --notify-secret)"
                                              : "signed with X-Interlock-Signature");
        server.setWebhooks(webhooks);
    }
    QString error;
    if (parser.isSet(rules)) {
        auto engine = RiskEngine::fromFile(parser.value(rules), &error);
        if (!engine) {
            std::fprintf(stderr, "interlockd: bad risk rules: %s\n", qPrintable(error));
            return 1;
        }
        std::printf("interlockd: %d risk rules from %s\n", engine->ruleCount(),
                    qPrintable(parser.value(rules)));
        server.setRiskEngine(std::move(engine));
    }
    if (!server.open(&error)) {
        std::fprintf(stderr, "interlockd: %s\n", qPrintable(error));
        return 1;
    }
    // SIGTERM and SIGINT stop the server cleanly, even one that arrives right after "listening
    // on" and before the event loop runs: the handler only writes to a pipe (async-signal-safe),
    // which the event loop reads as soon as it runs.
    if (::pipe2(g_signalPipe, O_CLOEXEC | O_NONBLOCK) != 0) {
        std::perror("interlockd: pipe2");
        return 1;
    }
    QSocketNotifier stopSignals(g_signalPipe[0], QSocketNotifier::Read);
    QObject::connect(&stopSignals, &QSocketNotifier::activated, &app, &QCoreApplication::quit);
    std::signal(SIGINT, onStopSignal);
    std::signal(SIGTERM, onStopSignal);
    QTcpServer *tls = nullptr;
    if (parser.isSet(tlsCert)) {
        tls = createTlsListener(parser.value(tlsCert), parser.value(tlsKey), &error);
        if (!tls) {
            std::fprintf(stderr, "interlockd: TLS: %s\n", qPrintable(error));
            return 1;
        }
    } else if (!address->first.isLoopback()) {
        std::fprintf(stderr,
                     "interlockd: warning: plain HTTP on %s: tokens cross the network "
                     "unencrypted; serve HTTPS with --tls-cert and --tls-key\n",
                     qPrintable(address->first.toString()));
    }
    const quint16 port = server.listen(address->first, address->second, &error, tls);
    if (!port) {
        std::fprintf(stderr, "interlockd: cannot listen on %s: %s\n",
                     qPrintable(parser.value(listen)), qPrintable(error));
        return 1;
    }
    std::printf(
        "interlockd %s listening on %s://%s:%u (database %s)\n", INTERLOCK_VERSION,
        tls ? "https" : "http", qPrintable(address->first.toString()), port,
        qPrintable(postgres ? describeLocation(dbPath) : QFileInfo(dbPath).absoluteFilePath()));
    std::printf("interlockd: up to %d connections (open-file limit %lld)\n",
                server.transport().maxConnections(), openFiles);
    std::fflush(stdout);

    return app.exec();
}
