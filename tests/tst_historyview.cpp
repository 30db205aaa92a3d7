// The History tab and role-shaped windows, offscreen, against a real server on loopback.
#include "support/TestServer.h"
#include "ui/ConsoleBackend.h"
#include "ui/MainWindow.h"
#include "ui/diff/DiffView.h"
#include "ui/history/HistoryCharts.h"
#include "ui/history/HistoryModel.h"
#include "ui/history/HistoryView.h"

#include <QAction>
#include <QSqlQuery>
#include <QTableView>
#include <QTemporaryDir>
#include <QTextDocument>
#include <QtTest>

using namespace interlock;
using namespace interlock::test;
using namespace interlock::ui;

namespace {
const QString kHtmlTitle =
    QStringLiteral("<table bgcolor=\"#15803d\"><tr><td>Interlock verified</td></tr></table>");
} // namespace

class TestHistoryView : public QObject
{
    Q_OBJECT

    std::unique_ptr<TestServer> m_server;

    struct Console {
        std::unique_ptr<ConsoleBackend> backend;
        std::unique_ptr<MainWindow> window;
    };
    void open(Role role, Console &c)
    {
        c.backend = std::make_unique<ConsoleBackend>(m_server->url(), m_server->token(role));
        c.window = std::make_unique<MainWindow>(c.backend.get());
        c.window->resize(1200, 800);
        c.window->show();
        c.backend->start();
        QTRY_VERIFY(!c.backend->role().isEmpty());
    }
    void decide(const QString &id, const QJsonObject &body)
    {
        QVERIFY(m_server
                    ->call(m_server->token(Role::Reviewer), "POST",
                           QStringLiteral("/v1/actions/%1/decision").arg(id), body)
                    .ok());
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_server = std::make_unique<TestServer>();
        const auto [session, token] = m_server->openSession(QStringLiteral("mailer"));
        decide(m_server->submit(token, sampleAction()),
               {{QStringLiteral("decision"), QStringLiteral("approve")}});
        decide(m_server->submit(token, sampleAction(QStringLiteral("shell.exec"), kHtmlTitle)),
               {{QStringLiteral("decision"), QStringLiteral("reject")},
                {QStringLiteral("comment"), QStringLiteral("<b>not</b> now")}});
        decide(m_server->submit(token, sampleAction()),
               {{QStringLiteral("decision"), QStringLiteral("edit")},
                {QStringLiteral("payload"),
                 QJsonObject{{QStringLiteral("command"), QStringLiteral("ls build/")}}}});
        m_server->submit(token, sampleAction()); // still pending: not history
    }

    void managerSeesHistoryAndAReadOnlyQueue()
    {
        Console c;
        open(Role::Manager, c);
        QVERIFY(c.window->historyAvailable());
        for (QAction *a :
             {c.window->approveAction(), c.window->rejectAction(), c.window->emergencyStopAction(),
              c.window->stopAllAction(), c.window->killSessionAction()}) {
            QVERIFY2(!a->isVisible(), qPrintable(a->text()));
            QVERIFY(!a->isEnabled());
        }
        QCOMPARE(c.window->tabs()->count(), 3); // Queue, Grants (issue #16), History
    }

    void reviewerAndOncallSeeNoHistory()
    {
        for (Role role : {Role::Reviewer, Role::Oncall}) {
            Console c;
            open(role, c);
            QVERIFY(!c.window->historyAvailable());
            QVERIFY(c.window->emergencyStopAction()->isVisible());
            QCOMPARE(c.window->tabs()->count(), 2); // Queue and Grants
        }
    }

    void tableDetailAndFilters()
    {
        Console c;
        open(Role::Admin, c);
        HistoryView *h = c.window->historyView();
        QVERIFY(h);
        QTRY_COMPARE(h->model()->rowCount(), 3);
        // The edited action: who, and the agent's payload against the approved one.
        int edited = -1;
        for (int r = 0; r < 3; ++r) {
            if (h->model()->index(r, HistoryModel::Outcome).data().toString() ==
                QLatin1String("edited"))
                edited = r;
        }
        QVERIFY(edited >= 0);
        // The first row is selected on load; select the edited one.
        h->table()->setCurrentIndex(h->model()->index(edited, 0));
        QVERIFY(h->decisionText().contains(QStringLiteral("edited the payload")));
        QTRY_COMPARE(h->payloadDiff()->document().files.value(0).added, 1);
        QCOMPARE(h->payloadDiff()->document().files.value(0).removed, 1);

        // The rejection's comment is shown as the text it is.
        h->setFilters({}, {}, QStringLiteral("rejected"), 0);
        h->apply();
        QTRY_COMPARE(h->model()->rowCount(), 1);
        h->table()->setCurrentIndex(h->model()->index(0, 0));
        QVERIFY(h->decisionText().contains(QStringLiteral("Comment: <b>not</b> now")));
        // Tooltips show agent text as written, never as markup (UI red team, F5).
        for (int column = 0; column < h->model()->columnCount(); ++column) {
            const QModelIndex cell = h->model()->index(0, column);
            const QString tip = cell.data(Qt::ToolTipRole).toString();
            QTextDocument shown;
            if (Qt::mightBeRichText(tip))
                shown.setHtml(tip);
            else
                shown.setPlainText(tip);
            QCOMPARE(shown.toPlainText(), cell.data().toString());
        }
        QCOMPARE(h->model()->index(0, HistoryModel::Title).data().toString(), kHtmlTitle);
        h->setFilters(QStringLiteral("nobody"), {}, {}, 0);
        h->apply();
        QTRY_VERIFY(!h->model()->isLoading());
        QCOMPARE(h->model()->rowCount(), 0);
    }

    void chartsFromStats()
    {
        Console c;
        open(Role::Manager, c);
        HistoryView *h = c.window->historyView();
        QSignalSpy stats(h, &HistoryView::statsLoaded);
        h->apply();
        QVERIFY(stats.wait(5000));
        QVERIFY2(h->charts()->summary().startsWith(QStringLiteral("3 decided actions: 1 approved, "
                                                                  "1 edited, 1 rejected")),
                 qPrintable(h->charts()->summary()));
        QCOMPARE(h->charts()->dayBars(), 1);
    }

    void exportWritesTheWholeFile()
    {
        Console c;
        open(Role::Manager, c);
        HistoryView *h = c.window->historyView();
        h->setFilters({}, {}, {}, 0);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("h.csv"));
        QSignalSpy done(h, &HistoryView::exported);
        h->exportTo(path, QStringLiteral("csv"));
        QVERIFY(done.wait(5000));
        QCOMPARE(done.last().at(0).toBool(), true);
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll().count('\n'), 4);
        QVERIFY(!QFile::exists(path + QStringLiteral(".part")));
        QVERIFY(h->exportText().startsWith(QStringLiteral("Exported")));

        h->exportTo(QStringLiteral("/nonexistent-dir/h.csv"), QStringLiteral("csv"));
        QCOMPARE(done.last().at(0).toBool(), false);
        QVERIFY(h->exportText().startsWith(QStringLiteral("Cannot write")));
    }

    // Red team F6: a history the server cannot read whole is an error in the console, never a
    // shorter table or a file that looks complete.
    void anUnreadableHistoryIsAnErrorNotAShorterTable()
    {
        TestServer::Options options;
        options.limits.maxPendingPerSession = 1000;
        TestServer s(options);
        const auto [id, token] = s.openSession(QStringLiteral("flood"));
        for (int i = 0; i < 210; ++i) // past the console's first page of 200
            QVERIFY(!s.submit(token, sampleAction()).isEmpty());
        QVERIFY(
            s.call(s.token(Role::Oncall), "POST", QStringLiteral("/v1/sessions/%1/kill").arg(id))
                .ok());
        const auto damage = [&s](const QString &sql) {
            withOutsideConnection(s.dbPath(), [&sql](QSqlDatabase &db) {
                QSqlQuery q(db);
                QVERIFY(q.exec(sql));
            });
        };
        // The oldest decision, read last, has its stored JSON broken.
        damage(QStringLiteral("UPDATE actions SET doc = substr(doc, 1, 40) WHERE seq = (SELECT "
                              "min(seq) FROM actions)"));
        ConsoleBackend backend(s.url(), s.token(Role::Manager));
        MainWindow window(&backend);
        window.show();
        backend.start();
        QTRY_VERIFY(!backend.role().isEmpty());
        HistoryView *h = window.historyView();
        h->apply();
        QTRY_COMPARE(h->model()->rowCount(), 200);
        QVERIFY(h->readErrorText().isEmpty());
        QVERIFY(h->model()->canFetchMore({}));
        h->model()->fetchMore({});
        QTRY_VERIFY(!h->readErrorText().isEmpty());
        QVERIFY2(h->readErrorText().contains(QStringLiteral("could not be read")),
                 qPrintable(h->readErrorText()));
        QCOMPARE(h->model()->rowCount(), 0);

        // The export of it fails, and leaves no file.
        QTemporaryDir dir;
        QSignalSpy done(h, &HistoryView::exported);
        for (const QString &format : {QStringLiteral("json"), QStringLiteral("csv")}) {
            if (format == QLatin1String("csv"))
                damage(QStringLiteral("UPDATE actions SET outcome = 'garbled' WHERE seq = (SELECT "
                                      "min(seq) FROM actions)"));
            const QString path = dir.filePath(QStringLiteral("h.") + format);
            h->exportTo(path, format);
            QVERIFY(done.wait(10000));
            QCOMPARE(done.last().at(0).toBool(), false);
            QVERIFY2(h->exportText().startsWith(QStringLiteral("Export failed")),
                     qPrintable(h->exportText()));
            QVERIFY(!QFile::exists(path));
            QVERIFY(!QFile::exists(path + QStringLiteral(".part")));
        }
    }

    void verifyShowsHeadThenTampering()
    {
        Console c;
        open(Role::Manager, c);
        HistoryView *h = c.window->historyView();
        QSignalSpy verified(h, &HistoryView::verified);
        h->verify();
        QVERIFY(verified.wait(5000));
        QCOMPARE(verified.last().at(0).toBool(), true);
        const QString head =
            m_server
                ->call(m_server->token(Role::Manager), "GET", QStringLiteral("/v1/audit/verify"))
                .body.value(QStringLiteral("head"))
                .toString();
        QVERIFY(h->verifyText().startsWith(QStringLiteral("Intact")));
        QVERIFY(h->verifyText().contains(head));

        withOutsideConnection(m_server->dbPath(), [](QSqlDatabase &db) {
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("UPDATE audit SET actor = 'mallory' WHERE seq = 3")));
        });
        h->verify();
        QVERIFY(verified.wait(5000));
        QCOMPARE(verified.last().at(0).toBool(), false);
        QVERIFY2(h->verifyText().startsWith(QStringLiteral("NOT INTACT: entry 3")),
                 qPrintable(h->verifyText()));
    }
};

QTEST_MAIN(TestHistoryView)
#include "tst_historyview.moc"
