#pragma once

#include "ApiError.h"

#include <QJsonObject>

namespace interlock {

// A validated POST /v1/sessions body.
struct SessionRequest {
    QString agent;
    QString owner;
    QString description;
    bool supervised = false;

    static ApiError parse(const QJsonObject &body, SessionRequest *out);
};

} // namespace interlock
