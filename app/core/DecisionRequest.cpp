#include "DecisionRequest.h"

#include "FieldReader.h"

#include <QRegularExpression>

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
                 QStringLiteral("version"), QStringLiteral("seen"), QStringLiteral("grant")});
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
    if (const auto seen = r.object(QStringLiteral("seen"), false)) {
        static const QRegularExpression hex(QStringLiteral("^[0-9a-f]{64}$"));
        FieldReader sr(*seen, QStringLiteral("seen"));
        sr.allowOnly({QStringLiteral("payload_sha256"), QStringLiteral("view_sha256")});
        Seen s;
        s.payloadSha256 = sr.string(QStringLiteral("payload_sha256"), true, 64).value_or(QString());
        if (sr.ok() && !hex.match(s.payloadSha256).hasMatch())
            sr.fail(QStringLiteral("payload_sha256"),
                    QStringLiteral("'seen.payload_sha256' must be 64 lower-case hex digits."));
        s.viewSha256 = sr.string(QStringLiteral("view_sha256"), false, 64).value_or(QString());
        if (sr.ok() && !s.viewSha256.isEmpty() && !hex.match(s.viewSha256).hasMatch())
            sr.fail(QStringLiteral("view_sha256"),
                    QStringLiteral("'seen.view_sha256' must be 64 lower-case hex digits."));
        r.adopt(sr);
        out->seen = s;
    }
    out->grant = r.object(QStringLiteral("grant"), false);
    if (r.ok() && out->grant && out->kind != Kind::Approve)
        r.fail(QStringLiteral("grant"),
               QStringLiteral("'grant' is only sent with 'approve' (never with an edit or a "
                              "rejection)."));
    return r.error();
}

} // namespace interlock
