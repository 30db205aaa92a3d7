#include "SettingsDialog.h"

#include "ConsoleBackend.h"
#include "client/ApiClient.h"

#include <QDialogButtonBox>
#include <QFormLayout>
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
} // namespace

ServerChoice ServerChoice::load()
{
    QSettings settings;
    ServerChoice c;
    c.url = QUrl(settings.value(kUrl).toString());
    c.remote = settings.value(kRemote, false).toBool() && checkUrl(c.url.toString()).isEmpty();
    return c;
}

void ServerChoice::save() const
{
    QSettings settings;
    settings.setValue(kRemote, remote);
    if (remote)
        settings.setValue(kUrl, url.toString());
}

QString ServerChoice::checkUrl(const QString &text, QUrl *url)
{
    const QUrl u = QUrl::fromUserInput(text.trimmed());
    if (text.trimmed().isEmpty())
        return SettingsDialog::tr("Enter the server's address, e.g. http://interlock.corp:7878");
    if (!u.isValid() || u.host().isEmpty())
        return SettingsDialog::tr("“%1” is not a server address.").arg(text.trimmed());
    if (u.scheme() != QLatin1String("http") && u.scheme() != QLatin1String("https"))
        return SettingsDialog::tr("The address must start with http:// or https://.");
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
    , m_status(new QLabel(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
    , m_hadToken(current.remote)
{
    setWindowTitle(tr("Settings"));
    m_url->setPlaceholderText(QStringLiteral("http://interlock.corp:7878"));
    m_url->setText(current.url.toString());
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
    for (QLineEdit *e : {m_url, m_token})
        connect(e, &QLineEdit::textChanged, this, &SettingsDialog::validate);
    connect(m_remote, &QRadioButton::toggled, this, &SettingsDialog::validate);

    auto *form = new QFormLayout;
    form->addRow(tr("Address"), m_url);
    form->addRow(tr("Token"), m_token);
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

void SettingsDialog::validate()
{
    const bool remote = m_remote->isChecked();
    m_url->setEnabled(remote);
    m_token->setEnabled(remote);
    QString problem;
    if (remote) {
        problem = ServerChoice::checkUrl(m_url->text());
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
        ServerChoice::checkUrl(m_url->text(), &c.url);
        c.token = m_token->text().trimmed();
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
    m_probe = std::make_unique<ApiClient>(c.url, c.token);
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
