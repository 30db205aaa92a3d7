// The console's side of reading time (issue #15): Approve and Edit stay disabled with a visible
// countdown until the server's minimum has passed since this reviewer opened the action; the
// countdown runs on an injected clock; a too-fast approval sent anyway shows the server's words.
#include "support/TestServer.h"
#include "ui/ConsoleBackend.h"
#include "ui/MainWindow.h"
#include "ui/ReviewTimer.h"
#include "ui/history/HistoryCharts.h"
#include "ui/history/HistoryModel.h"
#include "ui/history/HistoryView.h"
#include "ui/history/ReviewTimeChart.h"

#include <QAction>
#include <QTableView>
#include <QtTest>

using namespace interlock;
using namespace interlock::test;
using namespace interlock::ui;

namespace {
// INTERLOCK_SCREENSHOTS=DIR: the window as the test left it, for the README.
void screenshot(QWidget *w, const QString &name)
{
    const QString dir = qEnvironmentVariable("INTERLOCK_SCREENSHOTS");
    if (!dir.isEmpty())
        QVERIFY(w->grab().save(dir + QLatin1Char('/') + name));
}
} // namespace

class TestReviewCountdown : public QObject
{
    Q_OBJECT

    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<ConsoleBackend> m_backend;
    std::unique_ptr<MainWindow> m_window;
    qint64 m_consoleNow = 1'000'000;

private Q_SLOTS:
    void init()
    {
        TestServer::Options o;
        o.manualClock = true;
        o.readingTime = true;
        m_server = std::make_unique<TestServer>(o);
        m_backend = std::make_unique<ConsoleBackend>(m_server->url(), m_server->token(Role::Admin));
        m_backend->reviewTimer()->setClock([this] { return m_consoleNow; });
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

    void approveWaitsWithACountdown()
    {
        const auto session = m_server->openSession(QStringLiteral("a"));
        QJsonObject high = sampleAction();
        high.insert(QStringLiteral("risk"), QJsonObject{{QStringLiteral("score"), 60}});
        const QString id = m_server->submit(session.second, high);
        QTRY_COMPARE(m_window->selectedActionId(), id);
        QTRY_VERIFY(m_backend->reviewTimer()->known(id));
        QTRY_COMPARE(m_window->approveAction()->text(), QStringLiteral("&Approve (read 3 s)"));
        QVERIFY(!m_window->approveAction()->isEnabled());
        QVERIFY(!m_window->editAction()->isEnabled());
        QCOMPARE(m_window->editAction()->text(), QStringLiteral("&Edit… (read 3 s)"));
        QVERIFY(m_window->rejectAction()->isEnabled()); // a rejection never waits

        // Sent anyway (as another client would): the server refuses and the console says why.
        m_backend->approve(id, 1);
        QTRY_VERIFY(m_window->statusText().startsWith(QStringLiteral("Too fast")) ||
                    m_window->statusText().contains(QStringLiteral("Too fast")));

        m_window->resize(1280, 800);
        screenshot(m_window.get(), QStringLiteral("console-countdown.png"));
        m_consoleNow += 1500;
        m_backend->reviewTimer()->tick();
        QCOMPARE(m_window->approveAction()->text(), QStringLiteral("&Approve (read 2 s)"));
        QVERIFY(!m_window->approveAction()->isEnabled());
        m_consoleNow += 1500;
        m_backend->reviewTimer()->tick();
        QCOMPARE(m_window->approveAction()->text(), QStringLiteral("&Approve"));
        QVERIFY(m_window->approveAction()->isEnabled());

        m_server->clock()->advance(3000);
        m_window->approveAction()->trigger();
        QTRY_COMPARE(
            m_server->call(m_server->token(Role::Admin), "GET", QStringLiteral("/v1/actions/") + id)
                .body.value(QStringLiteral("status"))
                .toString(),
            QStringLiteral("approved"));
    }

    void lowActionsNeverWait()
    {
        const auto session = m_server->openSession(QStringLiteral("a"));
        const QString id = m_server->submit(session.second, sampleAction());
        QTRY_COMPARE(m_window->selectedActionId(), id);
        QTRY_VERIFY(m_window->approveAction()->isEnabled());
        QCOMPARE(m_window->approveAction()->text(), QStringLiteral("&Approve"));
    }

    void historyChartsReadingTime()
    {
        const auto session = m_server->openSession(QStringLiteral("a"));
        const QString id = m_server->submit(session.second, sampleAction());
        QCOMPARE(
            m_server
                ->call(m_server->token(Role::Reviewer), "GET", QStringLiteral("/v1/actions/") + id)
                .status,
            200);
        m_server->clock()->advance(1500);
        QCOMPARE(m_server
                     ->call(m_server->token(Role::Reviewer), "POST",
                            QStringLiteral("/v1/actions/%1/decision").arg(id),
                            QJsonObject{{QStringLiteral("decision"), QStringLiteral("approve")}})
                     .status,
                 200);
        QVERIFY(m_window->historyAvailable());
        m_window->historyView()->apply();
        ReviewTimeChart *chart = m_window->historyView()->charts()->reviewTimes();
        QTRY_COMPARE(chart->categories(),
                     QStringList{QStringLiteral("reviewer-user (100 % of approvals within 2 s)")});
        QCOMPARE(chart->summary(),
                 QStringLiteral("reviewer-user: median 1 s, 1 of 1 approvals within 2 s"));
        // The table shows each decision's reading time.
        HistoryModel *history = m_window->historyView()->model();
        QTRY_COMPARE(history->rowCount(), 1);
        QCOMPARE(history->headerData(HistoryModel::ReadingTime, Qt::Horizontal, Qt::DisplayRole)
                     .toString(),
                 QStringLiteral("Read for"));
        QCOMPARE(history->index(0, HistoryModel::ReadingTime).data().toString(),
                 QStringLiteral("1 s"));
    }

    // A screenshot of the chart with several reviewers (only with INTERLOCK_SCREENSHOTS).
    void chartScreenshot()
    {
        if (qEnvironmentVariableIsEmpty("INTERLOCK_SCREENSHOTS"))
            QSKIP("INTERLOCK_SCREENSHOTS is not set");
        const auto session = m_server->openSession(QStringLiteral("a"));
        const QString tokens[] = {
            m_server->token(Role::Reviewer),
            m_server->server().createToken(Role::Reviewer, QStringLiteral("dana")),
            m_server->token(Role::Admin)};
        const int waits[][4] = {
            {800, 1200, 1500, 9000}, {6000, 14000, 8000, 21000}, {2500, 1900, 30000, 4000}};
        for (int r = 0; r < 3; ++r) {
            for (int wait : waits[r]) {
                const QString id = m_server->submit(session.second, sampleAction());
                m_server->call(tokens[r], "GET", QStringLiteral("/v1/actions/") + id);
                m_server->clock()->advance(wait);
                QCOMPARE(
                    m_server
                        ->call(tokens[r], "POST", QStringLiteral("/v1/actions/%1/decision").arg(id),
                               QJsonObject{{QStringLiteral("decision"), QStringLiteral("approve")}})
                        .status,
                    200);
            }
        }
        m_window->resize(1280, 1000);
        m_window->showTab(QStringLiteral("charts"));
        m_window->historyView()->apply();
        QTRY_COMPARE(m_window->historyView()->charts()->reviewTimes()->categories().size(), 3);
        QCoreApplication::processEvents(); // the chart's layout, before the picture
        QCoreApplication::processEvents();
        screenshot(m_window.get(), QStringLiteral("history-reading-time.png"));
    }
};

QTEST_MAIN(TestReviewCountdown)
#include "tst_reviewcountdown.moc"
