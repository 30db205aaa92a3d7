#pragma once

#include "ApiError.h"

#include <QJsonObject>
#include <optional>

namespace interlock {

// A validated POST /v1/actions/{id}/decision body.
struct DecisionRequest {
    enum class Kind { Approve, Edit, Reject };
    Kind kind = Kind::Approve;
    QJsonObject payload; // edit only
    QString comment;     // required for reject
    std::optional<int> version;
    std::optional<QJsonObject> grant; // approve only: a standing grant (docs/safety.md)

    static ApiError parse(const QJsonObject &body, DecisionRequest *out);
    static QString kindName(Kind kind);
};

} // namespace interlock
