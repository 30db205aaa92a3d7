#pragma once

// What the risk tests share: the built-in engine, a submission scored through the same parse as
// the API's, and its reasons as one JSON line to search.
#include "core/ActionSubmission.h"
#include "server/RiskEngine.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace interlock::test {

// Test JSON written with single quotes (moc 6.4 misreads raw string literals).
inline QJsonObject obj(const char *singleQuoted)
{
    return QJsonDocument::fromJson(QByteArray(singleQuoted).replace('\'', '"')).object();
}

inline const RiskEngine &builtInEngine()
{
    static const auto e = RiskEngine::builtIn();
    return *e;
}

inline RiskAssessment assess(const QJsonObject &action)
{
    ActionSubmission s;
    const ApiError e = ActionSubmission::parse(action, Limits{}, &s);
    if (e.isError())
        qWarning("not a valid submission: %s", qPrintable(e.message));
    return builtInEngine().assess(RiskInput::from(s));
}

inline QJsonObject submission(const QString &kind, const QJsonObject &payload)
{
    return {{QStringLiteral("kind"), kind},
            {QStringLiteral("title"), QStringLiteral("t")},
            {QStringLiteral("payload"), payload}};
}

inline QString reasons(const RiskAssessment &a)
{
    return QString::fromUtf8(QJsonDocument(a.reasons).toJson(QJsonDocument::Compact));
}

} // namespace interlock::test
