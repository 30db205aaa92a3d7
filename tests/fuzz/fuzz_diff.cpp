// libFuzzer: the console's diff model. Any text parses as a unified diff without crashing,
// within the limits; and two texts (the input cut in two) diff into lines that rebuild both.
#include "ui/diff/DiffModel.h"

#include <QStringList>
#include <cstdio>
#include <cstdlib>

using namespace interlock::ui;

namespace {
void require(bool condition, const char *what)
{
    if (!condition) {
        std::fprintf(stderr, "fuzz_diff: property violated: %s\n", what);
        std::abort();
    }
}

// The old (or new) side of a computed diff, from its context and removed (or added) lines.
QStringList side(const DiffDocument &doc, bool old)
{
    QStringList lines;
    for (const DiffFile &f : doc.files) {
        for (const DiffLine &l : f.lines) {
            if (l.kind == DiffLine::Kind::Context ||
                l.kind == (old ? DiffLine::Kind::Removed : DiffLine::Kind::Added))
                lines.append(l.text);
        }
    }
    return lines;
}

// A text's lines as a diff reads them: a final newline ends the last line.
QStringList linesOf(const QString &text)
{
    if (text.isEmpty())
        return {};
    QStringList lines = text.split(QLatin1Char('\n'));
    if (lines.last().isEmpty())
        lines.removeLast();
    return lines;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    DiffLimits limits;
    limits.maxLines = 5000;
    limits.maxLineLength = 300;
    const DiffDocument parsed = parseUnifiedDiff(text, limits);
    int lines = 0;
    for (DiffFile file : parsed.files) {
        lines += int(file.lines.size());
        for (const DiffLine &l : file.lines) {
            // A cut line keeps at most maxLineLength characters and then says it was cut.
            const qsizetype marker = l.text.indexOf(QStringLiteral(" \u27EAline cut here: "));
            require(l.text.size() <= limits.maxLineLength ||
                        (marker >= 0 && marker <= limits.maxLineLength &&
                         l.text.endsWith(QChar(0x27EB))),
                    "long lines are cut, and say so");
            for (const auto &[start, length] : l.changes)
                require(start >= 0 && length >= 0 && start + length <= l.text.size(),
                        "intra-line changes inside the line");
        }
        markIntraLine(file); // as the views do on a worker thread
    }
    require(lines <= limits.maxLines + 2 * int(parsed.files.size()) + 1, "the line limit holds");

    // Two texts: the input cut at its first NUL (or in the middle).
    qsizetype cut = text.indexOf(QChar(0));
    if (cut < 0)
        cut = text.size() / 2;
    const QString before = text.left(cut);
    const QString after = text.mid(cut + 1);
    DiffLimits whole;
    whole.maxLineLength = 1 << 20;
    whole.contextLines = 1 << 20; // every line, so both texts can be rebuilt
    whole.wholeWhenUnchanged = true;
    const DiffDocument computed = diffOfTexts(QStringLiteral("f.py"), {}, before, after, whole);
    if (!computed.truncated && !before.contains(QLatin1Char('\r')) &&
        !after.contains(QLatin1Char('\r'))) {
        require(side(computed, true) == linesOf(before), "the diff rebuilds the old text");
        require(side(computed, false) == linesOf(after), "the diff rebuilds the new text");
    }
    return 0;
}
