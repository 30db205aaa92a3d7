// How servers sharing one PostgreSQL database take row locks (docs/postgresql.md "Transitions:
// one winner"): changes of many actions lock them in id order, so bulk decisions, kills and
// stop-alls on two servers never deadlock; a commit group that finds a row taken commits what it
// holds and then waits holding nothing; a group PostgreSQL failed to break a deadlock says
// busy; the compare-and-swap has one winner among eight connections. PostgreSQL only: ctest
// runs it as pg_lockorder.
#include "server/PgStore.h"
#include "server/ServerThread.h"
#include "support/PgRaces.h"
#include "support/TestServer.h"

#include <QJsonArray>
#include <QSqlQuery>
#include <QtTest>
#include <atomic>
#include <latch>
#include <optional>
#include <thread>

using namespace interlock;
using namespace interlock::test;

namespace {
const QString kBulk = QStringLiteral("/v1/actions/bulk-decision");

QUrl urlOf(const ServerThread &s)
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(s.port()));
}

void startBoth(ServerThread &a, ServerThread &b)
{
    a.start();
    b.start();
    QVERIFY2(a.waitUntilReady(), qPrintable(a.error()));
    QVERIFY2(b.waitUntilReady(), qPrintable(b.error()));
}

// A session opened on `s` with `count` pending actions: its id and theirs, in submission order.
std::pair<QString, QStringList> sessionWithActions(const ServerThread &s, int count)
{
    const ApiResult opened =
        ApiClient(urlOf(s), s.agentToken())
            .call("POST", QStringLiteral("/v1/sessions"),
                  QJsonObject{{QStringLiteral("agent"), QStringLiteral("bulk-racer")}});
    ApiClient agent(urlOf(s), opened.body.value(QStringLiteral("token")).toString());
    QStringList ids;
    for (int i = 0; i < count; ++i)
        ids.append(agent.call("POST", QStringLiteral("/v1/actions"), sampleAction())
                       .body.value(QStringLiteral("id"))
                       .toString());
    return {opened.body.value(QStringLiteral("session"))
                .toObject()
                .value(QStringLiteral("id"))
                .toString(),
            ids};
}

QJsonObject bulkApproval(const QStringList &ids)
{
    return {{QStringLiteral("ids"), QJsonArray::fromStringList(ids)},
            {QStringLiteral("decision"), QStringLiteral("approve")}};
}

// Adds the ids a bulk decision approved to `winners`: each once; the others lost (409).
void approvedIn(const ApiResult &r, QSet<QString> *winners)
{
    for (const QJsonValue &v : r.body.value(QStringLiteral("results")).toArray()) {
        const QJsonObject o = v.toObject();
        const QString id = o.value(QStringLiteral("id")).toString();
        if (o.value(QStringLiteral("ok")).toBool()) {
            QVERIFY2(!winners->contains(id), qPrintable(id + QStringLiteral(" decided twice")));
            winners->insert(id);
        } else {
            QCOMPARE(o.value(QStringLiteral("status")).toInt(), 409);
        }
    }
}

// An outside transaction holds the action `heldId`; `first` is sent, and once it waits for a
// lock `second`; once both wait, the transaction lets go.
void holdWhileBothQueue(const QString &db, const QString &heldId,
                        const std::function<void()> &first, const std::function<void()> &second)
{
    withOutsideConnection(db, [&](QSqlDatabase &d) {
        QVERIFY(d.transaction());
        QSqlQuery hold(d);
        hold.prepare(QStringLiteral("SELECT id FROM actions WHERE id = ? FOR UPDATE"));
        hold.addBindValue(heldId);
        QVERIFY(hold.exec() && hold.next());
        first();
        QTRY_COMPARE(lockWaiters(d), 1);
        second();
        QTRY_COMPARE(lockWaiters(d), 2);
        QVERIFY(d.commit());
    });
}

// A bulk decision refused because every one of its `count` actions was no longer pending.
bool allDecidedAlready(const ApiResult &r, qsizetype count)
{
    if (r.status != 422 || r.error().code != QLatin1String("bulk_refused"))
        return false;
    const QJsonArray refused =
        r.body.value(QStringLiteral("error")).toObject().value(QStringLiteral("refused")).toArray();
    for (const QJsonValue &v : refused) {
        if (v.toObject().value(QStringLiteral("reason")).toString() != QLatin1String("not_pending"))
            return false;
    }
    return refused.size() == count;
}

void expectAllCancelled(ApiClient &client, const QStringList &ids)
{
    for (const QString &id : ids) {
        QCOMPARE(client.call("GET", QStringLiteral("/v1/actions/") + id)
                     .body.value(QStringLiteral("status"))
                     .toString(),
                 QStringLiteral("cancelled"));
    }
}
} // namespace

class TestLockOrder : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        if (!testingPostgres())
            QSKIP("needs INTERLOCK_TEST_STORE=postgresql://… (ctest runs it as pg_lockorder)");
    }

    // Two reviewers select the same actions in opposite orders and bulk-approve them at once on
    // two servers. Row locks taken in opposite orders would deadlock: PostgreSQL breaks the tie
    // after a second and fails one server's whole group. Every change of many actions locks them
    // in id order, so each action has one winner and both reviewers get their answer.
    void twoBulkDecisionsInOppositeOrdersOnTwoServersBothAnswer()
    {
        QTemporaryDir dir;
        const QString db = freshDatabase(dir);
        ServerThread a(db, QHostAddress::LocalHost, 0), b(db, QHostAddress::LocalHost, 0);
        startBoth(a, b);
        ApiClient reviewerA(urlOf(a), a.reviewerToken()), reviewerB(urlOf(b), b.reviewerToken());
        constexpr int kRounds = 6;
        for (int round = 0; round < kRounds; ++round) {
            const QStringList ids = sessionWithActions(a, 40).second;
            std::optional<ApiResult> first, second;
            reviewerA.request("POST", kBulk, bulkApproval(ids),
                              [&](const ApiResult &r) { first = r; });
            reviewerB.request("POST", kBulk, bulkApproval({ids.rbegin(), ids.rend()}),
                              [&](const ApiResult &r) { second = r; });
            QTRY_VERIFY(first && second);
            // Each answers: 200, or refused whole (422) because the other had decided them all
            // before this one looked (the other finished first); never a failed group.
            for (const ApiResult &r : {*first, *second}) {
                QVERIFY2(r.status == 200 || allDecidedAlready(r, ids.size()),
                         qPrintable(r.describe()));
            }
            QVERIFY(first->status == 200 || second->status == 200);
            QSet<QString> winners;
            approvedIn(*first, &winners);
            approvedIn(*second, &winners);
            QCOMPARE(winners.size(), ids.size());
        }
    }

    // An on-call kills a session on one server while a reviewer bulk-approves its actions on the
    // other. An outside transaction holds one action's row until both wait: the one submitted
    // just before the action with the lowest id. Had the kill locked the actions in the order
    // they were stored, it would hold the ones before that row and the bulk decision would take
    // the lowest id, which the kill needs next: a deadlock once the row is let go. In id order
    // both answer; every action ends cancelled (approved ones were never delivered).
    void aKillAndABulkDecisionOnTwoServersBothAnswer()
    {
        QTemporaryDir dir;
        const QString db = freshDatabase(dir);
        ServerThread a(db, QHostAddress::LocalHost, 0), b(db, QHostAddress::LocalHost, 0);
        startBoth(a, b);
        QString sessionId;
        QStringList ids;
        qsizetype lowest = 0;
        while (lowest == 0) { // the lowest id submitted first: nothing before it (1 in 40)
            std::tie(sessionId, ids) = sessionWithActions(a, 40);
            QCOMPARE(ids.size(), 40);
            lowest = std::min_element(ids.begin(), ids.end()) - ids.begin();
        }
        ApiClient oncallA(urlOf(a), a.oncallToken()), reviewerB(urlOf(b), b.reviewerToken());
        std::optional<ApiResult> killed, decided;
        holdWhileBothQueue(
            db, ids.at(lowest - 1),
            [&] {
                oncallA.request("POST", QStringLiteral("/v1/sessions/%1/kill").arg(sessionId),
                                QJsonObject{}, [&](const ApiResult &r) { killed = r; });
            },
            [&] { // listed in reverse: decided in id order all the same
                reviewerB.request("POST", kBulk, bulkApproval({ids.rbegin(), ids.rend()}),
                                  [&](const ApiResult &r) { decided = r; });
            });
        QTRY_VERIFY(killed && decided);
        QVERIFY2(killed->status == 200, qPrintable(killed->describe()));
        QVERIFY2(decided->status == 200, qPrintable(decided->describe()));
        QSet<QString> winners;
        approvedIn(*decided, &winners);
        expectAllCancelled(reviewerB, ids);
    }

    // Stop-all on one server while a reviewer bulk-approves the actions of two sessions on the
    // other. Stop-all takes the actions of all sessions in one id order, not session by session:
    // with the first session's lowest action held by an outside transaction, a stop-all going
    // session by session would wait for it holding nothing, the bulk decision would take the
    // second session's lower actions and queue behind it too, and once it is let go the stop-all
    // would need those: a deadlock. (Needs the second session's lowest id below the first's.)
    void aStopAllAndABulkDecisionOverTwoSessionsBothAnswer()
    {
        QTemporaryDir dir;
        const QString db = freshDatabase(dir);
        ServerThread a(db, QHostAddress::LocalHost, 0), b(db, QHostAddress::LocalHost, 0);
        startBoth(a, b);
        std::pair<QString, QStringList> first, second;
        for (int attempt = 0;; ++attempt) {
            QVERIFY(attempt < 20);
            auto x = sessionWithActions(a, 15), y = sessionWithActions(a, 15);
            QCOMPARE(x.second.size() + y.second.size(), 30);
            if (y.first < x.first)
                std::swap(x, y);
            if (*std::min_element(y.second.begin(), y.second.end()) <
                *std::min_element(x.second.begin(), x.second.end())) {
                first = x;
                second = y;
                break;
            }
            ApiClient(urlOf(a), a.oncallToken()).call("POST", QStringLiteral("/v1/stop-all"));
        }
        const QStringList ids = first.second + second.second;
        ApiClient oncallA(urlOf(a), a.oncallToken()), reviewerB(urlOf(b), b.reviewerToken());
        std::optional<ApiResult> stopped, decided;
        holdWhileBothQueue(
            db, *std::min_element(first.second.begin(), first.second.end()),
            [&] {
                oncallA.request("POST", QStringLiteral("/v1/stop-all"), QJsonObject{},
                                [&](const ApiResult &r) { stopped = r; });
            },
            [&] {
                reviewerB.request("POST", kBulk, bulkApproval(ids),
                                  [&](const ApiResult &r) { decided = r; });
            });
        QTRY_VERIFY(stopped && decided);
        QVERIFY2(stopped->status == 200, qPrintable(stopped->describe()));
        QVERIFY2(stopped->body.value(QStringLiteral("recorded")).toBool(true),
                 qPrintable(stopped->describe()));
        QVERIFY2(decided->status == 200, qPrintable(decided->describe()));
        expectAllCancelled(reviewerB, ids);
    }

    // Two servers' groups each change one action, then the other's: a group that waited for the
    // other's row while holding its own would deadlock. A group that finds the row taken commits
    // what it holds first (its replies go out), then waits holding nothing: both go through, and
    // each action has one winner.
    void twoGroupsChangingTheSameActionsInOppositeOrdersBothCommit()
    {
        QTemporaryDir dir;
        const QString db = freshDatabase(dir);
        PgStore setup(db);
        const QList<QJsonObject> docs =
            openWithPendingActions(setup, QStringLiteral("ses_groups"),
                                   {QStringLiteral("act_x"), QStringLiteral("act_y")});
        QCOMPARE(docs.size(), 2);
        const RaceOutcome race = raceInOppositeOrders(db, [&](PgStore &store, int item) {
            const bool won = approveStored(store, docs[item]);
            if (store.lastFailure() != StoreFailure::None)
                return Step::Failed;
            return won ? Step::Made : Step::Lost;
        });
        QCOMPARE(race.failed, 0);
        QCOMPARE(race.made, 2);
        QVERIFY(race.flushes >= 1);
        for (const char *id : {"act_x", "act_y"})
            QCOMPARE(setup.action(QLatin1String(id))->value(QStringLiteral("status")).toString(),
                     QStringLiteral("approved"));
        QVERIFY(setup.verifyAudit().ok);
    }

    // Another program holds the second of three actions a reviewer bulk-approves, and then asks
    // for the first. A group that waited for the second while holding the first would deadlock
    // with it (PostgreSQL fails one after a second). The server finds the second taken, commits
    // the first, and waits holding nothing: the other program gets the first at once, and the
    // bulk decision goes through once it lets go.
    void aGroupCommitsWhatItHoldsBeforeWaitingForAnotherProgram()
    {
        QTemporaryDir dir;
        const QString db = freshDatabase(dir);
        ServerThread a(db, QHostAddress::LocalHost, 0);
        a.start();
        QVERIFY2(a.waitUntilReady(), qPrintable(a.error()));
        QStringList ids = sessionWithActions(a, 3).second;
        QCOMPARE(ids.size(), 3);
        ids.sort();
        ApiClient reviewer(urlOf(a), a.reviewerToken());
        std::optional<ApiResult> decided;
        withOutsideConnection(db, [&](QSqlDatabase &d) {
            QVERIFY(d.transaction());
            const auto lock = [&d](const QString &id) {
                QSqlQuery q(d);
                q.prepare(QStringLiteral("SELECT status FROM actions WHERE id = ? FOR UPDATE"));
                q.addBindValue(id);
                return q.exec() && q.next() ? q.value(0).toString() : QString();
            };
            QCOMPARE(lock(ids[1]), QStringLiteral("pending"));
            reviewer.request("POST", kBulk, bulkApproval(ids),
                             [&](const ApiResult &r) { decided = r; });
            QTRY_COMPARE(lockWaiters(d), 1); // the server waits for ids[1]
            // Committed before it waited: no deadlock, and already approved.
            QCOMPARE(lock(ids[0]), QStringLiteral("approved"));
            QVERIFY(d.commit());
        });
        QTRY_VERIFY(decided);
        QVERIFY2(decided->status == 200, qPrintable(decided->describe()));
        QCOMPARE(decided->body.value(QStringLiteral("decided")).toInt(), 3);
    }

    // A deadlock PostgreSQL breaks by failing a group (here a store's group against another
    // program, the store having waited first): every later statement of that group fails as
    // "transaction aborted", and the store still says why: busy (503 store_busy, retry), not
    // "other" (500).
    void aGroupFailedByADeadlockSaysBusy()
    {
        QTemporaryDir dir;
        const QString db = freshDatabase(dir);
        PgStore store(db);
        const QList<QJsonObject> docs =
            openWithPendingActions(store, QStringLiteral("ses_deadlock"),
                                   {QStringLiteral("act_1"), QStringLiteral("act_2")});
        QCOMPARE(docs.size(), 2);
        store.setGroupCommit([] {}); // no flushNow: it waits holding its rows
        const auto approve = [&](int i) { return approveStored(store, docs[i]); };
        QVERIFY(approve(0));
        std::atomic<bool> otherLocked = false, otherDone = false, storeWaited = false;
        std::thread other([&] {
            withOutsideConnection(db, [&](QSqlDatabase &d) {
                QSqlQuery q(d);
                // The deadlock is found by whichever side checks first: the store after a
                // second (the default), this program only after a minute.
                q.exec(QStringLiteral("SET deadlock_timeout = '60s'"));
                d.transaction();
                otherLocked =
                    q.exec(QStringLiteral("SELECT id FROM actions WHERE id = 'act_2' FOR UPDATE"));
                // Once the store waits for act_2, ask for act_1: a deadlock, which the store's
                // group loses. (Had the store not waited within 5 s, it has no deadlock to lose:
                // the checks below fail.)
                storeWaited = QTest::qWaitFor([&] { return lockWaiters(d) >= 1; }, 5000);
                q.exec(QStringLiteral("SELECT id FROM actions WHERE id = 'act_1' FOR UPDATE"));
                d.rollback();
            });
            otherDone = true;
        });
        auto joinOther = qScopeGuard([&] { other.join(); }); // also when a check fails
        QTRY_VERIFY(otherLocked.load());
        QVERIFY(!approve(1)); // waits, then PostgreSQL fails it: the deadlock
        QCOMPARE(store.lastFailure(), StoreFailure::Busy);
        QVERIFY(!store.action(QStringLiteral("act_1"))); // "transaction aborted"
        QCOMPARE(store.lastFailure(), StoreFailure::Busy);
        QVERIFY(!store.commitGroup());
        QCOMPARE(store.lastFailure(), StoreFailure::Busy);
        joinOther.dismiss();
        other.join();
        QVERIFY(otherDone.load());
        QVERIFY(storeWaited.load());
    }

    void theCompareAndSwapHasOneWinnerAmongEightConnections()
    {
        QTemporaryDir dir;
        const QString db = freshDatabase(dir);
        PgStore setup(db);
        const QList<QJsonObject> docs =
            openWithPendingActions(setup, QStringLiteral("ses_race"), {QStringLiteral("act_race")});
        QCOMPARE(docs.size(), 1);
        const QJsonObject &doc = docs.first();
        constexpr int kConnections = 8;
        constexpr int kRounds = 20;
        for (int version = 1; version <= kRounds; ++version) {
            std::latch go(kConnections);
            std::atomic<int> winners = 0;
            std::vector<std::thread> threads;
            for (int i = 0; i < kConnections; ++i) {
                threads.emplace_back([&, i] {
                    PgStore store(db);
                    QString e;
                    const bool opened = store.open(&e);
                    QJsonObject next = doc;
                    next.insert(QStringLiteral("version"), version + 1);
                    next.insert(QStringLiteral("title"), QStringLiteral("writer %1").arg(i));
                    go.arrive_and_wait();
                    if (opened && store.updateAction(next, version,
                                                     Transition{QStringLiteral("action.updated"),
                                                                {},
                                                                QStringLiteral("action.edit"),
                                                                QStringLiteral("t"),
                                                                2,
                                                                {}}))
                        ++winners;
                });
            }
            for (std::thread &t : threads)
                t.join();
            QCOMPARE(winners.load(), 1);
        }
        QCOMPARE(setup.action(QStringLiteral("act_race"))->value(QStringLiteral("version")).toInt(),
                 kRounds + 1);
        const AuditVerdict verdict = setup.verifyAudit();
        QVERIFY(verdict.ok);
        QCOMPARE(verdict.entries, kRounds);
    }
};

QTEST_GUILESS_MAIN(TestLockOrder)
#include "tst_lockorder.moc"
