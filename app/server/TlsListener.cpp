#include "TlsListener.h"

#include <QFile>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslServer>
#include <QSslSocket>

namespace interlock {

namespace {
constexpr int kHandshakeTimeoutMs = 10000;

bool readFile(const QString &path, QByteArray *out, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
        return false;
    }
    *out = file.readAll();
    return true;
}
} // namespace

QTcpServer *createTlsListener(const QString &certFile, const QString &keyFile, QString *error,
                              QObject *parent)
{
    if (!QSslSocket::supportsSsl()) {
        *error = QStringLiteral("this Qt has no TLS backend (OpenSSL not found)");
        return nullptr;
    }
    QByteArray certData, keyData;
    if (!readFile(certFile, &certData, error) || !readFile(keyFile, &keyData, error))
        return nullptr;
    const QList<QSslCertificate> chain = QSslCertificate::fromData(certData, QSsl::Pem);
    if (chain.isEmpty()) {
        *error = QStringLiteral("%1 holds no PEM certificate").arg(certFile);
        return nullptr;
    }
    QSslKey key;
    for (const QSsl::KeyAlgorithm algorithm : {QSsl::Rsa, QSsl::Ec}) {
        key = QSslKey(keyData, algorithm, QSsl::Pem, QSsl::PrivateKey);
        if (!key.isNull())
            break;
    }
    if (key.isNull()) {
        *error = QStringLiteral("%1 holds no unencrypted PEM private key (RSA or EC)").arg(keyFile);
        return nullptr;
    }
    if (chain.first().isNull() || chain.first().expiryDate() < QDateTime::currentDateTimeUtc()) {
        *error = QStringLiteral("the certificate in %1 has expired (%2)")
                     .arg(certFile, chain.first().expiryDate().toString(Qt::ISODate));
        return nullptr;
    }
    QSslConfiguration config = QSslConfiguration::defaultConfiguration();
    config.setLocalCertificateChain(chain);
    config.setPrivateKey(key);
    config.setProtocol(QSsl::TlsV1_2OrLater);
    config.setPeerVerifyMode(QSslSocket::VerifyNone); // clients authenticate with tokens
    auto *server = new QSslServer(parent);
    server->setSslConfiguration(config);
    server->setHandshakeTimeout(kHandshakeTimeoutMs);
    return server;
}

} // namespace interlock
