#pragma once

#include "Principal.h"
#include "core/DecisionRequest.h"

#include <QHash>
#include <QJsonObject>
#include <QStringList>

namespace interlock {

class ActionService;

// POST /v1/actions/bulk-decision (docs/safety.md "Bulk decisions"): one approve or reject for
// several pending actions. The request is checked as a whole first and refused as a whole (422
// bulk_refused, naming every id at fault) when an id is unknown or not pending, or, for an
// approval, when an action is high or critical. Then each action is decided on its own, through
// the same path as a single decision (its own decision, audit entry, one-winner and self-approval
// rules, freezes): per item, not atomic; an item that changed in between is reported as a
// conflict while the others stand.
struct BulkDecision {
    static constexpr int kMaxIds = 500;

    QStringList ids;
    DecisionRequest::Kind kind = DecisionRequest::Kind::Approve;
    QString comment;
    QHash<QString, int> versions; // optional: the version each action had when it was shown

    static ApiError parse(const QJsonObject &body, BulkDecision *out);

    // 200 body {"decision", "results":[…], "decided", "failed"}, or the refusal (status and
    // body) when *status is not 200.
    QJsonObject run(ActionService &actions, const Principal &who, int *status) const;
};

} // namespace interlock
