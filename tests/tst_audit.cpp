// The audit chain: every transition is an entry; tampering with the SQLite file directly
// (altering, deleting, reordering rows) is found by GET /v1/audit/verify and by
// `interlockctl audit verify --db` offline.
#include "support/TestServer.h"

#include <QProcess>
#include <QSqlDatabase>
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

std::pair<int, QString> ctlVerify(const QString &db)
{
    QProcess p;
    p.start(QStringLiteral(INTERLOCKCTL_PATH),
            {QStringLiteral("audit"), QStringLiteral("verify"), QStringLiteral("--db"), db});
    p.waitForFinished(20000);
    return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput() + p.readAllStandardError())};
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
                   "UPDATE audit SET hash = 'ff' || substr(hash, 3) WHERE seq = 5")}
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

    void verifyRefusesAMissingFile()
    {
        const auto [code, text] = ctlVerify(QStringLiteral("/nonexistent/interlock.db"));
        QCOMPARE(code, 2);
        QVERIFY(text.contains(QStringLiteral("no database")));
    }
};

QTEST_GUILESS_MAIN(TestAudit)
#include "tst_audit.moc"
