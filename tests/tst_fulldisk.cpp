// A kill on a full disk, over the real interlockd on a small real tmpfs (mounted here: these
// tests need root, as CI has, and fail when they cannot mount). The kill and stop-all are
// recorded through the disk reserve; without a reserve the kill holds in memory and is recorded
// as soon as there is room; every other write fails cleanly with 507.
#include "support/Daemon.h"
#include "support/TestServer.h"

#include <QDir>
#include <QJsonArray>
#include <QSqlQuery>
#include <QtTest>
#include <fcntl.h>
#include <sys/statvfs.h>
#include <unistd.h>

using namespace interlock;
using namespace interlock::test;

namespace {
constexpr qint64 kMiB = 1024 * 1024;

QString sessionStatus(ApiClient &admin, const QString &id, QJsonObject *session = nullptr)
{
    const ApiResult r = admin.call("GET", QStringLiteral("/v1/sessions/") + id);
    const QJsonObject s = r.body.value(QStringLiteral("session")).toObject();
    if (session)
        *session = s;
    return s.value(QStringLiteral("status")).toString();
}

qint64 freeBytes(const QString &path)
{
    struct statvfs s {
    };
    if (::statvfs(QFile::encodeName(path).constData(), &s) != 0)
        return -1;
    return qint64(s.f_bavail) * qint64(s.f_frsize);
}
} // namespace

class TestFullDisk : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_disk;
    bool m_mounted = false;

    QString db() const { return m_disk + QStringLiteral("/interlock.db"); }
    QString filler() const { return m_disk + QStringLiteral("/filler"); }

    // Writes zeros until the disk says no more (ENOSPC); returns the bytes written.
    qint64 fillDisk()
    {
        const int fd = ::open(QFile::encodeName(filler()).constData(),
                              O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        if (fd < 0)
            return -1;
        qint64 total = 0;
        const QByteArray chunk(64 * 1024, '\0');
        for (qint64 size = chunk.size(); size > 0; size /= 2) {
            for (;;) {
                const ssize_t n = ::write(fd, chunk.constData(), size_t(size));
                if (n <= 0)
                    break;
                total += n;
            }
        }
        ::close(fd);
        return total;
    }

    struct Agent {
        QString id;
        QString token;
        QStringList actions;
    };
    // Opens a session and submits `count` actions. Not deletes: the shipped circuit breaker
    // freezes a session after more than 20 destructive actions in a minute (docs/safety.md).
    static Agent openAgent(const QUrl &url, const QString &enrollment, const QString &name,
                           int count)
    {
        ApiClient enroll(url, enrollment);
        const ApiResult opened = enroll.call("POST", QStringLiteral("/v1/sessions"),
                                             QJsonObject{{QStringLiteral("agent"), name}});
        Agent a{opened.body.value(QStringLiteral("session"))
                    .toObject()
                    .value(QStringLiteral("id"))
                    .toString(),
                opened.body.value(QStringLiteral("token")).toString(),
                {}};
        ApiClient client(url, a.token);
        for (int i = 0; i < count; ++i) {
            const ApiResult r =
                client.call("POST", QStringLiteral("/v1/actions"),
                            sampleAction(QStringLiteral("shell.exec"),
                                         QStringLiteral("List the build folder %1").arg(i)));
            if (r.status == 201)
                a.actions.append(r.body.value(QStringLiteral("id")).toString());
        }
        return a;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_disk = m_dir.filePath(QStringLiteral("disk"));
        QVERIFY(QDir().mkpath(m_disk));
        QProcess mount;
        mount.start(QStringLiteral("mount"),
                    {QStringLiteral("-t"), QStringLiteral("tmpfs"), QStringLiteral("-o"),
                     QStringLiteral("size=24m,mode=0700"), QStringLiteral("interlock-test"),
                     m_disk});
        const bool finished = mount.waitForFinished(20000);
        m_mounted = finished && mount.exitStatus() == QProcess::NormalExit && mount.exitCode() == 0;
        QVERIFY2(m_mounted,
                 qPrintable(QStringLiteral("cannot mount a 24 MiB tmpfs at %1 (%2): these tests "
                                           "fill a real small disk, so they must run as root "
                                           "(CI does)")
                                .arg(m_disk,
                                     QString::fromLocal8Bit(mount.readAllStandardError().trimmed() +
                                                            mount.errorString().toLocal8Bit()))));
    }

    void cleanupTestCase()
    {
        if (m_mounted)
            QProcess::execute(QStringLiteral("umount"), {QStringLiteral("-l"), m_disk});
    }

    void cleanup()
    {
        for (const QString &name : QDir(m_disk).entryList(QDir::Files | QDir::Hidden))
            QFile::remove(m_disk + QLatin1Char('/') + name);
    }

    void killAndStopAllAreRecordedOnAFullDisk()
    {
        const QString enrollment = createToken(db(), QStringLiteral("agent"), QStringLiteral("e"));
        const QString oncall = createToken(db(), QStringLiteral("oncall"), QStringLiteral("dana"));
        const QString admin = createToken(db(), QStringLiteral("admin"), QStringLiteral("root"));
        QVERIFY(!admin.isEmpty());
        const QStringList reserve4{QStringLiteral("--disk-reserve"), QStringLiteral("4")};
        Agent flooder, other1, other2;
        {
            Daemon setup(db(), reserve4);
            QVERIFY2(setup.start(), qPrintable(setup.errorOutput()));
            flooder = openAgent(setup.url(), enrollment, QStringLiteral("mail-cleaner"), 100);
            other1 = openAgent(setup.url(), enrollment, QStringLiteral("other-1"), 1);
            other2 = openAgent(setup.url(), enrollment, QStringLiteral("other-2"), 1);
            QCOMPARE(flooder.actions.size(), 100);
            QCOMPARE(setup.stop(), 0);
        }
        // A fresh start (its write-ahead log begins empty, so every write needs new room).
        Daemon daemon(db(), reserve4);
        QVERIFY2(daemon.start(), qPrintable(daemon.errorOutput()));
        const QString reservePath = db() + QStringLiteral(".reserve");
        QCOMPARE(QFileInfo(reservePath).size(), 4 * kMiB);
        QVERIFY(fillDisk() > 0);
        QCOMPARE(freeBytes(m_disk), 0);

        ApiClient agent(daemon.url(), flooder.token), root(daemon.url(), admin),
            stopper(daemon.url(), oncall);
        // Any other write fails cleanly, and the server stays up.
        const ApiResult refused = agent.call("POST", QStringLiteral("/v1/actions"), sampleAction());
        QCOMPARE(refused.status, 507);
        QCOMPARE(refused.error().code, QStringLiteral("insufficient_storage"));
        QCOMPARE(root.call("GET", QStringLiteral("/v1/health")).status, 200);

        const ApiResult kill =
            stopper.call("POST", QStringLiteral("/v1/sessions/%1/kill").arg(flooder.id),
                         QJsonObject{{QStringLiteral("reason"), QStringLiteral("disk full")}});
        QCOMPARE(kill.status, 200);
        QCOMPARE(kill.body.value(QStringLiteral("recorded")), QJsonValue(true));
        QCOMPARE(kill.body.value(QStringLiteral("cancelled")).toInt(), 100);
        QVERIFY2(daemon.errorOutput().contains(QStringLiteral("released the 4194304-byte disk "
                                                              "reserve")),
                 qPrintable(daemon.errorOutput()));
        QCOMPARE(agent.call("GET", QStringLiteral("/v1/me")).error().code,
                 QStringLiteral("session_killed"));
        QJsonObject session;
        QCOMPARE(sessionStatus(root, flooder.id, &session), QStringLiteral("killed"));
        QCOMPARE(session.value(QStringLiteral("pending")).toInt(), 0);
        QVERIFY(!session.contains(QStringLiteral("recorded")));
        // The reserve took back what the kill left of it.
        const qint64 left = QFileInfo(reservePath).size();
        QVERIFY2(left > 0 && left < 4 * kMiB, qPrintable(QString::number(left)));

        // Stop-all on the still full disk.
        QCOMPARE(agent.call("POST", QStringLiteral("/v1/actions"), sampleAction()).status, 403);
        QCOMPARE(ApiClient(daemon.url(), other1.token)
                     .call("POST", QStringLiteral("/v1/actions"), sampleAction())
                     .status,
                 507);
        const ApiResult all = stopper.call("POST", QStringLiteral("/v1/stop-all"));
        QCOMPARE(all.status, 200);
        QCOMPARE(all.body.value(QStringLiteral("recorded")), QJsonValue(true));
        QCOMPARE(all.body.value(QStringLiteral("killed")).toInt(), 2);
        QCOMPARE(all.body.value(QStringLiteral("cancelled")).toInt(), 2);
        QCOMPARE(sessionStatus(root, other2.id), QStringLiteral("killed"));
        QCOMPARE(ApiClient(daemon.url(), other2.token)
                     .call("GET", QStringLiteral("/v1/me"))
                     .error()
                     .code,
                 QStringLiteral("session_killed"));

        // Room again: the reserve is whole within a few seconds, and writes work.
        QVERIFY(QFile::remove(filler()));
        QTRY_COMPARE(QFileInfo(reservePath).size(), 4 * kMiB);
        QCOMPARE(ApiClient(daemon.url(), enrollment)
                     .call("POST", QStringLiteral("/v1/sessions"),
                           QJsonObject{{QStringLiteral("agent"), QStringLiteral("after")}})
                     .status,
                 201);
        QCOMPARE(daemon.stop(), 0);

        // What is on disk: the kill with its 100 cancellations and its audit entry, stop-all.
        withOutsideConnection(db(), [&](QSqlDatabase &file) {
            QSqlQuery q(file);
            QVERIFY(q.exec(QStringLiteral("SELECT status FROM sessions WHERE id = '%1'")
                               .arg(flooder.id)) &&
                    q.next());
            QCOMPARE(q.value(0).toString(), QStringLiteral("killed"));
            QVERIFY(q.exec(QStringLiteral("SELECT count(*) FROM actions WHERE session_id = '%1' "
                                          "AND status = 'cancelled'")
                               .arg(flooder.id)) &&
                    q.next());
            QCOMPARE(q.value(0).toInt(), 100);
            QVERIFY(q.exec(QStringLiteral("SELECT count(*) FROM audit WHERE (type = 'session.kill' "
                                          "AND subject = '%1') OR type = 'stop.all'")
                               .arg(flooder.id)) &&
                    q.next());
            QCOMPARE(q.value(0).toInt(), 2);
        });
        const CtlResult verify = runCtl(
            {QStringLiteral("audit"), QStringLiteral("verify"), QStringLiteral("--db"), db()});
        QVERIFY2(verify.exitCode == 0, qPrintable(verify.out + verify.err));
    }

    void withoutAReserveTheKillHoldsInMemoryUntilThereIsRoom()
    {
        // The same full disk with no reserve: this is what the reserve prevents.
        const QString enrollment = createToken(db(), QStringLiteral("agent"), QStringLiteral("e"));
        const QString reviewer =
            createToken(db(), QStringLiteral("reviewer"), QStringLiteral("rita"));
        const QString admin = createToken(db(), QStringLiteral("admin"), QStringLiteral("root"));
        const QStringList noReserve{QStringLiteral("--disk-reserve"), QStringLiteral("0")};
        Agent flooder;
        {
            Daemon setup(db(), noReserve);
            QVERIFY2(setup.start(), qPrintable(setup.errorOutput()));
            flooder = openAgent(setup.url(), enrollment, QStringLiteral("mail-cleaner"), 10);
            QCOMPARE(setup.stop(), 0);
        }
        Daemon daemon(db(), noReserve);
        QVERIFY2(daemon.start(), qPrintable(daemon.errorOutput()));
        QVERIFY(!QFileInfo::exists(db() + QStringLiteral(".reserve")) ||
                QFileInfo(db() + QStringLiteral(".reserve")).size() == 0);
        QVERIFY(fillDisk() > 0);

        ApiClient root(daemon.url(), admin), agent(daemon.url(), flooder.token);
        const ApiResult kill =
            root.call("POST", QStringLiteral("/v1/sessions/%1/kill").arg(flooder.id));
        QCOMPARE(kill.status, 200);
        QCOMPARE(kill.body.value(QStringLiteral("recorded")), QJsonValue(false));
        QCOMPARE(kill.body.value(QStringLiteral("session"))
                     .toObject()
                     .value(QStringLiteral("status"))
                     .toString(),
                 QStringLiteral("killed"));
        QVERIFY2(daemon.errorOutput().contains(QStringLiteral("KILL NOT RECORDED YET")),
                 qPrintable(daemon.errorOutput()));
        // Refused in memory: the token, and any decision on what the agent left pending.
        QCOMPARE(agent.call("GET", QStringLiteral("/v1/me")).error().code,
                 QStringLiteral("session_killed"));
        const ApiResult approval =
            ApiClient(daemon.url(), reviewer)
                .call("POST",
                      QStringLiteral("/v1/actions/%1/decision").arg(flooder.actions.first()),
                      QJsonObject{{QStringLiteral("decision"), QStringLiteral("approve")}});
        QCOMPARE(approval.status, 409);
        QCOMPARE(approval.error().code, QStringLiteral("session_killed"));
        QJsonObject session;
        QCOMPARE(sessionStatus(root, flooder.id, &session), QStringLiteral("killed"));
        QCOMPARE(session.value(QStringLiteral("recorded")), QJsonValue(false));

        // Room again: the background retries record it.
        QVERIFY(QFile::remove(filler()));
        QTRY_VERIFY_WITH_TIMEOUT((sessionStatus(root, flooder.id, &session),
                                  !session.contains(QStringLiteral("recorded"))),
                                 10000);
        QCOMPARE(session.value(QStringLiteral("status")).toString(), QStringLiteral("killed"));
        QCOMPARE(session.value(QStringLiteral("pending")).toInt(), 0);
        QVERIFY2(daemon.errorOutput().contains(QStringLiteral("is recorded")),
                 qPrintable(daemon.errorOutput()));
        QCOMPARE(daemon.stop(), 0);
    }
};

QTEST_GUILESS_MAIN(TestFullDisk)
#include "tst_fulldisk.moc"
