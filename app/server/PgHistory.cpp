// The PostgreSQL store's history: the indexed columns of decided actions, history pages and the
// grouped statistics (same columns and queries as the SQLite store's; PostgreSQL's planner picks
// the indexes on its own).
#include "PgSupport.h"

#include "StoreSql.h"
#include "core/Timestamp.h"

#include <QJsonArray>

namespace interlock {

using storesql::historyWhere;
using storesql::Sql;
using namespace pg;

namespace {} // namespace

std::optional<PgStore::ColumnSet> PgStore::historySet(const QJsonObject &doc, qint64 at,
                                                      const QString &actor)
{
    const qint64 createdAt =
        fromRfc3339(doc.value(QStringLiteral("created_at")).toString()).value_or(at);
    const HistoryColumns c = historyColumns(doc, createdAt, at, actor);
    if (c.outcome.isEmpty())
        return std::nullopt;
    // The first decision keeps its time and decider, unless a kill's cancellation replaces them
    // (HistoryColumns::replaces).
    ColumnSet set;
    set.sql =
        (c.replaces ? QStringLiteral("outcome = ?, decided_at = ?, decided_day = ?, decided_by = "
                                     "?, ttd_ms = ?, ttd_bucket = ?, ")
                    : QStringLiteral("outcome = ?, decided_at = COALESCE(decided_at, ?), "
                                     "decided_day = COALESCE(decided_day, ?), decided_by = "
                                     "COALESCE(decided_by, ?), ttd_ms = COALESCE(ttd_ms, ?), "
                                     "ttd_bucket = COALESCE(ttd_bucket, ?), ")) +
        QStringLiteral(
            "h_title = ?, h_target = ?, h_level = ?, h_comment = ?, h_approvers = ?, "
            "h_sha = ?, seen_payload_sha256 = ?, seen_view_sha256 = ?, decided_risk = ?, "
            "decided_level = ?");
    const QJsonObject decision = doc.value(QStringLiteral("decision")).toObject();
    QStringList approvers;
    for (const QJsonValue &a : doc.value(QStringLiteral("approvals")).toArray())
        approvers.append(a.toObject().value(QStringLiteral("by")).toString());
    const QJsonValue approvedSha = doc.value(QStringLiteral("approved_payload_sha256"));
    // What the deciding reviewer had on screen (decision.seen, issue #15).
    const QJsonObject seen = decision.value(QStringLiteral("seen")).toObject();
    const auto textOrNull = [](const QJsonValue &v) {
        return v.isString() ? QVariant(v.toString()) : QVariant(QMetaType(QMetaType::QString));
    };
    set.values = {
        c.outcome,
        *c.decidedAt,
        *c.decidedAt / 86'400'000,
        c.decidedBy,
        *c.ttdMs,
        *c.ttdBucket,
        doc.value(QStringLiteral("title")).toString(),
        doc.value(QStringLiteral("target")).toString(),
        doc.value(QStringLiteral("risk")).toObject().value(QStringLiteral("level")).toString(),
        c.comment,
        approvers.join(u';'),
        approvedSha.isString() ? approvedSha.toString()
                               : doc.value(QStringLiteral("payload_sha256")).toString(),
        textOrNull(seen.value(QStringLiteral("payload_sha256"))),
        textOrNull(seen.value(QStringLiteral("view_sha256"))),
        c.decidedRisk,
        c.decidedLevel};
    return set;
}

bool PgStore::writeHistoryColumns(const QJsonObject &doc, qint64 at, const QString &actor)
{
    const auto set = historySet(doc, at, actor);
    if (!set)
        return true;
    QSqlQuery &q = prepared(QStringLiteral("UPDATE actions SET ") + set->sql +
                            QStringLiteral(" WHERE id = ?"));
    for (const QVariant &v : set->values)
        q.addBindValue(v);
    q.addBindValue(doc.value(QStringLiteral("id")).toString());
    return execute(q);
}

HistoryPage PgStore::history(const HistoryQuery &query)
{
    Sql w = historyWhere(query);
    if (query.before) {
        w.text += QStringLiteral(" AND decided_at <= ? AND (decided_at < ? OR seq < ?)");
        w.binds << query.before->first << query.before->first << query.before->second;
    }
    // The CSV columns are the same as the SQLite store's; the two times are formatted here.
    const QString columns =
        query.csvFields
            ? QStringLiteral(
                  "seq, decided_at, id, created_at, agent, session_id, kind, h_title, "
                  "h_target, coalesce(decided_risk, risk_score), coalesce(decided_level, "
                  "h_level), outcome, decided_by, h_approvers, h_comment, ttd_ms, h_sha, "
                  "seen_payload_sha256, seen_view_sha256, risk_score, h_level")
            : QStringLiteral(
                  "seq, decided_at, doc, outcome, decided_by, ttd_ms, "
                  "coalesce(decided_risk, risk_score), coalesce(decided_level, h_level)");
    const QString sql = QStringLiteral("SELECT ") + columns + QStringLiteral(" FROM actions") +
                        w.text + QStringLiteral(" ORDER BY decided_at DESC, seq DESC LIMIT ?");
    return reading([&] {
        QSqlQuery &q = prepared(sql);
        for (const QVariant &b : std::as_const(w.binds))
            q.addBindValue(b);
        q.addBindValue(query.limit + 1);
        HistoryPage page;
        if (!execute(q)) {
            page.failed = true;
            return page;
        }
        page.rows.reserve(query.limit);
        while (q.next()) {
            if (page.rows.size() == query.limit) {
                page.next = std::make_pair(page.rows.last().decidedAt, page.rows.last().seq);
                break;
            }
            HistoryRow row;
            row.seq = q.value(0).toLongLong();
            row.decidedAt = q.value(1).toLongLong();
            if (query.csvFields) {
                row.csv.reserve(20);
                row.csv.append(q.value(2).toString());
                row.csv.append(toRfc3339(row.decidedAt));
                row.csv.append(toRfc3339(q.value(3).toLongLong()));
                for (int i = 4; i < 21; ++i)
                    row.csv.append(q.value(i).toString());
            } else {
                row.doc = q.value(2).toString().toUtf8();
                row.outcome = q.value(3).toString();
                row.decidedBy = q.value(4).toString();
                row.ttdMs = q.value(5).toLongLong();
                row.decidedRisk = q.value(6).toInt();
                row.decidedLevel = q.value(7).toString();
            }
            page.rows.append(std::move(row));
        }
        page.failed = !page.next && q.lastError().isValid();
        q.finish();
        return page;
    });
}

StatsRows PgStore::statsRows(std::optional<qint64> from, std::optional<qint64> to, StatsParts parts)
{
    HistoryQuery range;
    range.from = from;
    range.to = to;
    const Sql w = historyWhere(range);
    const auto grouped = [&](const QString &key, bool withBucket) {
        Sql where = w;
        if (!withBucket) {
            if (from)
                where.add(QStringLiteral("decided_day >= ?"), *from / 86'400'000);
            if (to)
                where.add(QStringLiteral("decided_day <= ?"), *to / 86'400'000);
        }
        const QString sql =
            withBucket ? QStringLiteral("SELECT %1, outcome, ttd_bucket, count(*) FROM actions%2 "
                                        "GROUP BY %1, outcome, ttd_bucket")
                       : QStringLiteral(
                             "SELECT %1, outcome, 0, count(*) FROM actions%2 GROUP BY %1, outcome");
        return reading([&] {
            QSqlQuery &q = prepared(sql.arg(key, where.text));
            for (const QVariant &b : std::as_const(where.binds))
                q.addBindValue(b);
            QList<StatsGroup> out;
            if (execute(q)) {
                while (q.next())
                    out.append({q.value(0).toString(), q.value(1).toString(), q.value(2).toInt(),
                                q.value(3).toLongLong()});
            }
            q.finish();
            return out;
        });
    };
    StatsRows rows;
    if (parts & StatsByDay)
        rows.byDay = grouped(QStringLiteral("decided_day"), false);
    if (parts & StatsByReviewer)
        rows.byReviewer = grouped(QStringLiteral("decided_by"), true);
    if (parts & StatsByAgent)
        rows.byAgent = grouped(QStringLiteral("agent"), true);
    return rows;
}

} // namespace interlock
