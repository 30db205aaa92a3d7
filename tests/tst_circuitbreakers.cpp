// The breakers' counters on their own (app/server/CircuitBreakers): windows that take another
// server's submissions in time order, however late they arrive, and a resume that forgets what
// came before it, also when another server's event of it arrives afterwards, but not what came
// after it. The same for runs of rejections. Server-level behaviour: tst_breakers,
// tst_sharedbreakers.
#include "server/CircuitBreakers.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest>

using namespace interlock;

namespace {
constexpr qint64 kMinute = 60 * 1000;
const QString kSession = QStringLiteral("ses_1");
const QString kAgent = QStringLiteral("mail-cleaner");
const QString kKind = QStringLiteral("email.delete");

std::shared_ptr<const BreakerRules> rules()
{
    const QByteArray text = R"({"breakers": [
        {"id": "burst", "measure": "submissions", "more_than": 3, "window_seconds": 60,
         "action": "freeze"},
        {"id": "streak", "measure": "rejections_in_a_row", "more_than": 2, "action": "freeze"}]})";
    QString error;
    auto r = BreakerRules::read(QJsonDocument::fromJson(text).object(), text, &error);
    if (!r)
        qFatal("rules: %s", qPrintable(error));
    return r;
}

qint64 countOf(const CircuitBreakers &b, const QString &breaker, qint64 now)
{
    for (const QJsonValue &c : b.counts(kSession, kAgent, now)) {
        if (c.toObject().value(QStringLiteral("breaker")).toString() == breaker)
            return c.toObject().value(QStringLiteral("count")).toInteger();
    }
    return 0;
}

void submitted(CircuitBreakers &b, qint64 at, qint64 now)
{
    b.record(kSession, kAgent, kKind, ActionFacts{}, at, now);
}
} // namespace

class TestCircuitBreakers : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // Another server's submission, delivered after later ones here, leaves the window when its
    // own time says so: not held back by the newer ones behind it.
    void aLateSubmissionLeavesTheWindowOnTime()
    {
        CircuitBreakers b(rules());
        const qint64 t0 = 10 * kMinute;
        submitted(b, t0 + 20000, t0 + 20000);
        submitted(b, t0 + 30000, t0 + 30000);
        submitted(b, t0 + 5000, t0 + 30000); // made elsewhere at +5 s, heard of at +30 s
        QCOMPARE(countOf(b, QStringLiteral("burst"), t0 + 30000), 3);
        QCOMPARE(b.check(kSession, kAgent, kKind, {}, t0 + 30000).size(), 1); // a 4th: 4 > 3
        // At +65 s the one from +5 s is out (it was not stuck behind the newer two): two left,
        // and a third is allowed.
        QCOMPARE(countOf(b, QStringLiteral("burst"), t0 + 65000), 2);
        QCOMPARE(b.check(kSession, kAgent, kKind, {}, t0 + 65000).size(), 0);
        submitted(b, t0 + 65000, t0 + 65000);
        QCOMPARE(countOf(b, QStringLiteral("burst"), t0 + 65000), 3);
        // One older than the window when it arrives is not counted at all.
        submitted(b, t0 + 1000, t0 + 65000);
        QCOMPARE(countOf(b, QStringLiteral("burst"), t0 + 65000), 3);
    }

    // People resumed the session at +40 s: what was made before no longer counts, including a
    // submission made elsewhere at +35 s that arrives later; one made at +45 s, delivered in the
    // same batch as the resume, still counts.
    void aResumeForgetsWhatCameBeforeItOnly()
    {
        CircuitBreakers b(rules());
        const qint64 t0 = 10 * kMinute;
        for (qint64 at : {t0 + 10000, t0 + 20000, t0 + 30000})
            submitted(b, at, at);
        submitted(b, t0 + 45000, t0 + 46000); // after the resume, heard of before it is applied
        b.forget(kSession, kAgent, t0 + 40000);
        QCOMPARE(countOf(b, QStringLiteral("burst"), t0 + 46000), 1);
        submitted(b, t0 + 35000, t0 + 47000); // before the resume, heard of after it
        QCOMPARE(countOf(b, QStringLiteral("burst"), t0 + 47000), 1);
        // A window left empty by the resume keeps its floor through pruning while the floor is
        // inside the window.
        CircuitBreakers c(rules());
        submitted(c, t0 + 30000, t0 + 30000);
        c.forget(kSession, kAgent, t0 + 40000);
        c.prune(t0 + 50000);
        submitted(c, t0 + 35000, t0 + 50000);
        QCOMPARE(countOf(c, QStringLiteral("burst"), t0 + 50000), 0);
    }

    // Runs of rejections: the same floor.
    void aResumeEndsTheRunsBeforeItOnly()
    {
        CircuitBreakers b(rules());
        const qint64 t0 = 10 * kMinute;
        QVERIFY(b.decided(kSession, kAgent, kKind, true, t0 + 1000).isEmpty());
        QVERIFY(b.decided(kSession, kAgent, kKind, true, t0 + 2000).isEmpty());
        b.forget(kSession, kAgent, t0 + 3000);
        QCOMPARE(countOf(b, QStringLiteral("streak"), t0 + 3000), 0);
        // Elsewhere, before the resume, heard of now: neither extends nor ends the run.
        QVERIFY(b.decided(kSession, kAgent, kKind, true, t0 + 2500).isEmpty());
        QCOMPARE(countOf(b, QStringLiteral("streak"), t0 + 4000), 0);
        QVERIFY(b.decided(kSession, kAgent, kKind, true, t0 + 4000).isEmpty());
        QVERIFY(b.decided(kSession, kAgent, kKind, true, t0 + 5000).isEmpty());
        QCOMPARE(b.decided(kSession, kAgent, kKind, true, t0 + 6000).size(), 1); // 3 > 2
        QVERIFY(b.decided(kSession, kAgent, kKind, false, t0 + 7000).isEmpty());
        QCOMPARE(countOf(b, QStringLiteral("streak"), t0 + 7000), 0);
    }
};

QTEST_GUILESS_MAIN(TestCircuitBreakers)
#include "tst_circuitbreakers.moc"
