// What the libFuzzer harnesses (tests/fuzz) found, held in the normal suite: each finding as a
// plain test of the behaviour it broke. The inputs themselves stay in tests/fuzz/regressions/,
// where every fuzz run (ctest --preset fuzz) replays them under ASan and UBSan.
#include "ui/diff/DiffModel.h"

#include <QDir>
#include <QFile>
#include <QtTest>

using namespace interlock::ui;

class TestFuzzFindings : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // fuzz_diff: a hunk header at INT_MAX, then more lines: counting on overflowed int
    // (undefined behaviour; in practice negative line numbers on screen).
    void hunkLineNumbersNeverOverflow()
    {
        const QString diff = QStringLiteral("--- a/notes.txt\n+++ b/notes.txt\n"
                                            "@@ -2147483647,2 +2147483647,3 @@\n"
                                            " context\n-old\n+new\n+more\n");
        const DiffDocument doc = parseUnifiedDiff(diff);
        QCOMPARE(doc.files.size(), 1);
        int lines = 0;
        for (const DiffLine &l : doc.files[0].lines) {
            if (l.kind == DiffLine::Kind::Hunk)
                continue;
            ++lines;
            QVERIFY2(l.oldNumber >= 0 && l.newNumber >= 0,
                     qPrintable(QStringLiteral("%1 / %2").arg(l.oldNumber).arg(l.newNumber)));
            QVERIFY(l.oldNumber <= 999'999'999 && l.newNumber <= 999'999'999);
        }
        QCOMPARE(lines, 4);
        // Numbers past what int holds read as the largest line number, not as 0 or garbage.
        const DiffDocument huge =
            parseUnifiedDiff(QStringLiteral("+++ b/x\n@@ -99999999999 +1 @@\n-a\n"));
        QCOMPARE(huge.files[0].lines.last().oldNumber, 999'999'999);
        // Ordinary numbers count on as before.
        const DiffDocument plain =
            parseUnifiedDiff(QStringLiteral("+++ b/x\n@@ -7,2 +9,2 @@\n a\n-b\n+c\n"));
        QCOMPARE(plain.files[0].lines[1].oldNumber, 7);
        QCOMPARE(plain.files[0].lines[2].oldNumber, 8);
        QCOMPARE(plain.files[0].lines[3].newNumber, 10);
    }

    // Every saved diff input still parses, with sane line numbers (the properties fuzz_diff
    // checks, without the sanitizers).
    void savedDiffInputsParse()
    {
        const QDir dir(QStringLiteral(SOURCE_DIR "/tests/fuzz/regressions/diff"));
        const QStringList inputs = dir.entryList(QDir::Files);
        QVERIFY(!inputs.isEmpty());
        for (const QString &name : inputs) {
            QFile f(dir.filePath(name));
            QVERIFY(f.open(QIODevice::ReadOnly));
            const DiffDocument doc = parseUnifiedDiff(QString::fromUtf8(f.readAll()));
            for (const DiffFile &file : doc.files) {
                for (const DiffLine &l : file.lines)
                    QVERIFY2(l.oldNumber >= 0 && l.newNumber >= 0, qPrintable(name));
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestFuzzFindings)
#include "tst_fuzzfindings.moc"
