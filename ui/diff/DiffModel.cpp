#include "DiffModel.h"

#include <QHash>
#include <QObject>
#include <QRegularExpression>
#include <algorithm>
#include <dtl/dtl.hpp>
#include <vector>

namespace interlock::ui {

namespace {
using Kind = DiffLine::Kind;

QString clip(const QString &line, const DiffLimits &limits)
{
    if (line.size() <= limits.maxLineLength)
        return line;
    // Said in words, with how much is left and where it is: a bare " …" let a tail (a second
    // command) pass unnoticed.
    qsizetype cut = limits.maxLineLength;
    if (line.at(cut - 1).isHighSurrogate())
        --cut;
    return line.left(cut) +
           QObject::tr(" ⟪line cut here: %n more characters not shown; the Payload tab shows the "
                       "whole line⟫",
                       nullptr, int(line.size() - cut));
}

QStringList splitLines(const QString &text)
{
    if (text.isEmpty())
        return {};
    QStringList lines = text.split(u'\n');
    if (lines.last().isEmpty())
        lines.removeLast(); // a final newline ends the last line; it does not start a new one
    for (QString &l : lines) {
        if (l.endsWith(u'\r'))
            l.chop(1);
    }
    return lines;
}

// Words, runs of white space, and single other characters: the units of intra-line changes.
std::vector<QStringView> tokens(const QString &line)
{
    std::vector<QStringView> out;
    qsizetype i = 0;
    while (i < line.size()) {
        qsizetype j = i + 1;
        const QChar c = line[i];
        if (c.isLetterOrNumber() || c == u'_') {
            while (j < line.size() && (line[j].isLetterOrNumber() || line[j] == u'_'))
                ++j;
        } else if (c.isSpace()) {
            while (j < line.size() && line[j].isSpace())
                ++j;
        }
        out.push_back(QStringView(line).sliced(i, j - i));
        i = j;
    }
    return out;
}

void markPair(DiffLine &removed, DiffLine &added)
{
    if (removed.text.size() > 1000 || added.text.size() > 1000)
        return;
    const std::vector<QStringView> a = tokens(removed.text), b = tokens(added.text);
    dtl::Diff<QStringView, std::vector<QStringView>> diff(a, b);
    diff.compose();
    qsizetype oldAt = 0, newAt = 0;
    const auto extend = [](QList<std::pair<int, int>> &ranges, qsizetype at, qsizetype len) {
        if (!ranges.isEmpty() && ranges.last().first + ranges.last().second == at)
            ranges.last().second += int(len);
        else
            ranges.append({int(at), int(len)});
    };
    for (const auto &[token, info] : diff.getSes().getSequence()) {
        switch (info.type) {
        case dtl::SES_COMMON:
            oldAt += token.size();
            newAt += token.size();
            break;
        case dtl::SES_DELETE:
            extend(removed.changes, oldAt, token.size());
            oldAt += token.size();
            break;
        case dtl::SES_ADD:
            extend(added.changes, newAt, token.size());
            newAt += token.size();
            break;
        }
    }
    // A line that changed entirely gets no word marks: the line colour says it all.
    if (removed.changes.size() == 1 && removed.changes[0].second == removed.text.size())
        removed.changes.clear();
    if (added.changes.size() == 1 && added.changes[0].second == added.text.size())
        added.changes.clear();
}

struct Op {
    Kind kind;
    int oldIndex, newIndex; // 0-based, -1 for none
};

// Edit script of x[aLo, aHi) against y[bLo, bHi) (line ids), appended to `ops`. Patience
// style: lines that occur exactly once on both sides anchor the diff (their longest increasing
// run), and only the gaps between anchors go to the O(NP) algorithm of dtl. Large files with
// scattered edits stay near-linear, and moved blocks read the way a person expects.
void lineDiff(const std::vector<int> &x, const std::vector<int> &y, int aLo, int aHi, int bLo,
              int bHi, std::vector<Op> &ops)
{
    // Common prefix and suffix.
    while (aLo < aHi && bLo < bHi && x[size_t(aLo)] == y[size_t(bLo)])
        ops.push_back({Kind::Context, aLo++, bLo++});
    int suffix = 0;
    while (aHi - suffix > aLo && bHi - suffix > bLo &&
           x[size_t(aHi - suffix - 1)] == y[size_t(bHi - suffix - 1)])
        ++suffix;
    const int aEnd = aHi - suffix, bEnd = bHi - suffix;
    const auto tail = [&] {
        for (int k = 0; k < suffix; ++k)
            ops.push_back({Kind::Context, aEnd + k, bEnd + k});
    };
    if (aLo == aEnd || bLo == bEnd) {
        for (int i = aLo; i < aEnd; ++i)
            ops.push_back({Kind::Removed, i, -1});
        for (int j = bLo; j < bEnd; ++j)
            ops.push_back({Kind::Added, -1, j});
        return tail();
    }
    // Lines unique on both sides of this range.
    QHash<int, std::pair<int, int>> countA, countB; // id -> (count, position)
    for (int i = aLo; i < aEnd; ++i) {
        auto &c = countA[x[size_t(i)]];
        c = {c.first + 1, i};
    }
    for (int j = bLo; j < bEnd; ++j) {
        auto &c = countB[y[size_t(j)]];
        c = {c.first + 1, j};
    }
    std::vector<std::pair<int, int>> pairs; // (a position, b position), in a order
    for (int i = aLo; i < aEnd; ++i) {
        const auto a = countA.value(x[size_t(i)]);
        const auto b = countB.value(x[size_t(i)], {0, 0});
        if (a.first == 1 && b.first == 1)
            pairs.push_back({i, b.second});
    }
    if (pairs.empty()) {
        std::vector<int> xs(x.begin() + aLo, x.begin() + aEnd),
            ys(y.begin() + bLo, y.begin() + bEnd);
        dtl::Diff<int, std::vector<int>> diff(xs, ys);
        diff.compose();
        int oi = aLo, ni = bLo;
        for (const auto &[value, info] : diff.getSes().getSequence()) {
            Q_UNUSED(value);
            if (info.type == dtl::SES_COMMON)
                ops.push_back({Kind::Context, oi++, ni++});
            else if (info.type == dtl::SES_DELETE)
                ops.push_back({Kind::Removed, oi++, -1});
            else
                ops.push_back({Kind::Added, -1, ni++});
        }
        return tail();
    }
    // Longest increasing run of b positions (patience sorting).
    std::vector<int> tops, back(pairs.size(), -1), topIndex;
    for (size_t k = 0; k < pairs.size(); ++k) {
        const int v = pairs[k].second;
        const auto it = std::lower_bound(tops.begin(), tops.end(), v);
        const size_t pile = size_t(it - tops.begin());
        if (it == tops.end()) {
            tops.push_back(v);
            topIndex.push_back(int(k));
        } else {
            *it = v;
            topIndex[pile] = int(k);
        }
        back[k] = pile > 0 ? topIndex[pile - 1] : -1;
    }
    std::vector<std::pair<int, int>> anchors;
    for (int k = topIndex.back(); k >= 0; k = back[size_t(k)])
        anchors.push_back(pairs[size_t(k)]);
    std::reverse(anchors.begin(), anchors.end());
    int a = aLo, b = bLo;
    for (const auto &[ai, bi] : anchors) {
        lineDiff(x, y, a, ai, b, bi, ops);
        ops.push_back({Kind::Context, ai, bi});
        a = ai + 1;
        b = bi + 1;
    }
    lineDiff(x, y, a, aEnd, b, bEnd, ops);
    tail();
}

DiffLine hunkLine(int oldStart, int oldCount, int newStart, int newCount)
{
    DiffLine h;
    h.kind = Kind::Hunk;
    h.text = QStringLiteral("@@ -%1,%2 +%3,%4 @@")
                 .arg(oldStart)
                 .arg(oldCount)
                 .arg(newStart)
                 .arg(newCount);
    return h;
}
// Line numbers in a hunk header come from the agent: read them into range, and count on from
// them without ever overflowing (found by tests/fuzz/fuzz_diff: "@@ -2147483647,1 …" and two
// more lines overflowed int).
constexpr int kMaxLineNumber = 999'999'999;

int lineNumber(QStringView digits)
{
    bool ok = false;
    const qint64 n = digits.toLongLong(&ok);
    return ok ? int(std::clamp<qint64>(n, 0, kMaxLineNumber)) : 0;
}

int countOn(int &number)
{
    const int current = number;
    if (number < kMaxLineNumber)
        ++number;
    return current;
}
} // namespace

int DiffDocument::added() const
{
    int n = 0;
    for (const DiffFile &f : files)
        n += f.added;
    return n;
}

int DiffDocument::removed() const
{
    int n = 0;
    for (const DiffFile &f : files)
        n += f.removed;
    return n;
}

void markIntraLine(DiffFile &file)
{
    qsizetype i = 0;
    const qsizetype n = file.lines.size();
    while (i < n) {
        if (file.lines[i].kind != Kind::Removed) {
            ++i;
            continue;
        }
        qsizetype removedEnd = i;
        while (removedEnd < n && file.lines[removedEnd].kind == Kind::Removed)
            ++removedEnd;
        qsizetype addedEnd = removedEnd;
        while (addedEnd < n && file.lines[addedEnd].kind == Kind::Added)
            ++addedEnd;
        const qsizetype pairs = qMin(removedEnd - i, addedEnd - removedEnd);
        for (qsizetype k = 0; k < pairs; ++k)
            markPair(file.lines[i + k], file.lines[removedEnd + k]);
        i = addedEnd;
    }
}

DiffDocument diffOfTexts(const QString &path, const QString &language, const QString &before,
                         const QString &after, const DiffLimits &limits)
{
    DiffDocument doc;
    DiffFile file;
    file.path = path;
    file.language = language.isEmpty() ? languageForPath(path) : language;
    QStringList a = splitLines(before), b = splitLines(after);
    if (a.size() + b.size() > limits.maxLines) {
        doc.truncated = true;
        a = a.mid(0, limits.maxLines / 2);
        b = b.mid(0, limits.maxLines / 2);
    }
    // Lines are compared through ids: cheap equality for the O(NP) algorithm.
    QHash<QString, int> ids;
    const auto idOf = [&ids](const QString &line) {
        auto it = ids.find(line);
        if (it == ids.end())
            it = ids.insert(line, int(ids.size()));
        return it.value();
    };
    std::vector<int> x, y;
    x.reserve(a.size());
    y.reserve(b.size());
    for (const QString &l : std::as_const(a))
        x.push_back(idOf(l));
    for (const QString &l : std::as_const(b))
        y.push_back(idOf(l));
    std::vector<Op> ops;
    ops.reserve(x.size() + y.size());
    lineDiff(x, y, 0, int(x.size()), 0, int(y.size()), ops);
    // Within each run of changes, removals come first (as in every unified diff), so that
    // removed and added lines pair up for the intra-line marks.
    for (size_t i = 0; i < ops.size();) {
        if (ops[i].kind == Kind::Context) {
            ++i;
            continue;
        }
        size_t end = i;
        while (end < ops.size() && ops[end].kind != Kind::Context)
            ++end;
        std::stable_partition(ops.begin() + qsizetype(i), ops.begin() + qsizetype(end),
                              [](const Op &op) { return op.kind == Kind::Removed; });
        i = end;
    }
    // Identical texts with context wide enough to hold them: shown whole, as one hunk.
    const bool unchanged =
        std::all_of(ops.begin(), ops.end(), [](const Op &op) { return op.kind == Kind::Context; });
    if (unchanged && !ops.empty() && limits.wholeWhenUnchanged) {
        file.lines.append(hunkLine(1, int(ops.size()), 1, int(ops.size())));
        for (const Op &op : ops)
            file.lines.append({Kind::Context,
                               op.oldIndex + 1,
                               op.newIndex + 1,
                               clip(a[op.oldIndex], limits),
                               {}});
        doc.files.append(std::move(file));
        return doc;
    }
    // Hunks: changes with `contextLines` of context around them.
    const int ctx = limits.contextLines;
    const int count = int(ops.size());
    int i = 0;
    while (i < count) {
        while (i < count && ops[i].kind == Kind::Context)
            ++i;
        if (i >= count)
            break;
        int start = qMax(0, i - ctx);
        int end = i;
        // Extend while the next change is within 2*ctx context lines.
        for (;;) {
            while (end < count && ops[end].kind != Kind::Context)
                ++end;
            int gap = end;
            while (gap < count && ops[gap].kind == Kind::Context && gap - end < 2 * ctx + 1)
                ++gap;
            if (gap < count && ops[gap].kind != Kind::Context && gap - end <= 2 * ctx) {
                end = gap;
                continue;
            }
            end = qMin(count, end + ctx);
            break;
        }
        int oldStart = 0, newStart = 0, oldCount = 0, newCount = 0;
        for (int k = start; k < end; ++k) {
            if (ops[k].oldIndex >= 0) {
                if (!oldCount)
                    oldStart = ops[k].oldIndex + 1;
                ++oldCount;
            }
            if (ops[k].newIndex >= 0) {
                if (!newCount)
                    newStart = ops[k].newIndex + 1;
                ++newCount;
            }
        }
        file.lines.append(hunkLine(oldStart, oldCount, newStart, newCount));
        for (int k = start; k < end; ++k) {
            DiffLine line;
            line.kind = ops[k].kind;
            line.oldNumber = ops[k].oldIndex + 1;
            line.newNumber = ops[k].newIndex + 1;
            line.text =
                clip(ops[k].oldIndex >= 0 ? a[ops[k].oldIndex] : b[ops[k].newIndex], limits);
            file.added += line.kind == Kind::Added;
            file.removed += line.kind == Kind::Removed;
            file.lines.append(std::move(line));
        }
        i = end;
    }
    markIntraLine(file);
    doc.files.append(std::move(file));
    return doc;
}

DiffDocument parseUnifiedDiff(const QString &text, const DiffLimits &limits)
{
    static const QRegularExpression hunk(
        QStringLiteral("^@@ -(\\d+)(?:,(\\d+))? \\+(\\d+)(?:,(\\d+))? @@(.*)$"));
    DiffDocument doc;
    DiffFile *file = nullptr;
    QString oldPath;
    int oldNo = 0, newNo = 0, total = 0;
    const auto stripPrefix = [](QString p) {
        p = p.section(u'\t', 0, 0).trimmed();
        if (p.startsWith(QLatin1String("a/")) || p.startsWith(QLatin1String("b/")))
            p = p.mid(2);
        return p;
    };
    for (const QString &raw : splitLines(text)) {
        if (++total > limits.maxLines) {
            doc.truncated = true;
            break;
        }
        if (raw.startsWith(QLatin1String("--- "))) {
            oldPath = stripPrefix(raw.mid(4));
            continue;
        }
        if (raw.startsWith(QLatin1String("+++ "))) {
            QString path = stripPrefix(raw.mid(4));
            if (path == QLatin1String("/dev/null"))
                path = oldPath;
            doc.files.append(DiffFile{path, languageForPath(path), {}, 0, 0});
            file = &doc.files.last();
            continue;
        }
        if (raw.startsWith(QLatin1String("diff ")) || raw.startsWith(QLatin1String("index ")) ||
            !file)
            continue;
        const QRegularExpressionMatch m = hunk.match(raw);
        if (m.hasMatch()) {
            oldNo = lineNumber(m.capturedView(1));
            newNo = lineNumber(m.capturedView(3));
            DiffLine h;
            h.kind = Kind::Hunk;
            h.text = clip(raw, limits);
            file->lines.append(h);
            continue;
        }
        DiffLine line;
        const QChar sign = raw.isEmpty() ? u' ' : raw[0];
        line.text = clip(raw.mid(1), limits);
        if (sign == u'+') {
            line.kind = Kind::Added;
            line.newNumber = countOn(newNo);
            ++file->added;
        } else if (sign == u'-') {
            line.kind = Kind::Removed;
            line.oldNumber = countOn(oldNo);
            ++file->removed;
        } else if (sign == u'\\') {
            line.kind = Kind::Note;
            line.text = clip(raw, limits);
        } else {
            line.kind = Kind::Context;
            line.oldNumber = countOn(oldNo);
            line.newNumber = countOn(newNo);
        }
        file->lines.append(std::move(line));
    }
    for (DiffFile &f : doc.files)
        markIntraLine(f);
    return doc;
}

DiffDocument diffForAction(const QJsonObject &action, const DiffLimits &limits)
{
    const QJsonValue diff = action.value(QStringLiteral("diff"));
    if (diff.isString())
        return parseUnifiedDiff(diff.toString(), limits);
    DiffDocument doc;
    for (const QJsonValue &v : action.value(QStringLiteral("changes")).toArray()) {
        const QJsonObject c = v.toObject();
        DiffDocument one = diffOfTexts(c.value(QStringLiteral("path")).toString(),
                                       c.value(QStringLiteral("language")).toString(),
                                       c.value(QStringLiteral("before")).toString(),
                                       c.value(QStringLiteral("after")).toString(), limits);
        doc.truncated = doc.truncated || one.truncated;
        doc.files += one.files;
    }
    return doc;
}

QString languageForPath(const QString &path)
{
    static const QHash<QString, QString> byExtension{
        {QStringLiteral("py"), QStringLiteral("Python")},
        {QStringLiteral("cpp"), QStringLiteral("C++")},
        {QStringLiteral("cc"), QStringLiteral("C++")},
        {QStringLiteral("h"), QStringLiteral("C++")},
        {QStringLiteral("hpp"), QStringLiteral("C++")},
        {QStringLiteral("c"), QStringLiteral("C")},
        {QStringLiteral("js"), QStringLiteral("JavaScript")},
        {QStringLiteral("ts"), QStringLiteral("TypeScript")},
        {QStringLiteral("go"), QStringLiteral("Go")},
        {QStringLiteral("rs"), QStringLiteral("Rust")},
        {QStringLiteral("java"), QStringLiteral("Java")},
        {QStringLiteral("sh"), QStringLiteral("Bash")},
        {QStringLiteral("sql"), QStringLiteral("SQL")},
        {QStringLiteral("json"), QStringLiteral("JSON")},
        {QStringLiteral("yaml"), QStringLiteral("YAML")},
        {QStringLiteral("yml"), QStringLiteral("YAML")},
        {QStringLiteral("md"), QStringLiteral("Markdown")},
        {QStringLiteral("cmake"), QStringLiteral("CMake")},
        {QStringLiteral("toml"), QStringLiteral("TOML")},
    };
    const QString name = path.section(u'/', -1);
    if (name == QLatin1String("CMakeLists.txt"))
        return QStringLiteral("CMake");
    return byExtension.value(name.section(u'.', -1).toLower());
}

} // namespace interlock::ui
