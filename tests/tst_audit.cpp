// The audit chain: every transition is an entry; tampering with the SQLite file directly
// (altering, deleting, reordering rows) is found by GET /v1/audit/verify and by
// `interlockctl audit verify --db` offline.
#include "server/AuditChain.h"
#include "support/TestServer.h"

#include <QFile>
#include <QProcess>
#include <QProcessEnvironment>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QtTest>

using namespace interlock;
using namespace interlock::test;

namespace {
// Runs SQL on the database file through its own connection, as an attacker with file access would.
void tamper(const QString &path, const QStringList &statements)
{
    withOutsideConnection(path, [&](QSqlDatabase &db) {
        QSqlQuery q(db);
        for (const QString &sql : statements)
            QVERIFY2(q.exec(sql), qPrintable(sql));
    });
}

// interlockctl audit verify --db `db` `extra`…; `environment` replaces the inherited one.
std::pair<int, QString> ctlVerify(const QString &db, const QStringList &extra = {},
                                  const std::optional<QProcessEnvironment> &environment = {})
{
    QProcess p;
    if (environment)
        p.setProcessEnvironment(*environment);
    p.start(
        QStringLiteral(INTERLOCKCTL_PATH),
        QStringList{QStringLiteral("audit"), QStringLiteral("verify"), QStringLiteral("--db"), db} +
            extra);
    p.waitForFinished(20000);
    return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput() + p.readAllStandardError())};
}

// What an attacker who can write the database but does not hold the audit key can do at best:
// change entries from `from` on (`change` edits each one) and recompute the SHA-256 chain from
// there to the end, so that every entry matches its plain hash and links to the one before.
void rewriteChain(const QString &location, qint64 from,
                  const std::function<void(AuditEntry &)> &change)
{
    withOutsideConnection(location, [&](QSqlDatabase &db) {
        QSqlQuery read(db);
        QVERIFY(read.exec(QStringLiteral("SELECT seq, at, actor, type, subject, data, prev_hash, "
                                         "hash FROM audit ORDER BY seq")));
        QList<AuditEntry> entries;
        while (read.next())
            entries.append(AuditEntry{
                read.value(0).toLongLong(), read.value(1).toLongLong(), read.value(2).toString(),
                read.value(3).toString(), read.value(4).toString(),
                QJsonDocument::fromJson(read.value(5).toString().toUtf8()).object(),
                read.value(6).toString().toLatin1(), read.value(7).toString().toLatin1()});
        read.finish();
        QByteArray prev = genesisHash();
        for (AuditEntry &e : entries) {
            if (e.seq >= from) {
                change(e);
                e.prevHash = prev;
                e.hash = e.computeHash(); // plain SHA-256: all anyone without the key can do
                QSqlQuery w(db);
                w.prepare(QStringLiteral("UPDATE audit SET actor = ?, data = ?, prev_hash = ?, "
                                         "hash = ? WHERE seq = ?"));
                w.addBindValue(e.actor);
                w.addBindValue(
                    QString::fromUtf8(QJsonDocument(e.data).toJson(QJsonDocument::Compact)));
                w.addBindValue(QString::fromLatin1(e.prevHash));
                w.addBindValue(QString::fromLatin1(e.hash));
                w.addBindValue(e.seq);
                QVERIFY2(w.exec(), qPrintable(w.lastError().text()));
            }
            prev = e.hash;
        }
        if (testingPostgres()) { // where the next entry links to
            QSqlQuery head(db);
            head.prepare(QStringLiteral("UPDATE chain_head SET audit_hash = ? WHERE id = 1"));
            head.addBindValue(QString::fromLatin1(prev));
            QVERIFY2(head.exec(), qPrintable(head.lastError().text()));
        }
    });
}

QJsonObject apiVerify(TestServer &s)
{
    return s.call(s.token(Role::Manager), "GET", QStringLiteral("/v1/audit/verify")).body;
}

// A little history: a session, three actions, an approval, a rejection, a kill.
void makeHistory(TestServer &s)
{
    const auto [id, token] = s.openSession(QStringLiteral("history"));
    const QString a = s.submit(token, sampleAction());
    const QString b = s.submit(token, sampleAction());
    s.submit(token, sampleAction());
    s.call(s.token(Role::Reviewer), "POST", QStringLiteral("/v1/actions/%1/decision").arg(a),
           QJsonObject{{QStringLiteral("decision"), QStringLiteral("approve")}});
    s.call(s.token(Role::Reviewer), "POST", QStringLiteral("/v1/actions/%1/decision").arg(b),
           QJsonObject{{QStringLiteral("decision"), QStringLiteral("reject")},
                       {QStringLiteral("comment"), QStringLiteral("no")}});
    s.call(s.token(Role::Oncall), "POST", QStringLiteral("/v1/sessions/%1/kill").arg(id));
}
} // namespace

class TestAudit : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everyTransitionIsChained()
    {
        TestServer s;
        makeHistory(s);
        const ApiResult verify =
            s.call(s.token(Role::Manager), "GET", QStringLiteral("/v1/audit/verify"));
        QCOMPARE(verify.status, 200);
        QCOMPARE(verify.body.value(QStringLiteral("ok")).toBool(), true);
        const ApiResult list =
            s.call(s.token(Role::Manager), "GET", QStringLiteral("/v1/audit?limit=1000"));
        const QJsonArray entries = list.body.value(QStringLiteral("entries")).toArray();
        QCOMPARE(verify.body.value(QStringLiteral("entries")).toInt(), entries.size());
        QCOMPARE(verify.body.value(QStringLiteral("head")).toString(),
                 entries.last().toObject().value(QStringLiteral("hash")).toString());
        QStringList types;
        for (const QJsonValue &e : entries)
            types.append(e.toObject().value(QStringLiteral("type")).toString());
        for (const char *t : {"token.create", "session.open", "action.submit", "action.approve",
                              "action.reject", "session.kill"})
            QVERIFY2(types.contains(QString::fromLatin1(t)), t);
        // Paging.
        const ApiResult page =
            s.call(s.token(Role::Admin), "GET", QStringLiteral("/v1/audit?after=2&limit=3"));
        QCOMPARE(page.body.value(QStringLiteral("entries"))
                     .toArray()
                     .first()
                     .toObject()
                     .value(QStringLiteral("seq"))
                     .toInt(),
                 3);
        QCOMPARE(page.body.value(QStringLiteral("next")).toInt(), 5);
        const auto [code, text] = ctlVerify(s.dbPath());
        QCOMPARE(code, 0);
        QVERIFY2(text.contains(verify.body.value(QStringLiteral("head")).toString()),
                 qPrintable(text));
    }

    void tamperingIsFound_data()
    {
        QTest::addColumn<QStringList>("statements");
        QTest::addColumn<int>("firstBad");
        QTest::addColumn<QString>("reason");
        QTest::newRow("data altered")
            << QStringList{QStringLiteral(
                   "UPDATE audit SET data = '{\"status\":\"rejected\"}' WHERE seq = 8")}
            << 8 << "altered";
        QTest::newRow("actor altered")
            << QStringList{QStringLiteral("UPDATE audit SET actor = 'ceo' WHERE seq = 7")} << 7
            << "altered";
        QTest::newRow("time altered")
            << QStringList{QStringLiteral("UPDATE audit SET at = at + 3600000 WHERE seq = 9")} << 9
            << "altered";
        QTest::newRow("row deleted")
            << QStringList{QStringLiteral("DELETE FROM audit WHERE seq = 6")} << 6 << "missing";
        QTest::newRow("rows reordered")
            << QStringList{QStringLiteral("UPDATE audit SET seq = -1 WHERE seq = 7"),
                           QStringLiteral("UPDATE audit SET seq = 7 WHERE seq = 8"),
                           QStringLiteral("UPDATE audit SET seq = 8 WHERE seq = -1")}
            << 7 << "chain";
        QTest::newRow("hash forged")
            << QStringList{QStringLiteral(
                   "UPDATE audit SET hash = CASE WHEN substr(hash, 1, 2) = 'ff' THEN 'ee' "
                   "ELSE 'ff' END || substr(hash, 3) WHERE seq = 5")}
            << 5 << "altered";
        QTest::newRow("row re-hashed but chain broken")
            << QStringList{QStringLiteral("UPDATE audit SET prev_hash = '%1' WHERE seq = 4")
                               .arg(QString(64, QLatin1Char('1')))}
            << 4 << "chain";
    }
    void tamperingIsFound()
    {
        QFETCH(QStringList, statements);
        QFETCH(int, firstBad);
        QFETCH(QString, reason);
        TestServer s;
        makeHistory(s);
        QVERIFY(s.call(s.token(Role::Manager), "GET", QStringLiteral("/v1/audit/verify"))
                    .body.value(QStringLiteral("entries"))
                    .toInt() >= 12);
        tamper(s.dbPath(), statements);
        const ApiResult verify =
            s.call(s.token(Role::Manager), "GET", QStringLiteral("/v1/audit/verify"));
        QCOMPARE(verify.body.value(QStringLiteral("ok")).toBool(), false);
        QCOMPARE(verify.body.value(QStringLiteral("first_bad_seq")).toInt(), firstBad);
        QVERIFY2(verify.body.value(QStringLiteral("reason")).toString().contains(reason),
                 qPrintable(verify.body.value(QStringLiteral("reason")).toString()));
        const auto [code, text] = ctlVerify(s.dbPath());
        QCOMPARE(code, 1);
        QVERIFY2(text.contains(QStringLiteral("first bad entry: %1").arg(firstBad)),
                 qPrintable(text));
    }

    // Red team F1: whoever can write the database rewrites an entry and recomputes every later
    // hash. The entries are keyed with a secret the database does not hold: found.
    void aRewrittenChainIsFoundWithoutTheKey_data()
    {
        QTest::addColumn<qint64>("from");
        QTest::addColumn<QString>("reason");
        QTest::newRow("from entry 7") << qint64(7) << "rewritten without the audit key";
        QTest::newRow("the whole chain") << qint64(1) << "head anchor";
    }
    void aRewrittenChainIsFoundWithoutTheKey()
    {
        QFETCH(qint64, from);
        QFETCH(QString, reason);
        TestServer s;
        makeHistory(s);
        const QJsonObject before = apiVerify(s);
        QCOMPARE(before.value(QStringLiteral("ok")).toBool(), true);
        QCOMPARE(before.value(QStringLiteral("keyed")).toBool(), true);
        QCOMPARE(before.value(QStringLiteral("keyed_from")).toInt(), 1);
        rewriteChain(s.dbPath(), from, [from](AuditEntry &e) {
            if (e.seq == from)
                e.actor = QStringLiteral("ceo");
        });
        const QJsonObject after = apiVerify(s);
        QCOMPARE(after.value(QStringLiteral("ok")).toBool(), false);
        QVERIFY2(after.value(QStringLiteral("reason")).toString().contains(reason),
                 qPrintable(after.value(QStringLiteral("reason")).toString()));
        const auto [code, text] = ctlVerify(s.dbPath());
        QCOMPARE(code, 1);
        QVERIFY2(text.contains(QStringLiteral("NOT INTACT")), qPrintable(text));
    }

    void theWrongOrAMissingKeyIsNotIntact()
    {
        TestServer s;
        makeHistory(s);
        QTemporaryDir dir;
        const QString wrong = dir.filePath(QStringLiteral("wrong.key"));
        QFile file(wrong);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray(32, 'w'));
        file.close();
        const auto [code, text] = ctlVerify(s.dbPath(), {QStringLiteral("--audit-key"), wrong});
        QCOMPARE(code, 1);
        QVERIFY2(text.contains(QStringLiteral("NOT INTACT")) &&
                     text.contains(QStringLiteral("another audit key")),
                 qPrintable(text));
        // No key at all: no --audit-key, no INTERLOCK_AUDIT_KEY, and (SQLite) the default key
        // file moved away.
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.remove(QStringLiteral("INTERLOCK_AUDIT_KEY"));
        const QString keyFile = s.dbPath() + QStringLiteral(".audit-key");
        const bool sqlite = !testingPostgres();
        if (sqlite)
            QVERIFY(QFile::rename(keyFile, keyFile + QStringLiteral(".away")));
        const auto [code2, text2] = ctlVerify(s.dbPath(), {}, environment);
        if (sqlite)
            QVERIFY(QFile::rename(keyFile + QStringLiteral(".away"), keyFile));
        QCOMPARE(code2, 1);
        QVERIFY2(text2.contains(QStringLiteral("NOT INTACT")) &&
                     text2.contains(QStringLiteral("no audit key was given")),
                 qPrintable(text2));
        // A key file that cannot be read is an error, not a crash.
        const auto [code3, text3] = ctlVerify(
            s.dbPath(), {QStringLiteral("--audit-key"), dir.filePath(QStringLiteral("none"))});
        QCOMPARE(code3, 1);
        QVERIFY2(text3.contains(QStringLiteral("cannot read the audit key")), qPrintable(text3));
        QCOMPARE(ctlVerify(s.dbPath()).first, 0);
    }

    // A file from before the key: its unkeyed entries still verify, an audit.keyed entry follows
    // them, and every entry after it is keyed.
    void anUnkeyedChainGoesOnKeyed()
    {
        TestServer s;
        makeHistory(s);
        rewriteChain(s.dbPath(), 1, [](AuditEntry &) {}); // as the code before the key wrote it
        QFile::remove(s.dbPath() + QStringLiteral(".audit-head")); // and with no head anchor
        const int unkeyed =
            s.call(s.token(Role::Manager), "GET", QStringLiteral("/v1/audit?limit=1000"))
                .body.value(QStringLiteral("entries"))
                .toArray()
                .size();
        s.restart();
        s.openSession(QStringLiteral("after"));
        const QJsonObject verdict = apiVerify(s);
        QCOMPARE(verdict.value(QStringLiteral("ok")).toBool(), true);
        QCOMPARE(verdict.value(QStringLiteral("keyed_from")).toInt(), unkeyed + 1);
        QVERIFY(verdict.value(QStringLiteral("entries")).toInt() > unkeyed + 1);
        const QJsonObject marker = s.call(s.token(Role::Manager), "GET",
                                          QStringLiteral("/v1/audit?after=%1&limit=1").arg(unkeyed))
                                       .body.value(QStringLiteral("entries"))
                                       .toArray()
                                       .first()
                                       .toObject();
        QCOMPARE(marker.value(QStringLiteral("type")).toString(), QStringLiteral("audit.keyed"));
        QCOMPARE(marker.value(QStringLiteral("data"))
                     .toObject()
                     .value(QStringLiteral("after_seq"))
                     .toInt(),
                 unkeyed);
        const auto [code, text] = ctlVerify(s.dbPath());
        QCOMPARE(code, 0);
        QVERIFY2(text.contains(QStringLiteral("keyed from entry %1").arg(unkeyed + 1)),
                 qPrintable(text));
    }

    // The whole chain rewritten unkeyed, and a keyed entry written on top: keying must begin at
    // entry 1 or with an audit.keyed entry, which cannot be made without the key.
    void aChainRewrittenUnkeyedAndWrittenOnIsFound()
    {
        TestServer s;
        makeHistory(s);
        rewriteChain(s.dbPath(), 1, [](AuditEntry &e) {
            if (e.seq == 3)
                e.actor = QStringLiteral("ceo");
        });
        s.openSession(QStringLiteral("on-top"));
        QCOMPARE(apiVerify(s).value(QStringLiteral("ok")).toBool(), false); // the anchor
        QFile::remove(s.dbPath() + QStringLiteral(".audit-head")); // without it (PostgreSQL: none)
        const auto [code, text] = ctlVerify(s.dbPath());
        QCOMPARE(code, 1);
        QVERIFY2(text.contains(QStringLiteral("is the first keyed entry but not an audit.keyed")),
                 qPrintable(text));
    }

    // Red team F2: the newest entries deleted (and, on PostgreSQL, chain_head set back to match)
    // leave a chain that is whole by itself. The head anchor kept outside the database (SQLite:
    // <db>.audit-head; PostgreSQL: the server's memory) and --expect-head find them missing,
    // also once the server has written on from the shortened chain.
    void entriesCutOffTheEndAreFound()
    {
        TestServer s;
        makeHistory(s);
        const QJsonObject before = apiVerify(s);
        const int entries = before.value(QStringLiteral("entries")).toInt();
        const QString head = QStringLiteral("%1:%2").arg(entries).arg(
            before.value(QStringLiteral("head")).toString());
        QCOMPARE(before.value(QStringLiteral("ok")).toBool(), true);
        QCOMPARE(before.value(QStringLiteral("anchor_seq")).toInt(), entries);
        QCOMPARE(ctlVerify(s.dbPath(), {QStringLiteral("--expect-head"), head}).first, 0);
        withOutsideConnection(s.dbPath(), [&](QSqlDatabase &db) {
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("DELETE FROM audit WHERE seq > %1").arg(entries - 3)));
            if (testingPostgres())
                QVERIFY(q.exec(QStringLiteral("UPDATE chain_head SET audit_seq = %1, audit_hash = "
                                              "(SELECT hash FROM audit WHERE seq = %1)")
                                   .arg(entries - 3)));
        });
        const QJsonObject after = apiVerify(s);
        QCOMPARE(after.value(QStringLiteral("ok")).toBool(), false);
        QCOMPARE(after.value(QStringLiteral("first_bad_seq")).toInt(), entries - 2);
        QVERIFY2(
            after.value(QStringLiteral("reason")).toString().contains(QStringLiteral("cut off")),
            qPrintable(after.value(QStringLiteral("reason")).toString()));
        const auto [code, text] = ctlVerify(s.dbPath(), {QStringLiteral("--expect-head"), head});
        QCOMPARE(code, 1);
        QVERIFY2(text.contains(QStringLiteral("first bad entry: %1").arg(entries - 2)),
                 qPrintable(text));
        if (!testingPostgres()) // the file anchor, without --expect-head
            QCOMPARE(ctlVerify(s.dbPath()).first, 1);
        // The server writes on from the shortened chain: still not intact.
        s.openSession(QStringLiteral("after-1"));
        s.openSession(QStringLiteral("after-2"));
        QCOMPARE(apiVerify(s).value(QStringLiteral("ok")).toBool(), false);
        QCOMPARE(ctlVerify(s.dbPath(), {QStringLiteral("--expect-head"), head}).first, 1);
        // A head that is not SEQ:HASH is a usage error.
        QCOMPARE(
            ctlVerify(s.dbPath(), {QStringLiteral("--expect-head"), QStringLiteral("12:zz")}).first,
            2);
    }

    void aMissingHeadAnchorIsNotIntact()
    {
        if (testingPostgres())
            QSKIP("the anchor of a PostgreSQL database is the server's memory");
        TestServer s;
        makeHistory(s);
        const QString anchor = s.dbPath() + QStringLiteral(".audit-head");
        QFile file(anchor);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonObject verdict = apiVerify(s);
        QCOMPARE(file.readAll().trimmed(),
                 QStringLiteral("%1:%2")
                     .arg(verdict.value(QStringLiteral("entries")).toInt())
                     .arg(verdict.value(QStringLiteral("head")).toString())
                     .toLatin1());
        QCOMPARE(int(file.permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther)), 0);
        file.close();
        QVERIFY(QFile::remove(anchor));
        const auto [code, text] = ctlVerify(s.dbPath());
        QCOMPARE(code, 1);
        QVERIFY2(text.contains(QStringLiteral("head anchor")) &&
                     text.contains(QStringLiteral("missing")),
                 qPrintable(text));
        // Not made anew from the database by the next server: it would accept what was cut off.
        s.restart();
        s.openSession(QStringLiteral("after"));
        QVERIFY(!QFile::exists(anchor));
        QCOMPARE(apiVerify(s).value(QStringLiteral("ok")).toBool(), false);
    }

    void verifyRefusesAMissingFile()
    {
        const auto [code, text] = ctlVerify(QStringLiteral("/nonexistent/interlock.db"));
        QCOMPARE(code, 2);
        QVERIFY(text.contains(QStringLiteral("no database")));
    }
};

QTEST_GUILESS_MAIN(TestAudit)
#include "tst_audit.moc"
