#pragma once

#include <QString>
#include <QStringList>
#include <algorithm>
#include <initializer_list>

namespace interlock {

// One simple command of a command line, as ShellCommands reads it.
struct ShellCommand {
    QString before;        // the operator before it: "", ";", "|", "&&", "$(", "`"…
    QStringList words;     // every word, quotes and backslashes removed as the shell removes them
    qsizetype program = 0; // the index in `words` of the program run: after assignments,
                           // keywords ({, !, then…) and wrappers (sudo, env, nohup, timeout…)
                           // with their own options; words.size() when there is none
    QString name;          // the program's name without its directory (/bin/rm is rm)
    QString flags;         // its short options' letters in first-seen order: -f -r, -fr and
                           // --force --recursive are all "fr"
    QStringList options;   // its other options, as written: --no-preserve-root, -n5
    QStringList operands;  // its operands in order (after "--" every word); name=value ones last,
                           // sorted by name (dd's of=… if=… is if=… of=…)
    QStringList arguments; // the words after the program but the merged short options, in order
                           // (name=value ones last, sorted): the options and operands as written
    QStringList redirections; // "> /etc/passwd", "2>&1"
    // Where each of `words` is in the line read, for the commands of the line itself; empty for
    // those read from inside a word (sh -c '…', ssh host '…', "$(…)").
    struct Span {
        qsizetype begin = -1, end = -1; // [begin, end) in the line
        bool quoted = false;            // some of it in '…', "…", $'…' or after a backslash
        bool substitutes = false;       // $( ) or ` ` inside its double quotes
    };
    QList<Span> spans;

    bool hasProgram() const { return program < words.size(); }
    // Whether the program's name is one of `names` (u"grep", u"cp"…).
    bool nameIsOneOf(std::initializer_list<const char16_t *> names) const
    {
        return std::any_of(names.begin(), names.end(),
                           [this](const char16_t *n) { return name == QStringView(n); });
    }
};

// A command line read leniently, for scoring (docs/risk-rules.md "Normalised forms"): every
// simple command it runs, however it is spelled. Where ShellWords reads the line exactly, the
// same words (tst_shellwords checks it); where it refuses, a reading that still goes on:
// quotes, backslashes, $'…' and line continuations
// removed as the shell removes them, comments dropped; ; & | && || ( ) $( ` and line breaks
// separate simple commands, redirections stay with theirs; variables, globs and braces stay as
// text. The commands a shell (sh -c, bash -c, ssh host, eval, su -c…) or a command
// substitution would run are read too and follow with ";". Linear in the length of the line
// (nesting is read at most three deep). It guesses where ShellWords refuses: never for grants.
class ShellCommands
{
public:
    static QList<ShellCommand> read(const QString &commandLine);
};

} // namespace interlock
