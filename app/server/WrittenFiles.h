#pragma once

#include "SentFiles.h"

namespace interlock {

// The local files a command line writes or changes (docs/risk-rules.md, detector
// `written_files`), read as ShellCommands reads the line (behind sudo, in sh -c…), each with the
// program (or redirection) that does it:
// - output redirections (>, >>, >|, &>, 2>…) but to /dev/null, /dev/stdout, /dev/stderr;
// - tee's operands; the destination of cp, mv, install, ln and a local rsync (its last
//   operand, or -t/--target-directory); dd of=; sed, perl and ruby with -i (every operand);
// - chmod, chown, chgrp, chattr, setfacl, truncate, touch, shred: every operand;
// - crontab FILE or crontab - (the user's crontab under /var/spool/cron/; not -l).
// Used with the patterns of fs.sensitive-path and fs.startup-file: the same paths written from
// a shell score as written with fs.write. Linear in the line.
class WrittenFiles
{
public:
    static QList<SentFile> inCommand(const QString &commandLine);
};

} // namespace interlock
