#pragma once

#include "client/ConnectionSecurity.h"

#include <QDialog>
#include <QUrl>
#include <memory>

class QCheckBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QRadioButton;

namespace interlock {
class ApiClient;
}

namespace interlock::ui {

// Where the console connects: its own embedded server, or a remote interlockd with a token.
// Kept in QSettings; the token never is (it goes to the OS keychain, see TokenVault).
struct ServerChoice {
    bool remote = false;
    QUrl url;       // remote only
    QString token;  // remote only; empty: keep the saved one
    QString caFile; // remote https://: trust only these CA certificates (PEM); empty: the system's
    bool insecure = false; // remote http:// to another computer allowed (the token in clear)

    static ServerChoice load();
    void save() const;
    // An http(s) URL with a host, and no plain http:// to another computer unless `insecure`;
    // otherwise a sentence saying what is wrong.
    static QString checkUrl(const QString &text, QUrl *url = nullptr, bool insecure = false);
    // How the console checks this server (the CA file read); nullopt with *error.
    std::optional<ConnectionSecurity> security(QString *error) const;
};

// Settings…: choose the server, enter a token, test the connection before switching to it.
class SettingsDialog : public QDialog
{
    Q_OBJECT
public:
    SettingsDialog(const ServerChoice &current, QWidget *parent = nullptr);
    ~SettingsDialog() override;

    ServerChoice choice() const;
    bool canAccept() const;
    QString statusText() const;
    // Signs in to the remote server with the token entered (GET /v1/me) and says how it went.
    void testConnection();

    QRadioButton *embeddedButton() const { return m_embedded; }
    QRadioButton *remoteButton() const { return m_remote; }
    QLineEdit *urlEdit() const { return m_url; }
    QLineEdit *tokenEdit() const { return m_token; }
    QLineEdit *caFileEdit() const { return m_caFile; }
    QCheckBox *insecureBox() const { return m_insecure; }
    // The warning shown while insecure http:// is allowed.
    bool insecureWarningShown() const;

Q_SIGNALS:
    void tested(bool ok);

private:
    void validate();
    void browseCaFile();

    QRadioButton *m_embedded;
    QRadioButton *m_remote;
    QLineEdit *m_url;
    QLineEdit *m_token;
    QLineEdit *m_caFile;
    QCheckBox *m_insecure;
    QLabel *m_insecureWarning;
    QLabel *m_status;
    QDialogButtonBox *m_buttons;
    std::unique_ptr<ApiClient> m_probe;
    bool m_hadToken;
};

} // namespace interlock::ui
