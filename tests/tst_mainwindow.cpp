// The console's main window, offscreen, against a real server on loopback.
#include "support/TestServer.h"
#include "ui/ActionDetailView.h"
#include "ui/ActionQueueModel.h"
#include "ui/ConsoleBackend.h"
#include "ui/EditDialog.h"
#include "ui/MainWindow.h"
#include "ui/Prompts.h"
#include "ui/QueueFilterBar.h"
#include "ui/RevealedText.h"
#include "ui/SessionListModel.h"
#include "ui/diff/DiffView.h"

#include <QAction>
#include <QComboBox>
#include <QLabel>
#include <QStatusBar>
#include <QTableView>
#include <QTranslator>
#include <QtTest>

using namespace interlock;
using namespace interlock::test;
using namespace interlock::ui;

namespace {
QString serverStatus(TestServer &s, const QString &path)
{
    return s.call(s.token(Role::Admin), "GET", path)
        .body.value(QStringLiteral("status"))
        .toString();
}

QString sessionStatus(TestServer &s, const QString &id)
{
    return s.call(s.token(Role::Admin), "GET", QStringLiteral("/v1/sessions/") + id)
        .body.value(QStringLiteral("session"))
        .toObject()
        .value(QStringLiteral("status"))
        .toString();
}

QString panelStatus(MainWindow &w, const QString &sessionId)
{
    QAbstractItemModel *m = w.sessionsView()->model();
    for (int r = 0; r < m->rowCount(); ++r) {
        if (m->index(r, 0).data(SessionListModel::IdRole).toString() == sessionId)
            return m->index(r, SessionListModel::Status).data().toString();
    }
    return {};
}
} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<ConsoleBackend> m_backend;
    std::unique_ptr<MainWindow> m_window;

private Q_SLOTS:
    void init()
    {
        m_server = std::make_unique<TestServer>();
        m_backend = std::make_unique<ConsoleBackend>(m_server->url(), m_server->token(Role::Admin));
        m_window = std::make_unique<MainWindow>(m_backend.get());
        m_window->show();
        m_backend->start();
        QTRY_VERIFY(m_backend->isConnected());
    }
    void cleanup()
    {
        m_window.reset();
        m_backend.reset();
        m_server.reset();
    }

    void actionsArriveLiveInTriageOrder()
    {
        const auto [id, token] = m_server->openSession(QStringLiteral("a"));
        QJsonObject low = sampleAction();
        m_server->submit(token, low);
        QTRY_COMPARE(m_window->queueView()->model()->rowCount(), 1);
        QJsonObject high =
            sampleAction(QStringLiteral("acl.change"), QStringLiteral("Grant read to everyone"));
        high.insert(QStringLiteral("risk"), QJsonObject{{QStringLiteral("score"), 80}});
        const QString highId = m_server->submit(token, high);
        QTRY_COMPARE(m_window->queueView()->model()->rowCount(), 2);
        QCOMPARE(
            m_window->queueView()->model()->index(0, 0).data(ActionQueueModel::IdRole).toString(),
            highId);
        QVERIFY(m_window->connectionText().startsWith(QStringLiteral("Connected")));
    }

    void approveWithCtrlReturnThenTheNextIsSelected()
    {
        const auto session = m_server->openSession(QStringLiteral("a"));
        const QString first = m_server->submit(session.second, sampleAction());
        const QString second = m_server->submit(session.second, sampleAction());
        QTRY_COMPARE(m_window->queueView()->model()->rowCount(), 2);
        m_window->queueView()->setCurrentIndex(m_window->queueView()->model()->index(0, 0));
        const QString selected = m_window->selectedActionId();
        QCOMPARE(m_window->approveAction()->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_Return));
        m_window->approveAction()->trigger();
        QTRY_COMPARE(serverStatus(*m_server, QStringLiteral("/v1/actions/") + selected),
                     QStringLiteral("approved"));
        QTRY_COMPARE(m_window->queueView()->model()->rowCount(), 1);
        QCOMPARE(m_window->selectedActionId(), selected == first ? second : first);
    }

    void rejectNeedsAReason()
    {
        const auto session = m_server->openSession(QStringLiteral("a"));
        const QString action = m_server->submit(session.second, sampleAction());
        QTRY_COMPARE(m_window->selectedActionId(), action);
        Prompts::setNextReason(std::nullopt); // cancelled: nothing is sent
        m_window->rejectAction()->trigger();
        QCOMPARE(serverStatus(*m_server, QStringLiteral("/v1/actions/") + action),
                 QStringLiteral("pending"));
        Prompts::setNextReason(QStringLiteral("wrong host"));
        m_window->rejectAction()->trigger();
        QTRY_COMPARE(serverStatus(*m_server, QStringLiteral("/v1/actions/") + action),
                     QStringLiteral("rejected"));
        QCOMPARE(
            m_server
                ->call(session.second, "GET", QStringLiteral("/v1/actions/%1/decision").arg(action))
                .body.value(QStringLiteral("comment"))
                .toString(),
            QStringLiteral("wrong host"));
    }

    void editApprovesTheEditedPayload()
    {
        const auto session = m_server->openSession(QStringLiteral("a"));
        const QString action = m_server->submit(session.second, sampleAction());
        QTRY_COMPARE(m_window->selectedActionId(), action);
        QCOMPARE(m_window->editAction()->shortcut(), QKeySequence(Qt::Key_E));
        Prompts::setNextEdit(std::nullopt); // cancelled: nothing is sent
        m_window->editAction()->trigger();
        QCOMPARE(serverStatus(*m_server, QStringLiteral("/v1/actions/") + action),
                 QStringLiteral("pending"));
        const QJsonObject edited{{QStringLiteral("command"), QStringLiteral("ls build/")}};
        Prompts::setNextEdit(edited);
        m_window->editAction()->trigger();
        QTRY_COMPARE(serverStatus(*m_server, QStringLiteral("/v1/actions/") + action),
                     QStringLiteral("approved"));
        const ApiResult decision = m_server->call(
            session.second, "GET", QStringLiteral("/v1/actions/%1/decision").arg(action));
        QCOMPARE(decision.body.value(QStringLiteral("decision")).toString(),
                 QStringLiteral("edit"));
        QCOMPARE(decision.body.value(QStringLiteral("payload")).toObject(), edited);
    }

    void germanTranslationCoversTheWindow()
    {
        QTranslator german;
        QVERIFY(german.load(QStringLiteral(QM_DIR "/interlock_de.qm")));
        QVERIFY(german.isEmpty() == false);
        QCoreApplication::installTranslator(&german);
        MainWindow window(m_backend.get());
        QCOMPARE(window.approveAction()->text(), QStringLiteral("&Freigeben"));
        QCOMPARE(window.emergencyStopAction()->text(), QStringLiteral("■ Notstopp"));
        QCOMPARE(window.stopAllAction()->text(), QStringLiteral("Alle Agenten stoppen …"));
        QCOMPARE(window.queueView()->model()->headerData(0, Qt::Horizontal).toString(),
                 QStringLiteral("Risiko"));
        QCoreApplication::removeTranslator(&german);
    }

    void germanTranslationIsComplete()
    {
        QFile ts(QStringLiteral(SOURCE_DIR "/translations/interlock_de.ts"));
        QVERIFY(ts.open(QIODevice::ReadOnly));
        const QByteArray text = ts.readAll();
        QVERIFY(text.count("<message") > 150);
        QCOMPARE(text.count("type=\"unfinished\""), 0);
        QCOMPARE(text.count("<translation></translation>"), 0);
    }

    void editDialogValidatesAndDiffs()
    {
        const QJsonObject action{
            {QStringLiteral("title"), QStringLiteral("t")},
            {QStringLiteral("payload"),
             QJsonObject{{QStringLiteral("command"), QStringLiteral("rm -rf /tmp/x")}}}};
        EditDialog dialog(action);
        QVERIFY(!dialog.canAccept()); // unchanged
        QVERIFY(dialog.statusText().startsWith(QStringLiteral("No change yet")));
        dialog.editor()->setPlainText(
            QStringLiteral("{\n  \"command\": \"rm -rf /tmp/x\",\n  oops\n}"));
        QVERIFY(!dialog.canAccept());
        QVERIFY2(dialog.statusText().startsWith(QStringLiteral("Line 3, column")),
                 qPrintable(dialog.statusText()));
        dialog.editor()->setPlainText(QStringLiteral("[1, 2]"));
        QVERIFY(dialog.statusText().contains(QStringLiteral("JSON object")));
        dialog.editor()->setPlainText(QStringLiteral("{\"command\": \"rm -rf /tmp/x/cache\"}"));
        QVERIFY(dialog.canAccept());
        QCOMPARE(dialog.payload().value(QStringLiteral("command")).toString(),
                 QStringLiteral("rm -rf /tmp/x/cache"));
        DiffView *diff = dialog.findChild<DiffView *>();
        QVERIFY(diff);
        QTRY_COMPARE(diff->document().files.value(0).added, 1);
        QCOMPARE(diff->document().files.value(0).removed, 1);
    }

    void emergencyStopKillsAtOnceAndShowsTermination()
    {
        const int dialogsBefore = Prompts::shown();
        const auto [id, token, supervisor] =
            m_server->openSupervisedSession(QStringLiteral("mail-cleaner"));
        m_server->submit(token, sampleAction(QStringLiteral("email.delete")));
        QTRY_VERIFY(!m_window->selectedActionId().isEmpty());
        QCOMPARE(m_window->emergencyStopAction()->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_K));
        QVERIFY(m_window->emergencyStopAction()->isEnabled());
        m_window->emergencyStopAction()->trigger();
        QTRY_COMPARE(sessionStatus(*m_server, id), QStringLiteral("killed"));
        QCOMPARE(Prompts::shown(), dialogsBefore); // no dialog in the way
        QTRY_COMPARE(panelStatus(*m_window, id), QStringLiteral("killed"));
        QTRY_COMPARE(m_window->queueView()->model()->rowCount(),
                     0); // its pending action was cancelled
        // The supervisor's report turns into a confirmation.
        QCOMPARE(m_server
                     ->call(supervisor, "POST",
                            QStringLiteral("/v1/sessions/%1/terminated").arg(id),
                            QJsonObject{{QStringLiteral("signal"), 9},
                                        {QStringLiteral("reaped"), 20},
                                        {QStringLiteral("kill_latency_ms"), 4.2}})
                     .status,
                 200);
        QTRY_COMPARE(panelStatus(*m_window, id), QStringLiteral("terminated ✓ (4.2 ms)"));
    }

    void killFromTheSessionsPanel()
    {
        const auto [id, token] = m_server->openSession(QStringLiteral("idle-agent"));
        QTRY_COMPARE(m_window->sessionsView()->model()->rowCount(), 1);
        QVERIFY(!m_window->killSessionAction()->isEnabled());
        m_window->sessionsView()->setCurrentIndex(m_window->sessionsView()->model()->index(0, 0));
        QVERIFY(m_window->killSessionAction()->isEnabled());
        m_window->killSessionAction()->trigger();
        QTRY_COMPARE(sessionStatus(*m_server, id), QStringLiteral("killed"));
        QTRY_VERIFY(!m_window->killSessionAction()->isEnabled());
    }

    void stopAllTakesOneConfirmation()
    {
        QList<QString> ids;
        for (int i = 0; i < 3; ++i)
            ids.append(m_server->openSession(QStringLiteral("agent-%1").arg(i)).first);
        QCOMPARE(m_window->stopAllAction()->shortcut(),
                 QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_K));
        Prompts::setNextConfirm(false);
        m_window->stopAllAction()->trigger();
        QCOMPARE(sessionStatus(*m_server, ids.first()), QStringLiteral("active"));
        Prompts::setNextConfirm(true);
        m_window->stopAllAction()->trigger();
        for (const QString &id : ids)
            QTRY_COMPARE(sessionStatus(*m_server, id), QStringLiteral("killed"));
        QTRY_COMPARE(panelStatus(*m_window, ids.last()), QStringLiteral("killed"));
    }

    void agentTextIsNeverRichText()
    {
        const auto session = m_server->openSession(QStringLiteral("a"));
        QJsonObject hostile =
            sampleAction(QStringLiteral("message.post"),
                         QStringLiteral("<img src=x onerror=alert(1)><b>urgent</b>"));
        hostile.insert(QStringLiteral("summary"),
                       QStringLiteral("<a href='http://evil'>click</a>"));
        m_server->submit(session.second, hostile);
        QTRY_VERIFY(!m_window->selectedActionId().isEmpty());
        bool shown = false;
        for (QLabel *label : m_window->findChildren<QLabel *>()) {
            if (label->text().contains(QStringLiteral("<b>urgent</b>"))) {
                shown = true;
                QCOMPARE(label->textFormat(), Qt::PlainText);
            }
        }
        // Agent text labels are read-only text views filled as plain text: the markup is text.
        for (AgentTextLabel *label : m_window->findChildren<AgentTextLabel *>()) {
            if (label->text().contains(QStringLiteral("<b>urgent</b>"))) {
                shown = true;
                QVERIFY(!label->acceptRichText());
                QVERIFY(label->text().contains(QStringLiteral("<img src=x onerror=alert(1)>")));
            }
        }
        QVERIFY2(shown, "the title is shown literally");
    }

    void aReceiptViolationStaysUntilAcknowledged()
    {
        const auto [id, token] = m_server->openSession(QStringLiteral("rogue"));
        const QString action =
            m_server->submit(token, sampleAction(QStringLiteral("shell.exec"),
                                                 QStringLiteral("Restart the worker")));
        QTRY_COMPARE(m_window->selectedActionId(), action);
        QVERIFY(!m_window->alertVisible());
        // Never approved, yet the agent says it ran it.
        QCOMPARE(m_server
                     ->call(token, "POST", QStringLiteral("/v1/actions/%1/receipt").arg(action),
                            QJsonObject{
                                {QStringLiteral("outcome"), QStringLiteral("succeeded")},
                                {QStringLiteral("payload_sha256"), QString(64, QLatin1Char('b'))}})
                     .status,
                 200);
        QTRY_VERIFY(m_window->alertVisible());
        QVERIFY2(m_window->alertText().contains(QStringLiteral("rogue")),
                 qPrintable(m_window->alertText()));
        QVERIFY(m_window->alertText().contains(QStringLiteral("not approved")));
        // It stays: later traffic does not clear it.
        m_server->submit(token, sampleAction());
        QTRY_COMPARE(m_window->queueView()->model()->rowCount(), 2);
        QVERIFY(m_window->alertVisible());
        m_window->acknowledgeAlert();
        QVERIFY(!m_window->alertVisible());
    }

    // The queue keeps summaries; the full action of one that arrived with the snapshot is fetched
    // when it is selected, and nobody can approve it before it is on screen.
    void detailIsFetchedBeforeTheActionCanBeApproved()
    {
        const auto session = m_server->openSession(QStringLiteral("a"));
        QJsonObject submitted = sampleAction();
        submitted.insert(
            QStringLiteral("payload"),
            QJsonObject{{QStringLiteral("command"), QStringLiteral("ls /srv/reports")}});
        const QString id = m_server->submit(session.second, submitted);
        ConsoleBackend backend(m_server->url(), m_server->token(Role::Admin));
        MainWindow window(&backend);
        window.show();
        bool approvableAtLoad = true, completeAtLoad = true;
        QString payloadAtLoad;
        connect(&backend, &ConsoleBackend::loaded, this, [&] {
            approvableAtLoad = window.approveAction()->isEnabled();
            completeAtLoad = window.detailComplete();
            payloadAtLoad = window.detailView()->payloadText();
        });
        QSignalSpy loaded(&backend, &ConsoleBackend::loaded);
        backend.start();
        QTRY_COMPARE(loaded.count(), 1);
        QCOMPARE(window.selectedActionId(), id);
        QVERIFY(!completeAtLoad);
        QVERIFY(!approvableAtLoad);
        QVERIFY2(payloadAtLoad.startsWith(QStringLiteral("Loading")), qPrintable(payloadAtLoad));
        QTRY_VERIFY(window.detailComplete());
        QVERIFY(window.detailView()->payloadText().contains(QStringLiteral("ls /srv/reports")));
        QTRY_VERIFY(window.approveAction()->isEnabled());
        window.approveAction()->trigger();
        QTRY_COMPARE(serverStatus(*m_server, QStringLiteral("/v1/actions/") + id),
                     QStringLiteral("approved"));
    }

    // A long queue shows its first page (the top of the triage order) at once; when the rest
    // arrives, the action the reviewer moved to stays selected.
    void aLongQueueShowsItsTopFirstAndKeepsTheSelection()
    {
        const auto session = m_server->openSession(QStringLiteral("bulk"));
        const int total = 520; // the console loads pages of 500
        for (int i = 0; i < total; ++i)
            QVERIFY(!m_server->submit(session.second, sampleAction()).isEmpty());
        ConsoleBackend backend(m_server->url(), m_server->token(Role::Admin));
        MainWindow window(&backend);
        window.show();
        int rowsAtFirstPage = 0;
        QString chosen;
        connect(&backend, &ConsoleBackend::loadProgress, this, [&](int) {
            if (!chosen.isEmpty())
                return;
            rowsAtFirstPage = window.queueView()->model()->rowCount();
            window.queueView()->setCurrentIndex(window.queueView()->model()->index(3, 0));
            chosen = window.selectedActionId();
        });
        QSignalSpy loaded(&backend, &ConsoleBackend::loaded);
        backend.start();
        QTRY_COMPARE(loaded.count(), 1);
        QCOMPARE(rowsAtFirstPage, 500);
        QVERIFY(window.statusBar()->currentMessage().isEmpty()); // "Loading…" is gone
        QCOMPARE(window.queueView()->model()->rowCount(), total);
        QVERIFY(!chosen.isEmpty());
        QCOMPARE(window.selectedActionId(), chosen);
    }

    void agentAndKindFiltersFollowTheQueue()
    {
        const auto mail = m_server->openSession(QStringLiteral("mail-cleaner"));
        const auto shell = m_server->openSession(QStringLiteral("ops-bot"));
        m_server->submit(mail.second, sampleAction(QStringLiteral("email.delete")));
        m_server->submit(shell.second, sampleAction(QStringLiteral("shell.exec")));
        m_server->submit(shell.second, sampleAction(QStringLiteral("sql.exec")));
        QAbstractItemModel *queue = m_window->queueView()->model();
        QTRY_COMPARE(queue->rowCount(), 3);
        QueueFilterBar *bar = m_window->filterBar();
        QTRY_COMPARE(bar->agent()->count(), 3); // "All agents" and the two
        QCOMPARE(bar->agent()->itemText(1), QStringLiteral("mail-cleaner"));
        QTRY_COMPARE(bar->kind()->count(), 4);
        bar->agent()->setCurrentIndex(bar->agent()->findText(QStringLiteral("ops-bot")));
        QCOMPARE(queue->rowCount(), 2);
        bar->kind()->setCurrentIndex(bar->kind()->findText(QStringLiteral("sql.exec")));
        QCOMPARE(queue->rowCount(), 1);
        QCOMPARE(queue->index(0, ActionQueueModel::Kind).data().toString(),
                 QStringLiteral("sql.exec"));
        // A new agent joins the list without disturbing the choice.
        const auto late = m_server->openSession(QStringLiteral("late-agent"));
        m_server->submit(late.second, sampleAction());
        QTRY_COMPARE(bar->agent()->count(), 4);
        QCOMPARE(bar->agent()->currentText(), QStringLiteral("ops-bot"));
        QCOMPARE(queue->rowCount(), 1);
        bar->agent()->setCurrentIndex(0);
        bar->kind()->setCurrentIndex(0);
        QCOMPARE(queue->rowCount(), 4);
    }

    void disconnectedMeansNoDecisionButtons()
    {
        ConsoleBackend offline(QUrl(QStringLiteral("http://127.0.0.1:1")), QStringLiteral("ilk_x"));
        MainWindow window(&offline);
        window.show();
        offline.start();
        QTRY_VERIFY(window.connectionText().startsWith(QStringLiteral("Reconnecting")));
        QVERIFY(!window.approveAction()->isEnabled());
        QVERIFY(!window.rejectAction()->isEnabled());
        QVERIFY(!window.emergencyStopAction()->isEnabled());
        QVERIFY(!window.stopAllAction()->isEnabled());
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
