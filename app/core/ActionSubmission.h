#pragma once

#include "ApiError.h"
#include "Limits.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QStringList>
#include <optional>

namespace interlock {

// A validated POST /v1/actions body. Everything in it came from an agent and is untrusted:
// sizes are bounded and every field is type-checked here, once.
struct ActionSubmission {
    QString kind;
    QString title;
    QString summary;
    QString target;
    QJsonObject payload;
    QJsonArray changes;          // [{path, language?, before?, after?}]
    std::optional<QString> diff; // unified diff text, alternative to changes
    int agentScore = 0;
    QStringList agentReasons;
    int expiresInSeconds = 0; // 0: not given (the policy's deadline for the level applies)

    // On error returns it and leaves *out unspecified.
    static ApiError parse(const QJsonObject &body, const Limits &limits, ActionSubmission *out);
    // The fields server-owned by the contract: submitting any of them is a 422.
    static QStringList serverOwnedFields();
};

} // namespace interlock
