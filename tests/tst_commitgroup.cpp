// Group commit: transitions share one transaction but stay atomic each; nothing is visible
// (durable) before the group commits. Run against SQLite and PostgreSQL.
#include "server/CommitGroup.h"
#include "server/EventTap.h"
#include "server/SqliteStore.h"
#include "server/Store.h"
#include "server/StoreFactory.h"
#include "server/Tokens.h"
#include "support/TestServer.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

using namespace interlock;
using interlock::test::freshDatabase;

class TestCommitGroup : public QObject
{
    Q_OBJECT

private:
    // Counts rows through a second connection, as another process would see the file.
    static int countFromOutside(const QString &path, const QString &table)
    {
        int n = -1;
        interlock::test::withOutsideConnection(path, [&](QSqlDatabase &db) {
            QSqlQuery q(db);
            if (q.exec(QStringLiteral("SELECT count(*) FROM ") + table) && q.next())
                n = q.value(0).toInt();
        });
        return n;
    }

    // Walks the audit chain from outside: seq contiguous from 1, each prev_hash the previous hash.
    // Returns the number of linked entries, or -1 at the first break.
    static int chainLength(const QString &path)
    {
        int n = -1;
        interlock::test::withOutsideConnection(path, [&](QSqlDatabase &db) {
            QSqlQuery q(db);
            if (!q.exec(QStringLiteral("SELECT seq, prev_hash, hash FROM audit ORDER BY seq")))
                return;
            QByteArray previous(64, '0');
            n = 0;
            while (q.next()) {
                if (q.value(0).toLongLong() != n + 1 || q.value(1).toByteArray() != previous) {
                    n = -1;
                    return;
                }
                previous = q.value(2).toByteArray();
                ++n;
            }
        });
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
        const QString path = freshDatabase(dir, QStringLiteral("g.db"));
        const auto owned = makeStore(path);
        Store &store = *owned;
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
        // SQLite: committed, and replies still held until the disk confirms on the syncing
        // thread (its answer reaches this thread's event loop, not before); PostgreSQL: durable.
        QCOMPARE(group.holding(), !interlock::test::testingPostgres());
        QCOMPARE(countFromOutside(path, QStringLiteral("tokens")), 2);
        QTRY_VERIFY(!group.holding());
        QCOMPARE(group.groups(), 1);
    }

    // Webhooks and metrics (EventTap) hear of an event only once the group that stored it is
    // on disk: never one of a later group still open, or committed but not yet synced (SQLite
    // syncs apart; PostgreSQL's commit is durable by itself).
    void eventsAreReportedOnlyOnceTheirGroupIsDurable()
    {
        QTemporaryDir dir;
        const QString path = freshDatabase(dir, QStringLiteral("g.db"));
        const auto owned = makeStore(path);
        Store &store = *owned;
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));
        CommitGroup group(store);
        EventTap tap(store);
        int durableGroups = 0;
        QList<std::pair<QString, int>> reported; // session, durable groups when reported
        tap.listen([&](const EventRecord &e) { reported.append({e.sessionId, durableGroups}); });
        connect(&group, &CommitGroup::groupCommitted, this, [&](qint64, bool ok, qint64 last) {
            QVERIFY(ok);
            ++durableGroups;
            tap.committed(last);
        });
        const auto open = [&](const QString &id) {
            SessionRecord s;
            s.id = id;
            s.agent = QStringLiteral("mailer");
            s.status = QStringLiteral("active");
            s.createdAt = 1;
            return store.insertSession(s, tokenHash(id),
                                       Transition{QStringLiteral("session.opened"),
                                                  {},
                                                  QStringLiteral("session.open"),
                                                  QStringLiteral("t"),
                                                  1,
                                                  {}});
        };
        QVERIFY(open(QStringLiteral("ses_1")));
        group.flush();
        QVERIFY(open(QStringLiteral("ses_2"))); // a second group, open until the next pass
        QTRY_COMPARE(reported.size(), 2);
        QCOMPARE(reported.at(0), std::make_pair(QStringLiteral("ses_1"), 1));
        QCOMPARE(reported.at(1), std::make_pair(QStringLiteral("ses_2"), 2));
    }

    void flushRunsOnTheNextEventLoopPass()
    {
        QTemporaryDir dir;
        const QString path = freshDatabase(dir, QStringLiteral("g.db"));
        const auto owned = makeStore(path);
        Store &store = *owned;
        QString error;
        QVERIFY(store.open(&error));
        CommitGroup group(store);
        QVERIFY(store.insertToken(tokenHash(QStringLiteral("a")), user(QStringLiteral("a")), 1,
                                  QStringLiteral("t")));
        QTRY_VERIFY(!group.holding());
        QCOMPARE(countFromOutside(path, QStringLiteral("tokens")), 1);
    }

    void writersTakeTurnsOnOneChain()
    {
        // The server (group commit) and interlockctl token create (plain) on the same store:
        // each continues the chain where the other left it. SQLite: the file's lock lets only one
        // of them write at a time, so they take turns; PostgreSQL: both are open at once and
        // interleave (the chain head is locked in the database).
        QTemporaryDir dir;
        const QString path = freshDatabase(dir, QStringLiteral("g.db"));
        QString error;
        if (interlock::test::testingPostgres()) {
            const auto serverStore = makeStore(path), toolStore = makeStore(path);
            Store &server = *serverStore;
            Store &tool = *toolStore;
            QVERIFY2(server.open(&error), qPrintable(error));
            QVERIFY2(tool.open(&error), qPrintable(error));
            CommitGroup group(server);
            for (int round = 0; round < 2; ++round) {
                const QString s = QStringLiteral("server-%1").arg(round);
                QVERIFY(server.insertToken(tokenHash(s), user(s), 1 + 2 * round,
                                           QStringLiteral("server")));
                group.flush();
                const QString t = QStringLiteral("tool-%1").arg(round);
                QVERIFY(
                    tool.insertToken(tokenHash(t), user(t), 2 + 2 * round, QStringLiteral("tool")));
            }
        } else {
            for (int round = 0; round < 2; ++round) {
                {
                    SqliteStore server(path);
                    QVERIFY2(server.open(&error), qPrintable(error));
                    SqliteStore tool(path);
                    QVERIFY(!tool.open(&error));
                    QVERIFY2(error.contains(QStringLiteral("is in use by")), qPrintable(error));
                    CommitGroup group(server);
                    const QString name = QStringLiteral("server-%1").arg(round);
                    QVERIFY(server.insertToken(tokenHash(name), user(name), 1 + 2 * round,
                                               QStringLiteral("server")));
                    group.flush();
                }
                SqliteStore tool(path);
                QVERIFY2(tool.open(&error), qPrintable(error));
                const QString name = QStringLiteral("tool-%1").arg(round);
                QVERIFY(tool.insertToken(tokenHash(name), user(name), 2 + 2 * round,
                                         QStringLiteral("tool")));
            }
        }
        QCOMPARE(countFromOutside(path, QStringLiteral("audit")), 4);
        QCOMPARE(chainLength(path), 4);
    }

    void aFailedTransitionRollsBackAloneAndTheChainHolds()
    {
        QTemporaryDir dir;
        const QString path = freshDatabase(dir, QStringLiteral("g.db"));
        const auto owned = makeStore(path);
        Store &store = *owned;
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

        QCOMPARE(chainLength(path), 2);
    }
};

QTEST_GUILESS_MAIN(TestCommitGroup)
#include "tst_commitgroup.moc"
