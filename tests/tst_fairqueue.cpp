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

    // Found by the review: the raw header was the key, and the server accepts "bearer" in any
    // case and any spaces around the token, so one token made hundreds of callers.
    void theCallerIsItsTokenElseItsAddress()
    {
        HttpRequest r;
        r.peer = QHostAddress(QStringLiteral("10.1.2.3"));
        const QByteArray address = FairQueue::callerOf(r);
        QVERIFY(address.contains("10.1.2.3"));
        QByteArray token;
        for (const QByteArray &spelling : {QByteArray("Bearer abc"), QByteArray("bearer  abc"),
                                           QByteArray("BEARER\tabc "), QByteArray(" bEaReR abc")}) {
            r.headers.insert("authorization", spelling);
            if (token.isEmpty())
                token = FairQueue::callerOf(r);
            QCOMPARE(FairQueue::callerOf(r), token);
        }
        QVERIFY(token != address);
        r.headers.insert("authorization", "Basic abc"); // not a bearer token: the address
        QCOMPARE(FairQueue::callerOf(r), address);
    }

    // The control path's kills are recorded before any caller's waiting request: a supervisor's
    // report of the kill, queued meanwhile, must not be handled first.
    void putFirstGoesBeforeEveryTurn()
    {
        FairQueue q;
        q.put("token r", item("r1"));
        q.put("token s", item("terminated"));
        QVERIFY(!q.putFirst(item("kill")));
        QCOMPARE(drain(q), (QStringList{"kill", "r1", "terminated"}));
        QVERIFY(q.putFirst(item("kill2"))); // empty: wakes the taker
    }
};

QTEST_GUILESS_MAIN(TestFairQueue)
#include "tst_fairqueue.moc"
