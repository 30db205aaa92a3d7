#include "ConsoleApp.h"

#include "client/ApiClient.h"
#include "server/ServerThread.h"
#include "ui/ConsoleBackend.h"
#include "ui/MainWindow.h"

#include <QDir>
#include <QFileInfo>
#include <QPointer>
#include <QTimer>

namespace interlock {

ConsoleApp::ConsoleApp(QString db, quint16 port, QObject *parent)
    : QObject(parent)
    , m_db(std::move(db))
    , m_port(port)
{}

ConsoleApp::~ConsoleApp()
{
    m_window.reset(); // before the connection it shows
    m_backend.reset();
}

bool ConsoleApp::connectEmbedded(QString *error)
{
    if (!m_embedded) {
        QDir().mkpath(QFileInfo(m_db).absolutePath());
        auto server = std::make_unique<ServerThread>(m_db, QHostAddress::LocalHost, m_port);
        server->start();
        if (!server->waitUntilReady()) {
            if (error)
                *error = server->error();
            return false;
        }
        m_embedded = std::move(server);
    }
    const QUrl url(QStringLiteral("http://127.0.0.1:%1").arg(m_embedded->port()));
    open(url, m_embedded->adminToken(), ui::ServerChoice{});
    m_window->setEnrollment(url.toString(), m_embedded->agentToken());
    return true;
}

void ConsoleApp::connectRemote(const ui::ServerChoice &choice, const QString &token, bool saveToken)
{
    const QUrl url = choice.url;
    ui::ServerChoice shown = choice;
    shown.remote = true;
    shown.token.clear();
    open(url, token, shown);
    if (!saveToken)
        return;
    QPointer<ui::MainWindow> window = m_window.get();
    m_vault.save(url.toString(), token, [window, url](const ui::TokenVault::Result &r) {
        if (!window)
            return;
        if (r.ok)
            window->showNotice(tr("Token saved in your keychain for %1.").arg(url.toString()));
        else
            window->showProblem(r.problem + u' ' + tr("The token is kept for this run only."));
    });
}

void ConsoleApp::open(const QUrl &url, const QString &token, const ui::ServerChoice &choice)
{
    QRect geometry;
    if (m_window) {
        geometry = m_window->geometry();
        m_window->hide();
        // Deleted once control is back in the event loop: the switch may be requested from
        // inside the old window.
        m_window.release()->deleteLater();
        m_backend.release()->deleteLater();
    }
    // Every client the new connection makes checks the server this way (https:// verified,
    // plain http:// only to this computer unless the choice says insecure).
    QString problem;
    const std::optional<ConnectionSecurity> security = choice.security(&problem);
    ApiClient::setDefaultSecurity(security.value_or(ConnectionSecurity{}));
    m_backend = std::make_unique<ui::ConsoleBackend>(url, token);
    m_window = std::make_unique<ui::MainWindow>(m_backend.get());
    m_window->setServerChoice(choice);
    connect(m_window.get(), &ui::MainWindow::serverChosen, this, [this](const ui::ServerChoice &c) {
        QTimer::singleShot(0, this, [this, c] { choose(c); });
    });
    if (!security)
        m_window->showProblem(problem);
    if (geometry.isValid())
        m_window->setGeometry(geometry); // where the reviewer had it
    else
        m_window->resize(1280, 800); // the first window: placed by the window manager
    m_window->show();
    m_backend->start();
    Q_EMIT windowChanged();
}

void ConsoleApp::choose(const ui::ServerChoice &choice)
{
    if (!choice.remote) {
        QString error;
        if (!connectEmbedded(&error))
            return m_window->showProblem(
                tr("The console's own server did not start: %1").arg(error));
        choice.save();
        return;
    }
    choice.save();
    if (!choice.token.isEmpty())
        return connectRemote(choice, choice.token, true);
    // No new token: the one saved for that server.
    QPointer<ui::MainWindow> window = m_window.get();
    m_vault.load(choice.url.toString(), [this, window, choice](const ui::TokenVault::Result &r) {
        if (r.ok)
            return connectRemote(choice, r.token, false);
        if (window)
            window->showProblem(r.notFound ? tr("No token is saved for %1; enter one in Settings.")
                                                 .arg(choice.url.toString())
                                           : r.problem);
    });
}

} // namespace interlock
