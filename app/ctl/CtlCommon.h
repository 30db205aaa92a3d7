#pragma once

#include "client/ApiClient.h"

#include <QCommandLineParser>
#include <QStringList>

namespace interlock::ctl {

// Exit codes shared by every command (documented in --help).
enum Exit { Ok = 0, Failed = 1, Usage = 2, Rejected = 3, ExpiredOrCancelled = 4, TimedOut = 5 };

// A parser for "interlockctl NAME …" with --help; returns false (and sets *exitCode) when the
// command should stop: --help was printed or the arguments were wrong.
bool parseArguments(QCommandLineParser &parser, const QStringList &args, const QString &synopsis,
                    int *exitCode);
// --server, --token, --ca, --insecure.
void addConnectionOptions(QCommandLineParser &parser);
// Applies --ca FILE (or $INTERLOCK_CA) and --insecure to every client made afterwards; false,
// with the reason printed, when the CA file cannot be used.
bool useConnectionSecurity(const QCommandLineParser &parser);
// --agent, --owner, --description, and the POST /v1/sessions body they make.
void addSessionOptions(QCommandLineParser &parser);
QJsonObject sessionBody(const QCommandLineParser &parser, bool supervised);
// --server / INTERLOCK_URL (default http://127.0.0.1:7878) and --token / INTERLOCK_TOKEN /
// INTERLOCK_SESSION_TOKEN.
QUrl serverUrl(const QCommandLineParser &parser);
QString token(const QCommandLineParser &parser);

// Both write through terminalSafe(): agent text never reaches the terminal as control bytes.
// Removes INTERLOCK_TOKEN from this process's environment, its bytes overwritten first, so that
// neither a process started later nor /proc/PID/environ holds it any more.
void forgetTokenEnvironment();
// Overwrites the value of --token in the process's own argument vector (/proc/PID/cmdline can be
// read by every local user); arguments after "--" belong to the agent and are left alone.
void scrubTokenArgument(int argc, char **argv);

int fail(const QString &message, int code = Failed);
void out(const QString &text);
// `text` with every character a terminal would act on instead of showing written as a visible
// \uXXXX escape: C0 controls but the line feed (ESC starts ANSI sequences), DEL, C1 controls
// (U+009B is a one-character CSI) and the bidi controls that reorder a line. Inside JSON
// strings (the only place such characters can appear in JSON output) the escape is valid JSON
// for the same character.
QString terminalSafe(const QString &text);
// One line of at most `width` characters, an ellipsis marking a cut.
QString shortText(QString s, int width);
// Reads "JSON" or "@FILE" or "-" (stdin) into an object.
bool readJsonArgument(const QString &value, QJsonObject *out, QString *error);

int tokenCommand(const QStringList &args);
int agentNamesCommand(const QStringList &args);
int sessionCommand(const QStringList &args);
int submitCommand(const QStringList &args);
int waitCommand(const QStringList &args);
int listCommand(const QStringList &args);
int decideCommand(const QStringList &args);
int benchCommand(const QStringList &args);
int runCommand(const QStringList &args);
int auditCommand(const QStringList &args);
int historyCommand(const QStringList &args);
int dbCommand(const QStringList &args);
int clusterCommand(const QStringList &args);
int hookCommand(const QStringList &args);
int mcpGatewayCommand(const QStringList &args);

// Long-polls the decision of an action until it is final or timeoutS passes (0: forever).
int waitForDecision(ApiClient &client, const QString &id, int timeoutS);

} // namespace interlock::ctl
