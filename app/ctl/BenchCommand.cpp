#include "ClusterBench.h"
#include "CtlCommon.h"
#include "HistoryBench.h"
#include "KillBench.h"
#include "RiskBench.h"
#include "SubmitBench.h"

namespace interlock::ctl {

namespace {
bool readInt(const QCommandLineParser &parser, const char *name, int min, int max, int *out)
{
    bool ok = false;
    *out = parser.value(QString::fromLatin1(name)).toInt(&ok);
    return ok && *out >= min && *out <= max;
}
} // namespace

int benchCommand(const QStringList &args)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("benchmark"),
                                 QStringLiteral("submit, kill, risk or history."),
                                 QStringLiteral("submit|kill|risk|history"));
    const auto option = [&](const char *name, const char *help, const char *fallback) {
        parser.addOption({QString::fromLatin1(name), QString::fromLatin1(help), QStringLiteral("N"),
                          QString::fromLatin1(fallback)});
    };
    option("agents", "submit: concurrent agent sessions (default 16).", "16");
    option("actions", "submit: actions to submit in total (default 20000).", "20000");
    option("deliveries", "submit: approve-to-agent deliveries to time (default 2000).", "2000");
    option("sessions", "kill: supervised agents (default 50).", "50");
    option("procs", "kill: processes in each agent's tree (default 20).", "20");
    option("rounds", "risk: passes over the corpus (default 2000).", "2000");
    option("repeats", "history: requests per timed page (default 30).", "30");
    parser.addOption({QStringLiteral("db"),
                      QStringLiteral("history: a database made by 'interlockctl history "
                                     "generate'."),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("store"),
                      QStringLiteral("submit: PostgreSQL instead (URL): 1 and 2 interlockd behind "
                                     "HAProxy on fresh databases of that cluster, against "
                                     "pgbench; kill and delivery also across servers."),
                      QStringLiteral("URL")});
    parser.addOption({QStringLiteral("dir"),
                      QStringLiteral("Folder for the fresh databases, on the disk to measure "
                                     "(default: the current folder)."),
                      QStringLiteral("DIR"), QStringLiteral(".")});
    int code = Ok;
    if (!parseArguments(
            parser, args,
            QStringLiteral("Benchmarks a fresh in-process server over loopback HTTP and "
                           "prints a table with the machine's own ceiling or floor "
                           "measured in the same run.\n"
                           "  submit: durable submits/s and latency, decision delivery "
                           "latency; ceiling: raw SQLite commits/s on the same disk.\n"
                           "  kill: kill-to-reaped latency of supervised agents; floor: "
                           "the same trees killed directly.\n"
                           "  risk: scoring throughput over the risk corpus; reference: "
                           "parsing the same JSON.\n"
                           "  history --db FILE: history pages, stats, CSV/JSON export and "
                           "audit verify over a generated database; ceilings: the same rows "
                           "read straight from SQLite, the same entries only hashed."),
            &code))
        return code;
    const QStringList which = parser.positionalArguments().mid(1);
    if (which == QStringList{QStringLiteral("kill")}) {
        KillBench::Options k;
        k.dir = parser.value(QStringLiteral("dir"));
        if (!readInt(parser, "sessions", 1, 500, &k.sessions) ||
            !readInt(parser, "procs", 1, 500, &k.procs))
            return fail(QStringLiteral("--sessions and --procs must be 1-500"), Usage);
        return KillBench(k).run();
    }
    if (which == QStringList{QStringLiteral("risk")}) {
        int rounds = 0;
        if (!readInt(parser, "rounds", 1, 1000000, &rounds))
            return fail(QStringLiteral("--rounds must be 1-1000000"), Usage);
        return runRiskBench(rounds);
    }
    if (which == QStringList{QStringLiteral("history")}) {
        int repeats = 0;
        if (!parser.isSet(QStringLiteral("db")) || !readInt(parser, "repeats", 1, 10000, &repeats))
            return fail(QStringLiteral("usage: interlockctl bench history --db FILE [--repeats N]"),
                        Usage);
        return runHistoryBench(parser.value(QStringLiteral("db")), repeats);
    }
    if (which != QStringList{QStringLiteral("submit")})
        return fail(
            QStringLiteral(
                "usage: interlockctl bench submit|kill|risk|history [OPTIONS] (see --help)"),
            Usage);
    if (parser.isSet(QStringLiteral("store"))) {
        ClusterBench::Options c;
        c.store = parser.value(QStringLiteral("store"));
        c.dir = parser.value(QStringLiteral("dir"));
        c.deliveries = 1000;
        if (!readInt(parser, "agents", 1, 256, &c.agents) ||
            !readInt(parser, "actions", c.agents, 10000000, &c.actions) ||
            (parser.isSet(QStringLiteral("deliveries")) &&
             !readInt(parser, "deliveries", 1, c.actions, &c.deliveries)) ||
            (parser.isSet(QStringLiteral("sessions")) &&
             !readInt(parser, "sessions", 2, 500, &c.sessions)) ||
            (parser.isSet(QStringLiteral("procs")) && !readInt(parser, "procs", 1, 500, &c.procs)))
            return fail(QStringLiteral("--agents must be 1-256, --actions at least --agents, "
                                       "--deliveries 1 to --actions, --sessions 2-500, --procs "
                                       "1-500"),
                        Usage);
        return ClusterBench(c).run();
    }
    SubmitBench::Options o;
    o.dir = parser.value(QStringLiteral("dir"));
    if (!readInt(parser, "agents", 1, 256, &o.agents) ||
        !readInt(parser, "actions", o.agents, 10000000, &o.actions) ||
        !readInt(parser, "deliveries", 1, o.actions, &o.deliveries))
        return fail(QStringLiteral("--agents must be 1-256, --actions at least --agents, "
                                   "--deliveries 1 to --actions"),
                    Usage);
    return SubmitBench(o).run();
}

} // namespace interlock::ctl
