#include "ConsoleApp.h"
#include "interlock_config.h"
#include "server/AuditKey.h"
#include "server/ServerThread.h"
#include "ui/ActionQueueModel.h"
#include "ui/ConsoleBackend.h"
#include "ui/DemoAgents.h"
#include "ui/MainWindow.h"
#include "ui/SettingsDialog.h"
#include "ui/TokenVault.h"
#include "ui/safety/DeepLink.h"
#include "ui/safety/GrantsPanel.h"
#include "ui/safety/SafetyController.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QInputDialog>
#include <QLibraryInfo>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTimer>
#include <QTranslator>
#include <cstdio>
#include <memory>

using namespace interlock;

int main(int argc, char *argv[])
{
    // --help and --version must work in a terminal without a display.
    bool infoOnly = false;
    for (int i = 1; i < argc; ++i) {
        const QByteArray a(argv[i]);
        infoOnly |=
            a == "-h" || a == "--help" || a == "--help-all" || a == "-v" || a == "--version";
    }
    std::unique_ptr<QCoreApplication> application =
        infoOnly ? std::make_unique<QCoreApplication>(argc, argv)
                 : std::make_unique<QApplication>(argc, argv);
    QCoreApplication &app = *application;
    QApplication::setApplicationName(QStringLiteral("interlock"));
    QApplication::setApplicationDisplayName(QStringLiteral("Interlock"));
    QApplication::setApplicationVersion(QStringLiteral(INTERLOCK_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("io.github.interlock.Interlock"));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Interlock console: review what AI agents want to do, approve or reject it, "
                       "and stop any agent at once.\n"
                       "With no --server it connects to the server chosen in Settings (Ctrl+,), "
                       "or else starts its own on 127.0.0.1 (database in the user's data "
                       "folder)."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QString defaultDb = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
                              QStringLiteral("/interlock.db");
    parser.addOptions({
        {QStringLiteral("server"),
         QStringLiteral("Connect to this interlockd instead of starting one."),
         QStringLiteral("URL")},
        {QStringLiteral("token"),
         QStringLiteral("Token for --server (default: $INTERLOCK_TOKEN, else the one saved in the "
                        "OS keychain for that server, else you are asked and it is saved there)."),
         QStringLiteral("TOKEN")},
        {QStringLiteral("ca"),
         QStringLiteral("For an https:// --server: trust only the CA certificates in this PEM "
                        "file (default: the system's)."),
         QStringLiteral("FILE")},
        {QStringLiteral("insecure"),
         QStringLiteral("Allow a plain http:// --server that is not this computer (the token "
                        "crosses the network unencrypted).")},
        {QStringLiteral("db"),
         QStringLiteral("Database of the embedded server (default: %1).").arg(defaultDb),
         QStringLiteral("FILE"), defaultDb},
        {QStringLiteral("audit-key"),
         QStringLiteral("Key file of the embedded server's audit log (default: "
                        "$INTERLOCK_AUDIT_KEY, else <db file>.audit-key, created on first start; "
                        "see docs/security.md)."),
         QStringLiteral("FILE")},
        {QStringLiteral("port"),
         QStringLiteral(
             "Port of the embedded server on 127.0.0.1 (default 7878; 0 picks a free one)."),
         QStringLiteral("PORT"), QStringLiteral("7878")},
        {QStringLiteral("demo"),
         QStringLiteral("Start the embedded server on a fresh temporary database and let demo "
                        "agents submit a realistic scenario (forum post, access change, bulk "
                        "e-mail deletion, code edit, shell, SQL).")},
        {QStringLiteral("lang"),
         QStringLiteral("Language of the console, e.g. de or en (default: the system's)."),
         QStringLiteral("LANG")},
        {QStringLiteral("select"),
         QStringLiteral("With --screenshot: select the first action whose title contains TEXT."),
         QStringLiteral("TEXT")},
        {QStringLiteral("tab"),
         QStringLiteral("With --screenshot: show this tab (queue, grants, history or charts)."),
         QStringLiteral("TAB"), QStringLiteral("queue")},
        {QStringLiteral("screenshot"),
         QStringLiteral("Render the main window once loaded, write it to FILE (PNG) and quit."),
         QStringLiteral("FILE")},
    });
    parser.addPositionalArgument(
        QStringLiteral("link"),
        QStringLiteral("interlock://action/ID: select that action (handed to the console already "
                       "running for this user, if any)."),
        QStringLiteral("[link]"));
    parser.process(app);
    if (parser.isSet(QStringLiteral("audit-key")))
        AuditKey::setExplicitFile(
            QFileInfo(parser.value(QStringLiteral("audit-key"))).absoluteFilePath());
    const QString link = parser.positionalArguments().value(0);
    const QString linkedAction = ui::DeepLink::actionId(link);
    if (!link.isEmpty() && linkedAction.isEmpty()) {
        std::fprintf(stderr, "interlock: %s is not an interlock://action/ID link\n",
                     qPrintable(link.left(200)));
        return 2;
    }
    // A console is running already: it opens the link, and this one is done.
    if (!linkedAction.isEmpty() && ui::DeepLink::forward(link)) {
        std::printf("interlock: opened %s in the running console\n", qPrintable(link));
        return 0;
    }

    // The console's language: --lang, else the system's; English needs no translation.
    QTranslator translator, qtTranslator;
    const QLocale locale = parser.isSet(QStringLiteral("lang"))
                               ? QLocale(parser.value(QStringLiteral("lang")))
                               : QLocale::system();
    if (translator.load(locale, QStringLiteral("interlock"), QStringLiteral("_"),
                        QStringLiteral(":/i18n")))
        QCoreApplication::installTranslator(&translator);
    else if (parser.isSet(QStringLiteral("lang")) && locale.language() != QLocale::English)
        std::fprintf(stderr, "interlock: no %s translation; using English\n",
                     qPrintable(parser.value(QStringLiteral("lang"))));
    if (qtTranslator.load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                          QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QCoreApplication::installTranslator(&qtTranslator);

    bool portOk = false;
    const uint port = parser.value(QStringLiteral("port")).toUInt(&portOk);
    if (!portOk || port > 65535) {
        std::fprintf(stderr, "interlock: --port must be 0-65535\n");
        return 2;
    }
    const bool demo = parser.isSet(QStringLiteral("demo"));
    if (demo && parser.isSet(QStringLiteral("server"))) {
        std::fprintf(stderr, "interlock: --demo runs its own server; drop --server\n");
        return 2;
    }
    QTemporaryDir demoDir;
    if (demo && !demoDir.isValid()) {
        std::fprintf(stderr, "interlock: cannot create a temporary folder for --demo\n");
        return 1;
    }
    const QString db = demo && !parser.isSet(QStringLiteral("db"))
                           ? demoDir.filePath(QStringLiteral("demo.db"))
                           : parser.value(QStringLiteral("db"));
    ConsoleApp console(db, quint16(port));

    // Where to connect: --server, else (without --demo) the server chosen in Settings, else the
    // console's own embedded server.
    QUrl url;
    ui::ServerChoice remote = ui::ServerChoice::load();
    if (parser.isSet(QStringLiteral("server"))) {
        remote = ui::ServerChoice{true,
                                  {},
                                  {},
                                  parser.value(QStringLiteral("ca")),
                                  parser.isSet(QStringLiteral("insecure"))};
        if (const QString problem = ui::ServerChoice::checkUrl(
                parser.value(QStringLiteral("server")), &url, remote.insecure);
            !problem.isEmpty()) {
            std::fprintf(stderr, "interlock: --server: %s\n", qPrintable(problem));
            return 2;
        }
        remote.url = url;
        QString problem;
        if (!remote.security(&problem)) {
            std::fprintf(stderr, "interlock: --ca: %s\n", qPrintable(problem));
            return 2;
        }
    } else if (!demo && remote.remote) {
        url = remote.url;
    }
    if (url.isValid() && !url.isEmpty()) {
        QString token = parser.isSet(QStringLiteral("token"))
                            ? parser.value(QStringLiteral("token"))
                            : qEnvironmentVariable("INTERLOCK_TOKEN");
        bool saveToken = !token.isEmpty();
        if (token.isEmpty()) {
            // The keychain first; else ask, saying plainly whether the answer can be kept.
            const ui::TokenVault::Result stored = console.vault().loadNow(url.toString());
            if (stored.ok) {
                token = stored.token;
            } else {
                const QString why =
                    stored.notFound
                        ? QCoreApplication::translate("main", "No token is saved for %1 yet; it "
                                                              "will be kept in your keychain.")
                              .arg(url.toString())
                        : stored.problem + u' ' +
                              QCoreApplication::translate(
                                  "main", "The token you enter is kept for this run only.");
                bool ok = false;
                token = QInputDialog::getText(
                    nullptr, QCoreApplication::translate("main", "Interlock: sign in"),
                    why + QStringLiteral("\n\n") +
                        QCoreApplication::translate("main", "Token for %1:").arg(url.toString()),
                    QLineEdit::Password, {}, &ok);
                if (!ok || token.trimmed().isEmpty()) {
                    std::fprintf(stderr, "interlock: no token for %s\n",
                                 qPrintable(url.toString()));
                    return 2;
                }
                token = token.trimmed();
                saveToken = stored.notFound;
            }
        }
        console.connectRemote(remote, token, saveToken);
    } else {
        QString error;
        if (!console.connectEmbedded(&error)) {
            std::fprintf(stderr, "interlock: cannot start the embedded server: %s\n",
                         qPrintable(error));
            return 1;
        }
        url = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(console.embedded()->port()));
        std::printf("interlock: embedded server on %s (database %s)\n", qPrintable(url.toString()),
                    qPrintable(db));
        std::fflush(stdout);
    }
    ui::ConsoleBackend &backend = *console.backend();
    ui::MainWindow &window = *console.window();
    // Links from later starts open here (in whichever window the console shows then).
    ui::DeepLink links;
    if (!parser.isSet(QStringLiteral("screenshot")))
        links.listen();
    QObject::connect(&links, &ui::DeepLink::actionRequested, &console,
                     [&console](const QString &id) { console.window()->safety()->openAction(id); });
    if (!linkedAction.isEmpty())
        window.safety()->openAction(linkedAction);
    std::unique_ptr<ui::DemoAgents> demoAgents;
    if (demo) {
        demoAgents = std::make_unique<ui::DemoAgents>(url, console.embedded()->agentToken());
        QObject::connect(
            demoAgents.get(), &ui::DemoAgents::finished, &window,
            [](int submitted, const QString &error) {
                if (!error.isEmpty())
                    std::fprintf(stderr, "interlock: demo agents: %s\n", qPrintable(error));
                else
                    std::printf("interlock: demo agents submitted %d actions\n", submitted);
                std::fflush(stdout);
            });
        demoAgents->start();
    }

    if (parser.isSet(QStringLiteral("screenshot"))) {
        // Once the queue is loaded (and, with --demo, once every demo action is in it), select
        // the top action, let its diff build, then grab the window.
        const QString file = parser.value(QStringLiteral("screenshot"));
        auto *poll = new QTimer(&window);
        poll->setInterval(50);
        int waited = 0;
        QObject::connect(poll, &QTimer::timeout, &window, [&, poll, file]() mutable {
            const bool demoDone =
                !demoAgents || (demoAgents->isFinished() &&
                                backend.actions()->rowCount() >= demoAgents->submitted());
            if ((!backend.isConnected() || !demoDone) && (waited += 50) < 10000)
                return;
            poll->stop();
            if (!window.selectAction(parser.value(QStringLiteral("select"))) &&
                linkedAction.isEmpty())
                window.selectFirstAction();
            if (parser.value(QStringLiteral("tab")) == QLatin1String("grants"))
                window.tabs()->setCurrentWidget(window.safety()->grantsPanel());
            else
                window.showTab(parser.value(QStringLiteral("tab")));
            QTimer::singleShot(1500, &window, [&window, file] {
                const bool ok = window.grab().save(file);
                std::fprintf(ok ? stdout : stderr,
                             ok ? "interlock: wrote %s\n" : "interlock: cannot write %s\n",
                             qPrintable(file));
                QApplication::exit(ok ? 0 : 1);
            });
        });
        QObject::connect(&backend, &ui::ConsoleBackend::loaded, poll,
                         static_cast<void (QTimer::*)()>(&QTimer::start));
    }
    return QApplication::exec();
}
