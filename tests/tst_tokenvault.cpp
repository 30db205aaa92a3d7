// Tokens in the OS keychain through QtKeychain. With a keychain service (a desktop session):
// saved, read back and forgotten. Without one (CI, SSH): every call reports, in plain words,
// that the token cannot be stored, and nothing is written anywhere else.
#include "ui/TokenVault.h"

#include <QDir>
#include <QStandardPaths>
#include <QtTest>

using namespace interlock::ui;

class TestTokenVault : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void roundTripOrPlainRefusal()
    {
        TokenVault vault;
        const QString server =
            QStringLiteral("http://test-%1.invalid:7878").arg(QCoreApplication::applicationPid());
        std::optional<TokenVault::Result> saved;
        vault.save(server, QStringLiteral("ilk_secret"),
                   [&](const TokenVault::Result &r) { saved = r; });
        QTRY_VERIFY_WITH_TIMEOUT(saved.has_value(), 30000);
        // Under tests/support/with-keyring a keychain runs: the success path is required there.
        const bool keychainExpected = qEnvironmentVariableIsSet("INTERLOCK_EXPECT_KEYCHAIN");
        QVERIFY2(saved->ok || !keychainExpected, qPrintable(saved->problem));
        if (!saved->ok) {
            // No keychain here: said so, and the token is nowhere on disk.
            QVERIFY2(!saved->problem.isEmpty(), "a failed save must explain itself");
            const TokenVault::Result loaded = vault.loadNow(server);
            QVERIFY(!loaded.ok);
            QVERIFY(loaded.token.isEmpty());
            const QString config =
                QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation);
            for (const QFileInfo &f : QDir(config).entryInfoList(QDir::Files)) {
                QFile file(f.absoluteFilePath());
                QVERIFY(file.open(QIODevice::ReadOnly));
                QVERIFY(!file.readAll().contains("ilk_secret"));
            }
            qInfo("no keychain service: %s", qPrintable(saved->problem));
            return;
        }
        qInfo("keychain service present: saved, reading back");
        const TokenVault::Result loaded = vault.loadNow(server);
        QVERIFY(loaded.ok);
        QCOMPARE(loaded.token, QStringLiteral("ilk_secret"));
        std::optional<TokenVault::Result> forgotten;
        vault.forget(server, [&](const TokenVault::Result &r) { forgotten = r; });
        QTRY_VERIFY_WITH_TIMEOUT(forgotten.has_value(), 30000);
        QVERIFY(forgotten->ok);
        QVERIFY(vault.loadNow(server).notFound);
    }
};

QTEST_MAIN(TestTokenVault)
#include "tst_tokenvault.moc"
