// interlockctl never writes control bytes from agent text to a terminal: C0 and C1 controls,
// ANSI escapes and bidi overrides come out as visible \uXXXX escapes. The real interlockctl
// against a real server on loopback.
#include "support/TestServer.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QtTest>

using namespace interlock;
using namespace interlock::test;

namespace {
struct Run {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

// What a terminal would act on: C0 but the line feed, DEL, and C1 as UTF-8 (C2 80 to C2 9F),
// and the bidi overrides and isolates (E2 80 AA-AE, E2 81 A6-A9).
QString controlBytesIn(const QByteArray &bytes)
{
    for (qsizetype i = 0; i < bytes.size(); ++i) {
        const auto b = quint8(bytes[i]);
        const auto next = i + 1 < bytes.size() ? quint8(bytes[i + 1]) : 0;
        const auto third = i + 2 < bytes.size() ? quint8(bytes[i + 2]) : 0;
        if ((b < 0x20 && b != '\n') || b == 0x7f || (b == 0xc2 && next >= 0x80 && next <= 0x9f) ||
            (b == 0xe2 && next == 0x80 && third >= 0xaa && third <= 0xae) ||
            (b == 0xe2 && next == 0x81 && third >= 0xa6 && third <= 0xa9))
            return QStringLiteral("byte %1 at %2 in: %3")
                .arg(b, 2, 16)
                .arg(i)
                .arg(QString::fromUtf8(bytes.toPercentEncoding(" \n{}[]:,\"'")));
    }
    return {};
}

const QString kHostileTitle =
    QStringLiteral("Rotate keys \u009B31mRED\u009B0m \u202Egnp.exe\u202C done");
const QString kHostileCommand = QStringLiteral("echo \u001B[2J\u001B]0;pwned\u0007\u009D8;;x\u0007 "
                                               "\u0085\r\u0008\u007F");
} // namespace

class TestTerminal : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<TestServer> m_server;

    Run ctl(const QStringList &args, const QString &token)
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("INTERLOCK_URL"), m_server->url().toString());
        env.insert(QStringLiteral("INTERLOCK_TOKEN"), token);
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(INTERLOCKCTL_PATH), args);
        if (!QTest::qWaitFor([&p] { return p.state() == QProcess::NotRunning; }, 20000))
            qWarning("interlockctl %s did not finish", qPrintable(args.join(QLatin1Char(' '))));
        return {p.exitCode(), p.readAllStandardOutput(), p.readAllStandardError()};
    }

    QJsonObject hostileAction()
    {
        QJsonObject a = sampleAction(QStringLiteral("shell.exec"), kHostileTitle);
        a.insert(QStringLiteral("payload"),
                 QJsonObject{{QStringLiteral("command"), kHostileCommand}});
        return a;
    }

private Q_SLOTS:
    void init() { m_server = std::make_unique<TestServer>(); }
    void cleanup() { m_server.reset(); }

    void printableTextPassesUntouched()
    {
        const auto session = m_server->openSession(QStringLiteral("plain"));
        m_server->submit(session.second, sampleAction(QStringLiteral("shell.exec"),
                                                      QStringLiteral("Grüße, ünïcödé & \"x\"")));
        const Run list = ctl({QStringLiteral("list")}, m_server->token(Role::Reviewer));
        QCOMPARE(list.exitCode, 0);
        QVERIFY(QString::fromUtf8(list.out).contains(QStringLiteral("Grüße, ünïcödé & \"x\"")));
    }

    void listShowsControlsEscaped()
    {
        // The server refuses controls in an agent's name (tst_badinput): the title carries them.
        const auto session = m_server->openSession(QStringLiteral("evil"));
        const QString id = m_server->submit(session.second, hostileAction());
        QVERIFY(!id.isEmpty());
        const Run list = ctl({QStringLiteral("list")}, m_server->token(Role::Reviewer));
        QCOMPARE(list.exitCode, 0);
        QVERIFY2(controlBytesIn(list.out).isEmpty(), qPrintable(controlBytesIn(list.out)));
        QVERIFY2(list.out.contains("Rotate keys \\u009b31mRED\\u009b0m \\u202egnp.exe\\u202c"),
                 list.out.constData());

        // As JSON: still valid, and it reads back as exactly what the agent sent.
        const Run json = ctl({QStringLiteral("list"), QStringLiteral("--json")},
                             m_server->token(Role::Reviewer));
        QCOMPARE(json.exitCode, 0);
        QVERIFY2(controlBytesIn(json.out).isEmpty(), qPrintable(controlBytesIn(json.out)));
        QJsonParseError error{};
        const QJsonObject doc = QJsonDocument::fromJson(json.out, &error).object();
        QCOMPARE(error.error, QJsonParseError::NoError);
        const QJsonObject action =
            doc.value(QStringLiteral("actions")).toArray().first().toObject();
        QCOMPARE(action.value(QStringLiteral("title")).toString(), kHostileTitle);
        QCOMPARE(action.value(QStringLiteral("payload"))
                     .toObject()
                     .value(QStringLiteral("command"))
                     .toString(),
                 kHostileCommand);
    }

    void waitAndDecidePrintNoControls()
    {
        const auto session = m_server->openSession(QStringLiteral("evil"));
        const QString id = m_server->submit(session.second, hostileAction());
        const Run decide = ctl({QStringLiteral("decide"), id, QStringLiteral("approve")},
                               m_server->token(Role::Reviewer));
        QCOMPARE(decide.exitCode, 0);
        QVERIFY(controlBytesIn(decide.out).isEmpty());
        // Hidden text makes the action critical (two approvals): a second person approves too.
        const int required =
            m_server
                ->call(m_server->token(Role::Reviewer), "GET", QStringLiteral("/v1/actions/") + id)
                .body.value(QStringLiteral("required_approvals"))
                .toInt();
        if (required > 1) {
            const Run second = ctl(
                {QStringLiteral("decide"), id, QStringLiteral("approve")},
                m_server->server().createToken(Role::Reviewer, QStringLiteral("second reviewer")));
            QCOMPARE(second.exitCode, 0);
            QVERIFY(controlBytesIn(second.out).isEmpty());
        }
        // The approved payload, as the agent's wrapper reads it: JSON that parses back exactly.
        const Run wait = ctl({QStringLiteral("wait"), id}, session.second);
        QCOMPARE(wait.exitCode, 0);
        QVERIFY2(controlBytesIn(wait.out).isEmpty(), qPrintable(controlBytesIn(wait.out)));
        QCOMPARE(
            QJsonDocument::fromJson(wait.out).object().value(QStringLiteral("command")).toString(),
            kHostileCommand);

        // A rejection prints the reviewer's comment; the server's error messages echo what
        // the agent sent (here an unknown field's name): both on stderr, escaped.
        const QString other = m_server->submit(session.second, hostileAction());
        QCOMPARE(ctl({QStringLiteral("decide"), other, QStringLiteral("reject"),
                      QStringLiteral("--comment"), QStringLiteral("no \u009B2J")},
                     m_server->token(Role::Reviewer))
                     .exitCode,
                 0);
        const Run rejected = ctl({QStringLiteral("wait"), other}, session.second);
        QCOMPARE(rejected.exitCode, 3);
        QVERIFY2(controlBytesIn(rejected.err).isEmpty(), qPrintable(controlBytesIn(rejected.err)));
        QVERIFY(rejected.err.contains("no \\u009b2J"));
    }

    void serverErrorsEchoingAgentTextAreEscaped()
    {
        const auto session = m_server->openSession(QStringLiteral("evil"));
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("INTERLOCK_URL"), m_server->url().toString());
        env.insert(QStringLiteral("INTERLOCK_TOKEN"), session.second);
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(INTERLOCKCTL_PATH), {QStringLiteral("submit"), QStringLiteral("-")});
        // (No raw string here: moc does not read this file with one.)
        p.write("{\"kind\":\"shell.exec\",\"title\":\"t\",\"payload\":{},"
                "\"\\u001b[31mred\\u009b\":1}");
        p.closeWriteChannel();
        QVERIFY(QTest::qWaitFor([&p] { return p.state() == QProcess::NotRunning; }, 20000));
        QCOMPARE(p.exitCode(), 1);
        const QByteArray err = p.readAllStandardError();
        QVERIFY2(controlBytesIn(err).isEmpty(), qPrintable(controlBytesIn(err)));
        QVERIFY2(err.contains("Unknown field '\\u001b[31mred\\u009b'"), err.constData());
    }
};

QTEST_GUILESS_MAIN(TestTerminal)
#include "tst_terminal.moc"
