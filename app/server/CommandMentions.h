#pragma once

#include <QString>

namespace interlock {

// A shell command line with the commands it only mentions left out (docs/risk-rules.md
// "Mentions"): the quoted operands of programs that print or search text and run none of it
// (grep -rn "rm -rf /" ., rg 'DROP TABLE' src/, echo 'never run rm -rf ~', git log
// --grep='reset --hard', git commit -m "…") are replaced by '' when nothing can run what they
// print. Whatever may run them keeps them: a pipe into anything but grep, head, tail, wc, cut or
// cat; output to a file; $( ) or ` ` around the command or inside its double quotes; a program
// given with its directory, after an assignment or chroot; a line that defines functions or
// aliases, changes PATH, sources a file or holds a here-document; and every command read from
// inside a word (sh -c '…', ssh host '…', eval, watch). Fail closed: when in doubt, the text
// stays. Read with ShellCommands; linear in the length of the line.
class CommandMentions
{
public:
    // `line` with those operands replaced; `line` itself when there are none (most lines) and
    // when it is longer than kMaxLength.
    static QString withoutMentions(const QString &line);
    static constexpr qsizetype kMaxLength = 16 * 1024;
};

} // namespace interlock
