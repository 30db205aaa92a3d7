#include "HiddenText.h"

#include <algorithm>
#include <optional>

namespace interlock {

namespace {
constexpr char32_t kEscape = 0x1B;
constexpr char32_t kZeroWidthNonJoiner = 0x200C;
constexpr char32_t kZeroWidthJoiner = 0x200D;
constexpr char32_t kByteOrderMark = 0xFEFF;
constexpr char32_t kBlackFlag = 0x1F3F4;
constexpr char32_t kCancelTag = 0xE007F;
constexpr qsizetype kMaxEscapeLength = 256;
constexpr char32_t kObjectReplacement = 0xFFFC;
// More combining marks than this on one letter stack over the lines around it ("Zalgo"); four
// cover every language's own stacks (Vietnamese two, Tibetan and pointed Hebrew up to four).
constexpr int kMaxStackedMarks = 4;

bool isBidiControl(char32_t c)
{
    return c == 0x061C || c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E) ||
           (c >= 0x2066 && c <= 0x2069);
}

bool isControl(char32_t c)
{
    return c < 0x20 || (c >= 0x7F && c <= 0x9F);
}

// C1 introducers of control sequences and strings (CSI, OSC, DCS, SOS, PM, APC).
bool isC1Introducer(char32_t c)
{
    return c == 0x9B || c == 0x9D || c == 0x90 || c == 0x98 || c == 0x9E || c == 0x9F;
}

// Letters that render as nothing though Unicode does not class them as format characters.
bool isBlankLetter(char32_t c)
{
    switch (c) {
    case 0x034F: // COMBINING GRAPHEME JOINER
    case 0x115F: // HANGUL CHOSEONG FILLER
    case 0x1160: // HANGUL JUNGSEONG FILLER
    case 0x17B4: // KHMER VOWEL INHERENT AQ
    case 0x17B5: // KHMER VOWEL INHERENT AA
    case 0x2800: // BRAILLE PATTERN BLANK
    case 0x3164: // HANGUL FILLER
    case 0xFFA0: // HALFWIDTH HANGUL FILLER
        return true;
    default:
        return false;
    }
}

// Combining marks drawn across the letter before them: a strike-through the shell never sees.
bool isOverlayMark(char32_t c)
{
    return (c >= 0x0334 && c <= 0x0338) || c == 0x20D2 || c == 0x20D3 ||
           (c >= 0x20D8 && c <= 0x20DA) || c == 0x20E5 || (c >= 0x20EA && c <= 0x20EB) ||
           c == 0x10A39 || c == 0x1BC9E;
}

bool isCombiningMark(char32_t c)
{
    const QChar::Category cat = QChar::category(c);
    return cat == QChar::Mark_NonSpacing || cat == QChar::Mark_Enclosing;
}

// Mathematical alphanumeric symbols (U+1D400-U+1D7FF): styled copies of Latin and Greek letters
// and digits that programs read as other characters.
bool isMathLetter(char32_t c)
{
    return c >= 0x1D400 && c <= 0x1D7FF;
}

bool isVariationSelector(char32_t c)
{
    return (c >= 0xFE00 && c <= 0xFE0F) || (c >= 0xE0100 && c <= 0xE01EF) ||
           (c >= 0x180B && c <= 0x180D) || c == 0x180F;
}

bool inRange(char16_t c, char16_t low, char16_t high)
{
    return c >= low && c <= high;
}

// The code point at i and its length in UTF-16 units (a lone surrogate is itself).
char32_t codePointAt(QStringView t, qsizetype i, qsizetype *length)
{
    const char16_t u = t[i].unicode();
    if (QChar::isHighSurrogate(u) && i + 1 < t.size() &&
        QChar::isLowSurrogate(t[i + 1].unicode())) {
        *length = 2;
        return QChar::surrogateToUcs4(u, t[i + 1].unicode());
    }
    *length = 1;
    return u;
}

// The code point that ends just before i (0 at the start).
char32_t codePointBefore(QStringView t, qsizetype i)
{
    if (i <= 0)
        return 0;
    const char16_t u = t[i - 1].unicode();
    if (QChar::isLowSurrogate(u) && i >= 2 && QChar::isHighSurrogate(t[i - 2].unicode()))
        return QChar::surrogateToUcs4(t[i - 2].unicode(), u);
    return u;
}

// How many UTF-16 units the escape sequence starting at i spans (ECMA-48: CSI parameters,
// intermediates and final byte; OSC/DCS/… strings up to BEL or ST), bounded.
qsizetype escapeLength(QStringView t, qsizetype i)
{
    const qsizetype end = qMin(t.size(), i + kMaxEscapeLength);
    const char16_t first = t[i].unicode();
    qsizetype j = i + 1;
    bool controlSequence = first == 0x9B;
    bool string = isC1Introducer(first) && !controlSequence;
    if (first == kEscape) {
        if (j >= end)
            return 1;
        const char16_t next = t[j].unicode();
        if (next == u'[') {
            controlSequence = true;
            ++j;
        } else if (next == u']' || next == u'P' || next == u'X' || next == u'^' || next == u'_') {
            string = true;
            ++j;
        } else if (inRange(next, 0x20, 0x7E)) {
            while (j < end && inRange(t[j].unicode(), 0x20, 0x2F))
                ++j;
            if (j < end && inRange(t[j].unicode(), 0x30, 0x7E))
                ++j;
            return j - i;
        } else {
            return 1;
        }
    }
    if (controlSequence) {
        while (j < end && inRange(t[j].unicode(), 0x30, 0x3F))
            ++j;
        while (j < end && inRange(t[j].unicode(), 0x20, 0x2F))
            ++j;
        if (j < end && inRange(t[j].unicode(), 0x40, 0x7E))
            ++j;
        return j - i;
    }
    if (string) {
        for (; j < end; ++j) {
            const char16_t c = t[j].unicode();
            if (c == 0x07 || c == 0x9C)
                return j + 1 - i;
            if (c == kEscape && j + 1 < t.size() && t[j + 1] == u'\\')
                return j + 2 - i;
        }
    }
    return j - i; // unterminated: a terminal swallows it all, so it is all hidden
}

bool isJoiningScript(QChar::Script s)
{
    switch (s) {
    case QChar::Script_Unknown:
    case QChar::Script_Common:
    case QChar::Script_Inherited:
    case QChar::Script_Latin:
    case QChar::Script_Greek:
    case QChar::Script_Cyrillic:
        return false;
    default:
        return true;
    }
}

bool isPictograph(char32_t c)
{
    const QChar::Category cat = QChar::category(c);
    return cat == QChar::Symbol_Other || cat == QChar::Symbol_Modifier || c == 0xFE0F;
}

// A zero-width joiner or non-joiner doing its job: inside an emoji sequence, or between letters
// of a script that joins (Arabic, Persian, Indic…).
bool isLegitimateJoiner(QStringView t, qsizetype i, char32_t c)
{
    const char32_t before = codePointBefore(t, i);
    if (before == 0 || i + 1 >= t.size())
        return false;
    qsizetype len = 0;
    const char32_t after = codePointAt(t, i + 1, &len);
    if (c == kZeroWidthJoiner && isPictograph(before) && isPictograph(after))
        return true;
    const QChar::Script scriptAfter = QChar::script(after);
    const QChar::Script scriptBefore = QChar::script(before);
    return QChar::isLetterOrNumber(after) && isJoiningScript(scriptAfter) &&
           (scriptBefore == scriptAfter || scriptBefore == QChar::Script_Inherited);
}

// A variation selector after a character it can vary; one at the start, after a space or
// control, after another selector, or an ideographic one after a non-ideograph hides data.
bool isAbusedSelector(QStringView t, qsizetype i, char32_t c)
{
    const char32_t before = codePointBefore(t, i);
    if (before == 0 || QChar::isSpace(before) || isControl(before) || isVariationSelector(before) ||
        QChar::category(before) == QChar::Other_Format || isCombiningMark(before))
        return true; // after a mark it varies nothing, and splits a stack of marks unseen
    if (c >= 0xE0100)
        return QChar::script(before) != QChar::Script_Han;
    if (c >= 0x180B && c <= 0x180F)
        return QChar::script(before) != QChar::Script_Mongolian;
    // U+FE00-U+FE0F: emoji and text presentation (symbols, digits, # and * for keycaps) and the
    // standardized variants of mathematical symbols, CJK and a few scripts; after a Latin, Greek
    // or Cyrillic letter or other ASCII one hides about four bits of data, unseen.
    if (before < 0x80)
        return !((before >= u'0' && before <= u'9') || before == u'#' || before == u'*');
    if (!QChar::isLetter(before))
        return false;
    switch (QChar::script(before)) {
    case QChar::Script_Common: // ℹ️ (U+2139) is a letter
    case QChar::Script_Han:
    case QChar::Script_Myanmar:
    case QChar::Script_PhagsPa:
    case QChar::Script_Manichaean:
    case QChar::Script_Hiragana:
    case QChar::Script_Katakana:
        return false;
    default:
        return true;
    }
}

// How many UTF-16 units of combining marks start at i.
qsizetype marksLength(QStringView t, qsizetype i, int *count)
{
    qsizetype j = i;
    *count = 0;
    while (j < t.size()) {
        qsizetype len = 0;
        const char32_t c = codePointAt(t, j, &len);
        if (!isCombiningMark(c) || isVariationSelector(c) || c == 0x034F)
            break;
        ++*count;
        j += len;
    }
    return j - i;
}

// The tag characters of a subdivision flag (🏴 + tags + CANCEL TAG) starting after i, or 0.
// UTS #51 (emoji tag sequences) makes a flag of a subdivision code only (CLDR's
// unicode_subdivision_id, lower-cased and without its hyphen): a region of two letters, then one
// to four letters or digits ("gbeng", "ustx", "fr69"), as tag characters U+E0061-U+E007A and
// U+E0030-U+E0039. Any other run of tags (upper case, spaces, punctuation, longer) is not a flag
// but hidden ASCII, and each of its tags is a finding.
qsizetype flagTagsLength(QStringView t, qsizetype i)
{
    constexpr int kRegion = 2, kMaxSuffix = 4;
    qsizetype j = i;
    int tags = 0;
    while (j < t.size() && tags <= kRegion + kMaxSuffix) {
        qsizetype len = 0;
        const char32_t c = codePointAt(t, j, &len);
        if (c == kCancelTag)
            return tags > kRegion ? j + len - i : 0;
        const bool letter = c >= 0xE0061 && c <= 0xE007A;
        const bool digit = c >= 0xE0030 && c <= 0xE0039;
        if (!(letter || (digit && tags >= kRegion)))
            return 0;
        ++tags;
        j += len;
    }
    return 0;
}

// The end of the run of blanks starting at i, and whether the run pushes text out of sight: it
// is long enough (a line's indentation longer) and more of the line follows it.
qsizetype blankRunEnd(QStringView t, qsizetype i, HiddenText::Lines lines, bool *hides)
{
    const bool multi = lines != HiddenText::Lines::Single;
    const qsizetype n = t.size();
    qsizetype j = i + 1;
    while (j < n && HiddenText::isBlank(t[j].unicode(), lines))
        ++j;
    const bool lineStart = multi && (i == 0 || t[i - 1] == u'\n');
    const qsizetype min = lineStart ? HiddenText::kMinIndentRun : HiddenText::kMinBlankRun;
    if (lineStart && lines == HiddenText::Lines::Layout) {
        *hides = false;
        return j;
    }
    const bool lineGoesOn =
        j < n && !(multi && (t[j] == u'\n' || (t[j] == u'\r' && j + 1 < n && t[j + 1] == u'\n')));
    *hides = j - i >= min && lineGoesOn;
    return j;
}

// Calls visit(HiddenChar) for each finding until it returns false.
template <typename Visit> void scan(QStringView t, HiddenText::Lines lines, Visit &&visit)
{
    const bool multi = lines != HiddenText::Lines::Single;
    const qsizetype n = t.size();
    qsizetype i = 0;
    while (i < n) {
        const char16_t u = t[i].unicode();
        if (u == u' ' || (multi && u == u'\t') || (u >= 0x80 && HiddenText::isBlank(u, lines))) {
            // Blanks are never findings one by one: a run is skipped whole, each blank seen once.
            bool hides = false;
            const qsizetype end = blankRunEnd(t, i, lines, &hides);
            if (hides && !visit(HiddenChar{i, end - i, u, HiddenClass::BlankRun}))
                return;
            i = end;
            continue;
        }
        if (u >= 0x20 && u < 0x7F) {
            ++i;
            continue;
        }
        qsizetype len = 1;
        const char32_t c = codePointAt(t, i, &len);
        std::optional<HiddenClass> cls;
        if (isControl(c)) {
            if (c == kEscape || isC1Introducer(c)) {
                cls = HiddenClass::Escape;
                len = escapeLength(t, i);
            } else if (multi && (c == u'\n' || c == u'\t' ||
                                 (c == u'\r' && i + 1 < n && t[i + 1] == u'\n'))) {
                cls.reset();
            } else {
                cls = HiddenClass::Control;
            }
        } else if (isBidiControl(c)) {
            cls = HiddenClass::Bidi;
        } else if (c == 0x2028 || c == 0x2029) {
            cls = HiddenClass::Control;
        } else if (c == kBlackFlag) {
            len += flagTagsLength(t, i + len);
        } else if (c == kZeroWidthJoiner || c == kZeroWidthNonJoiner) {
            if (!isLegitimateJoiner(t, i, c))
                cls = HiddenClass::Invisible;
        } else if (c == kByteOrderMark && i == 0 && multi) {
            cls.reset();
        } else if (isVariationSelector(c)) {
            if (isAbusedSelector(t, i, c))
                cls = HiddenClass::Invisible;
        } else if (QChar::category(c) == QChar::Other_Format || isBlankLetter(c) ||
                   c == kObjectReplacement) {
            cls = HiddenClass::Invisible;
        } else if (QChar::isSurrogate(c)) {
            cls = HiddenClass::Control; // half a character: no text at all
        } else if (isMathLetter(c)) {
            cls = HiddenClass::Confusable;
        } else if (isOverlayMark(c)) {
            cls = HiddenClass::Marks;
        } else if (isCombiningMark(c)) {
            // A stack: the marks past the third on one letter are one finding.
            int count = 0;
            const qsizetype run = marksLength(t, i, &count);
            if (count > kMaxStackedMarks) {
                cls = HiddenClass::Marks;
                len = run;
            }
        }
        if (cls && !visit(HiddenChar{i, len, c, *cls}))
            return;
        i += len;
    }
}
} // namespace

bool HiddenText::isClean(QStringView text, Lines lines)
{
    bool clean = true;
    scan(text, lines, [&clean](const HiddenChar &) {
        clean = false;
        return false;
    });
    return clean;
}

void HiddenText::forEach(QStringView text, Lines lines,
                         const std::function<bool(const HiddenChar &)> &visit)
{
    scan(text, lines, visit);
}

QList<HiddenChar> HiddenText::find(QStringView text, Lines lines, qsizetype max, qsizetype *total)
{
    QList<HiddenChar> out;
    qsizetype count = 0;
    scan(text, lines, [&](const HiddenChar &h) {
        ++count;
        if (max < 0 || out.size() < max)
            out.append(h);
        return total != nullptr || max < 0 || out.size() < max;
    });
    if (total)
        *total = count;
    return out;
}

qsizetype HiddenText::Revealed::revealedPosition(qsizetype sourcePosition) const
{
    qsizetype shift = 0;
    for (const Span &s : spans) {
        if (sourcePosition < s.sourcePosition)
            break;
        if (sourcePosition < s.sourcePosition + s.sourceLength)
            return s.position;
        shift = s.position + s.length - (s.sourcePosition + s.sourceLength);
    }
    return sourcePosition + shift;
}

HiddenText::Revealed HiddenText::reveal(QStringView text, Lines lines)
{
    Revealed out;
    qsizetype copied = 0;
    scan(text, lines, [&](const HiddenChar &h) {
        out.text += text.mid(copied, h.position - copied);
        Span span{h.position, h.length, out.text.size(), 0, h.codePoint, h.cls};
        if (h.cls == HiddenClass::BlankRun) {
            const QStringView run = text.mid(h.position, h.length);
            const bool uniform =
                std::all_of(run.begin(), run.end(), [&run](QChar c) { return c == run.front(); });
            out.text += blankRunMarker(h.length, h.codePoint, uniform);
        } else {
            out.text += placeholder(h.codePoint);
        }
        if (h.cls == HiddenClass::Escape) {
            // The rest of the sequence is printable except for its terminators.
            for (qsizetype j = h.position + 1; j < h.position + h.length; ++j) {
                const char16_t c = text[j].unicode();
                if (isControl(c))
                    out.text += placeholder(c);
                else
                    out.text += QChar(c);
            }
        }
        span.length = out.text.size() - span.position;
        out.spans.append(span);
        copied = h.position + h.length;
        return true;
    });
    if (out.spans.isEmpty())
        out.text = text.toString();
    else
        out.text += text.mid(copied);
    return out;
}

QString HiddenText::revealed(QStringView text, Lines lines)
{
    if (isClean(text, lines))
        return text.toString();
    return reveal(text, lines).text;
}

namespace {
// Whether the scripts of one word mix the way look-alikes do: more than one, unless all belong to
// one of ICU's "highly restrictive" sets (Latin with Han and kana, with Han and Bopomofo, or with
// Han and Hangul).
bool mixesScripts(const QList<QChar::Script> &scripts)
{
    if (scripts.size() <= 1)
        return false;
    const auto within = [&scripts](std::initializer_list<QChar::Script> allowed) {
        return std::all_of(scripts.cbegin(), scripts.cend(), [&allowed](QChar::Script s) {
            return std::find(allowed.begin(), allowed.end(), s) != allowed.end();
        });
    };
    return !within({QChar::Script_Latin, QChar::Script_Han, QChar::Script_Hiragana,
                    QChar::Script_Katakana}) &&
           !within({QChar::Script_Latin, QChar::Script_Han, QChar::Script_Bopomofo}) &&
           !within({QChar::Script_Latin, QChar::Script_Han, QChar::Script_Hangul});
}
} // namespace

QString HiddenText::mixedScriptWord(QStringView text)
{
    QList<QChar::Script> scripts;
    qsizetype start = -1;
    const auto endWord = [&](qsizetype end) -> QString {
        QString word;
        if (start >= 0 && mixesScripts(scripts))
            word = text.mid(start, end - start).toString();
        scripts.clear();
        start = -1;
        return word;
    };
    for (qsizetype i = 0; i < text.size();) {
        qsizetype len = 0;
        const char32_t c = codePointAt(text, i, &len);
        if (QChar::isLetterOrNumber(c) || QChar::isMark(c)) {
            if (start < 0)
                start = i;
            const QChar::Script script = QChar::script(c);
            if (script != QChar::Script_Common && script != QChar::Script_Inherited &&
                !scripts.contains(script))
                scripts.append(script);
        } else if (const QString word = endWord(i); !word.isEmpty()) {
            return word;
        }
        i += len;
    }
    return endWord(text.size());
}

bool HiddenText::isPlainAscii(QStringView t, Lines lines)
{
    const bool multi = lines != Lines::Single;
    qsizetype blanks = 0;
    for (const QChar ch : t) {
        const char16_t u = ch.unicode();
        if (u == u' ' || (multi && u == u'\t')) {
            if (++blanks == kMinBlankRun)
                return false;
            continue;
        }
        blanks = 0;
        if ((u >= 0x20 && u < 0x7F) || (multi && u == u'\n'))
            continue;
        return false;
    }
    return true;
}

bool HiddenText::isBlank(char32_t c, Lines lines)
{
    if (c == u' ')
        return true;
    if (c == u'\t')
        return lines != Lines::Single;
    return c >= 0x80 && QChar::category(c) == QChar::Separator_Space;
}

QString HiddenText::blankRunMarker(qsizetype length, char32_t first, bool uniform)
{
    QString what;
    if (!uniform)
        what = QStringLiteral("blanks");
    else if (first == u' ')
        what = QStringLiteral("spaces");
    else if (first == u'\t')
        what = QStringLiteral("tabs");
    else
        what = QStringLiteral("\u00D7 ") + codePointLabel(first);
    return QChar(0x27EA) + QString::number(length) + QLatin1Char(' ') + what + QChar(0x27EB);
}

bool HiddenText::isRightToLeft(char32_t c)
{
    if (c < 0x0590)
        return false;
    const QChar::Direction d = QChar::direction(c);
    return d == QChar::DirR || d == QChar::DirAL;
}

void HiddenText::forEachRightToLeft(
    QStringView t, const std::function<bool(qsizetype, qsizetype, char32_t)> &visit)
{
    const qsizetype n = t.size();
    qsizetype i = 0;
    while (i < n) {
        if (t[i].unicode() < 0x0590) {
            ++i;
            continue;
        }
        qsizetype len = 0;
        const char32_t first = codePointAt(t, i, &len);
        if (!isRightToLeft(first)) {
            i += len;
            continue;
        }
        // The run: right-to-left letters and the marks on them.
        qsizetype j = i + len;
        while (j < n) {
            const char32_t c = codePointAt(t, j, &len);
            if (!isRightToLeft(c) && !isCombiningMark(c))
                break;
            j += len;
        }
        if (!visit(i, j - i, first))
            return;
        i = j;
    }
}

QString HiddenText::codePointLabel(char32_t codePoint)
{
    return QStringLiteral("U+%1").arg(uint(codePoint), 4, 16, QLatin1Char('0')).toUpper();
}

QString HiddenText::placeholder(char32_t codePoint)
{
    return QChar(0x27E8) + codePointLabel(codePoint) + QChar(0x27E9);
}

QString HiddenText::className(HiddenClass cls)
{
    switch (cls) {
    case HiddenClass::Bidi:
        return QStringLiteral("bidi");
    case HiddenClass::Invisible:
        return QStringLiteral("invisible");
    case HiddenClass::Control:
        return QStringLiteral("control");
    case HiddenClass::Escape:
        return QStringLiteral("escape");
    case HiddenClass::Confusable:
        return QStringLiteral("confusable");
    case HiddenClass::MixedScript:
        return QStringLiteral("mixed_script");
    case HiddenClass::Marks:
        return QStringLiteral("marks");
    case HiddenClass::BlankRun:
        return QStringLiteral("blank_run");
    case HiddenClass::RightToLeft:
        return QStringLiteral("right_to_left");
    }
    return {};
}

} // namespace interlock
