// The queue and session models under QAbstractItemModelTester, and the queue's triage order.
#include "ui/ActionFilterModel.h"
#include "ui/ActionQueueModel.h"
#include "ui/SessionListModel.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QtTest>

using namespace interlock::ui;

namespace {
QJsonObject action(const QString &id, int score, const QString &created,
                   const QString &status = QStringLiteral("pending"), int version = 1)
{
    return {
        {QStringLiteral("id"), id},
        {QStringLiteral("version"), version},
        {QStringLiteral("session_id"), QStringLiteral("ses_1")},
        {QStringLiteral("agent"), QString(QStringLiteral("agent-") + id)},
        {QStringLiteral("kind"), QStringLiteral("shell.exec")},
        {QStringLiteral("title"), QString(QStringLiteral("<b>title</b> ") + id)},
        {QStringLiteral("target"), QStringLiteral("host://x")},
        {QStringLiteral("risk"), QJsonObject{{QStringLiteral("score"), score},
                                             {QStringLiteral("level"), QStringLiteral("high")}}},
        {QStringLiteral("required_approvals"), 2},
        {QStringLiteral("approvals"),
         QJsonArray{QJsonObject{{QStringLiteral("by"), QStringLiteral("x")}}}},
        {QStringLiteral("status"), status},
        {QStringLiteral("created_at"), created},
        {QStringLiteral("expires_at"), QStringLiteral("2026-11-24T10:00:00.000Z")}};
}

QStringList order(const QAbstractItemModel &m)
{
    QStringList ids;
    for (int r = 0; r < m.rowCount(); ++r)
        ids.append(m.index(r, 0).data(ActionQueueModel::IdRole).toString());
    return ids;
}
} // namespace

class TestActionQueueModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void modelIsConsistentThroughChanges()
    {
        ActionQueueModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        ActionFilterModel filter;
        filter.setSourceModel(&model);
        QAbstractItemModelTester filterTester(
            &filter, QAbstractItemModelTester::FailureReportingMode::QtTest);

        model.reset({action(QStringLiteral("a"), 10, QStringLiteral("2026-11-24T09:00:00.000Z")),
                     action(QStringLiteral("b"), 90, QStringLiteral("2026-11-24T09:05:00.000Z"))});
        model.upsert(action(QStringLiteral("c"), 90, QStringLiteral("2026-11-24T09:01:00.000Z")));
        QCOMPARE(model.rowCount(), 3);
        // Risk high to low, then oldest first.
        QCOMPARE(order(filter),
                 (QStringList{QStringLiteral("c"), QStringLiteral("b"), QStringLiteral("a")}));

        // An update replaces the row; a decided action leaves the pending view.
        model.upsert(action(QStringLiteral("c"), 90, QStringLiteral("2026-11-24T09:01:00.000Z"),
                            QStringLiteral("approved"), 3));
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(order(filter), (QStringList{QStringLiteral("b"), QStringLiteral("a")}));
        // An older version arriving late is ignored.
        model.upsert(action(QStringLiteral("c"), 90, QStringLiteral("2026-11-24T09:01:00.000Z"),
                            QStringLiteral("pending"), 2));
        QCOMPARE(model.action(QStringLiteral("c")).value(QStringLiteral("status")).toString(),
                 QStringLiteral("approved"));

        filter.setStatus({});
        QCOMPARE(filter.rowCount(), 3);
        filter.setText(QStringLiteral("AGENT-A"));
        QCOMPARE(order(filter), (QStringList{QStringLiteral("a")}));
        filter.setText({});
        model.setNow(
            QDateTime(QDate(2026, 11, 24), QTime(9, 10), QTimeZone::utc()).toMSecsSinceEpoch());
        QCOMPARE(model.index(0, ActionQueueModel::Age).data().toString(), QStringLiteral("10 min"));
        QCOMPARE(model.index(0, ActionQueueModel::Approvals).data().toString(),
                 QStringLiteral("1 of 2"));
        // Agent text comes out exactly as sent: plain data, nothing interpreted.
        QCOMPARE(model.index(0, ActionQueueModel::Title).data().toString(),
                 QStringLiteral("<b>title</b> a"));
        model.reset({});
        QCOMPARE(filter.rowCount(), 0);
    }

    void sessionStatusReadsAtAGlance()
    {
        SessionListModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.reset({QJsonObject{{QStringLiteral("id"), QStringLiteral("s1")},
                                 {QStringLiteral("agent"), QStringLiteral("a")},
                                 {QStringLiteral("status"), QStringLiteral("active")},
                                 {QStringLiteral("pending"), 3}}});
        QCOMPARE(model.index(0, SessionListModel::Status).data().toString(),
                 QStringLiteral("active"));
        model.upsert(QJsonObject{{QStringLiteral("id"), QStringLiteral("s1")},
                                 {QStringLiteral("agent"), QStringLiteral("a")},
                                 {QStringLiteral("status"), QStringLiteral("terminated")},
                                 {QStringLiteral("kill_latency_ms"), 4.25}});
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.index(0, SessionListModel::Status).data().toString(),
                 QStringLiteral("terminated ✓ (4.3 ms)"));
        model.upsert(QJsonObject{{QStringLiteral("id"), QStringLiteral("s2")},
                                 {QStringLiteral("status"), QStringLiteral("killed")}});
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.index(0, SessionListModel::Status).data().toString(),
                 QStringLiteral("killed"));
    }
};

QTEST_MAIN(TestActionQueueModel)
#include "tst_actionqueuemodel.moc"
