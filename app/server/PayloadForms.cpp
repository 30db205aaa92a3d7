#include "PayloadForms.h"

#include "Addresses.h"
#include "Subcommands.h"
#include "core/ShellCommands.h"

#include <QJsonArray>
#include <QJsonObject>

#include <array>

namespace interlock {

namespace {
bool isSeparator(QChar c)
{
    return c == u',' || c == u';' || c.isSpace();
}

qint64 tokenCount(QStringView s)
{
    qint64 n = 0;
    bool in = false;
    for (const QChar c : s) {
        const bool sep = isSeparator(c);
        n += !sep && !in;
        in = !sep;
    }
    return n;
}

bool hasSeparator(QStringView s)
{
    return std::any_of(s.begin(), s.end(), isSeparator);
}

void tokens(QStringView s, QStringList *out)
{
    qsizetype start = -1;
    for (qsizetype i = 0; i <= s.size(); ++i) {
        const bool sep = i == s.size() || isSeparator(s[i]);
        if (!sep && start < 0)
            start = i;
        else if (sep && start >= 0) {
            out->append(s.mid(start, i - start).toString());
            start = -1;
        }
    }
}

// A form worth searching: not empty, not the value, not the last form added. (Not a search of
// every form: a list of 100,000 paths in one string has as many, and scoring stays linear.)
void addForm(QStringList *forms, const QString &value, const QString &form)
{
    if (!form.isEmpty() && form != value && (forms->isEmpty() || forms->last() != form))
        forms->append(form);
}

enum class Order { AsWritten, OptionsFirst, SubcommandFirst };

QString text(const QList<ShellCommand> &commands, Order order)
{
    QString out;
    const auto add = [&out](const QString &w) {
        if (!out.isEmpty())
            out += QLatin1Char(' ');
        out += w.contains(QLatin1String("://")) ? Addresses::canonicalUrl(w) : w;
    };
    for (const ShellCommand &c : commands) {
        if (!c.before.isEmpty())
            add(c.before);
        const qsizetype sub = order == Order::SubcommandFirst ? Subcommands::start(c) : -1;
        if (sub > 0) {
            // git -C /repo push -f is git push -f -C /repo: the global options after the
            // subcommand and its words (the program without what runs it, as below).
            add(c.name);
            for (qsizetype i = sub; i < c.words.size(); ++i)
                add(c.words[i]);
            for (qsizetype i = c.program + 1; i < sub; ++i)
                add(c.words[i]);
        } else if (order != Order::OptionsFirst || !c.hasProgram()) {
            for (const QString &w : c.words)
                add(w);
        } else {
            // The program without what runs it (sudo -E, env, command, timeout 10, A=1): the
            // words as written keep them.
            add(c.name);
            if (!c.flags.isEmpty())
                add(QLatin1Char('-') + c.flags);
            for (const QString &w : c.arguments) {
                // rm -rf /tmp/../ is rm -rf /, rm -rf /{home,etc} is rm -rf /home /etc
                const QStringList expanded =
                    w.contains(u'{') ? PayloadForms::braceExpansions(w) : QStringList();
                for (const QString &e : expanded.isEmpty() ? QStringList{w} : expanded) {
                    if (!e.isEmpty()) // as bash drops them: rm -rf {,} removes nothing
                        add(e.startsWith(u'/') ? PayloadForms::lexicalPath(e) : e);
                }
            }
        }
        for (const QString &r : c.redirections)
            add(r);
    }
    return out;
}

// Whether a quote at `i` is joined to another one by nothing, white space, || or +.
qsizetype joinedQuoteEnd(const QString &s, qsizetype i)
{
    const QChar q = s[i];
    qsizetype j = i + 1;
    while (j < s.size() && s[j].isSpace())
        ++j;
    if (j + 1 < s.size() && s[j] == u'|' && s[j + 1] == u'|')
        j += 2;
    else if (j < s.size() && s[j] == u'+')
        ++j;
    while (j < s.size() && s[j].isSpace())
        ++j;
    return j < s.size() && s[j] == q ? j : -1;
}
} // namespace

QString PayloadForms::withoutSqlSpelling(const QString &s, bool dashComments)
{
    QString out;
    out.reserve(s.size());
    const qsizetype n = s.size();
    for (qsizetype i = 0; i < n; ++i) {
        const QChar c = s[i];
        if (c == u'/' && i + 1 < n && s[i + 1] == u'*') {
            const qsizetype close = s.indexOf(QLatin1String("*/"), i + 2);
            const qsizetype end = close < 0 ? n : close;
            if (i + 2 < n && s[i + 2] == u'!') { // MySQL runs /*!50000 … */
                qsizetype from = i + 3;
                while (from < end && s[from].isDigit())
                    ++from;
                out += QStringView(s).mid(from, end - from);
            } else {
                out += QLatin1Char(' ');
            }
            i = close < 0 ? n : close + 1;
        } else if (c == u'-' && i + 1 < n && s[i + 1] == u'-' &&
                   (dashComments || i + 2 >= n || s[i + 2].isSpace())) {
            while (i + 1 < n && s[i + 1] != u'\n')
                ++i;
            out += QLatin1Char(' ');
        } else if ((c == u'\'' || c == u'"') && joinedQuoteEnd(s, i) > 0) {
            i = joinedQuoteEnd(s, i); // 'DR''OP', 'DR' || 'OP': one string
        } else {
            out += c;
        }
    }
    return out;
}

QStringList PayloadForms::sqlForms(const QString &statement)
{
    QStringList forms;
    addForm(&forms, statement, withoutSqlSpelling(statement));
    return forms;
}

QStringList PayloadForms::commandForms(const QString &command)
{
    const QList<ShellCommand> commands = ShellCommands::read(command);
    QStringList forms;
    for (const Order order : {Order::AsWritten, Order::OptionsFirst}) {
        const QString t = text(commands, order);
        if (!forms.contains(t)) // at most three forms
            addForm(&forms, command, t);
    }
    const bool globalOptions = std::any_of(commands.begin(), commands.end(),
                                           [](const auto &c) { return Subcommands::start(c) > 0; });
    if (globalOptions) // only then does this text differ from the words as read
        addForm(&forms, command, text(commands, Order::SubcommandFirst));
    // SQL spelling in what the commands pass on (psql -c 'DROP/**/TABLE t'), as written and as
    // the shell reads it.
    for (const QString &form : QStringList{command, forms.value(0, command)}) {
        if (form.contains(u'\'') || form.contains(u'"') || form.contains(QLatin1String("/*")) ||
            form.contains(QLatin1String("-- "))) {
            const QString t = withoutSqlSpelling(form, false);
            if (!forms.contains(t))
                addForm(&forms, command, t);
        }
    }
    return forms;
}

QStringList PayloadForms::braceExpansions(const QString &word)
{
    constexpr int kMaxGroups = 8;
    constexpr qsizetype kMaxWords = 64;
    // The groups with a comma: where each opens and closes, and its number of alternatives.
    // Measured before anything is allocated (most words have no group, or too many words).
    struct Group {
        qsizetype open = 0, close = 0, count = 0;
    };
    std::array<Group, kMaxGroups> groups;
    int n = 0;
    qsizetype open = -1, commas = 0;
    for (qsizetype i = 0; i < word.size(); ++i) {
        const QChar ch = word[i];
        if (ch == u'{' && (i == 0 || word[i - 1] != u'$')) {
            if (open >= 0)
                return {}; // a group inside a group
            open = i;
            commas = 0;
        } else if (ch == u',' && open >= 0) {
            ++commas;
        } else if (ch == u'}' && open >= 0) {
            if (commas > 0) { // {} and {a} are text
                if (n == kMaxGroups)
                    return {};
                groups[n++] = {open, i, commas + 1};
            }
            open = -1;
        }
    }
    if (n == 0)
        return {};
    qsizetype words = 1;
    qsizetype fixed = word.size(); // the text outside every group, in each word
    for (int g = 0; g < n; ++g) {
        words *= groups[g].count;
        if (words > kMaxWords)
            return {};
        fixed -= groups[g].close - groups[g].open + 1;
    }
    qsizetype alternatives = 0; // the text of the alternatives, as often as it appears
    for (int g = 0; g < n; ++g) {
        const Group &group = groups[g];
        alternatives += words / group.count * (group.close - group.open - group.count);
    }
    // The work: each word, a space after it, and a step per group to make it (an empty word
    // costs that too).
    if (words * (fixed + 1 + n) + alternatives > 3 * word.size())
        return {};
    std::array<qsizetype, kMaxGroups> pick{};  // an odometer over the groups' alternatives
    std::array<qsizetype, kMaxGroups> start{}; // where the picked alternative starts
    for (int g = 0; g < n; ++g)
        start[g] = groups[g].open + 1;
    const QStringView text(word);
    QStringList out;
    out.reserve(words);
    for (qsizetype k = 0; k < words; ++k) {
        QString w;
        qsizetype at = 0;
        for (int g = 0; g < n; ++g) {
            const qsizetype end = text.indexOf(u',', start[g]);
            const qsizetype to = end < 0 || end > groups[g].close ? groups[g].close : end;
            w += text.mid(at, groups[g].open - at);
            w += text.mid(start[g], to - start[g]);
            at = groups[g].close + 1;
        }
        w += text.mid(at);
        out.append(w);
        for (int g = n - 1; g >= 0; --g) { // the last group turns fastest
            if (++pick[g] < groups[g].count) {
                start[g] = text.indexOf(u',', start[g]) + 1;
                break;
            }
            pick[g] = 0;
            start[g] = groups[g].open + 1;
        }
    }
    return out;
}

namespace {
// Whether a path has nothing lexicalPath() would change: no empty, "." or ".." segment and no
// trailing slash (most paths).
bool isLexical(QStringView p)
{
    if (p.isEmpty() || (p.size() > 1 && p.endsWith(u'/')))
        return p.isEmpty();
    qsizetype segment = 0; // the start of the current segment
    for (qsizetype i = 0; i <= p.size(); ++i) {
        if (i < p.size() && p[i] != u'/')
            continue;
        const QStringView part = p.mid(segment, i - segment);
        if ((part.isEmpty() && i > 0) || part == u"." || part == u"..")
            return false;
        segment = i + 1;
    }
    return true;
}
} // namespace

QString PayloadForms::lexicalPath(const QString &path)
{
    if (isLexical(path))
        return path;
    const bool absolute = path.startsWith(u'/');
    QList<QStringView> parts;
    for (const QStringView part : QStringView(path).split(u'/', Qt::SkipEmptyParts)) {
        if (part == u".")
            continue;
        if (part == u"..") {
            if (!parts.isEmpty() && parts.last() != u"..")
                parts.removeLast();
            else if (!absolute)
                parts.append(part); // the root's parent is the root
            continue;
        }
        parts.append(part);
    }
    QString out = absolute ? QStringLiteral("/") : QString();
    for (qsizetype i = 0; i < parts.size(); ++i) {
        if (i > 0)
            out += QLatin1Char('/');
        out += parts[i];
    }
    return out.isEmpty() ? QStringLiteral(".") : out;
}

QStringList PayloadForms::of(QStringView key, const QString &value)
{
    QStringList forms;
    if (key == u"command") {
        forms = commandForms(value);
    } else if (key == u"statement" || key == u"query" || key == u"sql") {
        forms = sqlForms(value);
    } else if (key == u"path" || key == u"file" || key == u"directory") {
        addForm(&forms, value, lexicalPath(value.trimmed()));
    } else if (key == u"paths" || key == u"files") {
        if (!hasSeparator(value)) {
            addForm(&forms, value, lexicalPath(value)); // an item of an array
            return forms;
        }
        QStringList list;
        tokens(value, &list);
        for (const QString &item : std::as_const(list)) {
            addForm(&forms, value, item);
            addForm(&forms, value, lexicalPath(item));
        }
    } else if (key == u"url" || key == u"uri" || key == u"endpoint" || key == u"webhook" ||
               key == u"host" || key == u"remote") {
        addForm(&forms, value, Addresses::canonicalUrl(value));
    }
    return forms;
}

qint64 PayloadForms::itemCount(const QJsonValue &list)
{
    switch (list.type()) {
    case QJsonValue::String:
        return tokenCount(list.toString());
    case QJsonValue::Double:
        return 1;
    case QJsonValue::Array: {
        // Every element counts at least once, as the plain array size did before the other
        // spellings were counted: [true, true] or [[], []] is not fewer items than it was.
        qint64 n = 0;
        for (const QJsonValue &item : list.toArray())
            n += qMax<qint64>(1, itemCount(item));
        return n;
    }
    case QJsonValue::Object: {
        qint64 n = 0;
        const QJsonObject o = list.toObject();
        for (auto it = o.constBegin(); it != o.constEnd(); ++it)
            n += qMax<qint64>(1, itemCount(it.value())); // {"id": true}: the key is the item
        return n;
    }
    default:
        return 0;
    }
}

namespace {
void addItems(const QJsonValue &list, QStringList *out);
}

QStringList PayloadForms::items(const QJsonValue &list)
{
    QStringList out;
    addItems(list, &out);
    return out;
}

namespace {
void addItems(const QJsonValue &list, QStringList *outList)
{
    QStringList &out = *outList;
    switch (list.type()) {
    case QJsonValue::String: {
        const QString s = list.toString();
        if (hasSeparator(s))
            tokens(s, &out);
        else if (!s.isEmpty())
            out.append(s);
        break;
    }
    case QJsonValue::Double:
        out.append(QString::number(list.toDouble(), 'g', 17));
        break;
    case QJsonValue::Array:
        for (const QJsonValue &item : list.toArray())
            addItems(item, &out);
        break;
    case QJsonValue::Object: {
        const QJsonObject o = list.toObject();
        for (auto it = o.constBegin(); it != o.constEnd(); ++it) {
            const qsizetype before = out.size();
            addItems(it.value(), &out);
            if (out.size() == before)
                out.append(it.key()); // {"id": true}: the key is the item
        }
        break;
    }
    default:
        break;
    }
}
} // namespace

} // namespace interlock
