#include "CommandMentions.h"

#include "core/ShellCommands.h"

#include <QList>

namespace interlock {

namespace {
bool isOneOf(QStringView name, std::initializer_list<const char16_t *> names)
{
    for (const char16_t *n : names) {
        if (name == QStringView(n))
            return true;
    }
    return false;
}

// Programs whose operands are text they print or search, never a command they run.
bool printsOrSearches(QStringView name)
{
    return isOneOf(name, {u"grep", u"egrep", u"fgrep", u"rg", u"ag", u"ack", u"echo", u"printf"});
}

// Programs a mention may be piped into: they print part of what they read, and run none of it.
bool isHarmlessFilter(QStringView name)
{
    return isOneOf(name,
                   {u"grep", u"egrep", u"fgrep", u"rg", u"head", u"tail", u"wc", u"cut", u"cat"});
}

// Whether one of the programs whose words may be mentions is named in the line as a word (not
// "stage" for ag): a cheap test before the line is read.
bool namesAProgramThatPrints(const QString &line)
{
    static const QLatin1String names[] = {QLatin1String("grep"),  QLatin1String("egrep"),
                                          QLatin1String("fgrep"), QLatin1String("rg"),
                                          QLatin1String("ag"),    QLatin1String("ack"),
                                          QLatin1String("echo"),  QLatin1String("printf")};
    const auto isNamePart = [](QChar c) {
        return c.isLetterOrNumber() || c == u'_' || c == u'-' || c == u'.';
    };
    for (const QLatin1String &name : names) {
        for (qsizetype i = line.indexOf(name); i >= 0; i = line.indexOf(name, i + 1)) {
            const qsizetype end = i + name.size();
            if ((i == 0 || !isNamePart(line[i - 1])) &&
                (end == line.size() || !isNamePart(line[end])))
                return true;
        }
    }
    return false;
}

// Whether a here-document (<<, not <<<) is anywhere in the line: its body is read as commands
// here, and as input by whatever it feeds.
bool hasHereDocument(const QString &line)
{
    for (qsizetype i = line.indexOf(QLatin1String("<<")); i >= 0;
         i = line.indexOf(QLatin1String("<<"), i + 2)) {
        if ((i == 0 || line[i - 1] != u'<') && (i + 2 >= line.size() || line[i + 2] != u'<'))
            return true;
        while (i + 2 < line.size() && line[i + 2] == u'<')
            ++i;
    }
    return false;
}

// Shells, interpreters and database clients: what they run may be text the line printed or
// stored (git commit -m '…' && sh -c "$(git log -1 --format=%s)"), so a line running one keeps
// its mentions.
bool runsText(QStringView name)
{
    static const char16_t *const names[] = {
        u"sh",    u"bash",    u"dash", u"zsh",    u"ksh",     u"mksh",    u"ash",
        u"fish",  u"csh",     u"tcsh", u"su",     u"ssh",     u"watch",   u"script",
        u"perl",  u"ruby",    u"node", u"nodejs", u"php",     u"lua",     u"awk",
        u"gawk",  u"mawk",    u"psql", u"mysql",  u"mariadb", u"sqlite3", u"sqlcmd",
        u"mongo", u"mongosh", u"at",   u"batch",  u"crontab"};
    return name.startsWith(u"python") || name == u"clickhouse-client" ||
           std::any_of(std::begin(names), std::end(names),
                       [name](const char16_t *n) { return name == QStringView(n); });
}

// Whether the command keeps the line one flat list of simple commands, each run as it is read:
// not a group, loop, conditional, subshell or substitution (their output or input is redirected
// or piped as a whole: `{ echo …; } | sh`, `if …; fi | sh`, `$(true; echo …)`), and nothing that
// changes what a later grep, echo or git is (a function, an alias, PATH=… on its own, a sourced
// or eval'd text, exec's redirections for the rest of the line).
bool keepsTheLineFlat(const ShellCommand &c)
{
    if (c.before.contains(u'(') || c.before.contains(u')') || c.before.contains(u'`'))
        return false;
    for (qsizetype i = 0; i <= c.program && i < c.words.size(); ++i) {
        if (isOneOf(c.words[i], {u"{", u"}", u"if", u"then", u"elif", u"else", u"fi", u"for",
                                 u"while", u"until", u"do", u"done", u"case", u"esac", u"select",
                                 u"function", u"coproc", u"[[", u"]]"}))
            return false;
    }
    if (isOneOf(c.name,
                {u"alias", u"source", u".", u"eval", u"exec", u"hash", u"enable", u"export",
                 u"declare", u"typeset", u"readonly", u"local", u"set", u"shopt", u"trap"}) ||
        runsText(c.name))
        return false;
    // PATH=/tmp/bin; …: an assignment on its own lasts for the rest of the line.
    return c.hasProgram() ||
           std::none_of(c.words.begin(), c.words.end(), &ShellCommands::isAssignment);
}

// Whether the command's output goes only where nothing runs it: the terminal, /dev/null, or the
// other output.
bool outputStaysText(const ShellCommand &c)
{
    for (const QString &r : c.redirections) {
        if (r.contains(QLatin1String("$(")) || r.contains(u'`'))
            return false;
        if (!r.contains(u'>'))
            continue; // < file, <<< word
        const qsizetype space = r.indexOf(u' ');
        if (space < 0) {
            // 2>&1, >&2, >&-; not >&3 (a file exec opened) nor a > before >( )
            if (!r.endsWith(QLatin1String("&1")) && !r.endsWith(QLatin1String("&2")) &&
                !r.endsWith(QLatin1String("&-")))
                return false;
            continue;
        }
        const QStringView target = QStringView(r).mid(space + 1);
        if (target != u"/dev/null" && target != u"/dev/stderr" && target != u"/dev/stdout")
            return false;
    }
    return true;
}

// Whether the program is the one its name says: found through PATH, no assignment before it that
// changes what runs (PATH=…, LD_PRELOAD=…), not in another root, and read from the line itself.
bool isPlainProgram(const ShellCommand &c)
{
    if (!c.hasProgram() || c.spans.size() != c.words.size())
        return false;
    const QString &program = c.words[c.program];
    if (program != c.name && program != QLatin1String("/bin/") + c.name &&
        program != QLatin1String("/usr/bin/") + c.name)
        return false;
    // Nothing before it but sudo: a wrapper's options may run what follows (env -S '…').
    for (qsizetype i = 0; i < c.program; ++i) {
        if (c.words[i] != QLatin1String("sudo"))
            return false;
    }
    for (const ShellCommand::Span &s : c.spans) {
        if (s.substitutes)
            return false;
    }
    return outputStaysText(c);
}

// The options of `words` from `from` that take a value, and which of them are the text of a
// message or a search (masked): the indexes of the words holding those values.
struct OptionValues {
    const char16_t *masked;      // short options whose value is text: "m", "SG"
    const char16_t *otherValues; // other short options taking a value
    std::initializer_list<const char16_t *> maskedLong; // --message, --grep
};

void addValues(const ShellCommand &c, qsizetype from, const OptionValues &o, QList<qsizetype> *out)
{
    for (qsizetype i = from; i < c.words.size(); ++i) {
        const QString &w = c.words[i];
        if (w == QLatin1String("--"))
            return;
        if (w.startsWith(QLatin1String("--"))) {
            const qsizetype eq = w.indexOf(u'=');
            const QStringView name = QStringView(w).left(eq < 0 ? w.size() : eq);
            if (isOneOf(name, o.maskedLong)) {
                if (eq >= 0)
                    out->append(i);
                else if (i + 1 < c.words.size())
                    out->append(++i);
            }
            continue;
        }
        if (!w.startsWith(u'-') || w.size() < 2)
            continue;
        for (qsizetype k = 1; k < w.size(); ++k) {
            const bool masked = QStringView(o.masked).contains(w[k]);
            if (!masked && !QStringView(o.otherValues).contains(w[k]))
                continue;           // a flag
            if (k + 1 < w.size()) { // -m"text", -S'text': the value in the same word
                if (masked)
                    out->append(i);
            } else if (i + 1 < c.words.size()) {
                ++i;
                if (masked)
                    out->append(i);
            }
            break;
        }
    }
}

// Whether `word` (up to any '=') is `option` or an abbreviation of it at least `least`
// characters long: git, ack, ag and grep take unambiguous prefixes of long options.
bool abbreviates(const QString &word, QLatin1String option, qsizetype least)
{
    const qsizetype eq = word.indexOf(u'=');
    const QStringView name = QStringView(word).left(eq < 0 ? word.size() : eq);
    return name.size() >= least && option.startsWith(name);
}

// The words of `c` that are only text it prints or searches (their indexes), or none.
QList<qsizetype> mentionedWords(const ShellCommand &c)
{
    QList<qsizetype> out;
    if (!printsOrSearches(c.name))
        return {};
    for (qsizetype i = c.program + 1; i < c.words.size(); ++i) {
        const QString &w = c.words[i];
        out.append(i);
    }
    return out;
}
// Whether the line holds what this reader may read otherwise than a shell does: a backslash
// before a line break, any expansion
// ($'…' is a quote to bash and not to dash, $$'…' is no quote at all, "${x:-"…"}" nests
// quotes, $_ and $0 run text), a carriage return (bash reads it as a letter, the reader as a line
// break) or another control character, or >& before anything but a descriptor (>&1x writes the
// file 1x).
bool readsOtherwise(const QString &line)
{
    for (qsizetype i = 0; i < line.size(); ++i) {
        const char16_t ch = line[i].unicode();
        if (ch == u'$' || (ch < 0x20 && ch != u'\t' && ch != u'\n') || ch == 0x7f)
            return true;
        // A backslash before a line break joins the lines before anything else is read:
        // `cat <\` + newline + `<cat` is a here-document the checks here would not see.
        if (ch == u'\\' && i + 1 < line.size() && line[i + 1] == u'\n')
            return true;
        if (ch == u'>' && i + 1 < line.size() && line[i + 1] == u'&') {
            qsizetype j = i + 2;
            if (j < line.size() && (line[j].isDigit() || line[j] == u'-'))
                ++j;
            if (j < line.size() && !line[j].isSpace() && line[j] != u';' && line[j] != u'&' &&
                line[j] != u'|' && line[j] != u')')
                return true;
        }
    }
    return false;
}

// Whether the command is one whose words may be mentions, or a filter or cd beside them, and
// none of its words makes it run a program (rg --pre, ack/ag --pager in any abbreviation) or set
// a variable (printf -v: an array subscript runs a command, HOME or PATH changes what later
// programs read). git is not one of them: a commit message is stored where later commands of
// the line (an editor set with -c, git log --output) run or write it.
bool onlyKeepsText(const ShellCommand &c)
{
    if (!isPlainProgram(c))
        return false;
    if (!printsOrSearches(c.name) && !isHarmlessFilter(c.name) && c.name != QLatin1String("cd"))
        return false;
    for (qsizetype i = c.program + 1; i < c.words.size(); ++i) {
        const QString &w = c.words[i];
        if (w == QLatin1String("--"))
            break;
        if ((c.name == QLatin1String("printf") && w.startsWith(QLatin1String("-v"))) ||
            abbreviates(w, QLatin1String("--pre"), 4) ||
            abbreviates(w, QLatin1String("--pre-glob"), 4) ||
            abbreviates(w, QLatin1String("--pager"), 4))
            return false;
    }
    return true;
}

} // namespace

QString CommandMentions::withoutMentions(const QString &line)
{
    // Most lines quote nothing, or name none of these programs: not read. A line longer than a
    // command anyone types is not read either (the forms of what is left would be made a second
    // time): it keeps its text, and its score.
    if (line.size() > kMaxLength ||
        (!line.contains(u'\'') && !line.contains(u'"') && !line.contains(u'\\')))
        return line;
    if (!namesAProgramThatPrints(line) || hasHereDocument(line) || readsOtherwise(line))
        return line;
    const QList<ShellCommand> commands = ShellCommands::read(line);
    // Every command of the line one of the few that only print, search or keep text, each run as
    // it is named: whatever else runs could run the text they print or store ($_, xargs env, a
    // git commit message read back from .git/COMMIT_EDITMSG by an editor or a hook).
    if (!std::all_of(commands.begin(), commands.end(), keepsTheLineFlat) ||
        !std::all_of(commands.begin(), commands.end(), onlyKeepsText))
        return line;
    QList<std::pair<qsizetype, qsizetype>> cut; // spans of the line to replace, in order
    for (qsizetype i = 0; i < commands.size(); ++i) {
        const ShellCommand &c = commands[i];
        if (!isPlainProgram(c))
            continue;
        // Piped on: only into filters that print what they read, whose output stays text.
        bool stays = true;
        for (qsizetype j = i + 1;
             stays && j < commands.size() && commands[j].before.startsWith(u'|') &&
             !commands[j].before.startsWith(QLatin1String("||"));
             ++j)
            stays = isHarmlessFilter(commands[j].name) && isPlainProgram(commands[j]) &&
                    !commands[j].before.contains(u' '); // "| (": a subshell
        if (!stays)
            continue;
        for (const qsizetype w : mentionedWords(c)) {
            const ShellCommand::Span &s = c.spans[w];
            if (s.quoted && s.begin >= 0 && (cut.isEmpty() || cut.last().second <= s.begin))
                cut.append({s.begin, s.end});
        }
    }
    if (cut.isEmpty())
        return line;
    QString out;
    out.reserve(line.size());
    qsizetype at = 0;
    for (const auto &[begin, end] : cut) {
        out += QStringView(line).mid(at, begin - at);
        out += QLatin1String("''");
        at = end;
    }
    out += QStringView(line).mid(at);
    return out;
}

} // namespace interlock
