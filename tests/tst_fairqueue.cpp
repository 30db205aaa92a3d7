// FairQueue: requests waiting for the API thread are taken in turns by caller, so one caller's
// flood delays another's request by one of its own, not by all of them.
#include "server/FairQueue.h"

#include <QtTest>

using namespace interlock;

namespace {
FairQueue::Item item(const QString &path)
{
    FairQueue::Item i;
    i.request.path = path;
    return i;
}

QStringList drain(FairQueue &q)
{
    QStringList order;
    bool more = true;
    while (more) {
        const std::optional<FairQueue::Item> i = q.take(&more);
        if (!i)
            break;
        order.append(i->request.path);
    }
    return order;
}
} // namespace

class TestFairQueue : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void callersTakeTurnsAndEachKeepsItsOrder()
    {
        FairQueue q;
        QVERIFY(q.put("Bearer agent", item("a1"))); // the first wakes the taker
        for (int i = 2; i <= 1000; ++i)
            QVERIFY(!q.put("Bearer agent", item(QStringLiteral("a%1").arg(i))));
        QVERIFY(!q.put("Bearer reviewer", item("r1")));
        QVERIFY(!q.put("Bearer reviewer", item("r2")));
        QVERIFY(!q.put("127.0.0.1", item("h1")));
        QCOMPARE(q.size(), 1003);
        const QStringList order = drain(q);
        QCOMPARE(order.size(), 1003);
        // The reviewer's first request is second, not 1,001st; its second comes on its next turn.
        QCOMPARE(order.mid(0, 6), (QStringList{"a1", "r1", "h1", "a2", "r2", "a3"}));
        QCOMPARE(order.last(), QStringLiteral("a1000"));
        QCOMPARE(q.size(), 0);
        bool more = true;
        QVERIFY(!q.take(&more));
        QVERIFY(!more);
        QVERIFY(q.put("Bearer agent", item("again"))); // empty again: wakes the taker again
    }

    void theCallerIsItsTokenElseItsAddress()
    {
        HttpRequest r;
        r.peer = QHostAddress(QStringLiteral("10.1.2.3"));
        QCOMPARE(FairQueue::callerOf(r), QByteArray("10.1.2.3"));
        r.headers.insert("authorization", "Bearer abc");
        QCOMPARE(FairQueue::callerOf(r), QByteArray("Bearer abc"));
    }
};

QTEST_GUILESS_MAIN(TestFairQueue)
#include "tst_fairqueue.moc"
