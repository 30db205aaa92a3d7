#include "SessionRequest.h"

#include "FieldReader.h"
#include "HiddenText.h"

namespace interlock {

ApiError SessionRequest::parse(const QJsonObject &body, SessionRequest *out)
{
    FieldReader r(body);
    r.allowOnly({QStringLiteral("agent"), QStringLiteral("owner"), QStringLiteral("description"),
                 QStringLiteral("supervised")},
                {QStringLiteral("id"), QStringLiteral("status"), QStringLiteral("created_at"),
                 QStringLiteral("token")});
    out->agent = r.string(QStringLiteral("agent"), true, 128).value_or(QString());
    // Reviewers read the name on every action and breakers count by it: two names that look the
    // same must be the same name.
    if (const QList<HiddenChar> hidden = HiddenText::find(out->agent, HiddenText::Lines::Single, 1);
        !hidden.isEmpty())
        r.fail(QStringLiteral("agent"),
               QStringLiteral("holds %1 (%2) at %3; an agent's name must be visible text")
                   .arg(HiddenText::codePointLabel(hidden.first().codePoint),
                        HiddenText::className(hidden.first().cls))
                   .arg(hidden.first().position));
    else if (out->agent != out->agent.trimmed() ||
             out->agent != out->agent.normalized(QString::NormalizationForm_KC))
        // Fullwidth, circled or decomposed letters, and odd spaces, draw like the plain name.
        r.fail(QStringLiteral("agent"),
               QStringLiteral("is not in its plain form (%1); an agent's name must read as what "
                              "it is")
                   .arg(out->agent.normalized(QString::NormalizationForm_KC).trimmed()));
    else if (const QString mixed = HiddenText::mixedScriptWord(out->agent); !mixed.isEmpty())
        r.fail(QStringLiteral("agent"),
               QStringLiteral("\"%1\" mixes letters of different scripts, the way look-alike "
                              "names do; an agent's name must read as what it is")
                   .arg(mixed));
    out->owner = r.string(QStringLiteral("owner"), false, 128).value_or(QString());
    out->description =
        r.string(QStringLiteral("description"), false, 2000, FieldReader::Text::MultiLine)
            .value_or(QString());
    out->supervised = r.boolean(QStringLiteral("supervised")).value_or(false);
    return r.error();
}

} // namespace interlock
