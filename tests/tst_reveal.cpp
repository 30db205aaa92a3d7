// Hidden characters revealed in every console view (issue #15 section 1), copies of the revealed
// form, and agent text that never sizes the window: offscreen, against a real server.
#include "support/TestServer.h"
#include "ui/ActionBanner.h"
#include "ui/ActionDetailView.h"
#include "ui/ActionQueueModel.h"
#include "ui/ConsoleBackend.h"
#include "ui/EditDialog.h"
#include "ui/MainWindow.h"
#include "ui/RevealedText.h"
#include "ui/SessionListModel.h"
#include "ui/diff/DiffView.h"
#include "ui/history/HistoryModel.h"
#include "ui/history/HistoryView.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QJsonArray>
#include <QLabel>
#include <QPlainTextEdit>
#include <QScreen>
#include <QStyle>
#include <QTabWidget>
#include <QTableView>
#include <QTextCursor>
#include <QTextDocument>
#include <QToolButton>
#include <QtTest>

using namespace interlock;
using namespace interlock::test;
using namespace interlock::ui;

namespace {
// Every widget's minimum width, to name the ones agent text widened when the window's grew.
QHash<QWidget *, int> minimumWidths(QWidget *root)
{
    QHash<QWidget *, int> out{{root, root->minimumSizeHint().width()}};
    for (QWidget *w : root->findChildren<QWidget *>())
        out.insert(w, w->isVisibleTo(root) ? w->minimumSizeHint().width() : -1);
    return out;
}

QString widened(const QHash<QWidget *, int> &before, QWidget *root)
{
    QStringList out;
    for (auto it = before.cbegin(); it != before.cend(); ++it) {
        const int now = it.key()->minimumSizeHint().width();
        if (now > it.value() && it.key()->isVisibleTo(root)) {
            const auto *label = qobject_cast<const QLabel *>(it.key());
            out << QStringLiteral("%1 '%2'%3 %4 -> %5")
                       .arg(QString::fromLatin1(it.key()->metaObject()->className()),
                            it.key()->objectName(),
                            label ? QStringLiteral(" \"%1\"").arg(label->text()) : QString())
                       .arg(it.value())
                       .arg(now);
        }
    }
    return out.join(QStringLiteral("; "));
}

const QString kRlo = QString(QChar(0x202E));
const QString kZwsp = QString(QChar(0x200B));
const QString kEsc = QString(QChar(0x1B));

// True when `text` shows `placeholder` and holds none of the raw hidden characters.
bool revealed(const QString &text, const QString &placeholder)
{
    return text.contains(placeholder) && !text.contains(kRlo) && !text.contains(kZwsp) &&
           !text.contains(kEsc);
}

QJsonObject hostileAction()
{
    QJsonObject a =
        sampleAction(QStringLiteral("fs.write"), QString(QStringLiteral("Rename the report") +
                                                         kRlo + QStringLiteral("fdp.exe")));
    a.insert(QStringLiteral("summary"),
             QString(QStringLiteral("Just a rename") + kZwsp + QStringLiteral(".")));
    a.insert(QStringLiteral("target"),
             QString(QStringLiteral("file://") + kRlo + QStringLiteral("cod.txt")));
    a.insert(QStringLiteral("payload"),
             QJsonObject{{QStringLiteral("path"), QStringLiteral("notes.txt")},
                         {QStringLiteral("content"),
                          QString(QStringLiteral("ok ") + kEsc + QStringLiteral("[8mhidden\n"))}});
    a.insert(QStringLiteral("changes"),
             QJsonArray{QJsonObject{{QStringLiteral("path"), QStringLiteral("notes.txt")},
                                    {QStringLiteral("before"), QStringLiteral("old\n")},
                                    {QStringLiteral("after"), QString(QStringLiteral("ok ") + kRlo +
                                                                      QStringLiteral("new\n"))}}});
    return a;
}
} // namespace

class TestReveal : public QObject
{
    Q_OBJECT

    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<ConsoleBackend> m_backend;
    std::unique_ptr<MainWindow> m_window;

    void waitForDetail(const QString &id)
    {
        QTRY_COMPARE(m_window->selectedActionId(), id);
        QTRY_VERIFY(m_window->detailComplete());
        QTRY_VERIFY(!m_window->detailView()->diffView()->isBuilding());
        QTRY_VERIFY(!m_window->detailView()->agentDiffView()->isBuilding());
    }

private Q_SLOTS:
    void init()
    {
        m_server = std::make_unique<TestServer>();
        m_backend = std::make_unique<ConsoleBackend>(m_server->url(), m_server->token(Role::Admin));
        m_window = std::make_unique<MainWindow>(m_backend.get());
        m_window->show();
        QSignalSpy loaded(m_backend.get(), &ConsoleBackend::loaded);
        m_backend->start();
        QTRY_VERIFY(m_backend->isConnected());
        // The first load replaces the model: an action put straight into it must come after.
        QTRY_VERIFY(!loaded.isEmpty());
    }
    void cleanup()
    {
        m_window.reset();
        m_backend.reset();
        m_server.reset();
    }

    void revealedInTheQueueDetailPayloadAndDiffs()
    {
        // The server refuses hidden characters in an agent's name (tst_badinput); the console's
        // own reveal of the name, for names stored before that, is in tst_actionqueuemodel.
        const auto session = m_server->openSession(QStringLiteral("agentx"));
        const QString id = m_server->submit(session.second, hostileAction());
        waitForDetail(id);
        const QString rlo = QStringLiteral("⟨U+202E⟩");

        QAbstractItemModel *queue = m_window->queueView()->model();
        QVERIFY(revealed(queue->index(0, ActionQueueModel::Title).data().toString(), rlo));
        QVERIFY(revealed(queue->index(0, ActionQueueModel::Target).data().toString(), rlo));
        QVERIFY(revealed(queue->index(0, ActionQueueModel::Title).data(Qt::ToolTipRole).toString(),
                         QStringLiteral("⟨U+200B⟩")));

        ActionDetailView *detail = m_window->detailView();
        QCOMPARE(detail->titleText(), QStringLiteral("Rename the report⟨U+202E⟩fdp.exe"));
        QVERIFY(revealed(detail->metaText(), rlo));
        QVERIFY(revealed(detail->summaryText(), QStringLiteral("⟨U+200B⟩")));
        // The payload's ESC is escaped by JSON itself (\u001b); nothing raw remains.
        QVERIFY(!detail->payloadText().contains(kEsc));
        QVERIFY(detail->banner()->hiddenShown());
        QVERIFY(detail->banner()->hiddenText().startsWith(
            QStringLiteral("This action contains hidden characters: ")));
        QVERIFY(detail->banner()->hiddenText().contains(QStringLiteral("title: U+202E")));

        // First what will run (the payload's content, its ESC revealed), then the agent's diff.
        DiffView *diff = detail->diffView();
        QVERIFY(revealed(diff->unifiedView()->toPlainText(), QStringLiteral("⟨U+001B⟩")));
        diff->setMode(DiffView::Mode::SideBySide);
        QVERIFY(revealed(diff->newView()->toPlainText(), QStringLiteral("⟨U+001B⟩")));
        DiffView *agent = detail->agentDiffView();
        QVERIFY(revealed(agent->unifiedView()->toPlainText(), rlo));
        agent->setMode(DiffView::Mode::SideBySide);
        QVERIFY(revealed(agent->newView()->toPlainText(), rlo));
        QVERIFY(!agent->oldView()->toPlainText().contains(kRlo));

        // Edit…: hidden characters as JSON escapes, coloured; the parsed payload is unchanged.
        const auto full = m_backend->actions()->fullAction(id);
        QVERIFY(full);
        EditDialog edit(*full);
        QVERIFY(edit.editor()->toPlainText().contains(QStringLiteral("\\u001b[8m")));
        QVERIFY(!edit.editor()->toPlainText().contains(kEsc));
        QVERIFY(!edit.canAccept());
        QVERIFY(!edit.windowTitle().contains(kRlo));
        QVERIFY(edit.windowTitle().contains(rlo));
    }

    void copiesTheRevealedForm()
    {
        const auto session = m_server->openSession(QStringLiteral("a"));
        const QString id = m_server->submit(session.second, hostileAction());
        waitForDetail(id);
        QApplication::clipboard()->clear();
        auto *title = m_window->detailView()->titleLabel();
        title->selectAll();
        title->copy();
        QCOMPARE(QApplication::clipboard()->text(),
                 QStringLiteral("Rename the report⟨U+202E⟩fdp.exe"));

        QPlainTextEdit *payload = m_window->detailView()->payloadBox();
        payload->selectAll();
        payload->copy();
        QVERIFY(!QApplication::clipboard()->text().contains(kEsc));

        DiffTextView *unified = m_window->detailView()->agentDiffView()->unifiedView();
        unified->selectAll();
        unified->copy();
        QVERIFY(revealed(QApplication::clipboard()->text(), QStringLiteral("⟨U+202E⟩")));

        // The queue's Ctrl+C (and context menu): the row as shown.
        QTableView *queue = m_window->queueView();
        QAction *copy = nullptr;
        for (QAction *a : queue->actions())
            if (a->shortcut() == QKeySequence(QKeySequence::Copy))
                copy = a;
        QVERIFY(copy);
        QCOMPARE(queue->contextMenuPolicy(), Qt::ActionsContextMenu);
        copy->trigger();
        QVERIFY(revealed(QApplication::clipboard()->text(), QStringLiteral("⟨U+202E⟩")));
        QVERIFY(QApplication::clipboard()->text().contains(QStringLiteral("fdp.exe")));
    }

    // Text hidden with no hidden character (red team): 240 spaces push a command's tail out of
    // sight, and Hebrew letters reorder the words between them ("echo (alef) 1 2 (bet)" was drawn
    // with the 2 before the 1 in a left-to-right paragraph). The payload and the diff of what
    // will run show the run as ⟪240 spaces⟫ with the tail beside it, lay the line out in stored
    // order, and copy it without the console's layout marks.
    void blankRunsAndRightToLeftLettersInMachineText()
    {
        const auto session = m_server->openSession(QStringLiteral("a"));
        QJsonObject a = sampleAction(QStringLiteral("shell.exec"), QStringLiteral("List"));
        a.insert(QStringLiteral("payload"),
                 QJsonObject{{QStringLiteral("command"),
                              QString(QStringLiteral("ls") + QString(240, u' ') +
                                      QString::fromUtf16(u"; echo \u05D0 1 2 \u05D1; rm -rf ~"))}});
        const QString id = m_server->submit(session.second, a);
        waitForDetail(id);
        ActionDetailView *detail = m_window->detailView();
        const QString shown = QStringLiteral("ls⟪240 spaces⟫; echo");
        QVERIFY2(detail->payloadText().contains(shown), qPrintable(detail->payloadText()));
        DiffTextView *unified = detail->diffView()->unifiedView();
        QVERIFY2(RevealedText::withoutLayoutMarks(unified->toPlainText()).contains(shown),
                 qPrintable(unified->toPlainText()));
        QVERIFY(detail->banner()->hiddenText().contains(
            QStringLiteral("payload.command: 240 blanks in a row at 2")));

        // Where each is drawn: the tail in sight, the 1 left of the 2.
        const auto drawnAt = [](QPlainTextEdit *box, const QString &needle, int offset = 0) {
            const QTextCursor found = box->document()->find(needle);
            if (found.isNull())
                return QRect();
            QTextCursor at(box->document());
            at.setPosition(found.selectionStart() + offset);
            return box->cursorRect(at);
        };
        const QList<QPlainTextEdit *> boxes{detail->payloadBox(), unified};
        for (QPlainTextEdit *box : boxes) {
            if (auto *tabs = detail->findChild<QTabWidget *>())
                tabs->setCurrentWidget(box == unified ? detail->diffView()
                                                      : static_cast<QWidget *>(box));
            QApplication::processEvents();
            const QRect ls = drawnAt(box, QStringLiteral("ls⟪")),
                        rm = drawnAt(box, QStringLiteral("rm -rf ~")),
                        one = drawnAt(box, QStringLiteral("1 2")),
                        two = drawnAt(box, QStringLiteral("1 2"), 2);
            QVERIFY(ls.isValid() && rm.isValid() && one.isValid() && two.isValid());
            QVERIFY(rm.left() < box->viewport()->width()); // in sight, not 240 columns away
            // Before it in reading order: left of it on its line, or on an earlier line where
            // the box wraps the line between the two (its width depends on the layout so far).
            const bool inOrder =
                one.top() == two.top() ? one.left() < two.left() : one.top() < two.top();
            QVERIFY2(inOrder, qPrintable(QStringLiteral("%1: 1 at %2,%3, 2 at %4,%5")
                                             .arg(box->metaObject()->className())
                                             .arg(one.left())
                                             .arg(one.top())
                                             .arg(two.left())
                                             .arg(two.top())));
            box->selectAll();
            box->copy();
            const QString copied = QApplication::clipboard()->text();
            QVERIFY(copied.contains(QString::fromUtf16(u"echo \u05D0 1 2 \u05D1; rm -rf ~")));
            QVERIFY(!copied.contains(QChar(0x202D)) && !copied.contains(QChar(0x202C)));
        }
    }

    // Edit… shows hidden characters as JSON escapes, but blanks stay blanks: a run in a string,
    // and the indentation of a payload 20 levels deep (a run of 80 at a line's start), which
    // escaped would be no JSON at all.
    void editKeepsBlankRunsAsBlanks()
    {
        QJsonObject payload{
            {QStringLiteral("command"), QString(QStringLiteral("ls") + QString(240, u' ') +
                                                QStringLiteral("; rm -rf ~") + kZwsp)}};
        for (int level = 0; level < 20; ++level)
            payload = QJsonObject{{QStringLiteral("x"), payload}};
        const QString text = EditDialog::editable(payload);
        QVERIFY(text.contains(QStringLiteral("\\u200b")));
        QVERIFY(text.contains(QString(240, u' ')));
        QString error;
        const auto parsed = EditDialog::parse(text, &error);
        QVERIFY2(parsed, qPrintable(error));
        QCOMPARE(*parsed, payload);
    }

    void revealedInHistory()
    {
        const auto session = m_server->openSession(QStringLiteral("a"));
        const QString id = m_server->submit(session.second, hostileAction());
        waitForDetail(id);
        QCOMPARE(m_server
                     ->call(m_server->token(Role::Reviewer), "POST",
                            QStringLiteral("/v1/actions/%1/decision").arg(id),
                            QJsonObject{{QStringLiteral("decision"), QStringLiteral("reject")},
                                        {QStringLiteral("comment"), QStringLiteral("no")}})
                     .status,
                 200);
        QVERIFY(m_window->historyAvailable());
        HistoryView *history = m_window->historyView();
        history->apply();
        QTRY_COMPARE(history->model()->rowCount(), 1);
        QVERIFY(revealed(history->model()->index(0, HistoryModel::Title).data().toString(),
                         QStringLiteral("⟨U+202E⟩")));
        history->table()->setCurrentIndex(history->model()->index(0, 0));
        QTRY_VERIFY(revealed(history->decisionText(), QStringLiteral("⟨U+202E⟩")));
        QTRY_VERIFY(!history->payloadDiff()->isBuilding());
        QVERIFY(!history->payloadDiff()->unifiedView()->toPlainText().contains(kEsc));
    }

    void revealedTextIsColoured()
    {
        QTextDocument doc;
        RevealedText::fill(&doc, QString(QStringLiteral("a") + kRlo + QStringLiteral("b")),
                           HiddenText::Lines::Single,
                           {RevealedText::Mark{0, 1, QStringLiteral("look-alike <b>x</b>")}});
        QCOMPARE(doc.toPlainText(), QStringLiteral("a⟨U+202E⟩b"));
        QTextCursor c(&doc);
        c.setPosition(3);
        QCOMPARE(c.charFormat().foreground().color(), RevealedText::placeholderText());
        c.setPosition(1);
        // The mark's tooltip quotes agent text: shown as written, never as markup.
        QTextDocument tip;
        tip.setHtml(c.charFormat().toolTip());
        QCOMPARE(tip.toPlainText(), QStringLiteral("look-alike <b>x</b>"));
        QCOMPARE(c.charFormat().underlineStyle(), QTextCharFormat::WaveUnderline);
        c.setPosition(doc.characterCount() - 1);
        QVERIFY(c.charFormat().foreground().color() != RevealedText::placeholderText());
        QCOMPARE(RevealedText::placeholders(u"x⟨U+202E⟩y⟨nope⟩"),
                 (QList<std::pair<int, int>>{{1, 8}}));
    }

    void hostileTitlesNeverWidenTheWindow_data()
    {
        QTest::addColumn<QString>("title");
        QTest::newRow("150 x U+2800") << QString(150, QChar(0x2800));
        QTest::newRow("10,000 characters") << QString(10000, u'W');
    }
    void hostileTitlesNeverWidenTheWindow()
    {
        // Straight into the console's model: the server caps titles at 200 characters, but the
        // console must hold whatever it is sent.
        QFETCH(QString, title);
        // The screen: 1,600 px (the offscreen screen is 800 px, narrower than the
        // window's own minimum of buttons and panes, whatever the agent writes).
        const int screenWidth = 1600;
        const auto action = [](const QString &text, int version) {
            return QJsonObject{
                {QStringLiteral("id"), QStringLiteral("hostile")},
                {QStringLiteral("version"), version},
                {QStringLiteral("session_id"), QStringLiteral("s-1")},
                {QStringLiteral("agent"), text},
                {QStringLiteral("kind"), QStringLiteral("shell.exec")},
                {QStringLiteral("title"), text},
                {QStringLiteral("summary"), text},
                {QStringLiteral("target"), text},
                {QStringLiteral("status"), QStringLiteral("pending")},
                {QStringLiteral("payload"), QJsonObject{{QStringLiteral("command"), text}}},
                {QStringLiteral("risk"),
                 QJsonObject{{QStringLiteral("score"), 10},
                             {QStringLiteral("level"), QStringLiteral("low")},
                             {QStringLiteral("reasons"), QJsonArray()}}},
                {QStringLiteral("required_approvals"), 1},
                {QStringLiteral("created_at"), QStringLiteral("2026-11-24T09:00:00Z")},
                {QStringLiteral("expires_at"), QStringLiteral("2036-11-24T09:00:00Z")}};
        };
        // The window's own minimum, measured with the same action in as many plain words on
        // screen: its risk badge and buttons are the console's, the shape of the text the agent's.
        const QString words =
            QStringLiteral("word ").repeated(title.size() / 5 + 1).left(title.size());
        m_backend->actions()->upsert(action(words, 1));
        QTRY_COMPARE(m_window->queueView()->model()->rowCount(), 1);
        m_window->queueView()->setCurrentIndex(m_window->queueView()->model()->index(0, 0));
        QTRY_VERIFY(m_window->detailView()->titleText().startsWith(words.left(20)));
        QTRY_VERIFY(!m_window->detailView()->diffView()->isBuilding());
        QApplication::processEvents();
        const int ownMinimum = m_window->minimumSizeHint().width();
        const QHash<QWidget *, int> widthsBefore = minimumWidths(m_window.get());
        // The agent's next version of it says the hostile thing.
        m_backend->actions()->upsert(action(title, 2));
        QTRY_VERIFY(
            m_window->detailView()->titleText().startsWith(RevealedText::plain(title.left(20))));
        QTRY_VERIFY(!m_window->detailView()->diffView()->isBuilding());
        // As a window manager does on this screen: the window cannot be made narrower than its
        // minimum size, which agent text must not raise.
        m_window->resize(screenWidth, m_window->height());
        QApplication::processEvents();
        QVERIFY2(m_window->width() <= screenWidth,
                 qPrintable(QStringLiteral("%1 > %2").arg(m_window->width()).arg(screenWidth)));
        // Agent text never raises the window's minimum width, give or take one scroll bar: the
        // hidden Changes tab's minimum moved by a scroll bar's width (253 -> 268 px) between the
        // two texts with none of its children's hints changing (Qt 6.4, offscreen); at first
        // only on a loaded machine, when the baseline was taken with no action on screen.
        const int scrollBar = m_window->style()->pixelMetric(QStyle::PM_ScrollBarExtent) + 1;
        QVERIFY2(m_window->minimumSizeHint().width() <= ownMinimum + scrollBar,
                 qPrintable(QStringLiteral("%1 > %2 + %3; widened: %4")
                                .arg(m_window->minimumSizeHint().width())
                                .arg(ownMinimum)
                                .arg(scrollBar)
                                .arg(widened(widthsBefore, m_window.get()))));
        auto *stop = m_window->findChild<QToolButton *>(QStringLiteral("emergencyStop"));
        QVERIFY(stop);
        QVERIFY(stop->isVisible());
        const QRect inWindow(stop->mapTo(m_window.get(), QPoint(0, 0)), stop->size());
        QVERIFY2(m_window->rect().contains(inWindow),
                 qPrintable(QStringLiteral("stop at x %1 in a window %2 wide")
                                .arg(inWindow.x())
                                .arg(m_window->width())));
        QVERIFY(m_window->emergencyStopAction()->isEnabled());
    }
};

QTEST_MAIN(TestReveal)
#include "tst_reveal.moc"
