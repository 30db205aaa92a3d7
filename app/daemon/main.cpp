#include "interlock_config.h"
#include "server/ApiServer.h"
#include "server/ListenAddress.h"
#include "server/RiskEngine.h"
#include "server/StoreFactory.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>
#include <csignal>
#include <cstdio>

using namespace interlock;

int main(int argc, char *argv[])
{
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
    parser.addOptions({db, listen, maxBody, maxPending, rules});
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

    const QString dbPath = parser.value(db);
    const bool postgres = isPostgresLocation(dbPath);
    if (!postgres)
        QDir().mkpath(QFileInfo(dbPath).absolutePath());
    ApiServer server(dbPath, limits);
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
    const quint16 port = server.listen(address->first, address->second, &error);
    if (!port) {
        std::fprintf(stderr, "interlockd: cannot listen on %s: %s\n",
                     qPrintable(parser.value(listen)), qPrintable(error));
        return 1;
    }
    std::printf("interlockd %s listening on http://%s:%u (database %s)\n", INTERLOCK_VERSION,
                qPrintable(address->first.toString()), port,
                qPrintable(postgres ? describeLocation(dbPath)
                                    : QFileInfo(dbPath).absoluteFilePath()));
    std::fflush(stdout);

    const auto quit = [](int) { QCoreApplication::quit(); };
    std::signal(SIGINT, quit);
    std::signal(SIGTERM, quit);
    return app.exec();
}
