// Reading time (issue #15) in the PostgreSQL store (as SqliteReviews.cpp): first views of an
// action's detail and review times of decisions (migration 6).
#include "PgSupport.h"

#include <limits>

namespace interlock {

using namespace pg;

bool PgStore::recordFirstView(const QString &actionId, const QString &reviewer, qint64 at)
{
    Transaction tx(*this);
    if (!tx.open())
        return false;
    // The first view stays, whichever server recorded it.
    QSqlQuery &q = prepared(QStringLiteral("INSERT INTO action_views(action_id, reviewer, "
                                           "first_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING"));
    q.addBindValue(actionId);
    q.addBindValue(reviewer);
    q.addBindValue(at);
    if (!execute(q))
        return false;
    q.finish();
    return tx.commit();
}

std::optional<qint64> PgStore::firstView(const QString &actionId, const QString &reviewer)
{
    return reading([&]() -> std::optional<qint64> {
        QSqlQuery &q = prepared(QStringLiteral(
            "SELECT first_at FROM action_views WHERE action_id = ? AND reviewer = ?"));
        q.addBindValue(actionId);
        q.addBindValue(reviewer);
        std::optional<qint64> out;
        if (execute(q) && q.next())
            out = q.value(0).toLongLong();
        q.finish();
        return out;
    });
}

bool PgStore::insertReview(const QString &actionId, const ReviewRecord &review)
{
    QSqlQuery &q = prepared(QStringLiteral("INSERT INTO reviews(action_id, reviewer, decided_at, "
                                           "review_ms, approved) VALUES (?, ?, ?, ?, ?)"));
    q.addBindValue(actionId);
    q.addBindValue(review.reviewer);
    q.addBindValue(review.decidedAt);
    q.addBindValue(review.reviewMs ? QVariant(*review.reviewMs)
                                   : QVariant(QMetaType(QMetaType::LongLong)));
    q.addBindValue(review.approved);
    const bool ok = execute(q);
    q.finish();
    return ok;
}

QList<ReviewRecord> PgStore::reviews(std::optional<qint64> from, std::optional<qint64> to)
{
    return reading([&] {
        QSqlQuery &q = prepared(
            QStringLiteral("SELECT reviewer, decided_at, review_ms, approved FROM reviews WHERE "
                           "decided_at >= ? AND decided_at < ? ORDER BY reviewer, seq"));
        q.addBindValue(from.value_or(std::numeric_limits<qint64>::min()));
        q.addBindValue(to.value_or(std::numeric_limits<qint64>::max()));
        QList<ReviewRecord> out;
        if (execute(q)) {
            while (q.next()) {
                ReviewRecord r;
                r.reviewer = q.value(0).toString();
                r.decidedAt = q.value(1).toLongLong();
                if (!q.value(2).isNull())
                    r.reviewMs = q.value(2).toLongLong();
                r.approved = q.value(3).toBool();
                out.append(r);
            }
        }
        q.finish();
        return out;
    });
}

} // namespace interlock
