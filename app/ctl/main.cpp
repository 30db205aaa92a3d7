#include "CtlCommon.h"
#include "interlock_config.h"

#include <QCoreApplication>
#include <cstdio>
#include <functional>
#include <map>

using namespace interlock::ctl;

namespace {
const char kHelp[] =
    "Usage: interlockctl COMMAND [OPTIONS]\n"
    "Command line for Interlock, the human-in-the-loop approval queue for AI agents.\n\n"
    "Commands:\n"
    "  token create   create a token offline in a database file (--db FILE --role ROLE --name "
    "NAME)\n"
    "  session open   open an agent session with an enrollment token; prints shell exports\n"
    "  submit         submit an action (session token); prints its id\n"
    "  wait ID        wait for the decision; prints the approved payload\n"
    "  list           list actions, highest risk first\n"
    "  decide ID approve|reject|edit   decide an action (reviewer token)\n"
    "  run -- CMD     run an agent under a session; kill its whole process tree on kill\n"
    "  hook claude-code  Claude Code PreToolUse hook (--install adds it to the settings)\n"
    "  mcp-gateway -- CMD  stdio MCP proxy: every tools/call waits for a reviewer\n"
    "  agent-names [list] | release NAME   the agent names and the tokens they belong to\n"
    "  audit verify   check the audit log's hash chain in a database file, offline\n"
    "  db migrate     create or update the schema of a database (--db FILE|URL)\n"
    "  cluster        several interlockd on one PostgreSQL behind HAProxy (--db URL)\n"
    "  history generate  write a synthetic history of decided actions (--db FILE)\n"
    "  bench submit   measure submit throughput and decision delivery latency\n"
    "  bench kill     measure kill-to-reaped latency of supervised agents\n"
    "  bench risk     measure risk scoring throughput\n"
    "  bench history  measure history pages, stats, export and verify (--db FILE)\n"
    "  bench flood    measure the kill, memory and the dead-man switch under attack\n"
    "  bench breaker  measure how fast a circuit breaker freezes a runaway agent\n"
    "  bench hook     measure the Claude Code hook's answer for read-only tools\n"
    "  bench gateway  measure the MCP gateway's added latency per call\n\n"
    "Every command takes --help. Server and token come from --server/--token or\n"
    "INTERLOCK_URL and INTERLOCK_TOKEN (or INTERLOCK_SESSION_TOKEN).\n\n"
    "Exit codes: 0 done (approved), 1 failed, 2 usage error, 3 rejected,\n"
    "            4 expired or cancelled, 5 timed out while still pending.\n";
}

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("interlockctl"));
    QCoreApplication::setApplicationVersion(QStringLiteral(INTERLOCK_VERSION));
    const QStringList args = QCoreApplication::arguments();
    const QString command = args.value(1);
    // The supervisor runs beside its agent for hours: no token of it stays readable there.
    if (command == QLatin1String("run"))
        scrubTokenArgument(argc, argv);
    if (command.isEmpty() || command == QLatin1String("--help") || command == QLatin1String("-h") ||
        command == QLatin1String("help")) {
        std::fputs(kHelp, command.isEmpty() ? stderr : stdout);
        return command.isEmpty() ? Usage : Ok;
    }
    if (command == QLatin1String("--version")) {
        std::printf("interlockctl %s\n", INTERLOCK_VERSION);
        return Ok;
    }
    static const std::map<QString, std::function<int(const QStringList &)>> commands{
        {QStringLiteral("token"), tokenCommand},
        {QStringLiteral("agent-names"), agentNamesCommand},
        {QStringLiteral("session"), sessionCommand},
        {QStringLiteral("submit"), submitCommand},
        {QStringLiteral("wait"), waitCommand},
        {QStringLiteral("list"), listCommand},
        {QStringLiteral("decide"), decideCommand},
        {QStringLiteral("bench"), benchCommand},
        {QStringLiteral("run"), runCommand},
        {QStringLiteral("audit"), auditCommand},
        {QStringLiteral("history"), historyCommand},
        {QStringLiteral("hook"), hookCommand},
        {QStringLiteral("mcp-gateway"), mcpGatewayCommand},
        {QStringLiteral("db"), dbCommand},
        {QStringLiteral("cluster"), clusterCommand},
    };
    const auto it = commands.find(command);
    if (it == commands.end())
        return fail(QStringLiteral("unknown command '%1' (see 'interlockctl --help')").arg(command),
                    Usage);
    return it->second(args);
}
