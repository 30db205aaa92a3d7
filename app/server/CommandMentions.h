#pragma once

#include <QString>

namespace interlock {

// A shell command line with the commands it only mentions left out (docs/risk-rules.md
// "Mentions"): the quoted operands of grep, egrep, fgrep, rg, ag, ack, echo and printf (grep -rn
// "rm -rf /" ., rg 'DROP TABLE' src/, echo 'never run rm -rf ~') are replaced by '' when the
// whole line is only such commands, filters (head, tail, wc, cut, cat) and cd, each run as
// named (behind nothing but sudo), and its output stays text. Any other command anywhere in the
// line (git too: a commit message is stored where later commands run or write it), any $, a
// control character, a backslash before a line break, >& before anything but a descriptor, a
// here-document, output to a file, printf -v, --pre and --pager keep the line as sent. Fail
// closed: when in doubt, the text stays. Read with ShellCommands; linear in the line's length.
class CommandMentions
{
public:
    // `line` with those operands replaced; `line` itself when there are none (most lines) and
    // when it is longer than kMaxLength.
    static QString withoutMentions(const QString &line);
    static constexpr qsizetype kMaxLength = 16 * 1024;
};

} // namespace interlock
