#include "DecisionRequest.h"

#include "FieldReader.h"

namespace interlock {

QString DecisionRequest::kindName(Kind kind)
{
    switch (kind) {
    case Kind::Approve:
        return QStringLiteral("approve");
    case Kind::Edit:
        return QStringLiteral("edit");
    case Kind::Reject:
        return QStringLiteral("reject");
    }
    return {};
}

ApiError DecisionRequest::parse(const QJsonObject &body, DecisionRequest *out,
                                const JsonBounds &bounds)
{
    FieldReader r(body);
    r.setBounds(bounds);
    r.allowOnly({QStringLiteral("decision"), QStringLiteral("payload"), QStringLiteral("comment"),
                 QStringLiteral("version")});
    const QString decision = r.string(QStringLiteral("decision"), true, 16).value_or(QString());
    if (r.ok()) {
        if (decision == QLatin1String("approve"))
            out->kind = Kind::Approve;
        else if (decision == QLatin1String("edit"))
            out->kind = Kind::Edit;
        else if (decision == QLatin1String("reject"))
            out->kind = Kind::Reject;
        else
            r.fail(QStringLiteral("decision"),
                   QStringLiteral("'decision' must be approve, edit or reject."));
    }
    const auto payload = r.object(QStringLiteral("payload"), r.ok() && out->kind == Kind::Edit);
    if (r.ok() && payload && out->kind != Kind::Edit)
        r.fail(QStringLiteral("payload"), QStringLiteral("'payload' is only sent with 'edit'."));
    out->payload = payload.value_or(QJsonObject());
    out->comment = r.string(QStringLiteral("comment"), r.ok() && out->kind == Kind::Reject, 2000,
                            FieldReader::Text::MultiLine)
                       .value_or(QString());
    if (const auto v = r.integer(QStringLiteral("version"), false, 1, 1 << 30))
        out->version = int(*v);
    return r.error();
}

} // namespace interlock
