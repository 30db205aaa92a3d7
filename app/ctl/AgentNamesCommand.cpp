// `interlockctl agent-names`: the agent names held and the enrolling tokens they belong to, and
// an admin's release of one (POST /v1/agent-names/release).
#include "CtlCommon.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace interlock::ctl {

int agentNamesCommand(const QStringList &args)
{
    QCommandLineParser parser;
    addConnectionOptions(parser);
    parser.addPositionalArgument(
        QStringLiteral("list|release"),
        QStringLiteral("list (default): every held name and the token whose sessions may use it; "
                       "release NAME: free a name no active session holds (admin token)."));
    parser.addOption({QStringLiteral("comment"),
                      QStringLiteral("Why the name is released (kept in the audit log)."),
                      QStringLiteral("TEXT")});
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print the server's JSON.")});
    int code = Ok;
    if (!parseArguments(
            parser, args,
            QStringLiteral("An agent name belongs to the enrolling token (by its name) that first "
                           "opened a session under it; sessions of other tokens are refused it, "
                           "and its look-alikes, until an admin releases it."),
            &code))
        return code;
    const QStringList words = parser.positionalArguments().mid(1);
    const QString verb = words.value(0, QStringLiteral("list"));
    if (!((verb == QLatin1String("list") && words.size() <= 1) ||
          (verb == QLatin1String("release") && words.size() == 2)))
        return fail(QStringLiteral("usage: interlockctl agent-names [list] | release NAME "
                                   "[--comment TEXT]"),
                    Usage);
    if (!useConnectionSecurity(parser))
        return Failed;
    ApiClient client(serverUrl(parser), token(parser));
    if (verb == QLatin1String("release")) {
        QJsonObject body{{QStringLiteral("agent"), words.at(1)}};
        if (parser.isSet(QStringLiteral("comment")))
            body.insert(QStringLiteral("comment"), parser.value(QStringLiteral("comment")));
        const ApiResult r = client.call("POST", QStringLiteral("/v1/agent-names/release"), body);
        if (!r.ok())
            return fail(QStringLiteral("release failed: ") + r.describe());
        if (parser.isSet(QStringLiteral("json")))
            out(QString::fromUtf8(QJsonDocument(r.body).toJson(QJsonDocument::Indented)));
        else
            out(QStringLiteral("released \"%1\"; the next session to use it (or a name drawn "
                               "like it) holds it")
                    .arg(words.at(1)));
        return Ok;
    }
    const ApiResult r = client.call("GET", QStringLiteral("/v1/agent-names"));
    if (!r.ok())
        return fail(QStringLiteral("agent-names failed: ") + r.describe());
    if (parser.isSet(QStringLiteral("json"))) {
        out(QString::fromUtf8(QJsonDocument(r.body).toJson(QJsonDocument::Indented)));
        return Ok;
    }
    out(QStringLiteral("%1  %2").arg(QStringLiteral("AGENT"), -32).arg(QStringLiteral("TOKEN")));
    for (const QJsonValue &v : r.body.value(QStringLiteral("agent_names")).toArray()) {
        const QJsonValue opener = v[QStringLiteral("opener")];
        out(QStringLiteral("%1  %2")
                .arg(shortText(v[QStringLiteral("agent")].toString(), 32), -32)
                .arg(opener.isString() ? shortText(opener.toString(), 40)
                                       : QStringLiteral("(the next session's)")));
    }
    return Ok;
}

} // namespace interlock::ctl
