#pragma once

#include "Store.h"

#include <QJsonArray>

namespace interlock {

// Reading time per reviewer for GET /v1/stats (issue #15): decisions, the median review time,
// and the share of approvals made within 2 s of first seeing the action (rubber-stamping; an
// approval by a reviewer who never opened the detail counts as one).
// [{reviewer, decisions, median_review_ms (null when none measured), approvals,
//   fast_approvals, fast_approval_share}], by reviewer.
QJsonArray reviewTimesJson(const QList<ReviewRecord> &reviews);

inline constexpr qint64 kRubberStampMs = 2000;

} // namespace interlock
