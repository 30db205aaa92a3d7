#include "ConnectionSecurity.h"

#include <QFile>
#include <QHostAddress>
#include <QNetworkRequest>
#include <QSslConfiguration>

namespace interlock {

bool isLoopbackHost(const QString &host)
{
    const QString h = host.toLower();
    if (h == QLatin1String("localhost") || h.endsWith(QLatin1String(".localhost")))
        return true;
    const QHostAddress address(h);
    return !address.isNull() && address.isLoopback();
}

std::optional<QList<QSslCertificate>> ConnectionSecurity::readCaFile(const QString &path,
                                                                     QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read the CA file %1: %2").arg(path, file.errorString());
        return std::nullopt;
    }
    const QList<QSslCertificate> certificates = QSslCertificate::fromData(file.readAll());
    if (certificates.isEmpty()) {
        *error = QStringLiteral("%1 holds no PEM certificate").arg(path);
        return std::nullopt;
    }
    return certificates;
}

QString ConnectionSecurity::refusal(const QUrl &url) const
{
    const QString scheme = url.scheme().toLower();
    if (scheme == QLatin1String("https"))
        return {};
    if (scheme != QLatin1String("http"))
        return QStringLiteral("%1 is not an http:// or https:// address").arg(url.toString());
    if (allowPlainRemote || isLoopbackHost(url.host()))
        return {};
    return QStringLiteral("refusing plain http:// to %1, which is not this machine: the token "
                          "would cross the network unencrypted. Use https://, or allow it "
                          "explicitly with --insecure")
        .arg(url.host());
}

void ConnectionSecurity::apply(QNetworkRequest &request) const
{
    if (caCertificates.isEmpty())
        return; // the system's trusted certificates, host name checked (Qt's defaults)
    QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
    ssl.setCaCertificates(caCertificates);
    ssl.setPeerVerifyMode(QSslSocket::VerifyPeer);
    request.setSslConfiguration(ssl);
}

} // namespace interlock
