#pragma once

#include <QtGlobal>

namespace interlock {

struct ShellCommand;

// Where the subcommand of a tool with global options starts (git -C /repo push, terraform
// -chdir=infra destroy, aws --profile x s3 rm, helm -n prod uninstall, kubectl -n prod delete,
// docker -H host run, gcloud --project p storage rm): the index in `c.words` of the first word
// after the program that is neither a global option nor an option's value. Options taking a
// value are known per tool (--opt=value and -nvalue are one word; aws also takes an
// abbreviation, as argparse does); other options are taken as flags, since the tool refuses
// options it does not know. -1 for other programs and when no option comes before the
// subcommand. Linear in the number of words.
class Subcommands
{
public:
    static qsizetype start(const ShellCommand &c);
};

} // namespace interlock
