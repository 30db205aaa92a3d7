#include "ActionSubmission.h"

#include "FieldReader.h"

#include <QRegularExpression>

namespace interlock {

namespace {
constexpr int kMaxTextBytes = 512 * 1024;

void readChanges(FieldReader &reader, const QJsonArray &changes)
{
    for (qsizetype i = 0; i < changes.size() && reader.ok(); ++i) {
        const QString key = QStringLiteral("changes[%1]").arg(i);
        if (!changes.at(i).isObject()) {
            reader.fail(key, QStringLiteral("'%1' must be a JSON object.").arg(key));
            return;
        }
        FieldReader item(changes.at(i).toObject(), reader.path(key));
        item.setBounds(reader.bounds());
        item.allowOnly({QStringLiteral("path"), QStringLiteral("language"),
                        QStringLiteral("before"), QStringLiteral("after")});
        item.string(QStringLiteral("path"), true, 4096);
        item.string(QStringLiteral("language"), false, 64);
        item.string(QStringLiteral("before"), false, kMaxTextBytes, FieldReader::Text::MultiLine);
        item.string(QStringLiteral("after"), false, kMaxTextBytes, FieldReader::Text::MultiLine);
        reader.adopt(item);
    }
}
} // namespace

QStringList ActionSubmission::serverOwnedFields()
{
    return {QStringLiteral("id"),
            QStringLiteral("version"),
            QStringLiteral("session_id"),
            QStringLiteral("agent"),
            QStringLiteral("payload_sha256"),
            QStringLiteral("required_approvals"),
            QStringLiteral("approvals"),
            QStringLiteral("status"),
            QStringLiteral("decision"),
            QStringLiteral("created_at"),
            QStringLiteral("expires_at"),
            QStringLiteral("delivered_at"),
            QStringLiteral("execution"),
            QStringLiteral("approved_payload"),
            QStringLiteral("withdrawn")};
}

ApiError ActionSubmission::parse(const QJsonObject &body, const Limits &limits,
                                 ActionSubmission *out)
{
    FieldReader r(body);
    r.setBounds(limits.json);
    r.allowOnly({QStringLiteral("kind"), QStringLiteral("title"), QStringLiteral("summary"),
                 QStringLiteral("target"), QStringLiteral("payload"), QStringLiteral("changes"),
                 QStringLiteral("diff"), QStringLiteral("risk"), QStringLiteral("expires_in")},
                serverOwnedFields());

    static const QRegularExpression kindPattern(
        QStringLiteral("^[a-z][a-z0-9_-]*(\\.[a-z0-9_-]+)*$"));
    out->kind = r.string(QStringLiteral("kind"), true, 64).value_or(QString());
    if (r.ok() && !kindPattern.match(out->kind).hasMatch())
        r.fail(QStringLiteral("kind"), QStringLiteral("'kind' must look like 'acl.change': lower-"
                                                      "case words separated by dots."));
    out->title = r.string(QStringLiteral("title"), true, 200).value_or(QString());
    out->summary = r.string(QStringLiteral("summary"), false, 10000, FieldReader::Text::MultiLine)
                       .value_or(QString());
    out->target = r.string(QStringLiteral("target"), false, 2048).value_or(QString());
    out->payload = r.object(QStringLiteral("payload"), true).value_or(QJsonObject());
    out->changes = r.array(QStringLiteral("changes"), false, 1000).value_or(QJsonArray());
    if (r.ok())
        readChanges(r, out->changes);
    out->diff = r.string(QStringLiteral("diff"), false, int(limits.maxBodyBytes),
                         FieldReader::Text::MultiLine);
    if (r.ok() && out->diff && !out->changes.isEmpty())
        r.fail(QStringLiteral("diff"),
               QStringLiteral("Send either 'changes' or 'diff', not both."));

    if (const auto risk = r.object(QStringLiteral("risk"), false)) {
        FieldReader rr(*risk, QStringLiteral("risk"));
        rr.setBounds(limits.json);
        rr.allowOnly({QStringLiteral("score"), QStringLiteral("reasons")});
        out->agentScore = int(rr.integer(QStringLiteral("score"), false, 0, 100).value_or(0));
        const QJsonArray reasons =
            rr.array(QStringLiteral("reasons"), false, 50).value_or(QJsonArray());
        for (qsizetype i = 0; i < reasons.size() && rr.ok(); ++i) {
            const QString key = QStringLiteral("reasons[%1]").arg(i);
            if (!reasons.at(i).isString()) {
                rr.fail(key, QStringLiteral("'%1' must be a string.").arg(rr.path(key)));
                break;
            }
            const QString problem = FieldReader::checkText(reasons.at(i).toString(), 500,
                                                           FieldReader::Text::SingleLine);
            if (!problem.isEmpty())
                rr.fail(key, QStringLiteral("'%1' %2.").arg(rr.path(key), problem));
            else
                out->agentReasons.append(reasons.at(i).toString());
        }
        r.adopt(rr);
    }
    out->expiresInSeconds = int(
        r.integer(QStringLiteral("expires_in"), false, 1, limits.maxExpiresSeconds).value_or(0));
    return r.error();
}

} // namespace interlock
