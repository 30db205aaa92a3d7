#pragma once

#include <QString>
#include <QStringList>

namespace interlock {

// A command line read as a POSIX shell reads a simple command, for standing grants: the
// argument vector it would run, or the reason it cannot be read exactly. Anything whose meaning
// depends on more than its own text is refused, never guessed: operators and redirections
// (; & | < > ( ) and newlines), command substitution (` and $( ), every other $ expansion,
// globs (* ? [), brace, tilde and history expansion, comments, assignments before the command,
// unterminated quotes and control characters. Quotes and backslashes are removed as the shell
// removes them, so 'ls' and ls are the same argument vector.
struct ShellWords {
    QStringList argv;
    QString refusal; // empty when argv is exact

    bool ok() const { return refusal.isEmpty(); }
    static ShellWords parse(const QString &command);

    // Why a command must never be granted even when it parses: it runs another command given in
    // its arguments (a shell with -c, env, xargs, eval, sudo, an interpreter's inline code, find
    // -exec…). Empty when it does not.
    static QString wrapperReason(const QStringList &argv);
};

} // namespace interlock
