// Schema versions and migrations, for both stores: a new database records every migration once,
// a database from a newer release is refused, a SQLite file from before the version table is
// taken over as it is, servers starting together on one PostgreSQL database migrate it once, and
// `interlockctl db migrate` does the same from the command line.
#include "server/PgStore.h"
#include "server/SchemaVersion.h"
#include "server/Store.h"
#include "server/StoreFactory.h"
#include "server/Tokens.h"
#include "support/TestServer.h"

#include <QProcess>
#include <QSqlQuery>
#include <QtTest>
#include <latch>
#include <thread>

using namespace interlock;
using namespace interlock::test;

namespace {
int latest()
{
    return testingPostgres() ? pgSchemaVersion() : sqliteSchemaVersion();
}

QList<int> recordedVersions(const QString &db)
{
    QList<int> out;
    withOutsideConnection(db, [&](QSqlDatabase &d) {
        QSqlQuery q(d);
        if (q.exec(QStringLiteral("SELECT version FROM schema_version ORDER BY version"))) {
            while (q.next())
                out.append(q.value(0).toInt());
        }
    });
    return out;
}

QList<int> oneTo(int n)
{
    QList<int> out;
    for (int i = 1; i <= n; ++i)
        out.append(i);
    return out;
}
} // namespace

class TestSchema : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void aNewDatabaseRecordsEveryMigrationOnce()
    {
        QTemporaryDir dir;
        const QString db = freshDatabase(dir, QStringLiteral("s.db"), true);
        for (int open = 0; open < 2; ++open) {
            const auto store = makeStore(db);
            QString error;
            QVERIFY2(store->open(&error), qPrintable(error));
            QVERIFY(
                store->insertToken(tokenHash(QStringLiteral("t%1").arg(open)),
                                   TokenRecord{QStringLiteral("dana"), Role::Reviewer, {}, false},
                                   1, QStringLiteral("test")));
        }
        QCOMPARE(recordedVersions(db), oneTo(latest()));
        QVERIFY(latest() >= 2);
    }

    void aDatabaseFromANewerReleaseIsRefused()
    {
        QTemporaryDir dir;
        const QString db = freshDatabase(dir, QStringLiteral("s.db"));
        {
            const auto store = makeStore(db);
            QString error;
            QVERIFY2(store->open(&error), qPrintable(error));
        }
        withOutsideConnection(db, [](QSqlDatabase &d) {
            QSqlQuery q(d);
            QVERIFY(q.exec(QStringLiteral("INSERT INTO schema_version VALUES (%1, 'future', 0)")
                               .arg(latest() + 1)));
        });
        {
            // Closed before the daemon starts: a SQLite store holds the file's lock while open.
            const auto store = makeStore(db);
            QString error;
            QVERIFY(!store->open(&error));
            QVERIFY2(error.contains(QStringLiteral("newer")), qPrintable(error));
        }
        QProcess daemon;
        daemon.start(QStringLiteral(INTERLOCKD_PATH),
                     {QStringLiteral("--db"), db, QStringLiteral("--listen"),
                      QStringLiteral("127.0.0.1:0")});
        QVERIFY(daemon.waitForFinished(20000));
        QCOMPARE(daemon.exitCode(), 1);
        QVERIFY(daemon.readAllStandardError().contains("newer"));
    }

    void aSqliteFileFromBeforeTheVersionTableIsTakenOver()
    {
        if (testingPostgres())
            QSKIP("SQLite files of earlier releases");
        QTemporaryDir dir;
        const QString db = dir.filePath(QStringLiteral("old.db"));
        {
            const auto store = makeStore(db);
            QString error;
            QVERIFY(store->open(&error));
            QVERIFY(
                store->insertToken(tokenHash(QStringLiteral("kept")),
                                   TokenRecord{QStringLiteral("dana"), Role::Reviewer, {}, false},
                                   1, QStringLiteral("test")));
        }
        // As the release before the migrations left it: a meta row, no version table.
        withOutsideConnection(db, [](QSqlDatabase &d) {
            QSqlQuery q(d);
            QVERIFY(q.exec(QStringLiteral("DROP TABLE schema_version")));
            QVERIFY(q.exec(QStringLiteral("INSERT OR REPLACE INTO meta VALUES ('schema_version', "
                                          "'2')")));
        });
        const auto store = makeStore(db);
        QString error;
        QVERIFY2(store->open(&error), qPrintable(error));
        QVERIFY(store->token(tokenHash(QStringLiteral("kept"))));
        QCOMPARE(recordedVersions(db), oneTo(latest()));
    }

    void serversStartingTogetherMigrateOnce()
    {
        if (!testingPostgres())
            QSKIP("one SQLite file has one server");
        QTemporaryDir dir;
        const QString db = freshDatabase(dir, QStringLiteral("s.db"), true);
        constexpr int kServers = 4;
        std::latch go(kServers);
        std::atomic<int> opened = 0;
        std::vector<std::thread> threads;
        for (int i = 0; i < kServers; ++i) {
            threads.emplace_back([&] {
                PgStore store(db);
                QString error;
                go.arrive_and_wait();
                if (store.open(&error))
                    ++opened;
                else
                    qWarning("%s", qPrintable(error));
            });
        }
        for (std::thread &t : threads)
            t.join();
        QCOMPARE(opened.load(), kServers);
        QCOMPARE(recordedVersions(db), oneTo(latest()));
    }

    void interlockctlDbMigrate()
    {
        QTemporaryDir dir;
        const QString db = freshDatabase(dir, QStringLiteral("m.db"), true);
        QProcess ctl;
        ctl.start(QStringLiteral(INTERLOCKCTL_PATH),
                  {QStringLiteral("db"), QStringLiteral("migrate"), QStringLiteral("--db"), db});
        QVERIFY(ctl.waitForFinished(20000));
        QCOMPARE(ctl.exitCode(), 0);
        QVERIFY(ctl.readAllStandardOutput().contains(
            QStringLiteral("schema version %1").arg(latest()).toUtf8()));
        QCOMPARE(recordedVersions(db), oneTo(latest()));
    }
};

QTEST_GUILESS_MAIN(TestSchema)
#include "tst_schema.moc"
