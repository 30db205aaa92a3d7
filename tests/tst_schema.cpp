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

#include <QFile>
#include <QProcess>
#include <QSqlError>
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

    // Migration 7 on a PostgreSQL database with actions pending: the counters it adds start from
    // the actions pending then (made here by undoing migration 7 under a server's data).
    void thePendingCountersStartFromTheActionsPendingBeforeThem()
    {
        if (!testingPostgres())
            QSKIP("PostgreSQL's migration 7 (SQLite keeps sessions.pending from the start)");
        QString db;
        QString sessionId;
        {
            TestServer s;
            db = s.dbPath();
            const auto opened = s.openSession(QStringLiteral("mailer"));
            sessionId = opened.first;
            for (int i = 0; i < 3; ++i)
                QVERIFY(!s.submit(opened.second, sampleAction()).isEmpty());
            const auto other = s.openSession(QStringLiteral("other"));
            QVERIFY(!s.submit(other.second, sampleAction()).isEmpty());
        }
        withOutsideConnection(db, [](QSqlDatabase &d) {
            QVERIFY(dropPendingCounters(d));
            QVERIFY(
                QSqlQuery(d).exec(QStringLiteral("DELETE FROM schema_version WHERE version >= 7")));
        });
        TestServer::Options reopen;
        reopen.database = db;
        TestServer s(reopen);
        QCOMPARE(recordedVersions(db), oneTo(latest()));
        QCOMPARE(s.sessionView(sessionId).value(QStringLiteral("pending")), QJsonValue(3));
    }

    // Migration 8 on a database with sessions: the names in use are held, and of two that look
    // alike the one used first holds the skeleton (by time, not by spelling), so a new session of
    // the other is refused while its old sessions stay.
    void theAgentNamesInUseAreHeldByTheFirstUsed()
    {
        const QString cyrillic = QStringLiteral("\u0455\u0441\u043E\u0440\u0435-bot");
        QTemporaryDir dir;
        const QString db = freshDatabase(dir, QStringLiteral("names.db"));
        QString renamed;
        {
            TestServer::Options options;
            options.manualClock = true;
            options.database = db;
            TestServer s(options);
            renamed = s.openSession(QStringLiteral("renamed-later")).first;
            s.clock()->advance(1000);
            QVERIFY(!s.openSession(QStringLiteral("scope-bot")).first.isEmpty());
            QVERIFY(!s.openSession(QStringLiteral("other")).first.isEmpty());
        }
        // As a release before the check could have written it.
        withOutsideConnection(db, [&](QSqlDatabase &d) {
            QSqlQuery q(d);
            q.prepare(QStringLiteral("UPDATE sessions SET agent = ? WHERE id = ?"));
            q.addBindValue(cyrillic);
            q.addBindValue(renamed);
            QVERIFY2(q.exec(), qPrintable(q.lastError().text()));
            QVERIFY(q.exec(QStringLiteral("DROP TABLE agent_names")));
            QVERIFY(q.exec(QStringLiteral("DELETE FROM schema_version WHERE version >= 8")));
        });
        TestServer::Options reopen;
        reopen.database = db;
        TestServer s(reopen);
        QCOMPARE(recordedVersions(db), oneTo(latest()));
        const ApiResult refused =
            s.call(s.token(Role::Agent), "POST", QStringLiteral("/v1/sessions"),
                   QJsonObject{{QStringLiteral("agent"), QStringLiteral("scope-bot")}});
        QCOMPARE(refused.status, 422);
        QVERIFY2(refused.error().message.contains(cyrillic), qPrintable(refused.error().message));
        QVERIFY(!s.openSession(cyrillic).first.isEmpty());
        QVERIFY(!s.openSession(QStringLiteral("other")).first.isEmpty());
        QCOMPARE(s.call(s.token(Role::Reviewer), "GET", QStringLiteral("/v1/sessions"))
                     .body.value(QStringLiteral("sessions"))
                     .toArray()
                     .size(),
                 5);
    }

    // Migration 9 binds each held name to the opener of its first session; a name whose
    // sessions have no opener (written before migration 3) is bound by its next session.
    void theAgentNamesInUseAreBoundToTheirFirstOpener()
    {
        QTemporaryDir dir;
        const QString db = freshDatabase(dir, QStringLiteral("openers.db"));
        QString teamB, early;
        {
            TestServer::Options options;
            options.manualClock = true;
            options.database = db;
            TestServer s(options);
            teamB = s.server().createToken(Role::Agent, QStringLiteral("team-b"));
            early = s.call(teamB, "POST", QStringLiteral("/v1/sessions"),
                           QJsonObject{{QStringLiteral("agent"), QStringLiteral("early")}})
                        .body[QStringLiteral("session")][QStringLiteral("id")]
                        .toString();
            QVERIFY(!early.isEmpty());
            s.clock()->advance(1000);
            QVERIFY(!s.openSession(QStringLiteral("alpha")).first.isEmpty());
            QVERIFY(!s.openSession(QStringLiteral("gamma")).first.isEmpty());
        }
        // As the release before migration 9 could have left it: team-b's session came first
        // under "alpha" (renamed here), and "gamma" has no opener recorded.
        withOutsideConnection(db, [&](QSqlDatabase &d) {
            QSqlQuery q(d);
            q.prepare(QStringLiteral("UPDATE sessions SET agent = 'alpha' WHERE id = ?"));
            q.addBindValue(early);
            QVERIFY2(q.exec(), qPrintable(q.lastError().text()));
            QVERIFY(q.exec(QStringLiteral("UPDATE sessions SET opener = NULL WHERE agent = "
                                          "'gamma'")));
            QVERIFY(q.exec(QStringLiteral("DELETE FROM agent_names WHERE agent = 'early'")));
            QVERIFY2(q.exec(QStringLiteral("ALTER TABLE agent_names DROP COLUMN opener")),
                     qPrintable(q.lastError().text()));
            QVERIFY(q.exec(QStringLiteral("DELETE FROM schema_version WHERE version >= 9")));
        });
        TestServer::Options reopen;
        reopen.database = db;
        TestServer s(reopen);
        QCOMPARE(recordedVersions(db), oneTo(latest()));
        const auto open = [&](const QString &token, const QString &agent) {
            return s
                .call(token, "POST", QStringLiteral("/v1/sessions"),
                      QJsonObject{{QStringLiteral("agent"), agent}})
                .status;
        };
        QCOMPARE(open(s.token(Role::Agent), QStringLiteral("alpha")), 403);
        QCOMPARE(open(teamB, QStringLiteral("alpha")), 201);
        QCOMPARE(open(teamB, QStringLiteral("gamma")), 201); // the first to come binds it
        QCOMPARE(open(s.token(Role::Agent), QStringLiteral("gamma")), 403);
    }

    // Changes made by another program count too: one whose search_path does not hold the
    // tables (the triggers' functions pin theirs), and a TRUNCATE (no row trigger fires).
    void changesFromOutsideAreCounted()
    {
        if (!testingPostgres())
            QSKIP("PostgreSQL's counters (SQLite keeps sessions.pending in the same statements)");
        TestServer s;
        const auto [sessionId, token] = s.openSession(QStringLiteral("mailer"));
        const QString first = s.submit(token, sampleAction());
        QVERIFY(!first.isEmpty() && !s.submit(token, sampleAction()).isEmpty());
        const auto pending = [&, sessionId = sessionId] {
            return s.sessionView(sessionId).value(QStringLiteral("pending")).toInt(-1);
        };
        QCOMPARE(pending(), 2);
        withOutsideConnection(s.dbPath(), [&](QSqlDatabase &d) {
            QSqlQuery q(d);
            QVERIFY(q.exec(QStringLiteral("SET search_path = pg_catalog")));
            q.prepare(
                QStringLiteral("UPDATE public.actions SET status = 'cancelled' WHERE id = ?"));
            q.addBindValue(first);
            QVERIFY2(q.exec(), qPrintable(q.lastError().text()));
        });
        QCOMPARE(pending(), 1);
        withOutsideConnection(s.dbPath(), [](QSqlDatabase &d) {
            QSqlQuery q(d);
            QVERIFY2(q.exec(QStringLiteral("TRUNCATE actions")), qPrintable(q.lastError().text()));
        });
        QCOMPARE(pending(), 0);
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

    // A file written by main's code before the numbered migrations (meta schema_version '3',
    // reading time's tables already there, no schema_version table; tests/data/schema): every
    // migration runs and is recorded, the reading-time data and the audit chain are kept.
    void aSqliteFileOfSchemaThreeFromMainIsMigrated()
    {
        if (testingPostgres())
            QSKIP("SQLite files of earlier releases");
        QTemporaryDir dir;
        const QString db = dir.filePath(QStringLiteral("main3.db"));
        QFile dump(QStringLiteral(SOURCE_DIR "/tests/data/schema/main-schema3.sql"));
        QVERIFY(dump.open(QIODevice::ReadOnly));
        withOutsideConnection(db, [&](QSqlDatabase &d) {
            QSqlQuery q(d);
            int statements = 0;
            while (!dump.atEnd()) {
                const QString line = QString::fromUtf8(dump.readLine()).trimmed();
                if (line.isEmpty() || line.startsWith(QLatin1String("--")))
                    continue;
                QVERIFY2(q.exec(line), qPrintable(line.left(80) + q.lastError().text()));
                ++statements;
            }
            QVERIFY(statements > 30);
        });
        QCOMPARE(recordedVersions(db), QList<int>{});
        const auto store = makeStore(db);
        QString error;
        QVERIFY2(store->open(&error), qPrintable(error));
        QCOMPARE(recordedVersions(db), oneTo(latest()));
        const QString approved = QStringLiteral("act_e67c3202a4d38a397a11e3f5");
        const QString pending = QStringLiteral("act_bbf9564fcee3ffd95cc034cd");
        QCOMPARE(store->action(approved)->value(QStringLiteral("status")).toString(),
                 QStringLiteral("approved"));
        QCOMPARE(store->action(pending)->value(QStringLiteral("status")).toString(),
                 QStringLiteral("pending"));
        QCOMPARE(store->firstView(approved, QStringLiteral("dana")), 1796190281777);
        const QList<ReviewRecord> reviews = store->reviews({}, {});
        QCOMPARE(reviews.size(), 1);
        QCOMPARE(reviews[0].reviewMs, 86);
        QVERIFY(reviews[0].approved);
        const AuditVerdict verdict = store->verifyAudit();
        QVERIFY2(verdict.ok, qPrintable(verdict.reason));
        QVERIFY(verdict.entries >= 3);
        // Reading time goes on where main's code left it: the pending action's first view stays,
        // a new reviewer's is recorded.
        QVERIFY(store->recordFirstView(pending, QStringLiteral("dana"), 1));
        QCOMPARE(store->firstView(pending, QStringLiteral("dana")), 1796190283222);
        QVERIFY(store->recordFirstView(pending, QStringLiteral("erin"), 1796190290000));
        QCOMPARE(store->firstView(pending, QStringLiteral("erin")), 1796190290000);
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
