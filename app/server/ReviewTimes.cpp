#include "ReviewTimes.h"

#include <QJsonObject>
#include <algorithm>
#include <map>

namespace interlock {

QJsonArray reviewTimesJson(const QList<ReviewRecord> &reviews)
{
    struct Tally {
        qint64 decisions = 0, approvals = 0, fast = 0;
        QList<qint64> times;
    };
    std::map<QString, Tally> byReviewer;
    for (const ReviewRecord &r : reviews) {
        Tally &t = byReviewer[r.reviewer];
        ++t.decisions;
        if (r.reviewMs)
            t.times.append(*r.reviewMs);
        if (r.approved) {
            ++t.approvals;
            if (!r.reviewMs || *r.reviewMs <= kRubberStampMs)
                ++t.fast;
        }
    }
    QJsonArray out;
    for (auto &[reviewer, t] : byReviewer) {
        QJsonValue median;
        if (!t.times.isEmpty()) {
            std::sort(t.times.begin(), t.times.end());
            const qsizetype n = t.times.size();
            median = n % 2 ? t.times[n / 2] : (t.times[n / 2 - 1] + t.times[n / 2]) / 2;
        }
        out.append(QJsonObject{{QStringLiteral("reviewer"), reviewer},
                               {QStringLiteral("decisions"), t.decisions},
                               {QStringLiteral("median_review_ms"), median},
                               {QStringLiteral("approvals"), t.approvals},
                               {QStringLiteral("fast_approvals"), t.fast},
                               {QStringLiteral("fast_approval_share"),
                                t.approvals ? double(t.fast) / double(t.approvals) : 0.0}});
    }
    return out;
}

} // namespace interlock
