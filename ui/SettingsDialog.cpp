#include "SettingsDialog.h"

#include "ConsoleBackend.h"
#include "client/ApiClient.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSettings>
#include <QVBoxLayout>

namespace interlock::ui {

namespace {
const QString kRemote = QStringLiteral("server/remote");
const QString kUrl = QStringLiteral("server/url");
const QString kCaFile = QStringLiteral("server/ca_file");
const QString kInsecure = QStringLiteral("server/insecure");
} // namespace

ServerChoice ServerChoice::load()
{
    QSettings settings;
    ServerChoice c;
    c.url = QUrl(settings.value(kUrl).toString());
    c.caFile = settings.value(kCaFile).toString();
    c.insecure = settings.value(kInsecure, false).toBool();
    QString ignored;
    c.remote = settings.value(kRemote, false).toBool() &&
               checkUrl(c.url.toString(), nullptr, c.insecure).isEmpty() &&
               c.security(&ignored).has_value();
    return c;
}

void ServerChoice::save() const
{
    QSettings settings;
    settings.setValue(kRemote, remote);
    if (remote) {
        settings.setValue(kUrl, url.toString());
        settings.setValue(kCaFile, caFile);
        settings.setValue(kInsecure, insecure);
    }
}

std::optional<ConnectionSecurity> ServerChoice::security(QString *error) const
{
    ConnectionSecurity s;
    s.allowPlainRemote = remote && insecure;
    if (remote && !caFile.isEmpty()) {
        const auto cas = ConnectionSecurity::readCaFile(caFile, error);
        if (!cas)
            return std::nullopt;
        s.caCertificates = *cas;
    }
    return s;
}

QString ServerChoice::checkUrl(const QString &text, QUrl *url, bool insecure)
{
    const QUrl u = QUrl::fromUserInput(text.trimmed());
    if (text.trimmed().isEmpty())
        return SettingsDialog::tr("Enter the server's address, e.g. http://interlock.corp:7878");
    if (!u.isValid() || u.host().isEmpty())
        return SettingsDialog::tr("“%1” is not a server address.").arg(text.trimmed());
    if (u.scheme() != QLatin1String("http") && u.scheme() != QLatin1String("https"))
        return SettingsDialog::tr("The address must start with http:// or https://.");
    if (u.scheme() == QLatin1String("http") && !insecure && !isLoopbackHost(u.host()))
        return SettingsDialog::tr("Plain http:// to another computer would send your token "
                                  "unencrypted: use https://, or allow insecure http:// below.");
    if (url) {
        *url = u.adjusted(QUrl::StripTrailingSlash);
        if (url->path() == QLatin1String("/"))
            url->setPath({});
    }
    return {};
}

SettingsDialog::SettingsDialog(const ServerChoice &current, QWidget *parent)
    : QDialog(parent)
    , m_embedded(new QRadioButton(tr("This computer: the console's own server"), this))
    , m_remote(new QRadioButton(tr("A shared server (interlockd):"), this))
    , m_url(new QLineEdit(this))
    , m_token(new QLineEdit(this))
    , m_caFile(new QLineEdit(this))
    , m_insecure(new QCheckBox(tr("Allow plain http:// to this server (&insecure)"), this))
    , m_insecureWarning(new QLabel(this))
    , m_status(new QLabel(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
    , m_hadToken(current.remote)
{
    setWindowTitle(tr("Settings"));
    m_url->setPlaceholderText(QStringLiteral("https://interlock.corp:7878"));
    m_url->setText(current.url.toString());
    m_caFile->setText(current.caFile);
    m_caFile->setPlaceholderText(tr("(the system's trusted certificates)"));
    m_insecure->setChecked(current.insecure);
    m_insecureWarning->setText(
        tr("Warning: over plain http:// your token and every decision cross the network "
           "unencrypted; anyone on the way can read them and act in your name. Use it only on a "
           "network you trust, and prefer https://."));
    m_insecureWarning->setWordWrap(true);
    m_insecureWarning->setStyleSheet(QStringLiteral("color: #b45309;"));
    m_token->setEchoMode(QLineEdit::Password);
    m_token->setPlaceholderText(m_hadToken ? tr("(keep the saved token)")
                                           : tr("ilk_… (from interlockctl token create)"));
    m_status->setTextFormat(Qt::PlainText); // server messages are shown as they are
    m_status->setWordWrap(true);
    (current.remote ? m_remote : m_embedded)->setChecked(true);

    auto *test = m_buttons->addButton(tr("&Test connection"), QDialogButtonBox::ActionRole);
    connect(test, &QPushButton::clicked, this, &SettingsDialog::testConnection);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    for (QLineEdit *e : {m_url, m_token, m_caFile})
        connect(e, &QLineEdit::textChanged, this, &SettingsDialog::validate);
    connect(m_remote, &QRadioButton::toggled, this, &SettingsDialog::validate);
    connect(m_insecure, &QCheckBox::toggled, this, &SettingsDialog::validate);

    auto *browse = new QPushButton(tr("Browse…"), this);
    connect(browse, &QPushButton::clicked, this, &SettingsDialog::browseCaFile);
    auto *caRow = new QHBoxLayout;
    caRow->addWidget(m_caFile);
    caRow->addWidget(browse);
    auto *form = new QFormLayout;
    form->addRow(tr("Address"), m_url);
    form->addRow(tr("Token"), m_token);
    form->addRow(tr("CA certificate"), caRow);
    form->addRow(QString(), m_insecure);
    form->addRow(QString(), m_insecureWarning);
    auto *note = new QLabel(tr("The token is kept in your system's keychain (GNOME Keyring, "
                               "KWallet, …), never in a file. Switching servers reconnects the "
                               "console at once."),
                            this);
    note->setWordWrap(true);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("Connect to"), this));
    layout->addWidget(m_embedded);
    layout->addWidget(m_remote);
    layout->addLayout(form);
    layout->addWidget(note);
    layout->addWidget(m_status);
    layout->addWidget(m_buttons);
    resize(520, sizeHint().height());
    validate();
}

SettingsDialog::~SettingsDialog() = default;

void SettingsDialog::browseCaFile()
{
    const QString file =
        QFileDialog::getOpenFileName(this, tr("CA certificate"), m_caFile->text(),
                                     tr("PEM certificates (*.pem *.crt);;All files (*)"));
    if (!file.isEmpty())
        m_caFile->setText(file);
}

bool SettingsDialog::insecureWarningShown() const
{
    return !m_insecureWarning->isHidden();
}

void SettingsDialog::validate()
{
    const bool remote = m_remote->isChecked();
    for (QWidget *w : {static_cast<QWidget *>(m_url), static_cast<QWidget *>(m_token),
                       static_cast<QWidget *>(m_caFile), static_cast<QWidget *>(m_insecure)})
        w->setEnabled(remote);
    m_insecureWarning->setVisible(remote && m_insecure->isChecked());
    QString problem;
    if (remote) {
        problem = ServerChoice::checkUrl(m_url->text(), nullptr, m_insecure->isChecked());
        QString caProblem;
        if (problem.isEmpty() && !m_caFile->text().trimmed().isEmpty() &&
            !ConnectionSecurity::readCaFile(m_caFile->text().trimmed(), &caProblem))
            problem = tr("The CA certificate file cannot be used: %1").arg(caProblem);
        if (problem.isEmpty() && m_token->text().trimmed().isEmpty() && !m_hadToken)
            problem = tr("Enter a token for this server.");
    }
    m_status->setText(problem);
    m_status->setStyleSheet(problem.isEmpty() ? QString() : QStringLiteral("color: #b91c1c;"));
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(problem.isEmpty());
}

bool SettingsDialog::canAccept() const
{
    return m_buttons->button(QDialogButtonBox::Ok)->isEnabled();
}

QString SettingsDialog::statusText() const
{
    return m_status->text();
}

ServerChoice SettingsDialog::choice() const
{
    ServerChoice c;
    c.remote = m_remote->isChecked();
    if (c.remote) {
        c.insecure = m_insecure->isChecked();
        ServerChoice::checkUrl(m_url->text(), &c.url, c.insecure);
        c.token = m_token->text().trimmed();
        c.caFile = m_caFile->text().trimmed();
    }
    return c;
}

void SettingsDialog::testConnection()
{
    const ServerChoice c = choice();
    if (!c.remote || c.token.isEmpty()) {
        m_status->setText(c.remote ? tr("Enter the token to test with.")
                                   : tr("The console's own server needs no test."));
        return;
    }
    m_status->setStyleSheet({});
    m_status->setText(tr("Connecting to %1…").arg(c.url.toString()));
    QString problem;
    const auto security = c.security(&problem);
    if (!security) {
        m_status->setText(problem);
        Q_EMIT tested(false);
        return;
    }
    m_probe = std::make_unique<ApiClient>(c.url, c.token);
    m_probe->setSecurity(*security);
    m_probe->request("GET", QStringLiteral("/v1/me"), std::nullopt, [this](const ApiResult &r) {
        const bool ok = r.ok();
        m_status->setText(ok ? tr("Signed in as %1 (%2).")
                                   .arg(r.body.value(QStringLiteral("name")).toString(),
                                        r.body.value(QStringLiteral("role")).toString())
                             : ConsoleBackend::explain(r));
        m_status->setStyleSheet(ok ? QStringLiteral("color: #15803d;")
                                   : QStringLiteral("color: #b91c1c;"));
        Q_EMIT tested(ok);
    });
}

} // namespace interlock::ui
