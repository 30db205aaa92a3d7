// Settings…: choosing a server, testing the connection, and switching the running console between
// its embedded server and a remote one, against real servers on loopback.
#include "console/ConsoleApp.h"
#include "server/ServerThread.h"
#include "support/TestServer.h"
#include "ui/ConsoleBackend.h"
#include "ui/MainWindow.h"
#include "ui/Prompts.h"
#include "ui/SettingsDialog.h"

#include <QAction>
#include <QLineEdit>
#include <QPointer>
#include <QRadioButton>
#include <QSettings>
#include <QStandardPaths>
#include <QtTest>

using namespace interlock;
using namespace interlock::test;
using namespace interlock::ui;

class TestSettings : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true); // QSettings in a test folder, not the user's
        QCoreApplication::setOrganizationName(QStringLiteral("interlock-tests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_settings"));
    }
    void init() { QSettings().clear(); }

    void dialogValidatesTheAddressAndToken()
    {
        SettingsDialog dialog(ServerChoice{});
        QVERIFY(dialog.embeddedButton()->isChecked());
        QVERIFY(dialog.canAccept());
        QVERIFY(!dialog.urlEdit()->isEnabled());
        dialog.remoteButton()->setChecked(true);
        QVERIFY(!dialog.canAccept());
        QVERIFY(dialog.statusText().startsWith(QStringLiteral("Enter the server's address")));
        dialog.urlEdit()->setText(QStringLiteral("ftp://files.corp"));
        QVERIFY(!dialog.canAccept());
        QVERIFY(dialog.statusText().contains(QStringLiteral("http://")));
        dialog.urlEdit()->setText(QStringLiteral("https://interlock.corp:7878/"));
        QVERIFY(!dialog.canAccept());
        QCOMPARE(dialog.statusText(), QStringLiteral("Enter a token for this server."));
        dialog.tokenEdit()->setText(QStringLiteral("  ilk_abc  "));
        QVERIFY(dialog.canAccept());
        const ServerChoice c = dialog.choice();
        QVERIFY(c.remote);
        QCOMPARE(c.url, QUrl(QStringLiteral("https://interlock.corp:7878")));
        QCOMPARE(c.token, QStringLiteral("ilk_abc"));
        QCOMPARE(dialog.tokenEdit()->echoMode(), QLineEdit::Password);
    }

    void testConnectionSignsInOrSaysWhy()
    {
        TestServer server;
        SettingsDialog dialog(ServerChoice{});
        dialog.remoteButton()->setChecked(true);
        dialog.urlEdit()->setText(server.url().toString());
        dialog.tokenEdit()->setText(server.token(Role::Reviewer));
        QSignalSpy tested(&dialog, &SettingsDialog::tested);
        dialog.testConnection();
        QTRY_COMPARE(tested.count(), 1);
        QCOMPARE(tested.at(0).at(0).toBool(), true);
        QVERIFY2(dialog.statusText().startsWith(QStringLiteral("Signed in as")) &&
                     dialog.statusText().contains(QStringLiteral("(reviewer)")),
                 qPrintable(dialog.statusText()));
        dialog.tokenEdit()->setText(QStringLiteral("ilk_not_a_token"));
        dialog.testConnection();
        QTRY_COMPARE(tested.count(), 2);
        QCOMPARE(tested.at(1).at(0).toBool(), false);
        QVERIFY(!dialog.statusText().startsWith(QStringLiteral("Signed in")));
        QVERIFY(!dialog.statusText().isEmpty());
    }

    // From the embedded server to a remote one and back, without a restart; the choice is
    // remembered, the token is not written to the settings.
    void switchingServersReconnectsAtOnce()
    {
        QTemporaryDir dir;
        ConsoleApp console(dir.filePath(QStringLiteral("console.db")), 0);
        QString error;
        QVERIFY2(console.connectEmbedded(&error), qPrintable(error));
        QTRY_VERIFY(console.backend()->isConnected());
        const QUrl embeddedUrl = console.backend()->server();

        TestServer remote;
        const auto session = remote.openSession(QStringLiteral("remote-agent"));
        const QString action = remote.submit(session.second, sampleAction());
        QPointer<MainWindow> first = console.window();
        QSignalSpy changed(&console, &ConsoleApp::windowChanged);
        Prompts::setNextSettings(
            ServerChoice{true, remote.url(), remote.token(Role::Reviewer), {}, false});
        console.window()->settingsAction()->trigger();
        QTRY_COMPARE(changed.count(), 1);
        QTRY_VERIFY(first.isNull()); // the old window is gone
        QCOMPARE(console.backend()->server(), remote.url());
        QTRY_VERIFY(console.backend()->isConnected());
        QTRY_COMPARE(console.window()->selectedActionId(), action);
        QTRY_COMPARE(console.backend()->role(), QStringLiteral("reviewer"));

        const ServerChoice saved = ServerChoice::load();
        QVERIFY(saved.remote);
        QCOMPARE(saved.url, remote.url());
        QSettings settings;
        for (const QString &key : settings.allKeys())
            QVERIFY2(!settings.value(key).toString().contains(remote.token(Role::Reviewer)),
                     qPrintable(key));

        Prompts::setNextSettings(ServerChoice{});
        console.window()->settingsAction()->trigger();
        QTRY_COMPARE(changed.count(), 2);
        QCOMPARE(console.backend()->server(), embeddedUrl); // the same embedded server
        QTRY_VERIFY(console.backend()->isConnected());
        QTRY_COMPARE(console.backend()->role(), QStringLiteral("admin"));
        QVERIFY(!ServerChoice::load().remote);
    }

    void aRemoteServerWithoutATokenIsNotSwitchedTo()
    {
        QTemporaryDir dir;
        ConsoleApp console(dir.filePath(QStringLiteral("console.db")), 0);
        QVERIFY(console.connectEmbedded(nullptr));
        QSignalSpy changed(&console, &ConsoleApp::windowChanged);
        MainWindow *window = console.window();
        // No token entered and none in a keychain (there is none on this machine, or it has no
        // entry for this address): the console stays where it is and says why.
        Prompts::setNextSettings(
            ServerChoice{true, QUrl(QStringLiteral("http://127.0.0.1:9")), QString(), {}, false});
        window->settingsAction()->trigger();
        QTRY_VERIFY(!window->statusText().isEmpty());
        QCOMPARE(changed.count(), 0);
        QCOMPARE(console.window(), window);
    }
};

QTEST_MAIN(TestSettings)
#include "tst_settings.moc"
