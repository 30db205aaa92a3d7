#include "SessionRequest.h"

#include "FieldReader.h"

namespace interlock {

ApiError SessionRequest::parse(const QJsonObject &body, SessionRequest *out)
{
    FieldReader r(body);
    r.allowOnly({QStringLiteral("agent"), QStringLiteral("owner"), QStringLiteral("description"),
                 QStringLiteral("supervised")},
                {QStringLiteral("id"), QStringLiteral("status"), QStringLiteral("created_at"),
                 QStringLiteral("token")});
    out->agent = r.string(QStringLiteral("agent"), true, 128).value_or(QString());
    out->owner = r.string(QStringLiteral("owner"), false, 128).value_or(QString());
    out->description =
        r.string(QStringLiteral("description"), false, 2000, FieldReader::Text::MultiLine)
            .value_or(QString());
    out->supervised = r.boolean(QStringLiteral("supervised")).value_or(false);
    return r.error();
}

} // namespace interlock
