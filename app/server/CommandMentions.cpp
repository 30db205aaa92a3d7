#include "CommandMentions.h"

#include "core/ShellCommands.h"

#include <QList>

namespace interlock {

namespace {
// Programs whose operands are text they print or search, never a command they run.
bool printsOrSearches(const ShellCommand &c)
{
    return c.nameIsOneOf({u"grep", u"egrep", u"fgrep", u"rg", u"ag", u"ack", u"echo", u"printf"});
}

// Programs a mention may be piped into: they print part of what they read, and run none of it.
bool isHarmlessFilter(const ShellCommand &c)
{
    return c.nameIsOneOf(
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

// Whether `word` (up to any '=') is `option` or an abbreviation of it at least `least`
// characters long: ack, ag and grep take unambiguous prefixes of long options.
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
    if (printsOrSearches(c)) {
        for (qsizetype i = c.program + 1; i < c.words.size(); ++i)
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

// Whether the command is one whose words may be mentions, or a filter or cd beside them, run as
// named (so no keyword, alias, function, shell, interpreter or lone assignment), and none of its
// words makes it run a program (rg --pre, ack/ag --pager in any abbreviation) or set
// a variable (printf -v: an array subscript runs a command, HOME or PATH changes what later
// programs read). git is not one of them: a commit message is stored where later commands of
// the line (an editor set with -c, git log --output) run or write it.
bool onlyKeepsText(const ShellCommand &c)
{
    // Not inside a group, subshell or substitution, whose output goes somewhere as a whole
    // (`(echo …) | sh`, `` `echo …` ``).
    if (c.before.contains(u'(') || c.before.contains(u')') || c.before.contains(u'`'))
        return false;
    if (!isPlainProgram(c) ||
        !(printsOrSearches(c) || isHarmlessFilter(c) || c.nameIsOneOf({u"cd"})))
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
    if (!std::all_of(commands.begin(), commands.end(), onlyKeepsText))
        return line;
    QList<std::pair<qsizetype, qsizetype>> cut; // spans of the line to replace, in order
    for (qsizetype i = 0; i < commands.size(); ++i) {
        const ShellCommand &c = commands[i];
        // Piped on: only into filters that print what they read (each one is run as named and
        // its output stays text, as every command of the line).
        bool stays = true;
        for (qsizetype j = i + 1;
             stays && j < commands.size() && commands[j].before.startsWith(u'|') &&
             !commands[j].before.startsWith(QLatin1String("||"));
             ++j)
            stays = isHarmlessFilter(commands[j]) &&
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
