// HiddenText (app/core): which characters are hidden from a reviewer, where, and how reveal()
// shows them; the legitimate uses of joiners, selectors and tags stay text.
#include "core/HiddenText.h"

#include <QRandomGenerator>
#include <QtTest>

using namespace interlock;

namespace {
QString u(const char16_t *s)
{
    return QString::fromUtf16(s);
}

QString describe(const QList<HiddenChar> &found)
{
    QStringList out;
    for (const HiddenChar &h : found)
        out.append(QStringLiteral("%1@%2+%3:%4")
                       .arg(HiddenText::codePointLabel(h.codePoint))
                       .arg(h.position)
                       .arg(h.length)
                       .arg(HiddenText::className(h.cls)));
    return out.join(u' ');
}
} // namespace

class TestHiddenText : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void findsWhatIsHidden_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("multiLine");
        QTest::addColumn<QString>("found");
        QTest::newRow("240 spaces before the tail of a command")
            << QString(QStringLiteral("ls") + QString(240, u' ') + QStringLiteral("; rm -rf ~"))
            << true << "U+0020@2+240:blank_run";
        QTest::newRow("tabs in a line")
            << QString(QStringLiteral("a") + QString(16, u'\t') + QStringLiteral("b")) << true
            << "U+0009@1+16:blank_run";
        QTest::newRow("no-break and ideographic spaces")
            << QString(QStringLiteral("a") + QString(10, QChar(0x00A0)) +
                       QString(10, QChar(0x3000)) + QStringLiteral("b"))
            << false << "U+00A0@1+20:blank_run";
        QTest::newRow("a run before a newline of a single line")
            << QString(QStringLiteral("a") + QString(20, u' ') + QStringLiteral("\nb")) << false
            << "U+0020@1+20:blank_run U+000A@21+1:control";
        QTest::newRow("an indentation of 64")
            << QString(QStringLiteral("a\n") + QString(64, u' ') + QStringLiteral("b")) << true
            << "U+0020@2+64:blank_run";
        QTest::newRow("right-to-left override")
            << u(u"Invoice for Q3\u202Efdp.exe") << false << "U+202E@14+1:bidi";
        QTest::newRow("isolates and marks")
            << u(u"a\u2066b\u2069c\u200Ed\u200Fe\u061C") << false
            << "U+2066@1+1:bidi U+2069@3+1:bidi U+200E@5+1:bidi U+200F@7+1:bidi U+061C@9+1:bidi";
        QTest::newRow("zero-width space, joiner, word joiner, BOM inside")
            << u(u"rm\u200B -rf\u200D x\u2060y\uFEFF") << true
            << "U+200B@2+1:invisible U+200D@7+1:invisible U+2060@10+1:invisible "
               "U+FEFF@12+1:invisible";
        QTest::newRow("soft hyphen") << u(u"self\u00ADservice") << true << "U+00AD@4+1:invisible";
        QTest::newRow("blank letters")
            << u(u"\u2800\u3164\u115F\u1160\uFFA0") << false
            << "U+2800@0+1:invisible U+3164@1+1:invisible U+115F@2+1:invisible "
               "U+1160@3+1:invisible U+FFA0@4+1:invisible";
        QTest::newRow("tag characters outside a flag")
            << u(u"ok\U000E0041\U000E0042") << false
            << "U+E0041@2+2:invisible U+E0042@4+2:invisible";
        QTest::newRow("variation selector after a space")
            << u(u"a \uFE0F") << false << "U+FE0F@2+1:invisible";
        QTest::newRow("run of selectors smuggling data")
            << u(u"\U0001F600\uFE0F\uFE01\uFE02") << false
            << "U+FE01@3+1:invisible U+FE02@4+1:invisible";
        QTest::newRow("ideographic selector after a Latin letter")
            << u(u"x\U000E0100") << false << "U+E0100@1+2:invisible";
        QTest::newRow("selectors after letters smuggling data")
            << u(u"hi\uFE01t\uFE0Ehere") << false << "U+FE01@2+1:invisible U+FE0E@4+1:invisible";
        QTest::newRow("selector after a Cyrillic letter")
            << u(u"\u0434\uFE00") << false << "U+FE00@1+1:invisible";
        QTest::newRow("lone surrogates")
            << u(u"a\xD800-\xDC00") << false << "U+D800@1+1:control U+DC00@3+1:control";
        QTest::newRow("object replacement character")
            << u(u"see \uFFFC") << true << "U+FFFC@4+1:invisible";
        QTest::newRow("mathematical letters") << u(u"\U0001D5BA\U0001D7D8") << false
                                              << "U+1D5BA@0+2:confusable U+1D7D8@2+2:confusable";
        QTest::newRow("strike-through overlays")
            << u(u"r\u0336m \u0338") << false << "U+0336@1+1:marks U+0338@4+1:marks";
        QTest::newRow("selectors splitting a stack of marks") // found by the review
            << u(u"a\u0301\u0302\uFE00\u0303\u0304\uFE00") << false
            << "U+FE00@3+1:invisible U+FE00@6+1:invisible";
        QTest::newRow("a stack of five marks")
            << u(u"xa\u0301\u0302\u0303\u0304\u0305y") << false << "U+0301@2+5:marks";
        QTest::newRow("C0 and C1 controls")
            << u(u"a\u0007b\u0085c\u007F") << true
            << "U+0007@1+1:control U+0085@3+1:control U+007F@5+1:control";
        QTest::newRow("newline and tab in a single-line field")
            << u(u"a\nb\tc") << false << "U+000A@1+1:control U+0009@3+1:control";
        QTest::newRow("lone carriage return")
            << u(u"safe\rrm -rf /") << true << "U+000D@4+1:control";
        QTest::newRow("line separator") << u(u"a\u2028b") << true << "U+2028@1+1:control";
        QTest::newRow("CSI colour sequence")
            << u(u"ok \u001B[31mred\u001B[0m") << true << "U+001B@3+5:escape U+001B@11+4:escape";
        QTest::newRow("OSC title up to BEL")
            << u(u"x\u001B]0;pwned\u0007y") << true << "U+001B@1+10:escape";
        QTest::newRow("OSC up to ST")
            << u(u"\u001B]8;;http://e\u001B\\z") << true << "U+001B@0+15:escape";
        QTest::newRow("C1 CSI") << u(u"a\u009B2Kb") << true << "U+009B@1+3:escape";
        QTest::newRow("lone escape at the end") << u(u"ab\u001B") << true << "U+001B@2+1:escape";
        // A black flag with tags is a flag only for a subdivision code (UTS #51: a region of two
        // lowercase letters, then one to four lowercase letters or digits); any other tag run is
        // a hidden ASCII channel, each of its tags a finding (found by the UI red team, F9).
        QTest::newRow("flag hiding rm -rf ~") // 🏴 + "rm -rf ~" in tags + CANCEL TAG
            << u(u"\U0001F3F4\U000E0072\U000E006D\U000E0020\U000E002D\U000E0072\U000E0066"
                 u"\U000E0020\U000E007E\U000E007F")
            << false
            << "U+E0072@2+2:invisible U+E006D@4+2:invisible U+E0020@6+2:invisible "
               "U+E002D@8+2:invisible U+E0072@10+2:invisible U+E0066@12+2:invisible "
               "U+E0020@14+2:invisible U+E007E@16+2:invisible U+E007F@18+2:invisible";
        QTest::newRow("flag with upper-case tags")
            << u(u"\U0001F3F4\U000E0047\U000E0042\U000E0045\U000E004E\U000E0047\U000E007F") << false
            << "U+E0047@2+2:invisible U+E0042@4+2:invisible U+E0045@6+2:invisible "
               "U+E004E@8+2:invisible U+E0047@10+2:invisible U+E007F@12+2:invisible";
        QTest::newRow("flag with a region only")
            << u(u"\U0001F3F4\U000E0067\U000E0062\U000E007F") << false
            << "U+E0067@2+2:invisible U+E0062@4+2:invisible U+E007F@6+2:invisible";
        QTest::newRow("flag with a digit in its region")
            << u(u"\U0001F3F4\U000E0031\U000E0062\U000E0063\U000E007F") << false
            << "U+E0031@2+2:invisible U+E0062@4+2:invisible U+E0063@6+2:invisible "
               "U+E007F@8+2:invisible";
        QTest::newRow("flag with a seven-tag code")
            << u(u"\U0001F3F4\U000E0067\U000E0062\U000E0061\U000E0062\U000E0063\U000E0064"
                 u"\U000E0065\U000E007F")
            << false
            << "U+E0067@2+2:invisible U+E0062@4+2:invisible U+E0061@6+2:invisible "
               "U+E0062@8+2:invisible U+E0063@10+2:invisible U+E0064@12+2:invisible "
               "U+E0065@14+2:invisible U+E007F@16+2:invisible";
    }
    void findsWhatIsHidden()
    {
        QFETCH(QString, text);
        QFETCH(bool, multiLine);
        QFETCH(QString, found);
        const auto lines = multiLine ? HiddenText::Lines::Multi : HiddenText::Lines::Single;
        QCOMPARE(describe(HiddenText::find(text, lines)), found);
        QVERIFY(!HiddenText::isClean(text, lines));
    }

    void leavesRealTextAlone_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("ascii with newlines and tabs") << u(u"line 1\n\tline 2\r\nline 3");
        QTest::newRow("accents and non-breaking space") << u(u"Caf\u00E9 na\u00EFve\u00A0ok");
        QTest::newRow("emoji family joined") << u(u"\U0001F468\u200D\U0001F469\u200D\U0001F467");
        QTest::newRow("emoji with presentation selector") << u(u"\u2764\uFE0F and 1\uFE0F\u20E3");
        QTest::newRow("Persian zero-width non-joiner")
            << u(u"\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645");
        QTest::newRow("Devanagari joiner") << u(u"\u0915\u094D\u200D\u0937");
        QTest::newRow("subdivision flag")
            << u(u"\U0001F3F4\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F");
        QTest::newRow("subdivision flags: England, Texas, a code with a digit")
            << u(u"\U0001F3F4\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F "
                 u"\U0001F3F4\U000E0075\U000E0073\U000E0074\U000E0078\U000E007F "
                 u"\U0001F3F4\U000E0066\U000E0072\U000E0036\U000E0039\U000E007F");
        QTest::newRow("ideographic variation") << u(u"\u845B\U000E0100");
        QTest::newRow("byte order mark at the start") << u(u"\uFEFFnamespace Shop;");
        QTest::newRow("Vietnamese, decomposed") << u(u"Vie\u0323\u0302t Nam");
        QTest::newRow("Tibetan stack") << u(u"\u0F56\u0F66\u0F92\u0FB2\u0F74\u0F56\u0F66");
        QTest::newRow("information emoji and a keycap") << u(u"\u2139\uFE0F #\uFE0F\u20E3");
        QTest::newRow("math symbol variant") << u(u"a \u2264\uFE00 b");
        QTest::newRow("non-breaking and ideographic spaces") << u(u"10\u00A0000\u3000ok");
        QTest::newRow("Japanese") << u(u"\u672C\u65E5\u306E\u30EA\u30EA\u30FC\u30B9");
        QTest::newRow("15 spaces of alignment")
            << QString(QStringLiteral("key:") + QString(15, u' ') + QStringLiteral("value"));
        QTest::newRow("an indented block")
            << QString(QStringLiteral("if x:\n") + QString(63, u' ') + QStringLiteral("y\n") +
                       QString(24, u'\t') + QStringLiteral("z"));
        QTest::newRow("trailing blanks")
            << QString(QStringLiteral("end") + QString(80, u' ') + QStringLiteral("\r\nnext") +
                       QString(30, u' ') + QStringLiteral("\nlast") + QString(30, u' '));
        QTest::newRow("Hebrew and Arabic")
            << u(u"\u05E9\u05DC\u05D5\u05DD \u0645\u0631\u062D\u0628\u0627");
    }
    void leavesRealTextAlone()
    {
        QFETCH(QString, text);
        QVERIFY2(HiddenText::isClean(text), qPrintable(describe(HiddenText::find(text))));
        QCOMPARE(HiddenText::revealed(text), text);
    }

    void mixedScriptWords_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("word");
        QTest::newRow("Cyrillic e in a Latin word") << u(u"d\u0435ploy-bot") << u(u"d\u0435ploy");
        QTest::newRow("Greek omicron") << u(u"mail b\u03BFt") << u(u"b\u03BFt");
        QTest::newRow("plain") << u(u"claude-code 2") << QString();
        QTest::newRow("a Russian word beside a Latin one")
            << u(u"mail-\u0431\u043E\u0442") << QString();
        QTest::newRow("Japanese with Latin")
            << u(u"AI\u30A8\u30FC\u30B8\u30A7\u30F3\u30C8\u6F22") << QString();
        QTest::newRow("Korean with Latin") << u(u"AI\uBE44\uC11C") << QString();
        QTest::newRow("Chinese with Latin") << u(u"\u5BA2\u670Dbot") << QString();
        QTest::newRow("Hangul with Cyrillic") << u(u"\uBE44\u0431") << u(u"\uBE44\u0431");
    }
    void mixedScriptWords()
    {
        QFETCH(QString, text);
        QFETCH(QString, word);
        QCOMPARE(HiddenText::mixedScriptWord(text), word);
    }

    void revealReplacesAndMapsPositions()
    {
        const QString text = u(u"ls\u202E /x\u200By");
        const HiddenText::Revealed r = HiddenText::reveal(text);
        QCOMPARE(r.text, u(u"ls\u27E8U+202E\u27E9 /x\u27E8U+200B\u27E9y"));
        QCOMPARE(r.spans.size(), 2);
        QCOMPARE(r.spans[0].sourcePosition, 2);
        QCOMPARE(r.spans[0].position, 2);
        QCOMPARE(r.spans[0].length, 8);
        QCOMPARE(r.spans[0].cls, HiddenClass::Bidi);
        QCOMPARE(r.spans[1].sourcePosition, 6);
        QCOMPARE(r.spans[1].position, 13);
        QCOMPARE(r.text.mid(r.spans[1].position, r.spans[1].length), u(u"\u27E8U+200B\u27E9"));
        // Every visible character of the source keeps its place, shifted past placeholders.
        QCOMPARE(r.revealedPosition(0), 0);
        QCOMPARE(r.revealedPosition(2), 2); // the override itself: its placeholder
        QCOMPARE(r.text[r.revealedPosition(4)], QChar(u'/'));
        QCOMPARE(r.text[r.revealedPosition(7)], QChar(u'y'));
    }

    void revealShowsEscapeSequences()
    {
        const HiddenText::Revealed r =
            HiddenText::reveal(u(u"a\u001B[31mb\u001B]0;t\u0007c"), HiddenText::Lines::Multi);
        QCOMPARE(r.text, u(u"a\u27E8U+001B\u27E9[31mb\u27E8U+001B\u27E9]0;t\u27E8U+0007\u27E9c"));
        QCOMPARE(r.spans.size(), 2);
        QCOMPARE(r.spans[0].cls, HiddenClass::Escape);
        QCOMPARE(r.spans[0].sourceLength, 5);
    }

    void singleLineRevealsNewlines()
    {
        QCOMPARE(HiddenText::revealed(QStringLiteral("a\nb"), HiddenText::Lines::Single),
                 u(u"a\u27E8U+000A\u27E9b"));
        QCOMPARE(HiddenText::revealed(QStringLiteral("a\nb"), HiddenText::Lines::Multi),
                 QStringLiteral("a\nb"));
    }

    // A run of blanks becomes one marker saying what it was: the tail after it stays in sight.
    void revealCollapsesBlankRuns()
    {
        const QString text = QStringLiteral("ls") + QString(240, u' ') + QStringLiteral("; rm");
        const HiddenText::Revealed r = HiddenText::reveal(text);
        QCOMPARE(r.text, u(u"ls\u27EA240 spaces\u27EB; rm"));
        QCOMPARE(r.spans.size(), 1);
        QCOMPARE(r.spans[0].cls, HiddenClass::BlankRun);
        QCOMPARE(r.text[r.revealedPosition(242)], QChar(u';'));
        QCOMPARE(HiddenText::revealed(
                     QString(QStringLiteral("a") + QString(20, u'\t') + QStringLiteral("b"))),
                 u(u"a\u27EA20 tabs\u27EBb"));
        QCOMPARE(HiddenText::revealed(QString(QStringLiteral("a") + QString(18, QChar(0x3000)) +
                                              QStringLiteral("b"))),
                 u(u"a\u27EA18 \u00D7 U+3000\u27EBb"));
        QCOMPARE(
            HiddenText::revealed(QString(QStringLiteral("a") + QStringLiteral(" \t").repeated(10) +
                                         QStringLiteral("b"))),
            u(u"a\u27EA20 blanks\u27EBb"));
        // Plain for a caller that skips plain text: a run is not.
        QVERIFY(HiddenText::isPlainAscii(QStringLiteral("a b\tc"), HiddenText::Lines::Multi));
        QVERIFY(!HiddenText::isPlainAscii(QString(16, u' '), HiddenText::Lines::Multi));
    }

    // Our own layout (pretty-printed JSON, where an agent's string cannot hold a line break):
    // indentation, however deep, is not the agent's run and stays blanks; a run inside a line
    // still is. tst_jsonbounds' 64-level payload read back from the console needs it.
    void layoutIndentationIsNoRun()
    {
        const QString deep =
            QStringLiteral("{\n") + QString(256, u' ') + QStringLiteral("\"a\": 1\n}");
        QCOMPARE(HiddenText::revealed(deep, HiddenText::Lines::Layout), deep);
        QVERIFY(HiddenText::isClean(deep, HiddenText::Lines::Layout));
        QVERIFY(!HiddenText::isClean(deep, HiddenText::Lines::Multi));
        const QString inLine =
            QStringLiteral("    \"c\": \"ls") + QString(40, u' ') + QStringLiteral("; rm\"");
        QCOMPARE(HiddenText::revealed(inLine, HiddenText::Lines::Layout),
                 u(u"    \"c\": \"ls\u27EA40 spaces\u27EB; rm\""));
        // Still multi-line text: tabs and line breaks are text.
        QCOMPARE(HiddenText::revealed(QStringLiteral("a\n\tb"), HiddenText::Lines::Layout),
                 QStringLiteral("a\n\tb"));
    }

    void rightToLeftRuns()
    {
        QStringList runs;
        HiddenText::forEachRightToLeft(u(u"rm \u05D0\u05B8\u05D1 1 /x \u0627 \U00010800"),
                                       [&runs](qsizetype at, qsizetype length, char32_t first) {
                                           runs.append(QStringLiteral("%1+%2:%3")
                                                           .arg(at)
                                                           .arg(length)
                                                           .arg(HiddenText::codePointLabel(first)));
                                           return true;
                                       });
        // Letters with their marks (the qamats), Arabic, a Cypriot letter (two UTF-16 units).
        QCOMPARE(runs.join(u' '), QStringLiteral("3+3:U+05D0 12+1:U+0627 14+2:U+10800"));
        QVERIFY(!HiddenText::isRightToLeft(u'1'));
        QVERIFY(!HiddenText::isRightToLeft(0x0660)); // ARABIC-INDIC DIGIT ZERO: a number
    }

    // A property over 2,000 random texts of blanks, letters, newlines, Hebrew and controls: what
    // callers skip as plain holds no finding, no run of blanks survives reveal(), and the
    // revealed spans are in order, inside the text, never overlapping.
    void revealLeavesNoBlankRunAndPlainIsClean()
    {
        const QList<QChar> alphabet{
            u' ',  u' ',          u' ',          u'\t',         u'a',          u';',          u'\n',
            u'\r', QChar(0x00A0), QChar(0x3000), QChar(0x05D0), QChar(0x202E), QChar(0x200B), u'1'};
        QRandomGenerator rng(15);
        for (int round = 0; round < 2000; ++round) {
            QString text;
            const int length = int(rng.bounded(200));
            while (text.size() < length) {
                const QChar c = alphabet[int(rng.bounded(alphabet.size()))];
                // Runs come in bursts, as an attacker writes them.
                text += rng.bounded(4) == 0 ? QString(int(rng.bounded(70)), c) : QString(c);
            }
            for (const auto lines : {HiddenText::Lines::Single, HiddenText::Lines::Multi}) {
                if (HiddenText::isPlainAscii(text, lines))
                    QVERIFY2(HiddenText::isClean(text, lines),
                             qPrintable(describe(HiddenText::find(text, lines))));
                const HiddenText::Revealed r = HiddenText::reveal(text, lines);
                for (const HiddenChar &h : HiddenText::find(r.text, lines))
                    QVERIFY2(h.cls != HiddenClass::BlankRun, qPrintable(r.text));
                qsizetype end = 0;
                for (const HiddenText::Span &span : r.spans) {
                    QVERIFY(span.sourcePosition >= end && span.sourceLength > 0);
                    end = span.sourcePosition + span.sourceLength;
                    QVERIFY(end <= text.size());
                }
            }
        }
    }

    void boundedFindCountsTheRest()
    {
        const QString title = QStringLiteral("Post a note") + QString(150, QChar(0x2800));
        qsizetype total = 0;
        const QList<HiddenChar> first =
            HiddenText::find(title, HiddenText::Lines::Single, 50, &total);
        QCOMPARE(first.size(), 50);
        QCOMPARE(total, 150);
        QCOMPARE(first.first().position, 11);
        QCOMPARE(first.last().position, 60);
    }

    void labels()
    {
        QCOMPARE(HiddenText::codePointLabel(0x202E), QStringLiteral("U+202E"));
        QCOMPARE(HiddenText::codePointLabel(0x1B), QStringLiteral("U+001B"));
        QCOMPARE(HiddenText::codePointLabel(0xE0041), QStringLiteral("U+E0041"));
        QCOMPARE(HiddenText::placeholder(0x200B), u(u"\u27E8U+200B\u27E9"));
        QCOMPARE(HiddenText::className(HiddenClass::MixedScript), QStringLiteral("mixed_script"));
    }
};

QTEST_GUILESS_MAIN(TestHiddenText)
#include "tst_hiddentext.moc"
