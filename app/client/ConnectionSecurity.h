#pragma once

#include <QList>
#include <QSslCertificate>
#include <QUrl>
#include <optional>

class QNetworkRequest;

namespace interlock {

// How a client checks the server before it sends a token.
// - https:// is verified (certificate chain and host name) against the system's trusted
//   certificates, or, when caCertificates is set (--ca FILE), against those only.
// - Plain http:// goes only to this machine (a loopback address, or localhost), unless
//   allowPlainRemote is set: `--insecure` on the command line, a checkbox in the console. A
//   refused request is never sent: no connection is even attempted.
struct ConnectionSecurity {
    QList<QSslCertificate> caCertificates;
    bool allowPlainRemote = false;

    // Reads one or more PEM certificates; nullopt with *error when the file has none.
    static std::optional<QList<QSslCertificate>> readCaFile(const QString &path, QString *error);
    // Why nothing may be sent to `url`; empty when it may.
    QString refusal(const QUrl &url) const;
    // Applies the trusted certificates to a request.
    void apply(QNetworkRequest &request) const;
};

// localhost, *.localhost, 127.0.0.0/8, ::1 (and ::ffff:127.x.y.z).
bool isLoopbackHost(const QString &host);

} // namespace interlock
