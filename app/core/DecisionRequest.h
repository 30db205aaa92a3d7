#pragma once

#include "ApiError.h"
#include "JsonBounds.h"

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
    // What the reviewer had on screen (issue #15): the payload's hash and the hash of the view
    // shown (PayloadView::viewSha256); lower-case hex.
    struct Seen {
        QString payloadSha256;
        QString viewSha256; // empty: not sent
    };
    std::optional<Seen> seen;
    std::optional<QJsonObject> grant; // approve only: a standing grant (docs/safety.md)

    // An edited payload is held to the same bounds as an agent's (Limits::json).
    static ApiError parse(const QJsonObject &body, DecisionRequest *out,
                          const JsonBounds &bounds = {});
    static QString kindName(Kind kind);
};

} // namespace interlock
