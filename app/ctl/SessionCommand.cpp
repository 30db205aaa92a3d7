#include "CtlCommon.h"

namespace interlock::ctl {

int sessionCommand(const QStringList &args)
{
    QCommandLineParser parser;
    addConnectionOptions(parser);
    parser.addPositionalArgument(QStringLiteral("open"),
                                 QStringLiteral("The only sub-command: open a session."));
    addSessionOptions(parser);
    int code = Ok;
    if (!parseArguments(parser, args,
                        QStringLiteral("Opens an agent session with an enrollment (agent) token "
                                       "and prints shell lines to use it:\n"
                                       "  eval \"$(interlockctl session open --agent NAME)\""),
                        &code))
        return code;
    if (parser.positionalArguments().mid(1) != QStringList{QStringLiteral("open")})
        return fail(QStringLiteral("usage: interlockctl session open --agent NAME"), Usage);
    if (!parser.isSet(QStringLiteral("agent")))
        return fail(QStringLiteral("--agent NAME is required"), Usage);
    const QJsonObject body = sessionBody(parser, false);
    if (!useConnectionSecurity(parser))
        return Failed;
    ApiClient client(serverUrl(parser), token(parser));
    const ApiResult r = client.call("POST", QStringLiteral("/v1/sessions"), body);
    if (!r.ok())
        return fail(QStringLiteral("session open failed: ") + r.describe());
    out(QStringLiteral("export INTERLOCK_URL='%1'\nexport INTERLOCK_SESSION_ID='%2'\nexport "
                       "INTERLOCK_SESSION_TOKEN='%3'")
            .arg(client.baseUrl().toString(),
                 r.body.value(QStringLiteral("session"))
                     .toObject()
                     .value(QStringLiteral("id"))
                     .toString(),
                 r.body.value(QStringLiteral("token")).toString()));
    return Ok;
}

} // namespace interlock::ctl
