// Durability with the real interlockd process: every action that got a 201 survives SIGKILL.
#include "support/TestServer.h"

#include <QJsonArray>
#include <QProcess>
#include <QRegularExpression>
#include <QtTest>
#include <csignal>

using namespace interlock;
using namespace interlock::test;

namespace {
// Starts interlockd on a free loopback port and returns its URL (empty on failure).
QUrl startDaemon(QProcess &process, const QString &db)
{
    process.setProgram(QStringLiteral(INTERLOCKD_PATH));
    process.setArguments(
        {QStringLiteral("--db"), db, QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0")});
    process.start();
    if (!process.waitForStarted(10000))
        return {};
    QByteArray out;
    while (!out.contains('\n') && process.waitForReadyRead(10000))
        out += process.readAllStandardOutput();
    const auto m = QRegularExpression(QStringLiteral("listening on (http://\\S+)"))
                       .match(QString::fromUtf8(out));
    return m.hasMatch() ? QUrl(m.captured(1)) : QUrl();
}

QString ctlToken(const QString &db, const char *role)
{
    QProcess ctl;
    ctl.start(QStringLiteral(INTERLOCKCTL_PATH),
              {QStringLiteral("token"), QStringLiteral("create"), QStringLiteral("--db"), db,
               QStringLiteral("--role"), QString::fromLatin1(role), QStringLiteral("--name"),
               QStringLiteral("durability-") + QString::fromLatin1(role)});
    ctl.waitForFinished(10000);
    return QString::fromUtf8(ctl.readAllStandardOutput()).trimmed();
}
} // namespace

class TestDurability : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void acknowledgedActionsSurviveSigkill()
    {
        QTemporaryDir dir;
        const QString db = freshDatabase(dir, QStringLiteral("d.db"));
        const QString agent = ctlToken(db, "agent");
        const QString admin = ctlToken(db, "admin");
        QVERIFY(agent.startsWith(QStringLiteral("ilk_")));

        QProcess daemon;
        const QUrl url = startDaemon(daemon, db);
        QVERIFY2(url.isValid(), qPrintable(daemon.readAllStandardError()));
        ApiClient enroll(url, agent);
        const ApiResult opened =
            enroll.call("POST", QStringLiteral("/v1/sessions"),
                        QJsonObject{{QStringLiteral("agent"), QStringLiteral("flood")}});
        QCOMPARE(opened.status, 201);
        ApiClient agentClient(url, opened.body.value(QStringLiteral("token")).toString());

        // Keep 8 submissions in flight; SIGKILL the server once 150 were acknowledged, while
        // more are still on the wire.
        QHash<QString, QJsonObject> acknowledged;
        int sent = 0;
        bool killed = false;
        std::function<void()> sendOne = [&] {
            if (killed)
                return;
            QJsonObject body = sampleAction();
            body.insert(QStringLiteral("title"), QStringLiteral("flood #%1").arg(++sent));
            agentClient.request(
                "POST", QStringLiteral("/v1/actions"), body, [&](const ApiResult &r) {
                    if (r.status == 201 && !killed)
                        acknowledged.insert(r.body.value(QStringLiteral("id")).toString(), r.body);
                    if (!killed && acknowledged.size() >= 150) {
                        killed = true;
                        ::kill(pid_t(daemon.processId()), SIGKILL);
                    }
                    sendOne();
                });
        };
        for (int i = 0; i < 8; ++i)
            sendOne();
        QTRY_VERIFY_WITH_TIMEOUT(killed, 30000);
        QTRY_COMPARE_WITH_TIMEOUT(daemon.state(), QProcess::NotRunning, 10000);
        QCOMPARE(daemon.exitStatus(), QProcess::CrashExit);
        qInfo("sent %d, acknowledged %lld before SIGKILL", sent, qint64(acknowledged.size()));

        QProcess restarted;
        const QUrl url2 = startDaemon(restarted, db);
        QVERIFY(url2.isValid());
        ApiClient reader(url2, admin);
        QHash<QString, QJsonObject> stored;
        QString cursor;
        do {
            const ApiResult page = reader.call(
                "GET", QStringLiteral("/v1/actions?limit=500") +
                           (cursor.isEmpty() ? QString() : QStringLiteral("&cursor=") + cursor));
            QCOMPARE(page.status, 200);
            for (const QJsonValue &v : page.body.value(QStringLiteral("actions")).toArray())
                stored.insert(v.toObject().value(QStringLiteral("id")).toString(), v.toObject());
            cursor = page.body.value(QStringLiteral("next_cursor")).toString();
        } while (!cursor.isEmpty());
        QVERIFY(stored.size() >= acknowledged.size());
        for (auto it = acknowledged.cbegin(); it != acknowledged.cend(); ++it) {
            QVERIFY2(stored.contains(it.key()),
                     qPrintable(it.key() + QStringLiteral(" was acknowledged but is gone")));
            QCOMPARE(stored.value(it.key()), it.value());
        }
        restarted.terminate();
        QVERIFY(restarted.waitForFinished(10000));
        QCOMPARE(restarted.exitCode(), 0);
    }

    // The server's commits only write the log; a thread of its own then syncs it (WalFileSync)
    // and replies wait for that. When the disk does not confirm (here: the log is gone from
    // its folder, so it cannot be synced), nothing is built on what may be lost: that reply and
    // every answer after it, reads too, are errors until a restart; a kill still works (memory).
    void aDiskThatDoesNotConfirmStopsEveryAnswer()
    {
        if (testingPostgres())
            QSKIP("PostgreSQL's commit is durable by itself: no log file of ours to sync");
        QTemporaryDir dir;
        const QString db = freshDatabase(dir, QStringLiteral("d.db"));
        const QString agent = ctlToken(db, "agent");
        const QString admin = ctlToken(db, "admin");
        QProcess daemon;
        const QUrl url = startDaemon(daemon, db);
        QVERIFY2(url.isValid(), qPrintable(daemon.readAllStandardError()));
        ApiClient enroll(url, agent);
        const ApiResult opened =
            enroll.call("POST", QStringLiteral("/v1/sessions"),
                        QJsonObject{{QStringLiteral("agent"), QStringLiteral("mailer")}});
        QCOMPARE(opened.status, 201);
        const QString session = opened.body.value(QStringLiteral("session"))
                                    .toObject()
                                    .value(QStringLiteral("id"))
                                    .toString();
        ApiClient agentClient(url, opened.body.value(QStringLiteral("token")).toString());
        ApiClient reviewer(url, admin);
        QCOMPARE(agentClient.call("POST", QStringLiteral("/v1/actions"), sampleAction()).status,
                 201);
        QCOMPARE(reviewer.call("GET", QStringLiteral("/v1/actions")).status, 200);

        QVERIFY(QFile::remove(db + QStringLiteral("-wal")));
        const ApiResult lost =
            agentClient.call("POST", QStringLiteral("/v1/actions"), sampleAction());
        QCOMPARE(lost.status, 500);
        QVERIFY2(lost.describe().contains(QStringLiteral("did not confirm")),
                 qPrintable(lost.describe()));
        const ApiResult read = reviewer.call("GET", QStringLiteral("/v1/actions"));
        QCOMPARE(read.status, 500);
        QCOMPARE(reviewer.call("GET", QStringLiteral("/v1/sessions/") + session).status, 500);
        // A load balancer or a monitor takes it out.
        const ApiResult health = reviewer.call("GET", QStringLiteral("/v1/health"));
        QCOMPARE(health.status, 503);
        QCOMPARE(health.body.value(QStringLiteral("status")).toString(), QStringLiteral("broken"));

        const ApiResult kill =
            reviewer.call("POST", QStringLiteral("/v1/sessions/%1/kill").arg(session),
                          QJsonObject{{QStringLiteral("reason"), QStringLiteral("stop")}});
        QVERIFY2(kill.status == 200 || kill.status == 202, qPrintable(kill.describe()));
        const ApiResult refused =
            agentClient.call("POST", QStringLiteral("/v1/actions"), sampleAction());
        // Refused from memory (the kill) or as every answer now: never accepted.
        QVERIFY2(refused.status == 410 || refused.status == 500, qPrintable(refused.describe()));

        daemon.terminate();
        QVERIFY(daemon.waitForFinished(10000));
        QVERIFY(daemon.readAllStandardError().contains("THE DISK DID NOT CONFIRM A COMMIT"));
    }

    void refusesAnUnusableDatabase()
    {
        QTemporaryDir dir;
        // A file that is not SQLite, or a PostgreSQL database that does not exist.
        QString notADb = dir.filePath(QStringLiteral("junk.db"));
        if (testingPostgres()) {
            QUrl url(freshDatabase(dir));
            url.setPath(QStringLiteral("/no_such_database"));
            notADb = url.toString();
        }
        QFile f(notADb);
        if (!testingPostgres()) {
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(QByteArray(8192, 'j'));
            f.close();
        }
        QProcess daemon;
        daemon.start(QStringLiteral(INTERLOCKD_PATH),
                     {QStringLiteral("--db"), notADb, QStringLiteral("--listen"),
                      QStringLiteral("127.0.0.1:0")});
        QVERIFY(daemon.waitForFinished(10000));
        QCOMPARE(daemon.exitCode(), 1);
        QVERIFY(daemon.readAllStandardError().contains("interlockd:"));
    }

    void rejectsABadListenAddress()
    {
        QProcess daemon;
        daemon.start(QStringLiteral(INTERLOCKD_PATH),
                     {QStringLiteral("--listen"), QStringLiteral("nowhere")});
        QVERIFY(daemon.waitForFinished(10000));
        QCOMPARE(daemon.exitCode(), 2);
    }
};

QTEST_GUILESS_MAIN(TestDurability)
#include "tst_durability.moc"
