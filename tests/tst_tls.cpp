// TLS, over the real interlockd and interlockctl with a throwaway CA made here by the openssl
// command: a verified connection works; a wrong CA and a host name that the certificate does not
// name are refused; plain http:// to another computer is refused before any connection unless
// --insecure says so; loopback http:// stays allowed. And the console's Settings for both.
#include "console/ConsoleApp.h"
#include "support/Daemon.h"
#include "support/TestServer.h"
#include "ui/ConsoleBackend.h"
#include "ui/SettingsDialog.h"

#include <QCheckBox>
#include <QLineEdit>
#include <QNetworkInterface>
#include <QRadioButton>
#include <QSettings>
#include <QSslSocket>
#include <QStandardPaths>
#include <QTcpServer>
#include <QtTest>

using namespace interlock;
using namespace interlock::test;
using namespace interlock::ui;

class TestTls : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<Daemon> m_tls;
    QString m_admin;
    quint16 m_port = 0;

    QString file(const char *name) const { return m_dir.filePath(QString::fromLatin1(name)); }

    // Runs openssl with `arguments` in the fixture folder.
    bool openssl(const QStringList &arguments)
    {
        QProcess p;
        p.setWorkingDirectory(m_dir.path());
        p.start(QStringLiteral("openssl"), arguments);
        if (!p.waitForFinished(30000) || p.exitCode() != 0) {
            qWarning("openssl %s: %s %s", qPrintable(arguments.join(u' ')),
                     qPrintable(p.errorString()), p.readAllStandardError().constData());
            return false;
        }
        return true;
    }

    bool makeCa(const QString &name, const QString &commonName)
    {
        return openssl(
            {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
             QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
             QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes"),
             QStringLiteral("-keyout"), name + QStringLiteral(".key"), QStringLiteral("-out"),
             name + QStringLiteral(".pem"), QStringLiteral("-days"), QStringLiteral("2"),
             QStringLiteral("-subj"), QStringLiteral("/CN=") + commonName,
             QStringLiteral("-addext"), QStringLiteral("basicConstraints=critical,CA:TRUE"),
             QStringLiteral("-addext"), QStringLiteral("keyUsage=critical,keyCertSign,cRLSign")});
    }

    CtlResult list(const QString &server, const QStringList &extra = {})
    {
        return runCtl(QStringList{QStringLiteral("list"), QStringLiteral("--server"), server,
                                  QStringLiteral("--token"), m_admin} +
                      extra);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("interlock-tests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_tls"));
        QVERIFY2(QSslSocket::supportsSsl(), "Qt has no TLS backend here");
        // A CA, a second unrelated CA, and a server certificate from the first for "localhost"
        // only (so 127.0.0.1, the same server, does not match it).
        QVERIFY(makeCa(QStringLiteral("ca"), QStringLiteral("Interlock Test CA")));
        QVERIFY(makeCa(QStringLiteral("other-ca"), QStringLiteral("Some Other CA")));
        QFile ext(file("server.ext"));
        QVERIFY(ext.open(QIODevice::WriteOnly));
        ext.write("subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\n"
                  "keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n");
        ext.close();
        QVERIFY(openssl({QStringLiteral("req"), QStringLiteral("-newkey"), QStringLiteral("ec"),
                         QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:prime256v1"),
                         QStringLiteral("-nodes"), QStringLiteral("-keyout"),
                         QStringLiteral("server.key"), QStringLiteral("-out"),
                         QStringLiteral("server.csr"), QStringLiteral("-subj"),
                         QStringLiteral("/CN=localhost")}));
        QVERIFY(openssl(
            {QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-in"),
             QStringLiteral("server.csr"), QStringLiteral("-CA"), QStringLiteral("ca.pem"),
             QStringLiteral("-CAkey"), QStringLiteral("ca.key"), QStringLiteral("-CAcreateserial"),
             QStringLiteral("-out"), QStringLiteral("server.pem"), QStringLiteral("-days"),
             QStringLiteral("2"), QStringLiteral("-extfile"), QStringLiteral("server.ext")}));
        const QString db = file("tls.db");
        m_admin = createToken(db, QStringLiteral("admin"), QStringLiteral("root"));
        QVERIFY(!m_admin.isEmpty());
        m_tls = std::make_unique<Daemon>(
            db, QStringList{QStringLiteral("--tls-cert"), file("server.pem"),
                            QStringLiteral("--tls-key"), file("server.key")});
        QVERIFY2(m_tls->start(), qPrintable(m_tls->errorOutput()));
        QCOMPARE(m_tls->url().scheme(), QStringLiteral("https"));
        m_port = quint16(m_tls->url().port());
    }

    void cleanupTestCase() { m_tls.reset(); }

    void aVerifiedCertificateIsAccepted()
    {
        const QString url = QStringLiteral("https://localhost:%1").arg(m_port);
        const CtlResult r = list(url, {QStringLiteral("--ca"), file("ca.pem")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        // The same through $INTERLOCK_CA, and from the library.
        ConnectionSecurity security;
        QString error;
        security.caCertificates = ConnectionSecurity::readCaFile(file("ca.pem"), &error).value();
        ApiClient client{QUrl(url), m_admin};
        client.setSecurity(security);
        const ApiResult me = client.call("GET", QStringLiteral("/v1/me"));
        QCOMPARE(me.status, 200);
        QCOMPARE(me.body.value(QStringLiteral("role")).toString(), QStringLiteral("admin"));
    }

    void anotherCaIsRefused()
    {
        const QString url = QStringLiteral("https://localhost:%1").arg(m_port);
        CtlResult r = list(url, {QStringLiteral("--ca"), file("other-ca.pem")});
        qInfo("another CA: %s", qPrintable(r.err.trimmed()));
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QStringLiteral("cannot reach the server")) &&
                     r.err.contains(QStringLiteral("certificate"), Qt::CaseInsensitive),
                 qPrintable(r.err));
        // Without --ca, the system's store does not know the throwaway CA either.
        r = list(url);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QStringLiteral("certificate"), Qt::CaseInsensitive),
                 qPrintable(r.err));
        // Nothing reached the server: an untrusted TLS peer never sees the token.
        QVERIFY(!r.err.contains(QStringLiteral("HTTP 401")));
    }

    void aHostNameTheCertificateDoesNotNameIsRefused()
    {
        // The same server and CA, reached as 127.0.0.1: the certificate names only localhost.
        const CtlResult r = list(QStringLiteral("https://127.0.0.1:%1").arg(m_port),
                                 {QStringLiteral("--ca"), file("ca.pem")});
        qInfo("host name mismatch: %s", qPrintable(r.err.trimmed()));
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QStringLiteral("host name did not match"), Qt::CaseInsensitive),
                 qPrintable(r.err));
    }

    void plainHttpToAnotherComputerIsRefusedUnlessInsecure()
    {
        // TEST-NET-1: nothing answers there; the refusal comes before any attempt to connect.
        CtlResult r = list(QStringLiteral("http://192.0.2.1:7878"));
        QCOMPARE(r.err.trimmed(),
                 QStringLiteral("interlockctl: list failed: refusing plain http:// to 192.0.2.1, "
                                "which is not this machine: the token would cross the network "
                                "unencrypted. Use https://, or allow it explicitly with "
                                "--insecure"));
        QCOMPARE(r.exitCode, 1);
        // Proof that no connection is attempted: a listener on one of this machine's own
        // non-loopback addresses sees nothing, until --insecure is given.
        QHostAddress own;
        for (const QHostAddress &a : QNetworkInterface::allAddresses()) {
            if (a.protocol() == QAbstractSocket::IPv4Protocol && !a.isLoopback())
                own = a;
        }
        if (own.isNull()) {
            qWarning("this machine has no non-loopback IPv4 address: the listener check is left "
                     "out (the refusal message above still shows no connection was tried)");
            return;
        }
        QTcpServer listener;
        QVERIFY(listener.listen(own, 0));
        const QString plain =
            QStringLiteral("http://%1:%2").arg(own.toString()).arg(listener.serverPort());
        r = list(plain);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QStringLiteral("refusing plain http://")), qPrintable(r.err));
        QVERIFY(!listener.waitForNewConnection(200));
        qInfo("no connection reached %s without --insecure", qPrintable(plain));
        // With --insecure it does connect (the listener never answers; the ctl is stopped).
        QProcess ctl;
        ctl.start(QStringLiteral(INTERLOCKCTL_PATH),
                  {QStringLiteral("list"), QStringLiteral("--server"), plain,
                   QStringLiteral("--token"), m_admin, QStringLiteral("--insecure")});
        QVERIFY(listener.waitForNewConnection(10000));
        ctl.kill();
        ctl.waitForFinished();
    }

    void loopbackHttpIsAllowed()
    {
        QTemporaryDir dir;
        const QString db = dir.filePath(QStringLiteral("plain.db"));
        const QString admin = createToken(db, QStringLiteral("admin"), QStringLiteral("root"));
        Daemon plain(db);
        QVERIFY2(plain.start(), qPrintable(plain.errorOutput()));
        for (const QString &host : {QStringLiteral("127.0.0.1"), QStringLiteral("localhost")}) {
            const CtlResult r =
                runCtl({QStringLiteral("list"), QStringLiteral("--server"),
                        QStringLiteral("http://%1:%2").arg(host).arg(plain.url().port()),
                        QStringLiteral("--token"), admin});
            QVERIFY2(r.exitCode == 0, qPrintable(host + QStringLiteral(": ") + r.err));
        }
    }

    void theDaemonRefusesUnusableTlsFiles()
    {
        QProcess d;
        d.start(QStringLiteral(INTERLOCKD_PATH),
                {QStringLiteral("--db"), file("x.db"), QStringLiteral("--tls-cert"),
                 file("server.pem")});
        QVERIFY(d.waitForFinished(10000));
        QCOMPARE(d.exitCode(), 2);
        QCOMPARE(QString::fromUtf8(d.readAllStandardError()).trimmed(),
                 QStringLiteral("interlockd: --tls-cert and --tls-key go together"));
        d.start(QStringLiteral(INTERLOCKD_PATH),
                {QStringLiteral("--db"), file("y.db"), QStringLiteral("--listen"),
                 QStringLiteral("127.0.0.1:0"), QStringLiteral("--tls-cert"), file("server.pem"),
                 QStringLiteral("--tls-key"), file("server.ext")});
        QVERIFY(d.waitForFinished(10000));
        QCOMPARE(d.exitCode(), 1);
        QCOMPARE(QString::fromUtf8(d.readAllStandardError()).trimmed(),
                 QStringLiteral("interlockd: TLS: %1 holds no unencrypted PEM private key (RSA or "
                                "EC)")
                     .arg(file("server.ext")));
    }

    void settingsAskForInsecureHttpInSoManyWords()
    {
        QSettings().clear();
        SettingsDialog dialog(ServerChoice{});
        dialog.remoteButton()->setChecked(true);
        dialog.tokenEdit()->setText(QStringLiteral("ilk_abc"));
        dialog.urlEdit()->setText(QStringLiteral("http://interlock.corp:7878"));
        QVERIFY(!dialog.canAccept());
        QVERIFY2(
            dialog.statusText().startsWith(QStringLiteral("Plain http:// to another computer")),
            qPrintable(dialog.statusText()));
        QVERIFY(!dialog.insecureWarningShown());
        dialog.insecureBox()->setChecked(true);
        QVERIFY(dialog.canAccept());
        QVERIFY(dialog.insecureWarningShown());
        ServerChoice c = dialog.choice();
        QVERIFY(c.insecure);
        // Remembered.
        c.token.clear();
        c.save();
        const ServerChoice loaded = ServerChoice::load();
        QVERIFY(loaded.remote && loaded.insecure);
        QCOMPARE(loaded.url, QUrl(QStringLiteral("http://interlock.corp:7878")));
        // This computer needs no such permission.
        dialog.insecureBox()->setChecked(false);
        dialog.urlEdit()->setText(QStringLiteral("http://127.0.0.1:7878"));
        QVERIFY(dialog.canAccept());
        QSettings().clear();
    }

    void settingsTestTheConnectionWithTheCaFile()
    {
        SettingsDialog dialog(ServerChoice{});
        dialog.remoteButton()->setChecked(true);
        dialog.urlEdit()->setText(QStringLiteral("https://localhost:%1").arg(m_port));
        dialog.tokenEdit()->setText(m_admin);
        dialog.caFileEdit()->setText(file("server.ext"));
        QVERIFY(!dialog.canAccept());
        QVERIFY2(dialog.statusText().contains(QStringLiteral("holds no PEM certificate")),
                 qPrintable(dialog.statusText()));
        QSignalSpy tested(&dialog, &SettingsDialog::tested);
        dialog.caFileEdit()->setText(file("other-ca.pem"));
        QVERIFY(dialog.canAccept());
        dialog.testConnection();
        QTRY_COMPARE(tested.count(), 1);
        QCOMPARE(tested.at(0).at(0).toBool(), false);
        dialog.caFileEdit()->setText(file("ca.pem"));
        dialog.testConnection();
        QTRY_COMPARE(tested.count(), 2);
        QCOMPARE(tested.at(1).at(0).toBool(), true);
        QVERIFY2(dialog.statusText().startsWith(QStringLiteral("Signed in as root (admin)")),
                 qPrintable(dialog.statusText()));
    }

    void theConsoleConnectsOverVerifiedTls()
    {
        QTemporaryDir dir;
        ConsoleApp console(dir.filePath(QStringLiteral("console.db")), 0);
        ServerChoice choice{true,
                            QUrl(QStringLiteral("https://localhost:%1").arg(m_port)),
                            {},
                            file("ca.pem"),
                            false};
        console.connectRemote(choice, m_admin, false);
        QTRY_VERIFY(console.backend()->isConnected());
        QTRY_COMPARE(console.backend()->role(), QStringLiteral("admin"));
    }
};

QTEST_MAIN(TestTls)
#include "tst_tls.moc"
