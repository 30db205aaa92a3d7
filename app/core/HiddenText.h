#pragma once

#include <QList>
#include <QString>
#include <QStringView>
#include <functional>

namespace interlock {

// What makes a character (or sequence) a problem for a reviewer reading agent text.
enum class HiddenClass : quint8 {
    Bidi,        // reorders text on screen: U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C
    Invisible,   // takes no visible space: format characters (Cf), fillers, abused selectors
    Control,     // C0/C1 controls (outside \n and \t of multi-line text), line separators
    Escape,      // a terminal escape sequence (ESC or CSI/OSC and what belongs to it)
    Confusable,  // a letter that imitates another: mathematical letters (𝖺 for a); on the server
                 // also ICU's spoof checker's look-alike domains
    MixedScript, // a word mixing scripts (server only: ICU's spoof checker)
    Marks,       // combining marks that strike text through (r̶m) or stack over other lines
    BlankRun,    // a long run of blanks (spaces, tabs, no-break and other Unicode spaces) that
                 // pushes what follows it on the line out of sight: "ls⟪240 spaces⟫; rm -rf ~"
    RightToLeft, // Hebrew, Arabic… letters in machine text (a command, a path, a URL): they
                 // reorder the words around them on screen without any bidi control (server
                 // only, in code-like fields; the console lays such lines out in stored order)
};

struct HiddenChar {
    qsizetype position = 0; // index in UTF-16 code units (QString, JavaScript strings)
    qsizetype length = 1;   // UTF-16 code units: 2 for a supplementary code point, the whole
                            // sequence for an escape
    char32_t codePoint = 0; // the (first) code point
    HiddenClass cls = HiddenClass::Invisible;
};

// Finds and reveals characters in agent-supplied text that a reviewer cannot see or that change
// what the reviewer sees (issue #15). Categories come from Qt's Unicode tables (QChar); the few
// invisible letters Unicode does not mark as format characters (U+2800 BRAILLE PATTERN BLANK,
// the Hangul fillers…) are named here. Shared by the server (scoring) and the console (display).
class HiddenText
{
public:
    // A run of blanks followed by more text on its line is hidden text from this length on
    // (a line's indentation in multi-line text from kMinIndentRun on): 16 columns of alignment
    // are rare in real text, and a terminal-wide run hides the tail of a command.
    static constexpr qsizetype kMinBlankRun = 16;
    static constexpr qsizetype kMinIndentRun = 64;

    enum class Lines {
        Single, // \n and \t are controls too (titles, targets, paths)
        Multi,  // \n, \t and \r\n are text (bodies, diffs, commands)
        Layout, // as Multi, in text whose line starts are our own layout (pretty-printed JSON,
                // where the agent's text cannot hold a line break): indentation is never a run
    };

    // Printable ASCII (with \n and \t in multi-line text) and no run of kMinBlankRun blanks:
    // find() reports nothing, and callers may skip the text.
    static bool isPlainAscii(QStringView text, Lines lines);
    // True when find() would report nothing. Fast for plain ASCII.
    static bool isClean(QStringView text, Lines lines = Lines::Multi);
    // Every hidden character or escape sequence, in order; at most `max` (negative: all), with
    // *total (if given) set to how many there are.
    static QList<HiddenChar> find(QStringView text, Lines lines = Lines::Multi, qsizetype max = -1,
                                  qsizetype *total = nullptr);

    // Calls `visit` for each finding, in order, until it returns false.
    static void forEach(QStringView text, Lines lines,
                        const std::function<bool(const HiddenChar &)> &visit);

    // One visible span of reveal(): where a hidden character was and where its placeholder is.
    struct Span {
        qsizetype sourcePosition = 0;
        qsizetype sourceLength = 0;
        qsizetype position = 0; // in Revealed::text
        qsizetype length = 0;
        char32_t codePoint = 0;
        HiddenClass cls = HiddenClass::Invisible;
    };
    struct Revealed {
        QString text;
        QList<Span> spans; // in order, never overlapping
        // Where a position of the original text is in `text`.
        qsizetype revealedPosition(qsizetype sourcePosition) const;
    };
    // The text with each hidden character replaced by a visible placeholder (⟨U+202E⟩); an
    // escape sequence becomes ⟨U+001B⟩ followed by the rest of the sequence; a blank run
    // becomes one marker saying what it was (⟪240 spaces⟫, ⟪20 tabs⟫, ⟪18 × U+3000⟫).
    static Revealed reveal(QStringView text, Lines lines = Lines::Multi);
    static QString revealed(QStringView text, Lines lines = Lines::Multi);

    // The first word (a run of letters and marks) mixing scripts the way look-alikes do ("dеploy"
    // with a Cyrillic е), or empty. Han with kana or Hangul, and any script with Latin in CJK
    // text, are one writing system and not mixed (as in ICU's "highly restrictive" level).
    static QString mixedScriptWord(QStringView text);

    // A blank as runs count them: space, no-break and other Unicode spaces (Zs), and the tab
    // (a tab only in multi-line text: in a single line it is revealed as a control).
    static bool isBlank(char32_t c, Lines lines);
    // The marker reveal() puts for a run of `length` blanks starting with `first` (`uniform`:
    // all the same character).
    static QString blankRunMarker(qsizetype length, char32_t first, bool uniform);
    // A letter written right to left (bidi class R or AL: Hebrew, Arabic, Syriac, Thaana…).
    static bool isRightToLeft(char32_t c);
    // Calls `visit(position, length, firstCodePoint)` for each run of right-to-left letters (with
    // the marks on them), in order, until it returns false. Fast for plain ASCII.
    static void
    forEachRightToLeft(QStringView text,
                       const std::function<bool(qsizetype, qsizetype, char32_t)> &visit);

    static QString codePointLabel(char32_t codePoint); // "U+202E"
    static QString placeholder(char32_t codePoint);    // "⟨U+202E⟩"
    static QString className(HiddenClass cls);         // "bidi", "invisible", … "mixed_script"
};

} // namespace interlock
