// `interlockctl hook claude-code` (the full hook, and --install) and `interlockctl mcp-gateway`.
#include "CtlCommon.h"
#include "integrations/ClaudeCodeHook.h"
#include "integrations/ClaudeSettingsInstaller.h"
#include "integrations/McpGateway.h"
#include "integrations/front/HookProtocol.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <cstdio>
#include <unistd.h>

namespace interlock::ctl {

namespace {
using integrations::ClaudeCodeHook;
using integrations::ClaudeSettingsInstaller;

// The path of the `interlockctl` that Claude Code should run: beside this program (the build
// tree), else where the installation keeps it.
QString frontProgram()
{
    const QString dir = QCoreApplication::applicationDirPath();
    if (QFileInfo(dir + QStringLiteral("/interlockctl")).isExecutable())
        return dir + QStringLiteral("/interlockctl");
    return QDir::cleanPath(dir + QStringLiteral("/" INTERLOCKCTL_FRONT_FROM_FULL "/interlockctl"));
}

int printAnswer(const QByteArray &json)
{
    std::fwrite(json.constData(), 1, size_t(json.size()), stdout);
    std::fflush(stdout);
    return Ok; // a hook always exits 0: Claude Code may run the tool on any other status
}

QByteArray readHookInput(bool *tooLarge)
{
    QFile in;
    QByteArray data;
    if (in.open(stdin, QIODevice::ReadOnly))
        data = in.read(qint64(integrations::hook::kMaxInputBytes) + 1);
    *tooLarge = data.size() > qsizetype(integrations::hook::kMaxInputBytes);
    return data;
}

int install(const QCommandLineParser &parser, const QStringList &hookArgs, int deadline)
{
    const bool user = parser.isSet(QStringLiteral("user"));
    if (user && parser.isSet(QStringLiteral("project")))
        return fail(QStringLiteral("--user and --project exclude each other"), Usage);
    const QString path = user ? QDir::homePath() + QStringLiteral("/.claude/settings.json")
                              : QDir(parser.isSet(QStringLiteral("project"))
                                         ? parser.value(QStringLiteral("project"))
                                         : QDir::currentPath())
                                    .absoluteFilePath(QStringLiteral(".claude/settings.json"));
    ClaudeSettingsInstaller::Entry entry;
    entry.command = parser.isSet(QStringLiteral("command"))
                        ? parser.value(QStringLiteral("command"))
                        : frontProgram();
    entry.args = hookArgs;
    bool ok = true;
    entry.timeoutSeconds = parser.isSet(QStringLiteral("timeout"))
                               ? parser.value(QStringLiteral("timeout")).toInt(&ok)
                               : deadline + 100;
    if (!ok || entry.timeoutSeconds < deadline + integrations::hook::kBackstopSeconds + 5)
        return fail(QStringLiteral("--timeout must be at least %1 s: Claude Code's timeout must "
                                   "leave the hook time to answer after its own deadline")
                        .arg(deadline + integrations::hook::kBackstopSeconds + 5),
                    Usage);
    const bool uninstall = parser.isSet(QStringLiteral("uninstall"));
    const bool dryRun = parser.isSet(QStringLiteral("dry-run"));
    const auto outcome = ClaudeSettingsInstaller::apply(path, entry, uninstall, dryRun);
    if (!outcome.error.isEmpty())
        return fail(outcome.error);
    if (!outcome.changed) {
        out(QStringLiteral("%1: %2").arg(path, uninstall ? QStringLiteral("no Interlock hook; "
                                                                          "nothing changed")
                                                         : QStringLiteral("the Interlock hook is "
                                                                          "already installed; "
                                                                          "nothing changed")));
        return Ok;
    }
    out(QStringLiteral("%1%2:").arg(path, dryRun ? QStringLiteral(" (dry run, not written)")
                                                 : QString()));
    for (const QString &line : outcome.report)
        out(QStringLiteral("  ") + line);
    return Ok;
}

// The MCP server's name for reviewers: the program, or for interpreters the script or package.
QString defaultServerName(const QStringList &command)
{
    static const QStringList interpreters{
        QStringLiteral("node"),   QStringLiteral("nodejs"),  QStringLiteral("npx"),
        QStringLiteral("python"), QStringLiteral("python3"), QStringLiteral("uv"),
        QStringLiteral("uvx"),    QStringLiteral("deno"),    QStringLiteral("bun"),
        QStringLiteral("bunx"),   QStringLiteral("pipx"),    QStringLiteral("env")};
    QString name = QFileInfo(command.value(0)).fileName();
    if (interpreters.contains(name)) {
        for (const QString &arg : command.mid(1)) {
            if (!arg.startsWith(QLatin1Char('-')) && arg != QLatin1String("run")) {
                name = QFileInfo(arg).fileName();
                break;
            }
        }
    }
    return name.left(100);
}
} // namespace

int hookCommand(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Claude Code PreToolUse hook: puts every tool call but the read-only ones "
                       "before a reviewer and answers allow (with the reviewer's edits) or deny. "
                       "It always answers JSON and exits 0, and denies on every failure."));
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")},
                                  QStringLiteral("Show this help."));
    parser.addOption(help);
    parser.addOption({QStringLiteral("server"),
                      QStringLiteral("Interlock's URL (default: $INTERLOCK_URL or "
                                     "http://127.0.0.1:7878)."),
                      QStringLiteral("URL")});
    parser.addOption(
        {QStringLiteral("agent"),
         QStringLiteral("Agent name for sessions the hook opens (default claude-code)."),
         QStringLiteral("NAME"), QStringLiteral("claude-code")});
    parser.addOption({QStringLiteral("owner"), QStringLiteral("Owner of sessions the hook opens."),
                      QStringLiteral("NAME")});
    parser.addOption(
        {QStringLiteral("read-only-tools"),
         QStringLiteral("Comma-separated tools allowed without review (default: %1).")
             .arg(QString::fromLatin1(integrations::hook::kDefaultReadOnlyTools.data(),
                                      integrations::hook::kDefaultReadOnlyTools.size())),
         QStringLiteral("LIST")});
    parser.addOption({QStringLiteral("deadline"),
                      QStringLiteral("Deny after S seconds without a decision (default %1); keep "
                                     "Claude Code's timeout above S + 15.")
                          .arg(integrations::hook::kDefaultDeadlineSeconds),
                      QStringLiteral("S")});
    parser.addOption({QStringLiteral("install"),
                      QStringLiteral("Add the hook to Claude Code's settings and print what "
                                     "changed.")});
    parser.addOption({QStringLiteral("uninstall"),
                      QStringLiteral("Remove the hook from Claude Code's settings.")});
    parser.addOption({QStringLiteral("project"),
                      QStringLiteral("With --install: DIR/.claude/settings.json (default: the "
                                     "current folder)."),
                      QStringLiteral("DIR")});
    parser.addOption(
        {QStringLiteral("user"), QStringLiteral("With --install: ~/.claude/settings.json.")});
    parser.addOption({QStringLiteral("timeout"),
                      QStringLiteral("With --install: Claude Code's timeout for the hook "
                                     "(default: the deadline + 100 s)."),
                      QStringLiteral("S")});
    parser.addOption({QStringLiteral("command"),
                      QStringLiteral("With --install: the interlockctl path to write (default: "
                                     "this one)."),
                      QStringLiteral("PATH")});
    parser.addOption({QStringLiteral("dry-run"),
                      QStringLiteral("With --install: print what would change, write nothing.")});
    parser.addPositionalArgument(QStringLiteral("claude-code"), QStringLiteral("The agent."));
    const bool parsed = parser.parse(args);
    const bool installing = parsed && (parser.isSet(QStringLiteral("install")) ||
                                       parser.isSet(QStringLiteral("uninstall")));
    if (parsed && parser.isSet(help)) {
        std::fputs(
            qPrintable(parser.helpText().replace(QStringLiteral("Usage: ") + args.value(0),
                                                 QStringLiteral("Usage: interlockctl hook"))),
            stdout);
        return Ok;
    }
    const QString deny = QStringLiteral("Interlock: ");
    if (!parsed || parser.positionalArguments().value(1) != QLatin1String("claude-code")) {
        const QString why =
            !parsed ? parser.errorText() : QStringLiteral("the agent must be claude-code");
        if (installing)
            return fail(QStringLiteral("hook: ") + why, Usage);
        return printAnswer(QByteArray::fromStdString(integrations::hook::denyJson(
            QString(deny + QStringLiteral("the hook is misconfigured (%1); denied").arg(why))
                .toStdString())));
    }
    bool ok = true;
    const int deadline = parser.isSet(QStringLiteral("deadline"))
                             ? parser.value(QStringLiteral("deadline")).toInt(&ok)
                             : integrations::hook::kDefaultDeadlineSeconds;
    if (!ok || deadline < 1 || deadline > 24 * 3600) {
        if (installing)
            return fail(QStringLiteral("--deadline must be 1 to 86400 seconds"), Usage);
        return printAnswer(QByteArray::fromStdString(
            integrations::hook::denyJson("Interlock: the hook is misconfigured (--deadline must be "
                                         "1 to 86400 seconds); denied")));
    }
    if (installing) {
        QStringList hookArgs{QStringLiteral("hook"), QStringLiteral("claude-code")};
        for (const QString &o :
             {QStringLiteral("server"), QStringLiteral("agent"), QStringLiteral("owner"),
              QStringLiteral("read-only-tools"), QStringLiteral("deadline")}) {
            if (parser.isSet(o))
                hookArgs << QStringLiteral("--") + o << parser.value(o);
        }
        return install(parser, hookArgs, deadline);
    }

    ClaudeCodeHook::Options o;
    o.server = serverUrl(parser);
    o.agent = parser.value(QStringLiteral("agent"));
    o.owner = parser.value(QStringLiteral("owner"));
    o.readOnlyTools = parser.isSet(QStringLiteral("read-only-tools"))
                          ? parser.value(QStringLiteral("read-only-tools"))
                          : QString::fromLatin1(integrations::hook::kDefaultReadOnlyTools.data(),
                                                integrations::hook::kDefaultReadOnlyTools.size());
    o.deadlineSeconds = deadline;
    bool tooLarge = false;
    const QByteArray input = readHookInput(&tooLarge);
    if (tooLarge)
        return printAnswer(QByteArray::fromStdString(
            integrations::hook::denyJson("Interlock: the hook input is too large; denied")));
    return printAnswer(ClaudeCodeHook::answer(input, o));
}

int mcpGatewayCommand(const QStringList &args)
{
    QCommandLineParser parser;
    parser.addOption(
        {QStringLiteral("server"),
         QStringLiteral("Interlock's URL (default: $INTERLOCK_URL or "
                        "http://127.0.0.1:7878). The session comes from "
                        "$INTERLOCK_SESSION_TOKEN, or is opened with $INTERLOCK_TOKEN."),
         QStringLiteral("URL")});
    parser.addOption({QStringLiteral("agent"),
                      QStringLiteral("Agent name for the session (default mcp-gateway)."),
                      QStringLiteral("NAME"), QStringLiteral("mcp-gateway")});
    parser.addOption(
        {QStringLiteral("owner"), QStringLiteral("Owner of the session."), QStringLiteral("NAME")});
    parser.addOption({QStringLiteral("name"),
                      QStringLiteral("The MCP server's name shown to reviewers (default: from the "
                                     "command)."),
                      QStringLiteral("NAME")});
    parser.addOption({QStringLiteral("allow-read-only"),
                      QStringLiteral("Let tools the server annotates readOnlyHint pass without "
                                     "review (the server's claim is trusted; off by default).")});
    parser.addOption({QStringLiteral("hold"),
                      QStringLiteral("Answer a call isError after S seconds without a decision "
                                     "(default 3600)."),
                      QStringLiteral("S"), QStringLiteral("3600")});
    parser.addOption({QStringLiteral("progress-interval"),
                      QStringLiteral("Seconds between progress notifications while a call with a "
                                     "progressToken is held (default 15)."),
                      QStringLiteral("S"), QStringLiteral("15")});
    parser.addOption({QStringLiteral("max-line-bytes"),
                      QStringLiteral("Longest JSON-RPC message passed on (default 16 MiB)."),
                      QStringLiteral("N"), QString::number(16 * 1024 * 1024)});
    parser.addPositionalArgument(QStringLiteral("command"),
                                 QStringLiteral("The MCP server to run, after --."),
                                 QStringLiteral("-- CMD [ARGS…]"));
    int code = Ok;
    if (!parseArguments(
            parser, args,
            QStringLiteral("A stdio MCP proxy: start it instead of the MCP server. "
                           "Every tools/call waits for a reviewer in Interlock; "
                           "everything else passes (written again as the gateway parsed it)."),
            &code))
        return code;
    integrations::McpGateway::Options o;
    o.server = serverUrl(parser);
    o.agent = parser.value(QStringLiteral("agent"));
    o.owner = parser.value(QStringLiteral("owner"));
    o.allowReadOnly = parser.isSet(QStringLiteral("allow-read-only"));
    o.command = parser.positionalArguments().mid(1);
    if (o.command.isEmpty())
        return fail(QStringLiteral("usage: interlockctl mcp-gateway [--agent NAME] "
                                   "[--allow-read-only] -- CMD [ARGS…]"),
                    Usage);
    o.serverName = parser.isSet(QStringLiteral("name")) ? parser.value(QStringLiteral("name"))
                                                        : defaultServerName(o.command);
    bool ok1 = false, ok2 = false, ok3 = false;
    o.holdSeconds = parser.value(QStringLiteral("hold")).toInt(&ok1);
    o.progressIntervalMs =
        int(parser.value(QStringLiteral("progress-interval")).toDouble(&ok2) * 1000);
    o.maxLineBytes = parser.value(QStringLiteral("max-line-bytes")).toLongLong(&ok3);
    if (!ok1 || !ok2 || !ok3 || o.holdSeconds < 1 || o.holdSeconds > 7 * 24 * 3600 ||
        o.progressIntervalMs < 100 || o.maxLineBytes < 1024)
        return fail(QStringLiteral("--hold, --progress-interval and --max-line-bytes need sensible "
                                   "positive numbers"),
                    Usage);
    if (std::getenv("INTERLOCK_TOKEN") == nullptr &&
        std::getenv("INTERLOCK_SESSION_TOKEN") == nullptr)
        std::fprintf(stderr, "interlockctl mcp-gateway: neither INTERLOCK_TOKEN nor "
                             "INTERLOCK_SESSION_TOKEN is set: every tools/call will fail\n");
    return integrations::McpGateway(o).run();
}

} // namespace interlock::ctl
