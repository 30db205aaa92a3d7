#pragma once

#include <QObject>
#include <QString>
#include <functional>
#include <optional>

namespace interlock::ui {

// Tokens for remote servers in the OS keychain (QtKeychain: Secret Service, KWallet, macOS
// Keychain, Windows Credential Store), one entry per server URL. Never written anywhere else:
// where no keychain service runs, a token is kept for the current run only.
class TokenVault : public QObject
{
    Q_OBJECT
public:
    explicit TokenVault(QObject *parent = nullptr);

    struct Result {
        bool ok = false;
        QString token; // load: the stored token
        bool notFound = false;
        QString problem; // a sentence for the user when !ok && !notFound
    };
    void load(const QString &server, std::function<void(const Result &)> done);
    void save(const QString &server, const QString &token,
              std::function<void(const Result &)> done);
    void forget(const QString &server, std::function<void(const Result &)> done);
    // Blocking load for start-up, before any window exists.
    Result loadNow(const QString &server);

    static QString service() { return QStringLiteral("io.github.interlock.Interlock"); }
};

} // namespace interlock::ui
