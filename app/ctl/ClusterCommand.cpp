#include "ClusterRunner.h"
#include "CtlCommon.h"
#include "server/ListenAddress.h"
#include "server/StoreFactory.h"

#include <QCoreApplication>
#include <QTimer>
#include <csignal>
#include <cstdio>

namespace interlock::ctl {

int clusterCommand(const QStringList &args)
{
    QCommandLineParser parser;
    parser.addOption({QStringLiteral("db"),
                      QStringLiteral("The PostgreSQL database the servers share (URL)."),
                      QStringLiteral("URL")});
    parser.addOption({QStringLiteral("instances"),
                      QStringLiteral("How many interlockd to start (default 2)."),
                      QStringLiteral("N"), QStringLiteral("2")});
    parser.addOption({QStringLiteral("listen"),
                      QStringLiteral("HAProxy's address (default 127.0.0.1:7878)."),
                      QStringLiteral("HOST:PORT"), QStringLiteral("127.0.0.1:7878")});
    parser.addOption({QStringLiteral("interlockd"),
                      QStringLiteral("The interlockd to run (default: next to interlockctl)."),
                      QStringLiteral("PATH")});
    parser.addOption({QStringLiteral("haproxy"),
                      QStringLiteral("The haproxy to run (default: from PATH)."),
                      QStringLiteral("PATH")});
    parser.addOption({QStringLiteral("max-pending"), QStringLiteral("Passed to every interlockd."),
                      QStringLiteral("N")});
    int code = Ok;
    if (!parseArguments(
            parser, args,
            QStringLiteral("Starts several interlockd on one PostgreSQL database and HAProxy in "
                           "front of them (packaging/haproxy/interlock.cfg), prints each "
                           "server's pid and address, and runs until interrupted; then stops "
                           "them all. Point agents, interlockctl and the console at the HAProxy "
                           "address. Create tokens with: interlockctl token create --db URL …"),
            &code))
        return code;
    const QString db = parser.value(QStringLiteral("db"));
    if (!isPostgresLocation(db))
        return fail(QStringLiteral("usage: interlockctl cluster --db postgresql://… "
                                   "[--instances N] [--listen HOST:PORT]"),
                    Usage);
    bool ok = false;
    ClusterRunner::Options o;
    o.db = db;
    o.instances = parser.value(QStringLiteral("instances")).toInt(&ok);
    if (!ok || o.instances < 1 || o.instances > 32)
        return fail(QStringLiteral("--instances must be 1-32"), Usage);
    const auto address = parseListenAddress(parser.value(QStringLiteral("listen")));
    if (!address || address->second == 0)
        return fail(QStringLiteral("--listen must be HOST:PORT with a port"), Usage);
    o.address = address->first;
    o.port = address->second;
    o.interlockd = parser.value(QStringLiteral("interlockd"));
    o.haproxy = parser.value(QStringLiteral("haproxy"));
    if (parser.isSet(QStringLiteral("max-pending")))
        o.daemonArguments << QStringLiteral("--max-pending")
                          << parser.value(QStringLiteral("max-pending"));

    ClusterRunner cluster(o);
    QString error;
    if (!cluster.start(&error))
        return fail(QStringLiteral("cluster: ") + error);
    for (size_t i = 0; i < cluster.instances().size(); ++i) {
        const auto &instance = cluster.instances()[i];
        std::printf("interlockd %zu: pid %lld, %s\n", i + 1, instance.pid,
                    qPrintable(instance.url.toString()));
    }
    std::printf("haproxy: pid %lld, config %s\n", cluster.haproxyPid(),
                qPrintable(cluster.configPath()));
    std::printf("cluster: %s (%d interlockd on %s)\n", qPrintable(cluster.url().toString()),
                o.instances, qPrintable(describeLocation(db)));
    std::fflush(stdout);

    const auto quit = [](int) { QCoreApplication::quit(); };
    std::signal(SIGINT, quit);
    std::signal(SIGTERM, quit);
    QStringList reported;
    QTimer watch;
    QObject::connect(&watch, &QTimer::timeout, [&] {
        QString which;
        if (cluster.anyEnded(&which) && !reported.contains(which)) {
            reported.append(which);
            std::fprintf(stderr, "cluster: %s ended\n", qPrintable(which));
        }
    });
    watch.start(500);
    QCoreApplication::exec();
    cluster.stop();
    return Ok;
}

} // namespace interlock::ctl
