// What one agent, and one token that opens sessions, may submit in any 10 minutes
// (SubmissionBudget), and over HTTP: a submit-and-withdraw loop, which the pending limit does not
// stop, is refused 429 too_much_data once the agent's budget is spent, across its sessions, while
// other agents go on; a new name for every session does not reset it.
#include "server/SubmissionBudget.h"
#include "support/TestServer.h"

#include <QtTest>

using namespace interlock;
using namespace interlock::test;

namespace {
// A little over 200 KiB: five fit in 1 MiB.
QJsonObject bigSubmission()
{
    return {{QStringLiteral("kind"), QStringLiteral("sql.exec")},
            {QStringLiteral("title"), QStringLiteral("big")},
            {QStringLiteral("payload"),
             QJsonObject{{QStringLiteral("sql"), QString(200 * 1024, QLatin1Char('x'))}}}};
}
} // namespace

class TestSubmissionBudget : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void theWindowSlidesAndSaysWhenThereIsRoom()
    {
        SubmissionBudget budget(1000);
        qint64 retry = -1;
        const qint64 t0 = 1'000'000;
        QVERIFY(budget.take(QStringLiteral("a"), {}, 600, t0, &retry) ==
                SubmissionBudget::Refused::No);
        QVERIFY(budget.take(QStringLiteral("a"), {}, 400, t0 + 20'000, &retry) ==
                SubmissionBudget::Refused::No);
        QCOMPARE(budget.used(QStringLiteral("a"), t0 + 20'000), 1000);
        QVERIFY(budget.take(QStringLiteral("a"), {}, 1, t0 + 25'000, &retry) ==
                SubmissionBudget::Refused::Agent);
        // The 600 leave the window 10 minutes after their bucket: 575 s from here.
        QCOMPARE(retry, 575'000);
        QVERIFY(budget.take(QStringLiteral("b"), {}, 1000, t0 + 25'000, &retry) ==
                SubmissionBudget::Refused::No); // its own budget
        QVERIFY(budget.take(QStringLiteral("a"), {}, 1, t0 + 599'999, &retry) ==
                SubmissionBudget::Refused::Agent);
        QCOMPARE(retry, 1);
        QVERIFY(budget.take(QStringLiteral("a"), {}, 600, t0 + 600'000, &retry) ==
                SubmissionBudget::Refused::No);
        QCOMPARE(budget.used(QStringLiteral("a"), t0 + 600'000), 1000);
        // Long idle: everything left the window.
        QCOMPARE(budget.used(QStringLiteral("a"), t0 + 3'600'000), 0);
        QVERIFY(budget.take(QStringLiteral("c"), {}, 1001, t0, &retry) ==
                SubmissionBudget::Refused::Agent); // more than the whole budget
    }

    void aTokenThatOpensSessionsHasFourAgentsBudgets()
    {
        SubmissionBudget budget(1000);
        qint64 retry = -1;
        const qint64 t0 = 1'000'000;
        for (int i = 0; i < 4; ++i)
            QVERIFY(budget.take(QStringLiteral("n%1").arg(i), QStringLiteral("enroll"), 1000,
                                t0 + i, &retry) == SubmissionBudget::Refused::No);
        QCOMPARE(budget.usedByOpener(QStringLiteral("enroll"), t0 + 4), 4000);
        // A fifth name: its own budget is untouched, its token's is spent.
        QVERIFY(budget.take(QStringLiteral("n4"), QStringLiteral("enroll"), 1, t0 + 5, &retry) ==
                SubmissionBudget::Refused::Opener);
        QCOMPARE(retry, 600'000 - t0 % 10'000 - 5);
        QCOMPARE(budget.used(QStringLiteral("n4"), t0 + 5), 0); // nothing counted when refused
        QVERIFY(budget.take(QStringLiteral("n4"), QStringLiteral("other"), 1, t0 + 5, &retry) ==
                SubmissionBudget::Refused::No);
    }

    void aSubmitAndWithdrawLoopStopsAtTheBudget()
    {
        TestServer::Options o;
        o.limits.agentMiBPer10Min = 1;
        TestServer s(o);
        const auto first = s.openSession(QStringLiteral("filler"));
        const auto second = s.openSession(QStringLiteral("filler"));
        const auto other = s.openSession(QStringLiteral("mailer"));
        const QJsonObject big = bigSubmission();
        int stored = 0;
        ApiResult r;
        for (int i = 0; i < 10; ++i) {
            r = s.call(i % 2 ? second.second : first.second, "POST", QStringLiteral("/v1/actions"),
                       big);
            if (r.status != 201)
                break;
            ++stored;
            QCOMPARE(s.call(i % 2 ? second.second : first.second, "POST",
                            QStringLiteral("/v1/actions/%1/withdraw")
                                .arg(r.body.value(QStringLiteral("id")).toString()),
                            QJsonObject{})
                         .status,
                     200);
        }
        QCOMPARE(stored, 5); // 5 bodies of 200 KiB and a little fit in 1 MiB
        QCOMPARE(r.status, 429);
        QCOMPARE(r.error().code, QStringLiteral("too_much_data"));
        QVERIFY(r.error().message.contains(QStringLiteral("1 MiB")));
        // Another agent is not held back.
        QCOMPARE(s.call(other.second, "POST", QStringLiteral("/v1/actions"), big).status, 201);
    }

    // Found by the API attack of stop 30: the budget was per agent name, and a token that opens
    // sessions (a REST agent's own) gave each session a new name.
    void aNewNameForEverySessionDoesNotResetTheBudget()
    {
        TestServer::Options o;
        o.limits.agentMiBPer10Min = 1;
        TestServer s(o);
        const QJsonObject big = bigSubmission();
        int stored = 0;
        ApiResult r;
        for (int i = 0; i < 40; ++i) {
            const auto session = s.openSession(QStringLiteral("filler-%1").arg(i));
            r = s.call(session.second, "POST", QStringLiteral("/v1/actions"), big);
            if (r.status != 201)
                break;
            ++stored;
        }
        QCOMPARE(stored, 20); // 4 MiB: 20 bodies of 200 KiB and a little
        QCOMPARE(r.status, 429);
        QVERIFY2(r.error().message.startsWith(
                     QStringLiteral("The sessions opened with this agent's token sent more than "
                                    "4 MiB")),
                 qPrintable(r.error().message));
    }
};

QTEST_GUILESS_MAIN(TestSubmissionBudget)
#include "tst_submissionbudget.moc"
