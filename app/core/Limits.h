#pragma once

#include "JsonBounds.h"

#include <QtGlobal>

namespace interlock {

// Configurable limits with safe defaults (DESIGN.md "Errors").
struct Limits {
    qint64 maxBodyBytes = 1024 * 1024;
    int maxWaitSeconds = 60;
    int maxPendingPerSession = 1000;
    int maxExpiresSeconds = 7 * 24 * 3600;
    int maxListLimit = 500;
    int maxEventsPerPoll = 500;
    // Structured fields from clients (an action's payload, changes and risk; an edited payload).
    JsonBounds json;
};

} // namespace interlock
