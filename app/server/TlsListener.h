#pragma once

#include <QString>

class QObject;
class QTcpServer;

namespace interlock {

// A listening socket that speaks TLS: a QSslServer presenting the certificate chain of certFile
// (PEM: the server's certificate first, then any intermediates) with the private key of keyFile
// (PEM, RSA or EC, unencrypted). The transport takes it in place of a plain QTcpServer.
// Null with *error set when a file cannot be read or holds no certificate or key.
QTcpServer *createTlsListener(const QString &certFile, const QString &keyFile, QString *error,
                              QObject *parent = nullptr);

} // namespace interlock
