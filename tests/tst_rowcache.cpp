// The session and token rows SqliteStore keeps between requests (RowCache, fed by SQLite's
// update and rollback hooks and PRAGMA data_version) follow every change of them: the server's
// own, a rollback (a refused change, or a group SQLite rolled back by itself), and a commit by
// another connection. And they are kept across changes of other rows, which is what they are
// for: the statements run on the store's connection are counted (SQLite's trace hook).
#include "server/SqliteStore.h"
#include "support/TestServer.h"

#include <QJsonObject>
#include <QSqlDriver>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>
#include <sqlite3.h>

using namespace interlock;
using namespace interlock::test;

namespace {
SessionRecord sessionNamed(const QString &id)
{
    SessionRecord s;
    s.id = id;
    s.agent = QStringLiteral("mailer");
    s.description = QStringLiteral("as opened");
    s.status = QStringLiteral("active");
    s.createdAt = 1;
    return s;
}

QByteArray tokenOf(const QString &sessionId)
{
    return sessionId.toLatin1().leftJustified(32, 'h');
}

QJsonObject pendingAction(const QString &id, const QString &sessionId)
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("session_id"), sessionId},
            {QStringLiteral("agent"), QStringLiteral("mailer")},
            {QStringLiteral("kind"), QStringLiteral("email.delete")},
            {QStringLiteral("title"), QStringLiteral("delete one message")},
            {QStringLiteral("status"), QStringLiteral("pending")},
            {QStringLiteral("version"), 1},
            {QStringLiteral("created_at"), QStringLiteral("2026-12-02T09:00:00.000Z")},
            {QStringLiteral("expires_at"), QStringLiteral("2126-12-02T09:00:00.000Z")}};
}

Transition submitted(const QString &eventType = QStringLiteral("action.created"))
{
    return Transition{eventType, {}, QStringLiteral("action.submit"), QStringLiteral("mailer"),
                      2,         {}};
}

bool submit(SqliteStore &store, const QString &actionId, const QString &sessionId,
            const Transition &t = submitted())
{
    return store
        .insertAction(pendingAction(actionId, sessionId), {}, {}, 1000, 4'320'000'000'000, t)
        .error.code.isEmpty();
}

// A new database in a folder of its own, for the store to write.
struct Database {
    QTemporaryDir dir;
    QString path = dir.filePath(QStringLiteral("interlock.db"));
    SqliteStore store{path};
    bool open()
    {
        QString error;
        if (store.open(&error))
            return true;
        qWarning("%s", qPrintable(error));
        return false;
    }
};

void outside(const QString &path, const QStringList &statements)
{
    withOutsideConnection(path, [&](QSqlDatabase &db) {
        QSqlQuery q(db);
        for (const QString &sql : statements)
            QVERIFY2(q.exec(sql), qPrintable(sql));
    });
}

Transition killed(qint64 at)
{
    return Transition{QStringLiteral("sessions.killed"), {}, QStringLiteral("session.kill"),
                      QStringLiteral("on-call"),         at, {}};
}

// Counts the reads of token and session rows run on the store's connection from now on.
class RowReads
{
public:
    explicit RowReads(const QString &path)
    {
        for (const QString &name : QSqlDatabase::connectionNames()) {
            const QSqlDatabase db = QSqlDatabase::database(name, false);
            if (db.databaseName() == path)
                m_db = *static_cast<sqlite3 *const *>(db.driver()->handle().constData());
        }
        if (m_db)
            sqlite3_trace_v2(m_db, SQLITE_TRACE_STMT, &RowReads::traced, this);
    }
    ~RowReads()
    {
        if (m_db)
            sqlite3_trace_v2(m_db, 0, nullptr, nullptr);
    }
    int tokens() const { return m_tokens; }
    int sessions() const { return m_sessions; }
    int versionChecks() const { return m_versionChecks; } // PRAGMA data_version
    bool hooked() const { return m_db != nullptr; }

private:
    static int traced(unsigned, void *self, void *statement, void *)
    {
        const QByteArray sql(sqlite3_sql(static_cast<sqlite3_stmt *>(statement)));
        auto *reads = static_cast<RowReads *>(self);
        reads->m_tokens += sql.contains("FROM tokens WHERE hash = ");
        reads->m_sessions += sql.contains("FROM sessions s WHERE s.id = ");
        reads->m_versionChecks += sql.contains("PRAGMA data_version");
        return 0;
    }
    sqlite3 *m_db = nullptr;
    int m_tokens = 0;
    int m_sessions = 0;
    int m_versionChecks = 0;
};
} // namespace

class TestRowCache : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void keptRowsFollowEveryChangeTheServerMakes_data()
    {
        QTest::addColumn<bool>("grouped");
        QTest::newRow("a transaction per change") << false;
        QTest::newRow("group commit (savepoints)") << true;
    }
    void keptRowsFollowEveryChangeTheServerMakes()
    {
        QFETCH(bool, grouped);
        Database db;
        QVERIFY(db.open());
        SqliteStore &store = db.store;
        const QString &path = db.path;
        const QString a = QStringLiteral("ses_a"), b = QStringLiteral("ses_b");
        QVERIFY(store.insertSession(sessionNamed(a), tokenOf(a), Transition{}));
        QVERIFY(store.insertSession(sessionNamed(b), tokenOf(b), Transition{}));
        // A change that fails after it changed the session's row: SQLite undoes it.
        outside(path, {QStringLiteral("CREATE TRIGGER refuse AFTER INSERT ON events WHEN NEW.type "
                                      "= 'test.refused' BEGIN SELECT RAISE(ABORT, 'r'); END")});
        if (grouped)
            store.setGroupCommit([] {});
        QCOMPARE(store.session(a)->pending, 0); // kept from here on
        QCOMPARE(store.token(tokenOf(a))->revoked, false);

        QVERIFY(submit(store, QStringLiteral("act_1"), a));
        QCOMPARE(store.session(a)->pending, 1);
        QVERIFY(submit(store, QStringLiteral("act_2"), b));
        QCOMPARE(store.session(b)->pending, 1);
        QCOMPARE(store.session(a)->pending, 1);

        QVERIFY(
            !submit(store, QStringLiteral("act_3"), a, submitted(QStringLiteral("test.refused"))));
        QCOMPARE(store.session(a)->pending, 1);
        QVERIFY(!store.action(QStringLiteral("act_3")));

        QJsonObject approved = pendingAction(QStringLiteral("act_1"), a);
        approved[QStringLiteral("status")] = QStringLiteral("approved");
        approved[QStringLiteral("version")] = 2;
        QVERIFY(store.updateAction(approved, 1,
                                   Transition{QStringLiteral("action.decided"),
                                              {},
                                              QStringLiteral("action.approve"),
                                              QStringLiteral("ana"),
                                              3,
                                              {}}));
        QCOMPARE(store.session(a)->pending, 0);

        QCOMPARE(store.token(tokenOf(a))->revoked, false); // kept again
        QCOMPARE(store.token(tokenOf(b))->revoked, false);
        QVERIFY(store.killSessions({a}, QStringLiteral("stop"), killed(4)));
        QCOMPARE(store.session(a)->status, QStringLiteral("killed"));
        QCOMPARE(store.token(tokenOf(a))->revoked, true);
        QCOMPARE(store.session(b)->status, QStringLiteral("active"));
        QCOMPARE(store.session(b)->pending, 1);
        QCOMPARE(store.token(tokenOf(b))->revoked, false);
        if (grouped) {
            QVERIFY(store.commitGroup());
            store.setGroupCommit({});
        }
        QCOMPARE(store.session(a)->status, QStringLiteral("killed"));
    }

    // What makes the rows worth keeping: under load every request's transition changes some
    // row, and a session's or token's own row changes rarely.
    void rowsAreKeptAcrossChangesOfOtherRows()
    {
        Database db;
        QVERIFY(db.open());
        SqliteStore &store = db.store;
        const QString &path = db.path;
        const QString a = QStringLiteral("ses_a"), b = QStringLiteral("ses_b");
        QVERIFY(store.insertSession(sessionNamed(a), tokenOf(a), Transition{}));
        QVERIFY(store.insertSession(sessionNamed(b), tokenOf(b), Transition{}));
        RowReads reads(path);
        QVERIFY(reads.hooked());
        QVERIFY(store.session(a) && store.token(tokenOf(a)) && store.session(b));
        const int sessionReads = reads.sessions(), tokenReads = reads.tokens();
        QCOMPARE(tokenReads, 1);

        QVERIFY(submit(store, QStringLiteral("act_1"), b));
        QVERIFY(submit(store, QStringLiteral("act_2"), a)); // a's count changes in place
        QCOMPARE(store.session(a)->pending, 1);
        QCOMPARE(store.session(b)->pending, 1);
        QCOMPARE(store.token(tokenOf(a))->revoked, false);
        QCOMPARE(reads.sessions(), sessionReads);
        QCOMPARE(reads.tokens(), tokenReads);

        // A change of those rows: read again.
        QVERIFY(store.killSessions({a}, QStringLiteral("stop"), killed(3)));
        QCOMPARE(store.session(a)->status, QStringLiteral("killed"));
        QCOMPARE(store.token(tokenOf(a))->revoked, true);
        QCOMPARE(store.session(b)->status, QStringLiteral("active"));
        QCOMPARE(reads.sessions(), sessionReads + 1);
        QCOMPARE(reads.tokens(), tokenReads + 1);

        // A request's credential (token and session) checks for outside commits once.
        const int checks = reads.versionChecks();
        const auto credential = store.credential(tokenOf(a));
        QVERIFY(credential && credential->session);
        QCOMPARE(credential->session->status, QStringLiteral("killed"));
        QCOMPARE(credential->token.revoked, true);
        QCOMPARE(reads.versionChecks(), checks + 1);
        QCOMPARE(reads.sessions(), sessionReads + 1);
        QCOMPARE(reads.tokens(), tokenReads + 1);
    }

    // Someone changing the file with the sqlite3 shell while the server runs: a commit of
    // another connection forgets every row kept.
    void aCommitOfAnotherConnectionIsSeen()
    {
        Database db;
        QVERIFY(db.open());
        SqliteStore &store = db.store;
        const QString &path = db.path;
        const QString a = QStringLiteral("ses_a");
        QVERIFY(store.insertSession(sessionNamed(a), tokenOf(a), Transition{}));
        QCOMPARE(store.session(a)->status, QStringLiteral("active"));
        QCOMPARE(store.token(tokenOf(a))->revoked, false);
        outside(path,
                {QStringLiteral("UPDATE sessions SET status = 'killed' WHERE id = 'ses_a'"),
                 QStringLiteral("UPDATE tokens SET revoked_at = 5 WHERE session_id = 'ses_a'")});
        QCOMPARE(store.session(a)->status, QStringLiteral("killed"));
        QCOMPARE(store.token(tokenOf(a))->revoked, true);
    }

    // A failure that makes SQLite roll back the whole open group (here a trigger standing in for
    // an I/O error or a full disk) takes the rows read in it along, and every change until the
    // group's COMMIT reports the loss fails rather than being made alone.
    void aGroupSQLiteRolledBackTakesItsRowsAlong()
    {
        Database db;
        QVERIFY(db.open());
        SqliteStore &store = db.store;
        const QString &path = db.path;
        const QString a = QStringLiteral("ses_a"), c = QStringLiteral("ses_c");
        QVERIFY(store.insertSession(sessionNamed(a), tokenOf(a), Transition{}));
        outside(path, {QStringLiteral("CREATE TRIGGER lose AFTER INSERT ON action_views BEGIN "
                                      "SELECT RAISE(ROLLBACK, 'lost'); END")});
        store.setGroupCommit([] {});
        QVERIFY(store.insertSession(sessionNamed(c), tokenOf(c), Transition{}));
        QCOMPARE(store.session(c)->status, QStringLiteral("active"));
        QCOMPARE(store.token(tokenOf(c))->revoked, false);

        QVERIFY(!store.recordFirstView(QStringLiteral("act_1"), QStringLiteral("ana"), 2));
        QVERIFY(!store.killSessions({a}, QStringLiteral("stop"), killed(3)));
        QVERIFY(!store.session(c));
        QVERIFY(!store.token(tokenOf(c)));
        QVERIFY(!store.commitGroup());

        QVERIFY(store.killSessions({a}, QStringLiteral("stop"), killed(4)));
        QVERIFY(store.commitGroup());
        store.setGroupCommit({});
        QCOMPARE(store.session(a)->status, QStringLiteral("killed"));
        QVERIFY(!store.session(c));
    }
};

QTEST_GUILESS_MAIN(TestRowCache)
#include "tst_rowcache.moc"
