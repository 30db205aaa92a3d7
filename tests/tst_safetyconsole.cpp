// The console side of issue #16 (sections 1, 2, 3, 5), offscreen against a real server on
// loopback: a breaker's freeze shown in the sessions panel and resumed from it (two people after
// a critical rule), a standing grant made with an approval, listed and revoked in the Grants tab,
// bulk decisions over a multi-selection (a high action in it refused), and links that open an
// action.
#include "support/TestServer.h"
#include "ui/ActionDetailView.h"
#include "ui/ActionQueueModel.h"
#include "ui/ConsoleBackend.h"
#include "ui/MainWindow.h"
#include "ui/Prompts.h"
#include "ui/QueueFilterBar.h"
#include "ui/SessionListModel.h"
#include "ui/history/HistoryModel.h"
#include "ui/history/HistoryView.h"
#include "ui/safety/DeepLink.h"
#include "ui/safety/GrantArgumentsButton.h"
#include "ui/safety/GrantListModel.h"
#include "ui/safety/GrantsPanel.h"
#include "ui/safety/SafetyController.h"

#include <QAction>
#include <QComboBox>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMenu>
#include <QPushButton>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

#include <future>

using namespace interlock;
using namespace interlock::test;
using namespace interlock::ui;

namespace {
QJsonObject burstRule(bool critical)
{
    return {{QStringLiteral("id"), QStringLiteral("mail-burst")},
            {QStringLiteral("scope"), QStringLiteral("session")},
            {QStringLiteral("measure"), QStringLiteral("destructive_actions")},
            {QStringLiteral("more_than"), 2},
            {QStringLiteral("window_seconds"), 60},
            {QStringLiteral("action"), QStringLiteral("freeze")},
            {QStringLiteral("critical"), critical},
            {QStringLiteral("message"), QStringLiteral("a burst of deletions")}};
}

QJsonObject mailDelete(int n)
{
    return {
        {QStringLiteral("kind"), QStringLiteral("email.delete")},
        {QStringLiteral("title"), QStringLiteral("Delete newsletters, batch %1").arg(n)},
        {QStringLiteral("target"), QStringLiteral("mail://carol@example.com/INBOX")},
        {QStringLiteral("payload"),
         QJsonObject{{QStringLiteral("mailbox"), QStringLiteral("carol")},
                     {QStringLiteral("message_ids"), QJsonArray{QStringLiteral("m%1").arg(n)}}}}};
}

QJsonObject shell(const QString &command, const QString &title, int score = 10)
{
    QJsonObject a = sampleAction(QStringLiteral("shell.exec"), title);
    a.insert(QStringLiteral("payload"),
             QJsonObject{{QStringLiteral("command"), command},
                         {QStringLiteral("cwd"), QStringLiteral("/srv/app")}});
    a.insert(QStringLiteral("risk"), QJsonObject{{QStringLiteral("score"), score}});
    return a;
}

QJsonObject get(TestServer &s, const QString &path)
{
    return s.call(s.token(Role::Admin), "GET", path).body;
}

QString actionStatus(TestServer &s, const QString &id)
{
    return get(s, QStringLiteral("/v1/actions/") + id).value(QStringLiteral("status")).toString();
}

QJsonValue frozenOf(TestServer &s, const QString &session)
{
    return get(s, QStringLiteral("/v1/sessions/") + session)
        .value(QStringLiteral("session"))
        .toObject()
        .value(QStringLiteral("frozen"));
}

int rowOfSession(MainWindow &w, const QString &id)
{
    QAbstractItemModel *m = w.sessionsView()->model();
    for (int r = 0; r < m->rowCount(); ++r)
        if (m->index(r, 0).data(SessionListModel::IdRole).toString() == id)
            return r;
    return -1;
}

QString panelStatus(MainWindow &w, const QString &id)
{
    const int r = rowOfSession(w, id);
    return r < 0 ? QString()
                 : w.sessionsView()->model()->index(r, SessionListModel::Status).data().toString();
}
} // namespace

class TestSafetyConsole : public QObject
{
    Q_OBJECT

    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<ConsoleBackend> m_backend;
    std::unique_ptr<MainWindow> m_window;

    void open(TestServer::Options options = {})
    {
        m_server = std::make_unique<TestServer>(options);
        m_backend = std::make_unique<ConsoleBackend>(m_server->url(), m_server->token(Role::Admin));
        m_window = std::make_unique<MainWindow>(m_backend.get());
        m_window->resize(1280, 800);
        m_window->show();
        m_backend->start();
        QTRY_VERIFY(m_backend->isConnected());
        QTRY_VERIFY(!m_backend->role().isEmpty());
    }
    SafetyController &safety() { return *m_window->safety(); }
    // Freezes a new session of mail-cleaner with the e-mail incident: returns its id.
    QString freezeOne()
    {
        const auto [sid, token] = m_server->openSession(QStringLiteral("mail-cleaner"));
        int status = 0;
        for (int i = 0; i < 10 && status != 423; ++i)
            status =
                m_server->call(token, "POST", QStringLiteral("/v1/actions"), mailDelete(i)).status;
        if (status != 423)
            qFatal("the breaker did not trip");
        return sid;
    }
    void selectQueueRows(const QStringList &ids)
    {
        QTableView *q = m_window->queueView();
        q->clearSelection();
        for (int r = 0; r < q->model()->rowCount(); ++r) {
            const QModelIndex i = q->model()->index(r, 0);
            if (ids.contains(i.data(ActionQueueModel::IdRole).toString()))
                q->selectionModel()->select(i, QItemSelectionModel::Select |
                                                   QItemSelectionModel::Rows);
        }
    }

private Q_SLOTS:
    void cleanup()
    {
        m_window.reset();
        m_backend.reset();
        m_server.reset();
    }

    void freezeIsShownAndResumedFromTheSessionsPanel()
    {
        TestServer::Options o;
        o.riskRules = rulesWithBreakers({burstRule(false)});
        open(o);
        const QString sid = freezeOne();
        // The trip reaches the console: the status line, and the session shown frozen with the
        // rule and the figures.
        QTRY_VERIFY(m_window->statusText().contains(
            QStringLiteral("Circuit breaker mail-burst froze mail-cleaner")));
        QTRY_VERIFY(panelStatus(*m_window, sid).startsWith(QStringLiteral("frozen by mail-burst")));
        QVERIFY2(
            panelStatus(*m_window, sid)
                .contains(QStringLiteral("3 destructive actions in 60 s (limit: more than 2)")),
            qPrintable(panelStatus(*m_window, sid)));
        QVERIFY(!safety().resumeAction()->isEnabled()); // nothing selected yet
        m_window->sessionsView()->setCurrentIndex(
            m_window->sessionsView()->model()->index(rowOfSession(*m_window, sid), 0));
        QTRY_VERIFY(safety().resumeAction()->isEnabled());
        // The button under the panel follows the action.
        bool buttonShown = false;
        for (QPushButton *b : m_window->findChildren<QPushButton *>())
            buttonShown =
                buttonShown || (b->text() == safety().resumeAction()->text() && b->isEnabled());
        QVERIFY(buttonShown);

        Prompts::setNextConfirm(false); // cancelled: nothing is sent
        safety().resumeAction()->trigger();
        QVERIFY(Prompts::lastConfirmText().contains(QStringLiteral("mail-burst")));
        QVERIFY(!Prompts::lastConfirmText().contains(QStringLiteral("two different people")));
        QVERIFY(frozenOf(*m_server, sid).isObject());
        Prompts::setNextConfirm(true);
        safety().resumeAction()->trigger();
        QTRY_VERIFY(frozenOf(*m_server, sid).isNull());
        QTRY_COMPARE(panelStatus(*m_window, sid), QStringLiteral("active"));
        QTRY_VERIFY(!safety().resumeAction()->isEnabled());
        QVERIFY(
            m_window->statusText().contains(QStringLiteral("Resumed the session of mail-cleaner")));
    }

    // Before it trips: once a session has used half of what a breaker allows, the sessions
    // panel says how close it is, and the tooltip lists every rule's count.
    void nearingABreakerIsShownInTheSessionsPanel()
    {
        TestServer::Options o;
        o.riskRules = rulesWithBreakers(
            {burstRule(false),
             QJsonObject{{QStringLiteral("id"), QStringLiteral("busy")},
                         {QStringLiteral("scope"), QStringLiteral("agent")},
                         {QStringLiteral("measure"), QStringLiteral("submissions")},
                         {QStringLiteral("more_than"), 100},
                         {QStringLiteral("window_seconds"), 3600},
                         {QStringLiteral("action"), QStringLiteral("freeze")}}});
        open(o);
        const auto [sid, token] = m_server->openSession(QStringLiteral("mail-cleaner"));
        QCOMPARE(m_server
                     ->call(token, "POST", QStringLiteral("/v1/actions"),
                            sampleAction(QStringLiteral("shell.exec")))
                     .status,
                 201);
        QTRY_COMPARE(panelStatus(*m_window, sid), QStringLiteral("active")); // 1 of 100: no word
        QCOMPARE(m_server->call(token, "POST", QStringLiteral("/v1/actions"), mailDelete(1)).status,
                 201);
        QTRY_COMPARE(panelStatus(*m_window, sid),
                     QStringLiteral("active · mail-burst: 1 of 2 allowed in 60 s"));
        QCOMPARE(m_server->call(token, "POST", QStringLiteral("/v1/actions"), mailDelete(2)).status,
                 201);
        QTRY_COMPARE(panelStatus(*m_window, sid),
                     QStringLiteral("active · mail-burst: 2 of 2 allowed in 60 s"));
        const QString tip = m_window->sessionsView()
                                ->model()
                                ->index(rowOfSession(*m_window, sid), SessionListModel::Status)
                                .data(Qt::ToolTipRole)
                                .toString();
        QVERIFY2(tip.contains(QStringLiteral("mail-burst (destructive actions, this session): 2 "
                                             "in the last 60 s; it acts above 2")),
                 qPrintable(tip));
        QVERIFY2(tip.contains(QStringLiteral("busy (submissions, every session of this agent): 3 "
                                             "in the last 3600 s; it acts above 100")),
                 qPrintable(tip));
        if (const QByteArray shot = qgetenv("INTERLOCK_SCREENSHOT"); !shot.isEmpty())
            m_window->grab().save(QString::fromLocal8Bit(shot));
    }

    void aCriticalFreezeNeedsASecondPerson()
    {
        TestServer::Options o;
        o.riskRules = rulesWithBreakers({burstRule(true)});
        open(o);
        const QString sid = freezeOne();
        QTRY_VERIFY(
            panelStatus(*m_window, sid).contains(QStringLiteral("two people must resume it")));
        m_window->sessionsView()->setCurrentIndex(
            m_window->sessionsView()->model()->index(rowOfSession(*m_window, sid), 0));
        QTRY_VERIFY(safety().resumeAction()->isEnabled());
        Prompts::setNextConfirm(true);
        safety().resumeAction()->trigger();
        QVERIFY(Prompts::lastConfirmText().contains(QStringLiteral("a second person is needed")));
        QTRY_VERIFY(m_window->statusText().contains(
            QStringLiteral("(1 of 2); a second person must resume it too")));
        QVERIFY(frozenOf(*m_server, sid).isObject()); // still frozen
        QTRY_VERIFY(
            panelStatus(*m_window, sid).contains(QStringLiteral("resumed by admin-user, 1 of 2")));
        // The same person again: the console says a different one is needed.
        Prompts::setNextConfirm(true);
        safety().resumeAction()->trigger();
        QVERIFY2(
            Prompts::lastConfirmText().contains(QStringLiteral("Already resumed by: admin-user")),
            qPrintable(Prompts::lastConfirmText()));
        QTRY_VERIFY(m_window->statusText().contains(
            QStringLiteral("a second, different person must resume it")));
        QVERIFY(frozenOf(*m_server, sid).isObject());
        // A second person lifts it; the console follows the event.
        QCOMPARE(m_server
                     ->call(m_server->token(Role::Reviewer), "POST",
                            QStringLiteral("/v1/sessions/%1/resume").arg(sid), QJsonObject{})
                     .status,
                 200);
        QTRY_COMPARE(panelStatus(*m_window, sid), QStringLiteral("active"));
    }

    void grantMadeWithAnApprovalListedAndRevoked()
    {
        open();
        const auto [sid, token] = m_server->openSession(QStringLiteral("builder"));
        const QString first = m_server->submit(
            token, shell(QStringLiteral("make test"), QStringLiteral("Run the tests")));
        QTRY_COMPARE(m_window->selectedActionId(), first);
        QTRY_VERIFY(m_window->detailComplete());
        QComboBox *choice = safety().grantChoice();
        QTRY_VERIFY(choice->isEnabled());
        // A choice made for another action is not carried over to this one.
        const QString other =
            m_server->submit(token, shell(QStringLiteral("make lint"), QStringLiteral("Lint")));
        QTRY_COMPARE(m_window->queueView()->model()->rowCount(), 2);
        safety().openAction(other);
        QTRY_COMPARE(m_window->selectedActionId(), other);
        QTRY_VERIFY(choice->isEnabled());
        choice->setCurrentIndex(choice->findData(3600));
        QCOMPARE(m_backend->grantOffered(other), 3600);
        safety().openAction(first);
        QTRY_COMPARE(m_window->selectedActionId(), first);
        QCOMPARE(choice->currentIndex(), 0);
        QCOMPARE(m_backend->grantOffered(first), 0);
        safety().openAction(other);
        QTRY_COMPARE(m_window->selectedActionId(), other);
        QCOMPARE(choice->currentIndex(), 0);
        QCOMPARE(m_backend->grantOffered(other), 0); // back on it: "no" is what is shown and sent
        safety().openAction(first);
        QTRY_COMPARE(m_window->selectedActionId(), first);
        QTRY_VERIFY(m_window->detailComplete());
        choice->setCurrentIndex(choice->findData(8 * 3600));
        QTRY_VERIFY(m_window->approveAction()->isEnabled());
        m_window->approveAction()->trigger();
        QTRY_COMPARE(actionStatus(*m_server, first), QStringLiteral("approved"));
        QTRY_VERIFY(m_window->statusText().contains(
            QStringLiteral("allowed for this agent for 8 hour(s)")));
        const QJsonArray grants =
            get(*m_server, QStringLiteral("/v1/grants")).value(QStringLiteral("grants")).toArray();
        QCOMPARE(grants.size(), 1);
        const QString grantId = grants[0].toObject().value(QStringLiteral("id")).toString();
        QCOMPARE(grants[0].toObject().value(QStringLiteral("for_seconds")).toInt(), 8 * 3600);
        QCOMPARE(choice->currentIndex(), 0); // the next action starts from "no"

        // An exact repeat is approved by the grant; its detail says so.
        const QString repeat = m_server->submit(
            token, shell(QStringLiteral("make test"), QStringLiteral("Run the tests again")));
        QCOMPARE(actionStatus(*m_server, repeat), QStringLiteral("approved"));
        QVERIFY(safety().grantsPanel());
        safety().openAction(repeat);
        QTRY_COMPARE(m_window->selectedActionId(), repeat);
        QTRY_VERIFY(m_window->detailComplete());
        QVERIFY2(m_window->detailView()->metaText().contains(
                     QStringLiteral("by: grant %1 (made by admin-user)").arg(grantId)),
                 qPrintable(m_window->detailView()->metaText()));

        // History says the same.
        HistoryView *history = m_window->historyView();
        QVERIFY(history); // admin
        history->apply();
        QTRY_VERIFY(history->model()->rowCount() >= 2);
        int row = -1;
        for (int r = 0; r < history->model()->rowCount(); ++r)
            if (history->model()->item(r).value(QStringLiteral("id")).toString() == repeat)
                row = r;
        QVERIFY(row >= 0);
        history->table()->setCurrentIndex(history->model()->index(row, 0));
        QTRY_VERIFY2(history->decisionText().contains(
                         QStringLiteral("by grant %1 (made by admin-user)").arg(grantId)),
                     qPrintable(history->decisionText()));

        // The Grants tab lists it: what it allows, who made it, until when.
        m_window->tabs()->setCurrentWidget(safety().grantsPanel());
        GrantsPanel *panel = safety().grantsPanel();
        QTRY_COMPARE(panel->model()->rowCount(), 1);
        QAbstractItemModel *m = panel->view()->model();
        QCOMPARE(m->index(0, GrantListModel::Matches).data().toString(),
                 QStringLiteral("make test in /srv/app"));
        QCOMPARE(m->index(0, GrantListModel::Agent).data().toString(), QStringLiteral("builder"));
        QCOMPARE(m->index(0, GrantListModel::MadeBy).data().toString(),
                 QStringLiteral("admin-user"));
        QCOMPARE(m->index(0, GrantListModel::Uses).data().toInt(), 1);
        QVERIFY(!m->index(0, GrantListModel::Expires).data().toString().isEmpty());
        QVERIFY(!panel->revokeButton()->isEnabled());
        QVERIFY(panel->select(grantId));
        QVERIFY(panel->revokeButton()->isEnabled());
        Prompts::setNextConfirm(true);
        panel->revokeButton()->click();
        QVERIFY(Prompts::lastConfirmText().contains(QStringLiteral("make test in /srv/app")));
        QTRY_COMPARE(get(*m_server, QStringLiteral("/v1/grants/") + grantId)
                         .value(QStringLiteral("grant"))
                         .toObject()
                         .value(QStringLiteral("status"))
                         .toString(),
                     QStringLiteral("revoked"));
        QTRY_COMPARE(panel->model()->rowCount(), 0); // the active list
        panel->statusChoice()->setCurrentIndex(panel->statusChoice()->findData(QString()));
        QTRY_COMPARE(panel->model()->rowCount(), 1);
        QVERIFY(m->index(0, GrantListModel::Status)
                    .data()
                    .toString()
                    .startsWith(QStringLiteral("revoked by admin-user")));
        // Revoked: the same command waits for a person again.
        const QString after = m_server->submit(
            token, shell(QStringLiteral("make test"), QStringLiteral("Run the tests once more")));
        QCOMPARE(actionStatus(*m_server, after), QStringLiteral("pending"));
    }

    void mcpGrantComparesTheArgumentsTheReviewerChose()
    {
        open();
        const auto [sid, token] = m_server->openSession(QStringLiteral("reader"));
        const auto call = [](const QString &path, const QString &encoding) {
            QJsonObject a = sampleAction(QStringLiteral("mcp.tool_call"), QStringLiteral("Read"));
            a.insert(QStringLiteral("target"), QStringLiteral("mcp://files/read_file"));
            a.insert(QStringLiteral("payload"),
                     QJsonObject{{QStringLiteral("server"), QStringLiteral("files")},
                                 {QStringLiteral("tool"), QStringLiteral("read_file")},
                                 {QStringLiteral("arguments"),
                                  QJsonObject{{QStringLiteral("path"), path},
                                              {QStringLiteral("encoding"), encoding},
                                              {QStringLiteral("limit"), 100}}}});
            a.insert(QStringLiteral("risk"), QJsonObject{{QStringLiteral("score"), 10}});
            return a;
        };
        const QString first =
            m_server->submit(token, call(QStringLiteral("/srv/a.txt"), QStringLiteral("utf8")));
        QTRY_COMPARE(m_window->selectedActionId(), first);
        QTRY_VERIFY(m_window->detailComplete());
        QTRY_VERIFY2(safety().grantChoice()->isEnabled(),
                     qPrintable(safety().grantUnavailableReason()));
        GrantArgumentsButton *args = safety().grantArguments();
        QTRY_VERIFY(!args->isHidden());
        QCOMPARE(args->actionId(), first);
        const QList<QAction *> names = args->menu()->actions();
        QCOMPARE(names.size(), 3);
        QVERIFY(args->chosen().isEmpty()); // all: every argument must be equal
        QCOMPARE(args->text(), QStringLiteral("comparing all 3 argument(s)"));
        QVERIFY(!args->isEnabled()); // until a grant is chosen beside it
        safety().grantChoice()->setCurrentIndex(safety().grantChoice()->findData(3600));
        QVERIFY(args->isEnabled());
        for (QAction *a : names) {
            if (a->data().toString() != QLatin1String("path"))
                a->trigger(); // unchecks
        }
        QCOMPARE(args->chosen(), QStringList{QStringLiteral("path")});
        QCOMPARE(args->text(), QStringLiteral("comparing 1 of 3 argument(s)"));
        args->setChosen(QStringLiteral("path"), false); // the last one stays
        QCOMPARE(args->chosen(), QStringList{QStringLiteral("path")});
        QCOMPARE(m_backend->grantArgumentsOffered(first), QStringList{QStringLiteral("path")});
        QTRY_VERIFY(m_window->approveAction()->isEnabled());
        m_window->approveAction()->trigger();
        QTRY_COMPARE(actionStatus(*m_server, first), QStringLiteral("approved"));
        const QJsonArray grants =
            get(*m_server, QStringLiteral("/v1/grants")).value(QStringLiteral("grants")).toArray();
        QCOMPARE(grants.size(), 1);
        QCOMPARE(grants[0].toObject().value(QStringLiteral("match")).toObject(),
                 (QJsonObject{{QStringLiteral("arguments"), QJsonArray{QStringLiteral("path")}}}));
        // The same path with another encoding: approved by the grant; another path waits.
        QCOMPARE(actionStatus(*m_server, m_server->submit(token, call(QStringLiteral("/srv/a.txt"),
                                                                      QStringLiteral("latin1")))),
                 QStringLiteral("approved"));
        QCOMPARE(actionStatus(*m_server, m_server->submit(token, call(QStringLiteral("/srv/b.txt"),
                                                                      QStringLiteral("utf8")))),
                 QStringLiteral("pending"));
    }

    void noGrantForHighActionsOrFrozenSessions()
    {
        TestServer::Options o;
        o.riskRules = rulesWithBreakers({burstRule(false)});
        open(o);
        const auto [sid, token] = m_server->openSession(QStringLiteral("builder"));
        const QString high = m_server->submit(
            token, shell(QStringLiteral("make deploy"), QStringLiteral("Deploy"), 70));
        QTRY_COMPARE(m_window->selectedActionId(), high);
        QTRY_VERIFY(m_window->detailComplete());
        QVERIFY(!safety().grantChoice()->isEnabled());
        QVERIFY(safety().grantUnavailableReason().contains(QStringLiteral("High and critical")));
        // A frozen session's low action: no grant either.
        const QString low =
            m_server->submit(token, shell(QStringLiteral("ls"), QStringLiteral("List")));
        for (int i = 0; i < 10; ++i)
            m_server->call(token, "POST", QStringLiteral("/v1/actions"), mailDelete(i));
        QTRY_VERIFY(panelStatus(*m_window, sid).startsWith(QStringLiteral("frozen by")));
        safety().openAction(low);
        QTRY_COMPARE(m_window->selectedActionId(), low);
        QTRY_VERIFY(safety().grantUnavailableReason().contains(QStringLiteral("circuit breaker")));
        QVERIFY(!safety().grantChoice()->isEnabled());
        // Approving it is refused while frozen, in plain words.
        QTRY_VERIFY(m_window->approveAction()->isEnabled());
        m_window->approveAction()->trigger();
        QTRY_VERIFY(m_window->statusText().contains(QStringLiteral("froze this agent's session")));
        QCOMPARE(actionStatus(*m_server, low), QStringLiteral("pending"));
    }

    void bulkApproveRefusesAHighActionAndListsWhatItApproves()
    {
        open();
        const auto [sid, token] = m_server->openSession(QStringLiteral("builder"));
        const QString a =
            m_server->submit(token, shell(QStringLiteral("ls a"), QStringLiteral("List a")));
        const QString b =
            m_server->submit(token, shell(QStringLiteral("ls b"), QStringLiteral("List b"), 40));
        const QString high = m_server->submit(
            token, shell(QStringLiteral("make release"), QStringLiteral("Release c"), 75));
        QTRY_COMPARE(m_window->queueView()->model()->rowCount(), 3);
        QCOMPARE(m_window->queueView()->selectionMode(), QAbstractItemView::ExtendedSelection);
        selectQueueRows({a, b, high});
        QCOMPARE(safety().selectedIds().size(), 3);
        // Offered only when all are low or medium…
        QVERIFY(!safety().bulkApproveAction()->isEnabled());
        QVERIFY(safety().bulkRejectAction()->isEnabled());
        QVERIFY(safety().bulkApproveAction()->toolTip().contains(
            QStringLiteral("Only low and medium")));
        // …and refused by the server when asked anyway: nothing decided, the error shown.
        Prompts::setNextConfirm(true);
        safety().bulkApprove();
        QTRY_VERIFY2(m_window->statusText().contains(QStringLiteral("refused the bulk approval")),
                     qPrintable(m_window->statusText()));
        const QString level = get(*m_server, QStringLiteral("/v1/actions/") + high)
                                  .value(QStringLiteral("risk"))
                                  .toObject()
                                  .value(QStringLiteral("level"))
                                  .toString();
        QVERIFY(level == QLatin1String("high") || level == QLatin1String("critical"));
        QVERIFY2(m_window->statusText().contains(QStringLiteral("“Release c” (%1)").arg(level)),
                 qPrintable(m_window->statusText()));
        for (const QString &id : {a, b, high})
            QCOMPARE(actionStatus(*m_server, id), QStringLiteral("pending"));

        selectQueueRows({a, b});
        QTRY_VERIFY(safety().bulkApproveAction()->isEnabled());
        QCOMPARE(safety().bulkApproveAction()->text(), QStringLiteral("Approve 2 selected…"));
        Prompts::setNextConfirm(false);
        safety().bulkApproveAction()->trigger();
        const QString listed = Prompts::lastConfirmText();
        QVERIFY(listed.contains(QStringLiteral("List a")) &&
                listed.contains(QStringLiteral("List b")));
        QVERIFY(!listed.contains(QStringLiteral("Release c")));
        QCOMPARE(actionStatus(*m_server, a), QStringLiteral("pending")); // cancelled
        Prompts::setNextConfirm(true);
        safety().bulkApproveAction()->trigger();
        QTRY_COMPARE(actionStatus(*m_server, a), QStringLiteral("approved"));
        QCOMPARE(actionStatus(*m_server, b), QStringLiteral("approved"));
        QCOMPARE(actionStatus(*m_server, high), QStringLiteral("pending"));
        QTRY_VERIFY(m_window->statusText().contains(QStringLiteral("Approved 2 action(s).")));
        // Each has its own decision.
        QCOMPARE(get(*m_server, QStringLiteral("/v1/actions/") + a)
                     .value(QStringLiteral("decision"))
                     .toObject()
                     .value(QStringLiteral("by"))
                     .toString(),
                 QStringLiteral("admin-user"));
    }

    void bulkRejectTakesOneReason()
    {
        open();
        const auto [sid, token] = m_server->openSession(QStringLiteral("builder"));
        const QString a =
            m_server->submit(token, shell(QStringLiteral("ls a"), QStringLiteral("List a")));
        const QString high = m_server->submit(
            token, shell(QStringLiteral("make release"), QStringLiteral("Release c"), 75));
        QTRY_COMPARE(m_window->queueView()->model()->rowCount(), 2);
        selectQueueRows({a, high});
        QTRY_VERIFY(safety().bulkRejectAction()->isEnabled());
        Prompts::setNextReason(QStringLiteral("not today"));
        safety().bulkRejectAction()->trigger();
        QTRY_COMPARE(actionStatus(*m_server, a), QStringLiteral("rejected"));
        QCOMPARE(actionStatus(*m_server, high), QStringLiteral("rejected"));
        QCOMPARE(get(*m_server, QStringLiteral("/v1/actions/") + high)
                     .value(QStringLiteral("decision"))
                     .toObject()
                     .value(QStringLiteral("comment"))
                     .toString(),
                 QStringLiteral("not today"));
    }

    void linksSelectTheAction()
    {
        open();
        const auto [sid, token] = m_server->openSession(QStringLiteral("builder"));
        const QString a =
            m_server->submit(token, shell(QStringLiteral("ls a"), QStringLiteral("List a")));
        const QString b =
            m_server->submit(token, shell(QStringLiteral("ls b"), QStringLiteral("List b")));
        QTRY_COMPARE(m_window->queueView()->model()->rowCount(), 2);
        m_window->selectFirstAction();
        const QString other = m_window->selectedActionId() == a ? b : a;
        safety().openAction(DeepLink::actionId(QStringLiteral("interlock://action/") + other));
        QTRY_COMPARE(m_window->selectedActionId(), other);
        // A decided action: the queue shows every status to select it.
        QCOMPARE(m_server
                     ->call(m_server->token(Role::Reviewer), "POST",
                            QStringLiteral("/v1/actions/%1/decision").arg(a),
                            QJsonObject{{QStringLiteral("decision"), QStringLiteral("reject")},
                                        {QStringLiteral("comment"), QStringLiteral("no")}})
                     .status,
                 200);
        QTRY_COMPARE(m_window->queueView()->model()->rowCount(), 1);
        safety().openAction(a);
        QTRY_COMPARE(m_window->selectedActionId(), a);
        QCOMPARE(m_window->filterBar()->statusValue(), QString());
        // An unknown one: said plainly, nothing else changes.
        safety().openAction(QStringLiteral("act_doesnotexist"));
        QTRY_VERIFY(m_window->statusText().contains(
            QStringLiteral("Cannot open the action act_doesnotexist")));
        QCOMPARE(m_window->selectedActionId(), a);
    }

    void linkForms_data()
    {
        QTest::addColumn<QString>("link");
        QTest::addColumn<QString>("id");
        QTest::newRow("action") << "interlock://action/act_1a2B-3"
                                << "act_1a2B-3";
        QTest::newRow("trailing slash") << "interlock://action/act_1/"
                                        << "act_1";
        QTest::newRow("session link") << "interlock://session/ses_1"
                                      << "";
        QTest::newRow("path") << "interlock://action/../etc"
                              << "";
        QTest::newRow("query") << "interlock://action/act_1?x=1"
                               << "";
        QTest::newRow("other scheme") << "https://action/act_1"
                                      << "";
        QTest::newRow("too long") << QStringLiteral("interlock://action/") + QString(65, u'a')
                                  << "";
        QTest::newRow("empty") << ""
                               << "";
    }
    void linkForms()
    {
        QFETCH(QString, link);
        QFETCH(QString, id);
        QCOMPARE(DeepLink::actionId(link), id);
    }

    void aSecondStartHandsTheLinkToTheRunningConsole()
    {
        QTemporaryDir dir;
        const QString name = dir.filePath(QStringLiteral("console.socket"));
        QVERIFY(
            !DeepLink::forward(QStringLiteral("interlock://action/act_1"), name, 500)); // none runs
        DeepLink running;
        QVERIFY(running.listen(name));
        DeepLink later; // a second console without a link: the first keeps taking them
        QVERIFY(!later.listen(name));
        QSignalSpy asked(&running, &DeepLink::actionRequested);
        // The second start blocks on its socket; the running console answers from its loop.
        auto second = std::async(std::launch::async, [name] {
            return DeepLink::forward(QStringLiteral("interlock://action/act_42"), name);
        });
        QTRY_COMPARE(asked.size(), 1);
        QCOMPARE(asked.at(0).at(0).toString(), QStringLiteral("act_42"));
        QTRY_VERIFY(second.wait_for(std::chrono::seconds(0)) == std::future_status::ready);
        QVERIFY(second.get());
        auto bad = std::async(std::launch::async, [name] {
            return DeepLink::forward(QStringLiteral("interlock://session/x"), name);
        });
        QTRY_VERIFY(bad.wait_for(std::chrono::seconds(0)) == std::future_status::ready);
        QVERIFY(!bad.get()); // refused, nothing opened
        QCOMPARE(asked.size(), 1);
    }

    void theDesktopFileRegistersTheScheme()
    {
        QFile f(QStringLiteral(SOURCE_DIR "/packaging/io.github.interlock.Interlock.desktop"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray text = f.readAll();
        QVERIFY(text.contains("\nMimeType=x-scheme-handler/interlock;"));
        QVERIFY(text.contains("\nExec=interlock %u\n"));
    }
};

QTEST_MAIN(TestSafetyConsole)
#include "tst_safetyconsole.moc"
