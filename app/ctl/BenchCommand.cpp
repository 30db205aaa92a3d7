#include "BreakerBench.h"
#include "ClusterBench.h"
#include "CtlCommon.h"
#include "FloodBench.h"
#include "HistoryBench.h"
#include "IntegrationBench.h"
#include "KillBench.h"
#include "McpEchoServer.h"
#include "RawFlood.h"
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
    if (args.value(2) == QLatin1String("hold"))
        return holdCommand(args.mid(0, 2) + args.mid(3));
    QCommandLineParser parser;
    parser.addPositionalArgument(
        QStringLiteral("benchmark"),
        QStringLiteral("submit, kill, risk, history, flood, breaker, hook or gateway."),
        QStringLiteral("submit|kill|risk|history|flood|breaker|hook|gateway"));
    const auto option = [&](const char *name, const char *help, const char *fallback) {
        parser.addOption({QString::fromLatin1(name), QString::fromLatin1(help), QStringLiteral("N"),
                          QString::fromLatin1(fallback)});
    };
    option("agents", "submit, breaker: concurrent agent sessions (default 16).", "16");
    option("actions", "submit: actions to submit in total (default 20000).", "20000");
    option("deliveries", "submit: approve-to-agent deliveries to time (default 2000).", "2000");
    option("sessions", "kill: supervised agents (default 50).", "50");
    option("procs", "kill: processes in each agent's tree (default 20).", "20");
    option("rounds", "risk: passes over the corpus (default 2000).", "2000");
    option("repeats", "history: requests per timed page (default 30).", "30");
    option("runs", "hook: hook runs to time (default 300).", "300");
    option("calls", "gateway: tools/call round trips to time (default 500).", "500");
    parser.addOption({QStringLiteral("log"),
                      QStringLiteral("mcp-echo: append every line received to FILE."),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("cr-ends-lines"),
                      QStringLiteral("mcp-echo: also end a line at a bare CR, as the MCP Python "
                                     "SDK does.")});
    option("connections", "flood: idle connections held open (default 2000).", "2000");
    option("polls", "flood: long-polls parked (default 300).", "300");
    option("samples", "flood: kills timed, idle and flooded each (default 200).", "200");
    option("upload-mib", "flood: size of the oversized upload (default 1024).", "1024");
    option("dead-man", "flood: the supervisor's dead-man time, seconds (default 3).", "3");
    option("submitters",
           "flood: connections on which an agent floods the API thread with heavy submissions "
           "while a reviewer reads the queue (default 48; 0: not measured).",
           "48");
    parser.addOption({QStringLiteral("interlockd"),
                      QStringLiteral("flood: the interlockd to run (default: next to this "
                                     "program)."),
                      QStringLiteral("PATH")});
    option("lanes", "breaker: requests in flight per agent (default 2).", "2");
    option("limit", "breaker: freeze after more than N deletes in 60 s (default 20).", "20");
    option("after", "breaker: submissions each lane sends after its first refusal (default 10).",
           "10");
    parser.addOption({QStringLiteral("baseline-rules"),
                      QStringLiteral("risk: also score the corpus with this rules file (the "
                                     "rules before a change) and print its quality first."),
                      QStringLiteral("FILE")});
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
                           "read straight from SQLite, the same entries only hashed.\n"
                           "  flood: a real interlockd under attack: the kill's answer time "
                           "with idle connections and long-polls open, peak memory during a "
                           "1 GiB upload, the dead-man switch of a self-flooding agent; "
                           "references: the idle server, idle memory, a quiet agent.\n"
                           "  breaker: agents deleting e-mails in a loop until a breaker freezes "
                           "them (--rounds of fresh sessions, default 8): tripping submission "
                           "to frozen, submissions accepted after the trip; floor: accepted "
                           "submissions and a bare round trip.\n"
                           "  hook: start-to-answer of the Claude Code hook for a read-only "
                           "tool; floor: /bin/cat with the same input.\n"
                           "  gateway: tools/call round trips through the MCP gateway "
                           "(auto-approved) against the same server called directly."),
            &code))
        return code;
    const QStringList which = parser.positionalArguments().mid(1);
    if (which == QStringList{QStringLiteral("mcp-echo")}) // the MCP server of bench gateway
        return runMcpEchoServer(parser.value(QStringLiteral("log")),
                                parser.isSet(QStringLiteral("cr-ends-lines")));
    if (which == QStringList{QStringLiteral("hook")}) {
        int runs = 0;
        if (!readInt(parser, "runs", 1, 100000, &runs))
            return fail(QStringLiteral("--runs must be 1-100000"), Usage);
        return runHookBench(runs);
    }
    if (which == QStringList{QStringLiteral("gateway")}) {
        int calls = 0;
        if (!readInt(parser, "calls", 1, 1000000, &calls))
            return fail(QStringLiteral("--calls must be 1-1000000"), Usage);
        return runGatewayBench(calls, parser.value(QStringLiteral("dir")));
    }
    if (which == QStringList{QStringLiteral("kill")}) {
        KillBench::Options k;
        k.dir = parser.value(QStringLiteral("dir"));
        if (!readInt(parser, "sessions", 1, 500, &k.sessions) ||
            !readInt(parser, "procs", 1, 500, &k.procs))
            return fail(QStringLiteral("--sessions and --procs must be 1-500"), Usage);
        return KillBench(k).run();
    }
    if (which == QStringList{QStringLiteral("flood")}) {
        FloodBench::Options f;
        f.dir = parser.value(QStringLiteral("dir"));
        f.interlockd = parser.value(QStringLiteral("interlockd"));
        if (!readInt(parser, "connections", 0, 100000, &f.connections) ||
            !readInt(parser, "polls", 0, 10000, &f.polls) ||
            !readInt(parser, "samples", 1, 100000, &f.samples) ||
            !readInt(parser, "upload-mib", 2, 65536, &f.uploadMiB) ||
            !readInt(parser, "dead-man", 1, 600, &f.deadManSeconds) ||
            !readInt(parser, "submitters", 0, 1000, &f.submitters))
            return fail(QStringLiteral("bench flood: bad option value (see --help)"), Usage);
        return FloodBench(f).run();
    }
    if (which == QStringList{QStringLiteral("breaker")}) {
        BreakerBench::Options b;
        b.dir = parser.value(QStringLiteral("dir"));
        if (!readInt(parser, "agents", 1, 500, &b.agents) ||
            !readInt(parser, "lanes", 1, 16, &b.lanes) ||
            !readInt(parser, "limit", 1, 10000, &b.limit) ||
            !readInt(parser, "after", 1, 10000, &b.after) ||
            (parser.isSet(QStringLiteral("rounds")) &&
             !readInt(parser, "rounds", 1, 1000, &b.rounds)))
            return fail(QStringLiteral("--agents 1-500, --lanes 1-16, --limit 1-10000, --after "
                                       "1-10000, --rounds 1-1000"),
                        Usage);
        return BreakerBench(b).run();
    }
    if (which == QStringList{QStringLiteral("risk")}) {
        int rounds = 0;
        if (!readInt(parser, "rounds", 1, 1000000, &rounds))
            return fail(QStringLiteral("--rounds must be 1-1000000"), Usage);
        return runRiskBench(rounds, parser.value(QStringLiteral("baseline-rules")));
    }
    if (which == QStringList{QStringLiteral("history")}) {
        int repeats = 0;
        if (!parser.isSet(QStringLiteral("db")) || !readInt(parser, "repeats", 1, 10000, &repeats))
            return fail(QStringLiteral("usage: interlockctl bench history --db FILE [--repeats N]"),
                        Usage);
        return runHistoryBench(parser.value(QStringLiteral("db")), repeats);
    }
    if (which != QStringList{QStringLiteral("submit")})
        return fail(QStringLiteral("usage: interlockctl bench "
                                   "submit|kill|risk|history|flood|breaker|hook|gateway "
                                   "[OPTIONS] (see --help)"),
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
