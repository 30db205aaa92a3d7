// Reading time (issue #15): first views of an action's detail and review times of decisions.
#include "SqliteStore.h"
#include "SqliteSupport.h"

#include <QSqlQuery>

#include <limits>

namespace interlock {

bool SqliteStore::recordFirstView(const QString &actionId, const QString &reviewer, qint64 at)
{
    QSqlQuery &q = prepared(QStringLiteral(
        "INSERT OR IGNORE INTO action_views(action_id, reviewer, first_at) VALUES (?, ?, ?)"));
    q.addBindValue(actionId);
    q.addBindValue(reviewer);
    q.addBindValue(at);
    if (q.exec())
        return true;
    noteFailure(); // outside a Transaction: a failure may have taken the group along
    return false;
}

std::optional<qint64> SqliteStore::firstView(const QString &actionId, const QString &reviewer)
{
    QSqlQuery &q = prepared(
        QStringLiteral("SELECT first_at FROM action_views WHERE action_id = ? AND reviewer = ?"));
    q.addBindValue(actionId);
    q.addBindValue(reviewer);
    std::optional<qint64> out;
    if (q.exec() && q.next())
        out = q.value(0).toLongLong();
    q.finish();
    return out;
}

bool SqliteStore::insertReview(const QString &actionId, const ReviewRecord &review)
{
    QSqlQuery &q = prepared(QStringLiteral("INSERT INTO reviews(action_id, reviewer, decided_at, "
                                           "review_ms, approved) VALUES (?, ?, ?, ?, ?)"));
    q.addBindValue(actionId);
    q.addBindValue(review.reviewer);
    q.addBindValue(review.decidedAt);
    q.addBindValue(review.reviewMs ? QVariant(*review.reviewMs) : QVariant());
    q.addBindValue(review.approved ? 1 : 0);
    return q.exec();
}

QList<ReviewRecord> SqliteStore::reviews(std::optional<qint64> from, std::optional<qint64> to)
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT reviewer, decided_at, review_ms, approved FROM reviews "
                             "WHERE decided_at >= ? AND decided_at < ? ORDER BY reviewer"));
    q.addBindValue(from.value_or(std::numeric_limits<qint64>::min()));
    q.addBindValue(to.value_or(std::numeric_limits<qint64>::max()));
    QList<ReviewRecord> out;
    if (q.exec()) {
        while (q.next()) {
            ReviewRecord r;
            r.reviewer = q.value(0).toString();
            r.decidedAt = q.value(1).toLongLong();
            if (!q.value(2).isNull())
                r.reviewMs = q.value(2).toLongLong();
            r.approved = q.value(3).toInt() != 0;
            out.append(r);
        }
    }
    return out;
}

} // namespace interlock
