#pragma once

// Field names and readers shared by ActionService's source files; not part of its interface.

#include "core/RiskLevel.h"

#include <QJsonObject>
#include <QString>

namespace interlock::actionfields {

inline const QString kStatus = QStringLiteral("status");
inline const QString kVersion = QStringLiteral("version");
inline const QString kPending = QStringLiteral("pending");

inline QString str(const QJsonObject &o, const QString &key)
{
    return o.value(key).toString();
}

// What an approval runs: the edited payload if a reviewer edited it, else the agent's.
inline QJsonObject approvedPayload(const QJsonObject &action)
{
    const QJsonValue edited = action.value(QStringLiteral("approved_payload"));
    return edited.isObject() ? edited.toObject()
                             : action.value(QStringLiteral("payload")).toObject();
}

// The action's level as an index into the policy's per-level arrays.
inline int levelIndex(const QJsonObject &action)
{
    const QString level =
        action.value(QStringLiteral("risk")).toObject().value(QStringLiteral("level")).toString();
    for (RiskLevel l : {RiskLevel::Low, RiskLevel::Medium, RiskLevel::High, RiskLevel::Critical})
        if (levelName(l) == level)
            return int(l);
    return int(RiskLevel::Critical); // unknown: the strictest
}

} // namespace interlock::actionfields
