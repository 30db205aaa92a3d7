#include "CtlCommon.h"
#include "SubmitBench.h"

namespace interlock::ctl {

int benchCommand(const QStringList &args)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("submit"),
                                 QStringLiteral("The benchmark to run (submit)."));
    parser.addOption({QStringLiteral("agents"),
                      QStringLiteral("Concurrent agent sessions (default 16)."),
                      QStringLiteral("N"), QStringLiteral("16")});
    parser.addOption({QStringLiteral("actions"),
                      QStringLiteral("Actions to submit in total (default 20000)."),
                      QStringLiteral("N"), QStringLiteral("20000")});
    parser.addOption({QStringLiteral("deliveries"),
                      QStringLiteral("Approve-to-agent deliveries to time (default 2000)."),
                      QStringLiteral("N"), QStringLiteral("2000")});
    parser.addOption({QStringLiteral("dir"),
                      QStringLiteral("Folder for the fresh databases, on the disk to measure "
                                     "(default: the current folder)."),
                      QStringLiteral("DIR"), QStringLiteral(".")});
    int code = Ok;
    if (!parseArguments(parser, args,
                        QStringLiteral("Benchmarks a fresh in-process server over loopback HTTP "
                                       "and prints a table with the machine's own "
                                       "ceiling measured in the same run (raw SQLite commits/s "
                                       "with the server's pragmas on the same disk)."),
                        &code))
        return code;
    if (parser.positionalArguments().mid(1) != QStringList{QStringLiteral("submit")})
        return fail(QStringLiteral("usage: interlockctl bench submit [--agents N] [--actions N] "
                                   "[--deliveries N] [--dir DIR]"),
                    Usage);
    SubmitBench::Options o;
    bool ok1 = false, ok2 = false, ok3 = false;
    o.agents = parser.value(QStringLiteral("agents")).toInt(&ok1);
    o.actions = parser.value(QStringLiteral("actions")).toInt(&ok2);
    o.deliveries = parser.value(QStringLiteral("deliveries")).toInt(&ok3);
    o.dir = parser.value(QStringLiteral("dir"));
    if (!ok1 || !ok2 || !ok3 || o.agents < 1 || o.agents > 256 || o.actions < o.agents ||
        o.deliveries < 1 || o.deliveries > o.actions)
        return fail(
            QStringLiteral(
                "--agents must be 1-256, --actions at least --agents, --deliveries 1 to --actions"),
            Usage);
    return SubmitBench(o).run();
}

} // namespace interlock::ctl
