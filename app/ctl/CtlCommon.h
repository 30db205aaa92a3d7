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

int fail(const QString &message, int code = Failed);
void out(const QString &text);
// Reads "JSON" or "@FILE" or "-" (stdin) into an object.
bool readJsonArgument(const QString &value, QJsonObject *out, QString *error);

int tokenCommand(const QStringList &args);
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

// Long-polls the decision of an action until it is final or timeoutS passes (0: forever).
int waitForDecision(ApiClient &client, const QString &id, int timeoutS);

} // namespace interlock::ctl
