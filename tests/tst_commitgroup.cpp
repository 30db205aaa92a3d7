// Group commit: transitions share one transaction but stay atomic each; nothing is visible
// (durable) before the group commits.
#include "server/CommitGroup.h"
#include "server/SqliteStore.h"
#include "server/Tokens.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

using namespace interlock;

class TestCommitGroup : public QObject
{
    Q_OBJECT

private:
    // Counts rows through a second connection, as another process would see the file.
    static int countFromOutside(const QString &path, const QString &table)
    {
        int n = -1;
        {
            QSqlDatabase db =
                QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("outside"));
            db.setDatabaseName(path);
            if (db.open()) {
                QSqlQuery q(db);
                if (q.exec(QStringLiteral("SELECT count(*) FROM ") + table) && q.next())
                    n = q.value(0).toInt();
            }
        }
        QSqlDatabase::removeDatabase(QStringLiteral("outside"));
        return n;
    }

    static TokenRecord user(const QString &name)
    {
        return TokenRecord{name, Role::Reviewer, {}, false};
    }

private Q_SLOTS:
    void nothingIsVisibleBeforeTheGroupCommits()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("g.db"));
        SqliteStore store(path);
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));
        CommitGroup group(store);
        QVERIFY(!group.holding());

        QVERIFY(store.insertToken(tokenHash(QStringLiteral("a")), user(QStringLiteral("a")), 1,
                                  QStringLiteral("t")));
        QVERIFY(store.insertToken(tokenHash(QStringLiteral("b")), user(QStringLiteral("b")), 2,
                                  QStringLiteral("t")));
        QVERIFY(group.holding());
        QVERIFY(
            store.token(tokenHash(QStringLiteral("a")))); // the server itself sees its own writes
        QCOMPARE(countFromOutside(path, QStringLiteral("tokens")), 0);

        group.flush();
        QVERIFY(!group.holding());
        QCOMPARE(countFromOutside(path, QStringLiteral("tokens")), 2);
        QCOMPARE(group.groups(), 1);
    }

    void flushRunsOnTheNextEventLoopPass()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("g.db"));
        SqliteStore store(path);
        QString error;
        QVERIFY(store.open(&error));
        CommitGroup group(store);
        QVERIFY(store.insertToken(tokenHash(QStringLiteral("a")), user(QStringLiteral("a")), 1,
                                  QStringLiteral("t")));
        QTRY_VERIFY(!group.holding());
        QCOMPARE(countFromOutside(path, QStringLiteral("tokens")), 1);
    }

    void aFailedTransitionRollsBackAloneAndTheChainHolds()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("g.db"));
        SqliteStore store(path);
        QString error;
        QVERIFY(store.open(&error));
        CommitGroup group(store);
        QVERIFY(store.insertToken(tokenHash(QStringLiteral("a")), user(QStringLiteral("a")), 1,
                                  QStringLiteral("t")));
        // Same hash again: the primary key refuses it; only this transition is undone.
        QVERIFY(!store.insertToken(tokenHash(QStringLiteral("a")), user(QStringLiteral("dup")), 2,
                                   QStringLiteral("t")));
        QVERIFY(store.insertToken(tokenHash(QStringLiteral("c")), user(QStringLiteral("c")), 3,
                                  QStringLiteral("t")));
        group.flush();
        QCOMPARE(countFromOutside(path, QStringLiteral("tokens")), 2);
        QCOMPARE(countFromOutside(path, QStringLiteral("audit")), 2);

        QSqlDatabase db =
            QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("chain"));
        db.setDatabaseName(path);
        QVERIFY(db.open());
        {
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("SELECT seq, prev_hash, hash FROM audit ORDER BY seq")));
            QByteArray previous(64, '0');
            qint64 expectedSeq = 1;
            while (q.next()) {
                QCOMPARE(q.value(0).toLongLong(), expectedSeq++);
                QCOMPARE(q.value(1).toByteArray(), previous);
                previous = q.value(2).toByteArray();
            }
            QCOMPARE(expectedSeq, 3);
        }
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("chain"));
    }
};

QTEST_GUILESS_MAIN(TestCommitGroup)
#include "tst_commitgroup.moc"
