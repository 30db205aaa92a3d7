// The database file is checked at start, over the real interlockd: a damaged or wrong file is
// refused with one exact sentence naming it (exit 1), and only one program writes to a file.
#include "server/SqliteStore.h"
#include "support/Daemon.h"
#include "support/TestServer.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QSqlQuery>
#include <QtTest>
#include <csignal>
#include <sqlite3.h>
#include <sys/stat.h>

using namespace interlock;
using namespace interlock::test;

namespace {
constexpr qint64 kPage = 4096;

// A database with a little of everything, closed cleanly (its WAL folded into the file).
QString makeDatabase(const QTemporaryDir &dir)
{
    const QString db = dir.filePath(QStringLiteral("interlock.db"));
    createToken(db, QStringLiteral("admin"), QStringLiteral("root"));
    createToken(db, QStringLiteral("agent"), QStringLiteral("enrol"));
    return db;
}

// Runs interlockd on db and expects it to refuse: exit 1 and one line on stderr.
std::pair<int, QString> refusal(const QString &db)
{
    QProcess daemon;
    daemon.start(
        QStringLiteral(INTERLOCKD_PATH),
        {QStringLiteral("--db"), db, QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0")});
    if (!daemon.waitForFinished(20000)) {
        daemon.kill();
        daemon.waitForFinished();
        return {-1, QStringLiteral("interlockd started on a file it should have refused")};
    }
    return {daemon.exitCode(), QString::fromUtf8(daemon.readAllStandardError()).trimmed()};
}

// The files this process has open in folder (SQLite unlinks its temporary files at once: they
// are found only this way, while open).
QStringList openFilesIn(const QString &folder)
{
    QStringList out;
    const QDir fds(QStringLiteral("/proc/self/fd"));
    for (const QString &fd : fds.entryList(QDir::Files | QDir::System)) {
        const QString target = QFile::symLinkTarget(fds.filePath(fd));
        if (target.startsWith(folder + QLatin1Char('/')))
            out.append(target);
    }
    return out;
}

void overwrite(const QString &path, qint64 at, const QByteArray &bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadWrite));
    QVERIFY(f.seek(at));
    QCOMPARE(f.write(bytes), bytes.size());
}
} // namespace

class TestStoreFile : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void refusesABadFile_data()
    {
        QTest::addColumn<QString>("damage");
        // {db}: the file; {size}, {pages}: its size before the damage
        QTest::addColumn<QString>("expected");
        QTest::newRow("last page overwritten") << "last-page"
                                               << "interlockd: {db} is corrupt: PRAGMA quick_check "
                                                  "found: {finding}";
        QTest::newRow("truncated to whole pages")
            << "truncate-pages"
            << "interlockd: {db} is truncated: its header says {pages} pages of 4096 bytes ({size} "
               "bytes) "
               "but the file has 8192 bytes";
        QTest::newRow("truncated mid-page") << "truncate-bytes"
                                            << "interlockd: {db} is truncated: 10000 bytes is not "
                                               "a whole number of 4096-byte pages";
        QTest::newRow("zero-length file")
            << "empty"
            << "interlockd: {db} is an empty file (0 bytes), not an Interlock database; a new "
               "database is only created where no file exists, so remove it or choose another "
               "path";
        QTest::newRow("a text file")
            << "text"
            << "interlockd: {db} is not a SQLite database (it starts with \"# Interlock "
               "note\")";
        QTest::newRow("another program's database")
            << "foreign"
            << "interlockd: {db} is a SQLite database of another program (it has tables but no "
               "Interlock 'meta' table)";
    }

    void refusesABadFile()
    {
        QFETCH(QString, damage);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        const QString db = makeDatabase(dir);
        const qint64 size = QFileInfo(db).size();
        QVERIFY(size > 4 * kPage);
        if (damage == QLatin1String("last-page")) {
            overwrite(db, size - kPage, QByteArray(kPage, char(0xa5)));
        } else if (damage == QLatin1String("truncate-pages")) {
            QVERIFY(QFile::resize(db, 2 * kPage));
        } else if (damage == QLatin1String("truncate-bytes")) {
            QVERIFY(QFile::resize(db, 10000));
        } else if (damage == QLatin1String("empty")) {
            QVERIFY(QFile::resize(db, 0));
        } else if (damage == QLatin1String("text")) {
            QFile f(db);
            QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
            f.write("# Interlock notes\nThis is where the database should have been.\n");
        } else if (damage == QLatin1String("foreign")) {
            QVERIFY(QFile::remove(db));
            withOutsideConnection(db, [](QSqlDatabase &other) {
                QSqlQuery q(other);
                QVERIFY(q.exec(QStringLiteral("CREATE TABLE photos (id INTEGER, path TEXT)")));
            });
        }
        const auto [code, message] = refusal(db);
        expected.replace(QStringLiteral("{db}"), db)
            .replace(QStringLiteral("{size}"), QString::number(size))
            .replace(QStringLiteral("{pages}"), QString::number(size / kPage));
        // What quick_check finds depends on which b-tree the last page belongs to (a schema with
        // one table more moves it): SQLite's own words, whatever they are, after the exact prefix.
        const qsizetype finding = expected.indexOf(QStringLiteral("{finding}"));
        if (finding >= 0) {
            QCOMPARE(message.left(finding), expected.left(finding));
            QVERIFY2(message.size() > finding + 3, qPrintable(message));
        } else {
            QCOMPARE(message, expected);
        }
        QCOMPARE(code, 1);
    }

    // The WAL goes back into the file on a thread of its own (SqliteCheckpointer), not in the
    // server's commits, where SQLite's automatic checkpoint stopped every request behind a 4 MB
    // write and an fsync of the file every 1,000 pages; the WAL still starts again from its
    // beginning (the writer finishes the copy at 4,000 pages), so it stays short under steady
    // writes; and what was copied is all there after.
    void theWalIsCheckpointedOffTheServersThread()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("interlock.db"));
        const QString blob(6000, QLatin1Char('x'));
        qint64 longestWal = 0;
        {
            SqliteStore store(path);
            QString error;
            QVERIFY2(store.open(&error), qPrintable(error));
            QCOMPARE(store.checkpointRuns(), std::make_pair(0, 0));
            // About 3 pages each, 12,000 pages (48 MB) of WAL in all.
            for (int i = 0; i < 4000; ++i) {
                const QJsonObject doc{{QStringLiteral("n"), i}, {QStringLiteral("blob"), blob}};
                QVERIFY(store.putSafetyRecord(QStringLiteral("test"), QString::number(i % 20), doc,
                                              {}));
                if (i % 100 == 99)
                    longestWal = qMax(longestWal, QFileInfo(path + QStringLiteral("-wal")).size());
            }
            QTRY_VERIFY(store.checkpointRuns().first > 0);
        }
        // Without a new start the WAL would hold all 48 MB.
        QVERIFY2(longestWal < 24 * 1024 * 1024, qPrintable(QString::number(longestWal)));
        SqliteStore reader(path, SqliteStore::Mode::ReadOnly);
        QString error;
        QVERIFY2(reader.open(&error), qPrintable(error));
        const QList<QJsonObject> records = reader.safetyRecords(QStringLiteral("test"));
        QCOMPARE(records.size(), 20);
        for (const QJsonObject &r : records) {
            QVERIFY(r.value(QStringLiteral("n")).toInt() >= 3980);
            QCOMPARE(r.value(QStringLiteral("blob")).toString(), blob);
        }
    }

    // A kill that cancels 300 pending actions changes far more than 64 KiB of pages in one
    // savepoint of a group: its undo record stays in memory (SQLITE_CONFIG_STMTJRNL_SPILL, set as
    // the program loads), not in a temporary file written a page at a time (and failing with the
    // temporary folder full).
    void aGroupsUndoRecordsStayInMemory()
    {
        QTemporaryDir dir;
        const QString temp = dir.filePath(QStringLiteral("tmp"));
        QVERIFY(QDir().mkpath(temp));
        sqlite3_temp_directory = sqlite3_mprintf("%s", temp.toUtf8().constData());
        const auto restore = qScopeGuard([] {
            sqlite3_free(sqlite3_temp_directory);
            sqlite3_temp_directory = nullptr;
        });
        SqliteStore store(dir.filePath(QStringLiteral("interlock.db")));
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));
        SessionRecord s;
        s.id = QStringLiteral("ses_mailer");
        s.agent = QStringLiteral("mailer");
        s.status = QStringLiteral("active");
        s.createdAt = 1;
        QVERIFY(store.insertSession(s, QByteArray(32, 'h'), Transition{}));
        const QString note(600, QLatin1Char('n'));
        for (int i = 0; i < 300; ++i) {
            const QJsonObject doc{
                {QStringLiteral("id"), QStringLiteral("act_%1").arg(i)},
                {QStringLiteral("session_id"), s.id},
                {QStringLiteral("agent"), s.agent},
                {QStringLiteral("kind"), QStringLiteral("email.delete")},
                {QStringLiteral("title"), note},
                {QStringLiteral("status"), QStringLiteral("pending")},
                {QStringLiteral("version"), 1},
                {QStringLiteral("created_at"), QStringLiteral("2026-12-02T09:00:00.000Z")},
                {QStringLiteral("expires_at"), QStringLiteral("2126-12-02T09:00:00.000Z")}};
            QVERIFY(store.insertAction(doc, {}, {}, 1000, 4'320'000'000'000, Transition{})
                        .error.code.isEmpty());
        }
        store.setGroupCommit([] {});
        const auto ended = store.killSessions({s.id}, QStringLiteral("stop"),
                                              Transition{QStringLiteral("sessions.killed"),
                                                         {},
                                                         QStringLiteral("session.kill"),
                                                         QStringLiteral("on-call"),
                                                         2,
                                                         {}});
        QVERIFY(ended);
        QCOMPARE(ended->cancelledActions.size(), 300);
        // The group is still open: a spilled undo record would be an open file in temp now.
        QCOMPARE(openFilesIn(temp), QStringList());
        QVERIFY(store.commitGroup());
        QCOMPARE(store.session(s.id)->status, QStringLiteral("killed"));
        store.setGroupCommit({});
    }

    void createsANewDatabaseWhereNoFileExists()
    {
        QTemporaryDir dir;
        const QString db = dir.filePath(QStringLiteral("new/interlock.db"));
        Daemon daemon(db);
        QVERIFY2(daemon.start(), qPrintable(daemon.errorOutput()));
        QVERIFY(QFileInfo(db).size() > 0);
        QCOMPARE(daemon.stop(), 0);
        // And it starts again on what it created.
        Daemon again(db);
        QVERIFY2(again.start(), qPrintable(again.errorOutput()));
    }

    // Red team 2 F5.1: started by hand under the usual umask 022, the database and its -wal and
    // -shm were 0644, readable by every local user (agents included) beside a 0600 audit key.
    void aNewDatabaseIsTheServersAlone()
    {
        QTemporaryDir dir;
        const QString db = dir.filePath(QStringLiteral("interlock.db"));
        const mode_t before = ::umask(022);
        Daemon daemon(db);
        const bool started = daemon.start();
        ::umask(before);
        QVERIFY2(started, qPrintable(daemon.errorOutput()));
        for (const QString &file :
             QStringList{db, db + QStringLiteral("-wal"), db + QStringLiteral("-shm")}) {
            struct stat st {
            };
            QVERIFY2(::stat(QFile::encodeName(file).constData(), &st) == 0, qPrintable(file));
            QCOMPARE(QString::number(st.st_mode & 0777, 8), QStringLiteral("600"));
        }
        QCOMPARE(daemon.stop(), 0);
    }

    void aSecondServerOnTheFileNamesTheFirst()
    {
        QTemporaryDir dir;
        const QString db = makeDatabase(dir);
        Daemon first(db);
        QVERIFY2(first.start(), qPrintable(first.errorOutput()));
        const auto [code, message] = refusal(db);
        QCOMPARE(message, QStringLiteral("interlockd: %1 is in use by interlockd (pid %2), which "
                                         "holds %1.lock; only one program may write to a "
                                         "database at a time")
                              .arg(db)
                              .arg(first.pid()));
        QCOMPARE(code, 1);
        // The first one is unharmed.
        ApiClient health(first.url());
        QCOMPARE(health.call("GET", QStringLiteral("/v1/health")).status, 200);
        // Once it is gone (even by SIGKILL: the kernel drops the lock), the file is free.
        ::kill(pid_t(first.pid()), SIGKILL);
        first.stop();
        Daemon second(db);
        QVERIFY2(second.start(), qPrintable(second.errorOutput()));
    }

    void offlineCommandsNeverWriteUnderARunningServer()
    {
        QTemporaryDir dir;
        const QString db = makeDatabase(dir);
        Daemon server(db);
        QVERIFY2(server.start(), qPrintable(server.errorOutput()));
        const QString expected = QStringLiteral("interlockctl: %1 is in use by interlockd (pid "
                                                "%2), which holds %1.lock; only one program may "
                                                "write to a database at a time")
                                     .arg(db)
                                     .arg(server.pid());
        CtlResult r =
            runCtl({QStringLiteral("token"), QStringLiteral("create"), QStringLiteral("--db"), db,
                    QStringLiteral("--role"), QStringLiteral("admin"), QStringLiteral("--name"),
                    QStringLiteral("late")});
        QCOMPARE(r.err.trimmed(), expected);
        QCOMPARE(r.exitCode, 1);
        // (history generate only ever writes a new file, under the same lock.)
        // Reading is fine beside the server.
        r = runCtl({QStringLiteral("audit"), QStringLiteral("verify"), QStringLiteral("--db"), db});
        QVERIFY2(r.out.startsWith(QStringLiteral("ok: 2 entries")), qPrintable(r.out + r.err));
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(server.stop(), 0);
        QVERIFY(!createToken(db, QStringLiteral("admin"), QStringLiteral("late")).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestStoreFile)
#include "tst_storefile.moc"
