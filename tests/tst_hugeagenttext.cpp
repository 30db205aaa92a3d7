// Huge hostile agent text (issue #15): 10,000 x U+202E once froze the console for minutes (every
// revealed piece appended to a text document re-laid out the whole line: quadratic). Each view
// that shows agent text is fed the worst the server accepts (and a 10,000-character title put
// straight into the console's model, which must hold whatever it is sent). The tests check what
// is shown and that the window keeps its size; the time it took is printed (never asserted: a
// benchmark figure, not a test condition).
#include "support/TestServer.h"
#include "ui/ActionDetailView.h"
#include "ui/ActionQueueModel.h"
#include "ui/ConsoleBackend.h"
#include "ui/MainWindow.h"
#include "ui/RevealedText.h"
#include "ui/diff/DiffView.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QPlainTextEdit>
#include <QStyle>
#include <QTableView>
#include <QTextBlock>
#include <QTextDocument>
#include <QToolButton>
#include <QtTest>

using namespace interlock;
using namespace interlock::test;
using namespace interlock::ui;

namespace {
const QChar kRlo(0x202E);

QString overrides(int n)
{
    return QString(n, kRlo);
}
} // namespace

class TestHugeAgentText : public QObject
{
    Q_OBJECT

    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<ConsoleBackend> m_backend;
    std::unique_ptr<MainWindow> m_window;

    // ownMinimum < 0: the minimum width is not compared (see theServersLongestTextShowsAtOnce).
    void checkWindowHolds(int ownMinimum)
    {
        const int screenWidth = 1600;
        m_window->resize(screenWidth, m_window->height());
        QApplication::processEvents();
        QVERIFY2(m_window->width() <= screenWidth, qPrintable(QString::number(m_window->width())));
        // One vertical scroll bar may come and go with the layout's timing (CI saw 925 against
        // 910: a 14 px bar and its frame); the hostile text alone widened it by thousands.
        const QStyle *style = m_window->style();
        const int scrollBar = style->pixelMetric(QStyle::PM_ScrollBarExtent) +
                              2 * style->pixelMetric(QStyle::PM_DefaultFrameWidth);
        QVERIFY2(ownMinimum < 0 || m_window->minimumSizeHint().width() <= ownMinimum + scrollBar,
                 qPrintable(QStringLiteral("%1 > %2 + %3")
                                .arg(m_window->minimumSizeHint().width())
                                .arg(ownMinimum)
                                .arg(scrollBar)));
        auto *stop = m_window->findChild<QToolButton *>(QStringLiteral("emergencyStop"));
        QVERIFY(stop && stop->isVisible());
        QVERIFY(m_window->rect().contains(
            QRect(stop->mapTo(m_window.get(), QPoint(0, 0)), stop->size())));
    }

    void startConsole()
    {
        m_server = std::make_unique<TestServer>();
        m_backend = std::make_unique<ConsoleBackend>(m_server->url(), m_server->token(Role::Admin));
        m_window = std::make_unique<MainWindow>(m_backend.get());
        m_window->show();
        m_backend->start();
        QTRY_VERIFY(m_backend->isConnected());
    }

private Q_SLOTS:
    void cleanup()
    {
        m_window.reset();
        m_backend.reset();
        m_server.reset();
    }

    // One document filled with 10,000 revealed overrides: the piece that was quadratic.
    void fillingADocumentIsLinear()
    {
        QPlainTextEdit edit;
        edit.resize(600, 200);
        edit.show();
        for (int n : {2500, 5000, 10000}) {
            QElapsedTimer t;
            t.start();
            RevealedText::fill(edit.document(), overrides(n), HiddenText::Lines::Multi);
            QApplication::processEvents();
            qInfo("fill %5d x U+202E into a QPlainTextEdit: %lld ms", n, t.elapsed());
            QCOMPARE(edit.toPlainText().size(), qsizetype(n) * 8);
            QVERIFY(!edit.toPlainText().contains(kRlo));
            QVERIFY(edit.toPlainText().startsWith(QStringLiteral("⟨U+202E⟩⟨U+202E⟩")));
        }
    }

    // Machine text of many lines each holding right-to-left letters (each line laid out in stored
    // order, the first 200 runs marked) and of many runs of blanks (each one marker).
    void fillingMachineTextWithRunsIsLinear()
    {
        QPlainTextEdit edit;
        edit.resize(600, 200);
        layOutLeftToRight(&edit, edit.document());
        edit.show();
        for (int n : {2500, 5000, 10000}) {
            const QString rtl = QString::fromUtf16(u"a \u05D0 1 2 \u05D1\n").repeated(n);
            const QString blanks = QString(QStringLiteral("x") + QString(16, u' ')).repeated(n);
            QElapsedTimer t;
            t.start();
            RevealedText::fill(edit.document(), rtl, HiddenText::Lines::Multi);
            QApplication::processEvents();
            const qint64 rtlMs = t.restart();
            QCOMPARE(edit.document()->blockCount(), n + 1);
            QCOMPARE(edit.document()->findBlockByNumber(n - 1).text().front(), QChar(0x202D));
            RevealedText::fill(edit.document(), blanks, HiddenText::Lines::Multi);
            QApplication::processEvents();
            qInfo("fill %5d lines with right-to-left letters: %lld ms; %5d runs of 16 blanks: "
                  "%lld ms",
                  n, rtlMs, n, t.elapsed());
            QCOMPARE(edit.toPlainText().count(QStringLiteral("⟪16 spaces⟫")), n - 1);
        }
    }

    // Through the server: the longest title it takes (200), a 10,000-character summary and
    // command of overrides. A longer title is refused by the server (422).
    void theServersLongestTextShowsAtOnce()
    {
        startConsole();
        const auto session = m_server->openSession(QStringLiteral("a"));
        QJsonObject tooLong = sampleAction(QStringLiteral("shell.exec"), overrides(10000));
        QCOMPARE(
            m_server->call(session.second, "POST", QStringLiteral("/v1/actions"), tooLong).status,
            422);

        QApplication::processEvents();
        const int ownMinimum = m_window->minimumSizeHint().width();
        QJsonObject a = sampleAction(QStringLiteral("shell.exec"), overrides(200));
        a.insert(QStringLiteral("summary"), overrides(10000));
        a.insert(QStringLiteral("target"), overrides(2048));
        a.insert(QStringLiteral("payload"),
                 QJsonObject{{QStringLiteral("command"), overrides(10000)}});
        QElapsedTimer t;
        t.start();
        const QString id = m_server->submit(session.second, a);
        QVERIFY(!id.isEmpty());
        const qint64 submitted = t.elapsed();
        QTRY_COMPARE_WITH_TIMEOUT(m_window->selectedActionId(), id, 240000);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->detailComplete(), 240000);
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->detailView()->diffView()->isBuilding(), 240000);
        QApplication::processEvents();
        qInfo("server path: submitted in %lld ms, shown in the console after %lld ms", submitted,
              t.elapsed());

        const QString title = m_window->detailView()->titleText();
        QVERIFY(title.startsWith(QStringLiteral("⟨U+202E⟩⟨U+202E⟩")));
        QVERIFY(!title.contains(kRlo));
        const QString row = m_window->queueView()->model()->index(0, 0).data().toString() +
                            m_window->queueView()->model()->index(0, 1).data().toString() +
                            m_window->queueView()->model()->index(0, 2).data().toString();
        QVERIFY(!row.contains(kRlo));
        // Not compared with the empty window's minimum: a derived view's tabs and diff tool bar
        // (our own text) are wider than the empty detail. Width and Emergency stop are checked.
        Q_UNUSED(ownMinimum);
        checkWindowHolds(-1);
    }

    // Straight into the model: a 10,000-override title, summary, target, agent and command.
    void aHugeTitleInTheModelShowsAtOnce()
    {
        startConsole();
        QApplication::processEvents();
        const int ownMinimum = m_window->minimumSizeHint().width();
        const QString huge = overrides(10000);
        const QJsonObject a{
            {QStringLiteral("id"), QStringLiteral("hostile")},
            {QStringLiteral("version"), 1},
            {QStringLiteral("session_id"), QStringLiteral("s-1")},
            {QStringLiteral("agent"), huge},
            {QStringLiteral("kind"), QStringLiteral("shell.exec")},
            {QStringLiteral("title"), huge},
            {QStringLiteral("summary"), huge},
            {QStringLiteral("target"), huge},
            {QStringLiteral("status"), QStringLiteral("pending")},
            {QStringLiteral("payload"), QJsonObject{{QStringLiteral("command"), huge}}},
            {QStringLiteral("risk"),
             QJsonObject{{QStringLiteral("score"), 80},
                         {QStringLiteral("level"), QStringLiteral("critical")},
                         {QStringLiteral("reasons"),
                          QJsonArray{QJsonObject{{QStringLiteral("rule"), QStringLiteral("x")},
                                                 {QStringLiteral("weight"), 80},
                                                 {QStringLiteral("message"), huge}}}}}},
            {QStringLiteral("required_approvals"), 1},
            {QStringLiteral("created_at"), QStringLiteral("2026-11-24T09:00:00Z")},
            {QStringLiteral("expires_at"), QStringLiteral("2036-11-24T09:00:00Z")}};
        QElapsedTimer t;
        t.start();
        m_backend->actions()->upsert(a);
        QTRY_COMPARE(m_window->queueView()->model()->rowCount(), 1);
        m_window->queueView()->setCurrentIndex(m_window->queueView()->model()->index(0, 0));
        QTRY_VERIFY_WITH_TIMEOUT(
            m_window->detailView()->titleText().startsWith(QStringLiteral("⟨U+202E⟩")), 240000);
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->detailView()->diffView()->isBuilding(), 240000);
        m_window->repaint();
        QApplication::processEvents();
        qInfo("model path: a 10,000 x U+202E title shown after %lld ms", t.elapsed());
        QVERIFY(!m_window->detailView()->titleText().contains(kRlo));
        checkWindowHolds(ownMinimum);
    }
};

QTEST_MAIN(TestHugeAgentText)
#include "tst_hugeagenttext.moc"
