// Reading time, measured by the server (issue #15 section 3): first views recorded per reviewer
// on GET /v1/actions/{id} (not on a prefetch), 422 too_fast for approving a high or critical
// action sooner than the policy's minimum, the review time in the decision, the policy's
// min_review_seconds, and the per-reviewer statistics. Time is the injected ManualClock.
#include "support/TestServer.h"

#include "server/ReviewTimes.h"
#include "server/RiskEngine.h"
#include "server/SchemaVersion.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlQuery>
#include <QtTest>
#include <tuple>

using namespace interlock;
using namespace interlock::test;

namespace {
QJsonObject errorOf(const ApiResult &r)
{
    return r.body.value(QStringLiteral("error")).toObject();
}

QJsonObject rated(int score)
{
    QJsonObject a = sampleAction();
    a.insert(QStringLiteral("risk"), QJsonObject{{QStringLiteral("score"), score}});
    return a;
}
} // namespace

class TestReadingTime : public QObject
{
    Q_OBJECT

    std::unique_ptr<TestServer> m_s;
    QString m_session;

    ApiResult decide(Role role, const QString &id, const QString &decision)
    {
        QJsonObject body{{QStringLiteral("decision"), decision}};
        if (decision == QLatin1String("reject"))
            body.insert(QStringLiteral("comment"), QStringLiteral("no"));
        return m_s->call(m_s->token(role), "POST",
                         QStringLiteral("/v1/actions/%1/decision").arg(id), body);
    }
    ApiResult open(Role role, const QString &id, bool prefetch = false)
    {
        return m_s->call(m_s->token(role), "GET",
                         QStringLiteral("/v1/actions/") + id +
                             (prefetch ? QStringLiteral("?prefetch=1") : QString()));
    }
    QString submit(int score, const QString &level)
    {
        const QString id = m_s->submit(m_session, rated(score));
        const QString got = open(Role::Manager, id, true)
                                .body.value(QStringLiteral("risk"))
                                .toObject()
                                .value(QStringLiteral("level"))
                                .toString();
        return got == level ? id : QString();
    }

private Q_SLOTS:
    void init()
    {
        TestServer::Options o;
        o.manualClock = true;
        o.readingTime = true;
        m_s = std::make_unique<TestServer>(o);
        m_session = m_s->openSession(QStringLiteral("a")).second;
    }
    void cleanup() { m_s.reset(); }

    void approvingAHighActionTooFastIsRefused()
    {
        const QString id = submit(60, QStringLiteral("high"));
        QVERIFY(!id.isEmpty());
        // Never opened: refused, whatever the time.
        ApiResult r = decide(Role::Reviewer, id, QStringLiteral("approve"));
        QCOMPARE(r.status, 422);
        QCOMPARE(errorOf(r).value(QStringLiteral("code")).toString(), QStringLiteral("too_fast"));
        QVERIFY(errorOf(r)
                    .value(QStringLiteral("message"))
                    .toString()
                    .contains(QStringLiteral("not opened")));

        r = open(Role::Reviewer, id);
        QCOMPARE(r.body.value(QStringLiteral("review"))
                     .toObject()
                     .value(QStringLiteral("min_seconds"))
                     .toInt(),
                 3);
        QCOMPARE(r.body.value(QStringLiteral("review"))
                     .toObject()
                     .value(QStringLiteral("remaining_ms"))
                     .toInteger(),
                 3000);
        m_s->clock()->advance(1500);
        r = decide(Role::Reviewer, id, QStringLiteral("approve"));
        QCOMPARE(r.status, 422);
        QCOMPARE(errorOf(r).value(QStringLiteral("message")).toString(),
                 QStringLiteral("Too fast: you opened this high action 1.5 s ago; approving it "
                                "needs at least 3 s of reading. 2 s remain."));
        // Another look does not restart the clock; an edit is an approval too.
        m_s->clock()->advance(1000);
        r = open(Role::Reviewer, id);
        QCOMPARE(r.body.value(QStringLiteral("review"))
                     .toObject()
                     .value(QStringLiteral("remaining_ms"))
                     .toInteger(),
                 500);
        r = m_s->call(
            m_s->token(Role::Reviewer), "POST", QStringLiteral("/v1/actions/%1/decision").arg(id),
            QJsonObject{{QStringLiteral("decision"), QStringLiteral("edit")},
                        {QStringLiteral("payload"),
                         QJsonObject{{QStringLiteral("command"), QStringLiteral("ls")}}}});
        QCOMPARE(r.status, 422);
        // A prefetch by the admin started nothing for the admin.
        open(Role::Admin, id, true);
        QCOMPARE(decide(Role::Admin, id, QStringLiteral("approve")).status, 422);

        m_s->clock()->advance(600);
        r = decide(Role::Reviewer, id, QStringLiteral("approve"));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body.value(QStringLiteral("status")).toString(), QStringLiteral("approved"));
        QCOMPARE(r.body.value(QStringLiteral("decision"))
                     .toObject()
                     .value(QStringLiteral("review_ms"))
                     .toInteger(),
                 3100);
        QCOMPARE(r.body.value(QStringLiteral("approvals"))
                     .toArray()
                     .at(0)
                     .toObject()
                     .value(QStringLiteral("review_ms"))
                     .toInteger(),
                 3100);
    }

    void criticalWaitsLongerAndLowNotAtAllAndRejectNever()
    {
        const QString critical = submit(90, QStringLiteral("critical"));
        QVERIFY(!critical.isEmpty());
        open(Role::Reviewer, critical);
        m_s->clock()->advance(9999);
        QCOMPARE(decide(Role::Reviewer, critical, QStringLiteral("approve")).status, 422);
        m_s->clock()->advance(1);
        QCOMPARE(decide(Role::Reviewer, critical, QStringLiteral("approve")).status, 200);

        const QString low = submit(10, QStringLiteral("low"));
        QVERIFY(!low.isEmpty());
        QCOMPARE(decide(Role::Reviewer, low, QStringLiteral("approve")).status, 200);
        const QString high = submit(60, QStringLiteral("high"));
        QCOMPARE(decide(Role::Reviewer, high, QStringLiteral("reject")).status, 200);
    }

    // A reviewer who read the original reads the edit again: their time counts from the edit
    // (red team F12: a second approval made 1 s after someone else's edit into a critical
    // change passed on the reading of the original).
    void anEditRestartsTheOtherReviewersReading()
    {
        const QString id = submit(90, QStringLiteral("critical"));
        QVERIFY(!id.isEmpty());
        open(Role::Reviewer, id);
        open(Role::Admin, id);
        m_s->clock()->advance(20000);
        ApiResult r = m_s->call(
            m_s->token(Role::Reviewer), "POST", QStringLiteral("/v1/actions/%1/decision").arg(id),
            QJsonObject{{QStringLiteral("decision"), QStringLiteral("edit")},
                        {QStringLiteral("payload"),
                         QJsonObject{{QStringLiteral("command"), QStringLiteral("rm -rf /srv")}}}});
        QCOMPARE(r.status, 200);
        const int version = r.body.value(QStringLiteral("version")).toInt();
        m_s->clock()->advance(1000);
        r = open(Role::Admin, id);
        QCOMPARE(r.body.value(QStringLiteral("review"))
                     .toObject()
                     .value(QStringLiteral("remaining_ms"))
                     .toInteger(),
                 9000);
        const auto approve = [&] {
            return m_s->call(m_s->token(Role::Admin), "POST",
                             QStringLiteral("/v1/actions/%1/decision").arg(id),
                             QJsonObject{{QStringLiteral("decision"), QStringLiteral("approve")},
                                         {QStringLiteral("version"), version}});
        };
        r = approve();
        QCOMPARE(r.status, 422);
        QVERIFY2(errorOf(r)
                     .value(QStringLiteral("message"))
                     .toString()
                     .contains(QStringLiteral("opened this critical action 1.0 s ago")),
                 qPrintable(errorOf(r).value(QStringLiteral("message")).toString()));
        m_s->clock()->advance(9000);
        r = approve();
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body.value(QStringLiteral("decision"))
                     .toObject()
                     .value(QStringLiteral("review_ms"))
                     .toInteger(),
                 10000);
    }

    void thePolicyNamesTheMinimum()
    {
        QFile f(QStringLiteral(":/risk/rules.json"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QByteArray rules = f.readAll();
        QVERIFY(rules.contains("\"min_review_seconds\": {\"low\": 0, \"medium\": 0, \"high\": 3, "
                               "\"critical\": 10}"));
        QString error;
        auto engine = RiskEngine::fromJson(rules, &error);
        QVERIFY2(engine, qPrintable(error));
        QCOMPARE(engine->policy().minReviewSeconds[2], 3);
        QCOMPARE(engine->policy().minReviewSeconds[3], 10);
        QByteArray changed = rules;
        changed.replace("\"high\": 3, \"critical\": 10}", "\"high\": 5, \"critical\": 20}");
        engine = RiskEngine::fromJson(changed, &error);
        QVERIFY2(engine, qPrintable(error));
        QCOMPARE(engine->policy().minReviewSeconds[2], 5);
        changed = rules;
        changed.replace("\"high\": 3, \"critical\": 10}", "\"high\": -1, \"critical\": 10}");
        QVERIFY(!RiskEngine::fromJson(changed, &error));
        QCOMPARE(error.contains(QStringLiteral("policy.min_review_seconds.high")), true);
    }

    void statsShowMedianReviewTimeAndRubberStamping()
    {
        // reviewer-user: 1 s (low), 2 s (low), 5 s (high): median 2 s, 2 of 3 approvals fast.
        for (const auto &[score, level, wait] :
             {std::tuple{10, "low", 1000}, std::tuple{10, "low", 2000},
              std::tuple{60, "high", 5000}}) {
            const QString id = submit(score, QString::fromLatin1(level));
            QVERIFY(!id.isEmpty());
            open(Role::Reviewer, id);
            m_s->clock()->advance(wait);
            QCOMPARE(decide(Role::Reviewer, id, QStringLiteral("approve")).status, 200);
        }
        // admin-user: one rejection after 4 s, no approvals.
        const QString id = submit(10, QStringLiteral("low"));
        open(Role::Admin, id);
        m_s->clock()->advance(4000);
        QCOMPARE(decide(Role::Admin, id, QStringLiteral("reject")).status, 200);

        const ApiResult stats =
            m_s->call(m_s->token(Role::Manager), "GET", QStringLiteral("/v1/stats"));
        QCOMPARE(stats.status, 200);
        const QJsonArray times = stats.body.value(QStringLiteral("review_times")).toArray();
        QCOMPARE(times.size(), 2);
        const QJsonObject admin = times.at(0).toObject();
        const QJsonObject reviewer = times.at(1).toObject();
        QCOMPARE(admin.value(QStringLiteral("reviewer")).toString(), QStringLiteral("admin-user"));
        QCOMPARE(admin.value(QStringLiteral("median_review_ms")).toInteger(), 4000);
        QCOMPARE(admin.value(QStringLiteral("approvals")).toInteger(), 0);
        QCOMPARE(reviewer.value(QStringLiteral("reviewer")).toString(),
                 QStringLiteral("reviewer-user"));
        QCOMPARE(reviewer.value(QStringLiteral("decisions")).toInteger(), 3);
        QCOMPARE(reviewer.value(QStringLiteral("median_review_ms")).toInteger(), 2000);
        QCOMPARE(reviewer.value(QStringLiteral("fast_approvals")).toInteger(), 2);
        QCOMPARE(reviewer.value(QStringLiteral("fast_approval_share")).toDouble(), 2.0 / 3.0);

        // History rows carry each decision's review time.
        const ApiResult history =
            m_s->call(m_s->token(Role::Manager), "GET", QStringLiteral("/v1/history"));
        const QJsonObject newest =
            history.body.value(QStringLiteral("actions")).toArray().at(0).toObject();
        QCOMPARE(newest.value(QStringLiteral("decision"))
                     .toObject()
                     .value(QStringLiteral("review_ms"))
                     .toInteger(),
                 4000);
    }

    void theAuditEntryHoldsTheReviewTime()
    {
        const QString id = submit(90, QStringLiteral("critical"));
        QVERIFY(!id.isEmpty());
        open(Role::Reviewer, id);
        m_s->clock()->advance(12345);
        QCOMPARE(decide(Role::Reviewer, id, QStringLiteral("approve")).status, 200);
        qint64 inAudit = -1;
        withOutsideConnection(m_s->dbPath(), [&](QSqlDatabase &db) {
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("SELECT data FROM audit WHERE subject = '%1' AND "
                                          "type = 'action.approve'")
                               .arg(id)));
            QVERIFY(q.next());
            inAudit = QJsonDocument::fromJson(q.value(0).toByteArray())
                          .object()
                          .value(QStringLiteral("review_ms"))
                          .toInteger(-1);
        });
        QCOMPARE(inAudit, 12345);
    }

    // A database from before reading time (at schema version 5: no action_views or reviews)
    // gets both tables from migration 6 when the server opens it (and migration 7 after it). (A
    // SQLite file of main's earlier meta schema_version '3' is tst_schema's.)
    void anOlderDatabaseIsMigrated()
    {
        const QString id = submit(60, QStringLiteral("high"));
        QVERIFY(!id.isEmpty());
        withOutsideConnection(m_s->dbPath(), [](QSqlDatabase &db) {
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("DROP TABLE action_views")));
            QVERIFY(q.exec(QStringLiteral("DROP TABLE reviews")));
            if (testingPostgres()) // and migration 7's counters
                QVERIFY(dropPendingCounters(db));
            QVERIFY(q.exec(QStringLiteral("DELETE FROM schema_version WHERE version >= 6")));
        });
        m_s->restart();
        open(Role::Reviewer, id);
        m_s->clock()->advance(3000);
        QCOMPARE(decide(Role::Reviewer, id, QStringLiteral("approve")).status, 200);
        int version = 0;
        withOutsideConnection(m_s->dbPath(), [&](QSqlDatabase &db) {
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("SELECT max(version) FROM schema_version")));
            QVERIFY(q.next());
            version = q.value(0).toInt();
            QVERIFY(q.exec(QStringLiteral("SELECT review_ms FROM reviews")));
            QVERIFY(q.next());
            QCOMPARE(q.value(0).toLongLong(), 3000);
        });
        QCOMPARE(version, testingPostgres() ? pgSchemaVersion() : sqliteSchemaVersion());
        QVERIFY(version >= 6);
    }

    void medianOfAnEvenCountAndNeverOpenedApprovals()
    {
        QList<ReviewRecord> reviews;
        for (qint64 ms : {1000, 3000, 4000, 10000})
            reviews.append(ReviewRecord{QStringLiteral("r"), 0, ms, true});
        reviews.append(ReviewRecord{QStringLiteral("r"), 0, std::nullopt, true}); // never opened
        reviews.append(ReviewRecord{QStringLiteral("r"), 0, 500, false});         // a rejection
        const QJsonObject r = reviewTimesJson(reviews).at(0).toObject();
        QCOMPARE(r.value(QStringLiteral("decisions")).toInteger(), 6);
        QCOMPARE(r.value(QStringLiteral("median_review_ms")).toInteger(),
                 3000); // 500,1000,3000,4000,10000
        QCOMPARE(r.value(QStringLiteral("approvals")).toInteger(), 5);
        QCOMPARE(r.value(QStringLiteral("fast_approvals")).toInteger(), 2);
        QCOMPARE(r.value(QStringLiteral("fast_approval_share")).toDouble(), 0.4);
        reviews.removeLast();
        QCOMPARE(reviewTimesJson(reviews)
                     .at(0)
                     .toObject()
                     .value(QStringLiteral("median_review_ms"))
                     .toInteger(),
                 3500);
    }
};

QTEST_MAIN(TestReadingTime)
#include "tst_readingtime.moc"
