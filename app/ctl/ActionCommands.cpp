#include "CtlCommon.h"

#include "core/HiddenText.h"
#include "core/PayloadView.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QUrlQuery>
#include <QUuid>

namespace interlock::ctl {

namespace {
QString alreadyUsed(const QString &id)
{
    return QStringLiteral("%1 was approved, and the approval was already given to an earlier wait "
                          "or submission; an approval runs one call, so do not run it again "
                          "(submit it anew)")
        .arg(id);
}
} // namespace

int submitCommand(const QStringList &args)
{
    QCommandLineParser parser;
    addConnectionOptions(parser);
    parser.addPositionalArgument(
        QStringLiteral("file"),
        QStringLiteral("Action JSON file, or - for stdin (instead of the flags)."),
        QStringLiteral("[FILE]"));
    parser.addOption({QStringLiteral("kind"), QStringLiteral("Action kind, e.g. shell.exec."),
                      QStringLiteral("KIND")});
    parser.addOption(
        {QStringLiteral("title"), QStringLiteral("One-line title."), QStringLiteral("TEXT")});
    parser.addOption(
        {QStringLiteral("summary"), QStringLiteral("Longer description."), QStringLiteral("TEXT")});
    parser.addOption({QStringLiteral("target"),
                      QStringLiteral("What the action touches, e.g. drive://corp/data."),
                      QStringLiteral("TEXT")});
    parser.addOption({QStringLiteral("payload"), QStringLiteral("Payload as JSON, or @FILE."),
                      QStringLiteral("JSON")});
    parser.addOption({QStringLiteral("risk"), QStringLiteral("The agent's own risk score, 0-100."),
                      QStringLiteral("N")});
    parser.addOption({QStringLiteral("expires-in"),
                      QStringLiteral("Seconds until the action expires unapproved."),
                      QStringLiteral("S")});
    parser.addOption({QStringLiteral("idempotency-key"),
                      QStringLiteral("Makes retries safe: the same key returns the same action."),
                      QStringLiteral("KEY")});
    parser.addOption({QStringLiteral("wait"),
                      QStringLiteral("Then wait for the decision, as 'interlockctl wait'.")});
    parser.addOption({QStringLiteral("json"),
                      QStringLiteral("Print the whole action as JSON instead of its id.")});
    int code = Ok;
    if (!parseArguments(parser, args,
                        QStringLiteral("Submits an action with a session token and prints its id."),
                        &code))
        return code;

    QJsonObject body;
    QString error;
    const QStringList pos = parser.positionalArguments().mid(1);
    if (!pos.isEmpty()) {
        const QString src =
            pos.first() == QLatin1String("-") ? pos.first() : QLatin1Char('@') + pos.first();
        if (!readJsonArgument(src, &body, &error))
            return fail(error, Usage);
    }
    const auto setText = [&](const char *option, const char *field) {
        if (parser.isSet(QString::fromLatin1(option)))
            body.insert(QString::fromLatin1(field), parser.value(QString::fromLatin1(option)));
    };
    setText("kind", "kind");
    setText("title", "title");
    setText("summary", "summary");
    setText("target", "target");
    if (parser.isSet(QStringLiteral("payload"))) {
        QJsonObject payload;
        if (!readJsonArgument(parser.value(QStringLiteral("payload")), &payload, &error))
            return fail(QStringLiteral("--payload: ") + error, Usage);
        body.insert(QStringLiteral("payload"), payload);
    }
    for (const auto &[option, field] :
         {std::pair{"risk", "risk"}, std::pair{"expires-in", "expires_in"}}) {
        if (!parser.isSet(QString::fromLatin1(option)))
            continue;
        bool ok = false;
        const int v = parser.value(QString::fromLatin1(option)).toInt(&ok);
        if (!ok)
            return fail(
                QStringLiteral("--%1 must be a whole number").arg(QString::fromLatin1(option)),
                Usage);
        body.insert(QString::fromLatin1(field),
                    QString::fromLatin1(field) == QLatin1String("risk")
                        ? QJsonValue(QJsonObject{{QStringLiteral("score"), v}})
                        : QJsonValue(v));
    }
    if (!body.contains(QStringLiteral("payload")))
        body.insert(QStringLiteral("payload"), QJsonObject());

    if (!useConnectionSecurity(parser))
        return Failed;
    ApiClient client(serverUrl(parser), token(parser));
    // Always sent with an Idempotency-Key (a fresh one unless given), so a submission that met a
    // failing server can be sent again, to another one, without becoming two actions.
    const QByteArray key = parser.isSet(QStringLiteral("idempotency-key"))
                               ? parser.value(QStringLiteral("idempotency-key")).toUtf8()
                               : "interlockctl-" + QUuid::createUuid().toByteArray(QUuid::Id128);
    const ApiResult r = client.callRetrying("POST", QStringLiteral("/v1/actions"), body,
                                            {{"Idempotency-Key", key}}, 30000, 60000);
    if (!r.ok())
        return fail(QStringLiteral("submit failed: ") + r.describe() +
                    (r.error().field.isEmpty()
                         ? QString()
                         : QStringLiteral(" [field: %1]").arg(r.error().field)));
    const QString id = r.body.value(QStringLiteral("id")).toString();
    if (parser.isSet(QStringLiteral("wait")) && r.approvalUsedBefore())
        // The same submission (key and body) was approved for an earlier run, which had its
        // answer: one approval runs one call.
        return fail(alreadyUsed(id), ExpiredOrCancelled);
    out(parser.isSet(QStringLiteral("json"))
            ? QString::fromUtf8(QJsonDocument(r.body).toJson(QJsonDocument::Indented))
            : id);
    return parser.isSet(QStringLiteral("wait")) ? waitForDecision(client, id, 0) : Ok;
}

int waitForDecision(ApiClient &client, const QString &id, int timeoutS)
{
    const qint64 deadline =
        timeoutS > 0 ? QDateTime::currentMSecsSinceEpoch() + qint64(timeoutS) * 1000 : 0;
    for (;;) {
        int wait = 60;
        if (deadline) {
            const qint64 left = deadline - QDateTime::currentMSecsSinceEpoch();
            if (left <= 0)
                return fail(QStringLiteral("%1 is still pending after %2 s").arg(id).arg(timeoutS),
                            TimedOut);
            wait = int(qMin<qint64>(60, (left + 999) / 1000));
        }
        // A long-poll cut short by a server that went away (502/503, reset) is asked again;
        // behind a load balancer another server answers it from the shared database.
        const ApiResult r = client.callRetrying(
            "GET", QStringLiteral("/v1/actions/%1/decision?wait=%2").arg(id).arg(wait),
            std::nullopt, {}, (wait + 15) * 1000, 120000);
        if (!r.ok())
            return fail(QStringLiteral("wait failed: ") + r.describe());
        const QString status = r.body.value(QStringLiteral("status")).toString();
        if (status == QLatin1String("approved")) {
            if (r.approvalUsedBefore())
                return fail(alreadyUsed(id), ExpiredOrCancelled);
            out(QString::fromUtf8(QJsonDocument(r.body.value(QStringLiteral("payload")).toObject())
                                      .toJson(QJsonDocument::Compact)));
            return Ok;
        }
        if (status == QLatin1String("rejected"))
            return fail(QStringLiteral("%1 was rejected: %2")
                            .arg(id, r.body.value(QStringLiteral("comment")).toString()),
                        Rejected);
        if (status != QLatin1String("pending"))
            return fail(QStringLiteral("%1 is %2; do not run it").arg(id, status),
                        ExpiredOrCancelled);
    }
}

int waitCommand(const QStringList &args)
{
    QCommandLineParser parser;
    addConnectionOptions(parser);
    parser.addPositionalArgument(QStringLiteral("id"), QStringLiteral("The action id."),
                                 QStringLiteral("ID"));
    parser.addOption(
        {QStringLiteral("timeout"),
         QStringLiteral("Give up after S seconds (exit 5); default: wait until decided."),
         QStringLiteral("S")});
    int code = Ok;
    if (!parseArguments(
            parser, args,
            QStringLiteral(
                "Waits for the decision on an action (session token). Prints the approved payload "
                "and exits 0; exits 3 when rejected, 4 when expired, cancelled or its approval was "
                "already given to another wait (an approval runs one call), 5 on --timeout."),
            &code))
        return code;
    const QStringList pos = parser.positionalArguments().mid(1);
    if (pos.size() != 1)
        return fail(QStringLiteral("usage: interlockctl wait ID [--timeout S]"), Usage);
    bool ok = true;
    const int timeout = parser.isSet(QStringLiteral("timeout"))
                            ? parser.value(QStringLiteral("timeout")).toInt(&ok)
                            : 0;
    if (!ok || timeout < 0)
        return fail(QStringLiteral("--timeout must be a whole number of seconds"), Usage);
    if (!useConnectionSecurity(parser))
        return Failed;
    ApiClient client(serverUrl(parser), token(parser));
    return waitForDecision(client, pos.first(), timeout);
}

int listCommand(const QStringList &args)
{
    QCommandLineParser parser;
    addConnectionOptions(parser);
    parser.addOption(
        {QStringLiteral("status"),
         QStringLiteral("pending (default), approved, rejected, expired, cancelled or all."),
         QStringLiteral("STATUS"), QStringLiteral("pending")});
    parser.addOption({QStringLiteral("limit"), QStringLiteral("At most N actions (default 50)."),
                      QStringLiteral("N"), QStringLiteral("50")});
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print the server's JSON.")});
    int code = Ok;
    if (!parseArguments(
            parser, args,
            QStringLiteral(
                "Lists actions, highest risk first (reviewer, oncall, manager or admin token)."),
            &code))
        return code;
    QUrlQuery q;
    if (parser.value(QStringLiteral("status")) != QLatin1String("all"))
        q.addQueryItem(QStringLiteral("status"), parser.value(QStringLiteral("status")));
    q.addQueryItem(QStringLiteral("limit"), parser.value(QStringLiteral("limit")));
    if (!useConnectionSecurity(parser))
        return Failed;
    ApiClient client(serverUrl(parser), token(parser));
    const ApiResult r =
        client.call("GET", QStringLiteral("/v1/actions?") + q.toString(QUrl::FullyEncoded));
    if (!r.ok())
        return fail(QStringLiteral("list failed: ") + r.describe());
    if (parser.isSet(QStringLiteral("json"))) {
        out(QString::fromUtf8(QJsonDocument(r.body).toJson(QJsonDocument::Indented)));
        return Ok;
    }
    out(QStringLiteral("%1  %2  %3  %4  %5  %6")
            .arg(QStringLiteral("ID"), -28)
            .arg(QStringLiteral("RISK"), -12)
            .arg(QStringLiteral("STATUS"), -9)
            .arg(QStringLiteral("AGENT"), -16)
            .arg(QStringLiteral("KIND"), -14)
            .arg(QStringLiteral("TITLE")));
    for (const QJsonValue &v : r.body.value(QStringLiteral("actions")).toArray()) {
        const QJsonObject a = v.toObject();
        const QJsonObject risk = a.value(QStringLiteral("risk")).toObject();
        out(QStringLiteral("%1  %2  %3  %4  %5  %6")
                .arg(a.value(QStringLiteral("id")).toString(), -28)
                .arg(QStringLiteral("%1 %2")
                         .arg(risk.value(QStringLiteral("score")).toInt())
                         .arg(risk.value(QStringLiteral("level")).toString()),
                     -12)
                .arg(a.value(QStringLiteral("status")).toString(), -9)
                .arg(shortText(a.value(QStringLiteral("agent")).toString(), 16), -16)
                .arg(shortText(a.value(QStringLiteral("kind")).toString(), 14), -14)
                .arg(shortText(a.value(QStringLiteral("title")).toString(), 60)));
    }
    return Ok;
}

namespace {
// The version an approval or edit without --version is made on: the action as it is now, unless
// another reviewer edited it. Then the approval would run a payload the person at the terminal
// never saw: it is shown and refused, and they approve with --version once they have read it.
int versionToDecide(ApiClient &client, const QString &id, const QString &decision, int *version)
{
    const ApiResult r = client.call("GET", QStringLiteral("/v1/actions/%1?prefetch=1").arg(id));
    if (!r.ok())
        return fail(QStringLiteral("decide failed: ") + r.describe());
    *version = r.body.value(QStringLiteral("version")).toInt();
    if (decision != QLatin1String("approve"))
        return Ok;
    if (!r.body.contains(QStringLiteral("approved_payload"))) {
        // What the command runs with besides itself (an environment, rights, a host): the list
        // shows only the title, so they are shown here and approved with --version once read
        // (red team 2, F5.2: LD_PRELOAD and elevated were approved unseen).
        const QStringList settings =
            PayloadView::runsWith(r.body.value(QStringLiteral("kind")).toString(),
                                  r.body.value(QStringLiteral("payload")).toObject());
        if (settings.isEmpty())
            return Ok;
        const QString command = r.body.value(QStringLiteral("payload"))
                                    .toObject()
                                    .value(QStringLiteral("command"))
                                    .toString();
        return fail(QStringLiteral("%1 runs %2 with %3 setting(s) besides the command; approving "
                                   "it runs them too:\n%4\nRead them, then approve with "
                                   "--version %5.")
                        .arg(id, HiddenText::revealed(command), QString::number(settings.size()),
                             HiddenText::revealed(settings.join(u'\n')),
                             QString::number(*version)));
    }
    const QJsonArray approvals = r.body.value(QStringLiteral("approvals")).toArray();
    const QJsonObject risk = r.body.value(QStringLiteral("approved_risk")).toObject();
    const QString payload =
        QString::fromUtf8(QJsonDocument(r.body.value(QStringLiteral("approved_payload")).toObject())
                              .toJson(QJsonDocument::Indented));
    return fail(QStringLiteral("%1 was edited by %2 after it was submitted. Approving it would run "
                               "the edited payload (risk %3 %4):\n%5\nRead it, then approve with "
                               "--version %6.")
                    .arg(id, approvals.first().toObject().value(QStringLiteral("by")).toString(),
                         QString::number(risk.value(QStringLiteral("score")).toInt()),
                         risk.value(QStringLiteral("level")).toString(), payload.trimmed(),
                         QString::number(*version)));
}
} // namespace

int decideCommand(const QStringList &args)
{
    QCommandLineParser parser;
    addConnectionOptions(parser);
    parser.addPositionalArgument(QStringLiteral("id"), QStringLiteral("The action id."),
                                 QStringLiteral("ID"));
    parser.addPositionalArgument(QStringLiteral("decision"),
                                 QStringLiteral("approve, reject or edit."),
                                 QStringLiteral("approve|reject|edit"));
    parser.addOption({QStringLiteral("comment"), QStringLiteral("Why (required to reject)."),
                      QStringLiteral("TEXT")});
    parser.addOption({QStringLiteral("payload"),
                      QStringLiteral("The edited payload for 'edit': JSON or @FILE."),
                      QStringLiteral("JSON")});
    parser.addOption(
        {QStringLiteral("version"),
         QStringLiteral("Refuse if the action changed since version N. Default: the version "
                        "read just before deciding; approving an action another "
                        "reviewer edited needs it (decide shows the edit)."),
         QStringLiteral("N")});
    int code = Ok;
    if (!parseArguments(
            parser, args,
            QStringLiteral(
                "Approves, edits-then-approves or rejects an action (reviewer or admin token)."),
            &code))
        return code;
    const QStringList pos = parser.positionalArguments().mid(1);
    static const QStringList kinds{QStringLiteral("approve"), QStringLiteral("reject"),
                                   QStringLiteral("edit")};
    if (pos.size() != 2 || !kinds.contains(pos.at(1)))
        return fail(QStringLiteral("usage: interlockctl decide ID approve|reject|edit [--comment "
                                   "TEXT] [--payload JSON]"),
                    Usage);
    QJsonObject body{{QStringLiteral("decision"), pos.at(1)}};
    if (parser.isSet(QStringLiteral("comment")))
        body.insert(QStringLiteral("comment"), parser.value(QStringLiteral("comment")));
    if (pos.at(1) == QLatin1String("reject") && !parser.isSet(QStringLiteral("comment")))
        return fail(QStringLiteral("rejecting needs --comment with the reason"), Usage);
    if (pos.at(1) == QLatin1String("edit")) {
        QJsonObject payload;
        QString error;
        if (!parser.isSet(QStringLiteral("payload")))
            return fail(QStringLiteral("edit needs --payload with the edited payload"), Usage);
        if (!readJsonArgument(parser.value(QStringLiteral("payload")), &payload, &error))
            return fail(QStringLiteral("--payload: ") + error, Usage);
        body.insert(QStringLiteral("payload"), payload);
    }
    if (!useConnectionSecurity(parser))
        return Failed;
    ApiClient client(serverUrl(parser), token(parser));
    if (parser.isSet(QStringLiteral("version"))) {
        body.insert(QStringLiteral("version"), parser.value(QStringLiteral("version")).toInt());
    } else if (pos.at(1) != QLatin1String("reject")) {
        int version = 0;
        if (const int code = versionToDecide(client, pos.at(0), pos.at(1), &version); code != Ok)
            return code;
        body.insert(QStringLiteral("version"), version);
    }
    const ApiResult r =
        client.call("POST", QStringLiteral("/v1/actions/%1/decision").arg(pos.at(0)), body);
    if (!r.ok())
        return fail(QStringLiteral("decide failed: ") + r.describe());
    const QJsonArray approvals = r.body.value(QStringLiteral("approvals")).toArray();
    out(QStringLiteral("%1 is now %2 (%3 of %4 approvals)")
            .arg(pos.at(0), r.body.value(QStringLiteral("status")).toString())
            .arg(approvals.size())
            .arg(r.body.value(QStringLiteral("required_approvals")).toInt()));
    return Ok;
}

} // namespace interlock::ctl
