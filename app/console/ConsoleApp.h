#pragma once

#include "ui/SettingsDialog.h"
#include "ui/TokenVault.h"

#include <QObject>
#include <QUrl>
#include <memory>

namespace interlock {
class ServerThread;
namespace ui {
class ConsoleBackend;
class MainWindow;
} // namespace ui

// The running console: one window and its connection, either to the embedded server (started on
// first use, kept until exit) or to a remote interlockd. Settings… in the window switches between
// them without a restart: a new connection and window replace the old ones.
class ConsoleApp : public QObject
{
    Q_OBJECT
public:
    // `db` and `port`: where the embedded server runs when it is chosen.
    ConsoleApp(QString db, quint16 port, QObject *parent = nullptr);
    ~ConsoleApp() override;

    bool connectEmbedded(QString *error);
    // `saveToken`: store the token in the keychain (the window says whether that worked).
    // The choice's CA file and insecure flag decide how the server is checked.
    void connectRemote(const ui::ServerChoice &choice, const QString &token, bool saveToken);

    ui::ConsoleBackend *backend() const { return m_backend.get(); }
    ui::MainWindow *window() const { return m_window.get(); }
    ServerThread *embedded() const { return m_embedded.get(); }
    ui::TokenVault &vault() { return m_vault; }

Q_SIGNALS:
    // A new window is up (after a switch in Settings…).
    void windowChanged();

private:
    void open(const QUrl &url, const QString &token, const ui::ServerChoice &choice);
    void choose(const ui::ServerChoice &choice);

    QString m_db;
    quint16 m_port;
    std::unique_ptr<ServerThread> m_embedded;
    std::unique_ptr<ui::ConsoleBackend> m_backend;
    std::unique_ptr<ui::MainWindow> m_window;
    ui::TokenVault m_vault;
};

} // namespace interlock
