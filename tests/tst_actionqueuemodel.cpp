// The queue and session models under QAbstractItemModelTester, and the queue's triage order.
#include "ui/ActionFilterModel.h"
#include "ui/ActionQueueModel.h"
#include "ui/SessionListModel.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QTextDocument>
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
    // The server refuses them now, but a database may hold names from before: still revealed.
    void hiddenCharactersInAnAgentsNameAreRevealed()
    {
        ActionQueueModel model;
        QJsonObject a = action(QStringLiteral("a"), 50, QStringLiteral("2026-11-24T09:00:00.000Z"));
        a.insert(QStringLiteral("agent"), QString::fromUtf16(u"deploy-bot\u200B"));
        model.upsert(a);
        QCOMPARE(model.index(0, ActionQueueModel::Agent).data().toString(),
                 QString::fromUtf16(u"deploy-bot\u27E8U+200B\u27E9"));
    }

    // QToolTip takes text that looks like markup for rich text: an agent's summary drew a green
    // "Interlock verified" table (UI red team, F5). The tooltip shows the summary as written.
    void summaryTooltipIsPlainText()
    {
        ActionQueueModel model;
        QJsonObject a = action(QStringLiteral("a"), 50, QStringLiteral("2026-11-24T09:00:00.000Z"));
        const QString summary =
            QStringLiteral("<table bgcolor=\"#15803d\"><tr><td>&#10004; Interlock verified"
                           "</td></tr></table>\n<span style=\"font-size:1px\">rm  -rf</span>");
        a.insert(QStringLiteral("summary"), summary);
        model.upsert(a);
        const QString tip =
            model.index(0, ActionQueueModel::Title).data(Qt::ToolTipRole).toString();
        QTextDocument shown;
        if (Qt::mightBeRichText(tip))
            shown.setHtml(tip);
        else
            shown.setPlainText(tip);
        QCOMPARE(shown.toPlainText(), summary);
    }

    void modelIsConsistentThroughChanges()
    {
        ActionQueueModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        ActionFilterModel filter;
        filter.setSourceModel(&model);
        QAbstractItemModelTester filterTester(
            &filter, QAbstractItemModelTester::FailureReportingMode::QtTest);

        model.reset({model.summarise(action(QStringLiteral("a"), 10,
                                            QStringLiteral("2026-11-24T09:00:00.000Z"))),
                     model.summarise(action(QStringLiteral("b"), 90,
                                            QStringLiteral("2026-11-24T09:05:00.000Z")))});
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
        QCOMPARE(model.find(QStringLiteral("c"))->status, QStringLiteral("approved"));
        QCOMPARE(model.fullAction(QStringLiteral("c"))->value(QStringLiteral("status")).toString(),
                 QStringLiteral("approved"));

        filter.setStatus({});
        QCOMPARE(filter.rowCount(), 3);
        filter.setText(QStringLiteral("AGENT-A"));
        QCOMPARE(order(filter), (QStringList{QStringLiteral("a")}));
        filter.setText({});
        model.setNow(
            QDateTime(QDate(2026, 11, 24), QTime(9, 10), QTimeZone::utc()).toMSecsSinceEpoch());
        // The model itself is in triage order; the filter only hides rows.
        QCOMPARE(order(model),
                 (QStringList{QStringLiteral("c"), QStringLiteral("b"), QStringLiteral("a")}));
        const int a = model.rowOf(QStringLiteral("a"));
        QCOMPARE(a, 2);
        QCOMPARE(model.index(a, ActionQueueModel::Age).data().toString(), QStringLiteral("10 min"));
        QCOMPARE(model.index(a, ActionQueueModel::Approvals).data().toString(),
                 QStringLiteral("1 of 2"));
        // Agent text comes out exactly as sent: plain data, nothing interpreted.
        QCOMPARE(model.index(a, ActionQueueModel::Title).data().toString(),
                 QStringLiteral("<b>title</b> a"));
        // A new risk score moves the row to its place (checked by the model tester too).
        model.upsert(action(QStringLiteral("a"), 95, QStringLiteral("2026-11-24T09:00:00.000Z"),
                            QStringLiteral("pending"), 2));
        QCOMPARE(order(model),
                 (QStringList{QStringLiteral("a"), QStringLiteral("c"), QStringLiteral("b")}));
        QCOMPARE(model.rowOf(QStringLiteral("b")), 2);
        QCOMPARE(model.rowOf(QStringLiteral("nope")), -1);
        model.reset({});
        QCOMPARE(filter.rowCount(), 0);
    }

    // The queue keeps summaries; full actions only for the most recently seen, and never one
    // older than the row.
    void fullActionsAreFewAndNeverStale()
    {
        ActionQueueModel model;
        const QString t0 = QStringLiteral("2026-11-24T09:00:00.000Z");
        // A snapshot has rows only: the detail must be fetched.
        model.reset({model.summarise(action(QStringLiteral("s"), 10, t0))});
        QVERIFY(model.find(QStringLiteral("s")));
        QVERIFY(!model.fullAction(QStringLiteral("s")));
        model.upsert(action(QStringLiteral("s"), 10, t0));
        QVERIFY(model.fullAction(QStringLiteral("s")));
        // A newer snapshot row makes the kept JSON stale: it is not offered.
        model.reset(
            {model.summarise(action(QStringLiteral("s"), 10, t0, QStringLiteral("pending"), 2))});
        QVERIFY(!model.fullAction(QStringLiteral("s")));

        const int n = ActionQueueModel::FullActionsKept + 50;
        for (int i = 0; i < n; ++i)
            model.upsert(action(QStringLiteral("x%1").arg(i), i % 100, t0));
        int kept = 0;
        for (int i = 0; i < n; ++i)
            kept += model.fullAction(QStringLiteral("x%1").arg(i)) ? 1 : 0;
        QCOMPARE(kept, ActionQueueModel::FullActionsKept);
        QVERIFY(model.fullAction(QStringLiteral("x%1").arg(n - 1))); // the latest stays
        QCOMPARE(model.rowCount(), n + 1);

        // Repeated values share one string instead of one copy per row.
        const ActionQueueModel::Row &a = model.row(1), &b = model.row(2);
        QCOMPARE(a.status.constData(), b.status.constData());
        QCOMPARE(a.kind.constData(), b.kind.constData());
        QCOMPARE(a.session.constData(), b.session.constData());
    }

    void agentAndKindFilters()
    {
        ActionQueueModel model;
        ActionFilterModel filter;
        filter.setSourceModel(&model);
        const QString t0 = QStringLiteral("2026-11-24T09:00:00.000Z");
        QJsonObject mail = action(QStringLiteral("m"), 50, t0);
        mail.insert(QStringLiteral("kind"), QStringLiteral("email.delete"));
        model.upsert(mail);
        model.upsert(action(QStringLiteral("a"), 40, t0));
        model.upsert(action(QStringLiteral("b"), 30, t0));
        QCOMPARE(model.agents(), (QStringList{QStringLiteral("agent-a"), QStringLiteral("agent-b"),
                                              QStringLiteral("agent-m")}));
        QCOMPARE(model.kinds(),
                 (QStringList{QStringLiteral("email.delete"), QStringLiteral("shell.exec")}));
        filter.setKind(QStringLiteral("shell.exec"));
        QCOMPARE(order(filter), (QStringList{QStringLiteral("a"), QStringLiteral("b")}));
        filter.setAgent(QStringLiteral("agent-b"));
        QCOMPARE(order(filter), (QStringList{QStringLiteral("b")}));
        filter.setKind(QStringLiteral("email.delete"));
        QCOMPARE(filter.rowCount(), 0);
        filter.setAgent({});
        QCOMPARE(order(filter), (QStringList{QStringLiteral("m")}));
        filter.setKind({});
        QCOMPARE(filter.rowCount(), 3);
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
        // The supervisor's own 4.3 ms, but its report came 12 s after the kill: said so.
        model.upsert(QJsonObject{{QStringLiteral("id"), QStringLiteral("s1")},
                                 {QStringLiteral("agent"), QStringLiteral("a")},
                                 {QStringLiteral("status"), QStringLiteral("terminated")},
                                 {QStringLiteral("kill_latency_ms"), 4.25},
                                 {QStringLiteral("reported_after_kill_ms"), 12400}});
        QCOMPARE(model.index(0, SessionListModel::Status).data().toString(),
                 QStringLiteral("terminated, but reported 12 s after the kill"));
        QCOMPARE(model.index(0, SessionListModel::Status)
                     .data(Qt::ForegroundRole)
                     .value<QBrush>()
                     .color(),
                 QColor(0xb4, 0x53, 0x09));
        model.upsert(QJsonObject{{QStringLiteral("id"), QStringLiteral("s2")},
                                 {QStringLiteral("status"), QStringLiteral("killed")}});
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.index(0, SessionListModel::Status).data().toString(),
                 QStringLiteral("killed"));
        // A kill its supervisor never reported done (session.kill_unconfirmed) says so, in red.
        model.upsert(QJsonObject{{QStringLiteral("id"), QStringLiteral("s2")},
                                 {QStringLiteral("status"), QStringLiteral("killed")},
                                 {QStringLiteral("supervised"), true},
                                 {QStringLiteral("kill_unconfirmed"), true}});
        const int row = model.index(0, 0).data(SessionListModel::IdRole).toString() == "s2" ? 0 : 1;
        QVERIFY(model.index(row, SessionListModel::Status)
                    .data()
                    .toString()
                    .startsWith(QStringLiteral("killed · ⚠ not confirmed")));
        QVERIFY(model.index(row, SessionListModel::KillPath)
                    .data()
                    .toString()
                    .contains("not confirmed"));
        QCOMPARE(model.index(row, SessionListModel::KillPath)
                     .data(Qt::BackgroundRole)
                     .value<QBrush>()
                     .color(),
                 QColor(0xfe, 0xe2, 0xe2));
    }
};

QTEST_MAIN(TestActionQueueModel)
#include "tst_actionqueuemodel.moc"
