#pragma once

#include "SentFiles.h"

namespace interlock {

// The local files a command line writes or changes (docs/risk-rules.md, detector
// `written_files`), read as ShellCommands reads the line (behind sudo, in sh -c…), each with the
// program (or redirection) that does it:
// - output redirections (>, >>, >|, &>, 2>…) but to /dev/null, /dev/stdout, /dev/stderr;
// - tee's operands; the destination of cp, mv, install, ln and a local rsync (its last
//   operand, or -t/--target-directory); dd of=; sed, perl and ruby with -i (every operand);
// - chmod, chown, chgrp, chattr, setfacl, truncate, touch, shred: every operand, but a chmod
//   that only takes rights away from group and others of a file in a home folder
//   (chmod 600 ~/.ssh/id_rsa, chmod -R go-rwx ~/.ssh): what ssh asks for, not a change to fear;
// - crontab FILE or crontab - (the user's crontab under /var/spool/cron/; not -l).
// Used with the patterns of fs.sensitive-path and fs.startup-file: the same paths written from
// a shell score as written with fs.write. Linear in the line.
class WrittenFiles
{
public:
    static QList<SentFile> inCommand(const QString &commandLine);
    static QList<SentFile> inCommand(const QList<ShellCommand> &commands); // as read

    // A file a command copies to another local file (detector `copied_files`).
    struct Copy {
        QString path; // the file read, as written
        QString to;   // where its content goes, as written
        QString
            tool; // cp, mv, install, ln, rsync, dd, tar, zip, 7z, or "cat, then a redirection (>)"
    };
    // The files a command line copies to other local files: the sources of cp, mv, install, ln
    // and a local rsync (to their destination), dd if= (to of=), what tar c, zip and 7z a put in
    // an archive file, and what cat, head, tail, base64, xxd, gzip -c… read (operands, < FILE,
    // and what the commands piped into them read) when the output of their pipeline goes to a
    // file (>, >>, tee FILE) or into an archive. Copies to another machine are SentFiles'.
    static QList<Copy> copies(const QString &commandLine);
    static QList<Copy> copies(const QList<ShellCommand> &commands); // as read
};

} // namespace interlock
