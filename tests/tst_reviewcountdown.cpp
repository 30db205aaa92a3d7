// The console's side of reading time (issue #15): Approve and Edit stay disabled with a visible
// countdown until the server's minimum has passed since this reviewer opened the action; the
// countdown runs on an injected clock; a too-fast approval sent anyway shows the server's words.
#include "support/TestServer.h"
#include "ui/ConsoleBackend.h"
#include "ui/MainWindow.h"
#include "ui/ReviewTimer.h"
#include "ui/history/HistoryCharts.h"
#include "ui/history/HistoryView.h"
#include "ui/history/ReviewTimeChart.h"

#include <QAction>
#include <QtTest>

using namespace interlock;
using namespace interlock::test;
using namespace interlock::ui;

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
    }
};

QTEST_MAIN(TestReviewCountdown)
#include "tst_reviewcountdown.moc"
