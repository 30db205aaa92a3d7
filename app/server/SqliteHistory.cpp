// The SQLite store's history: the indexed columns of decided actions, history pages and the
// grouped statistics.
#include "SqliteSupport.h"

#include "StoreSql.h"
#include "core/Timestamp.h"

#include <QJsonArray>
#include <QSet>

namespace interlock {

using storesql::historyWhere;
using storesql::Sql;
using namespace sqlite;

namespace {
const char *const kHistorySchema[] = {
    // Replaced by history_order (an early build of this schema had it).
    "DROP INDEX IF EXISTS actions_decided",
    // History pages in decision order; risk_score rides along so a risk filter never has to
    // read the table row.
    "CREATE INDEX IF NOT EXISTS history_order ON actions(decided_at, risk_score) WHERE "
    "decided_at IS NOT NULL",
    "CREATE INDEX IF NOT EXISTS actions_decided_agent ON actions(agent, decided_at) WHERE "
    "decided_at IS NOT NULL",
    "CREATE INDEX IF NOT EXISTS actions_decided_by ON actions(decided_by, decided_at) WHERE "
    "decided_at IS NOT NULL",
    // The statistics group in index order, so they stream without sorting.
    "CREATE INDEX IF NOT EXISTS stats_day ON actions(decided_day, outcome, decided_at) WHERE "
    "decided_at IS NOT NULL",
    "CREATE INDEX IF NOT EXISTS stats_reviewer ON actions(decided_by, outcome, ttd_bucket, "
    "decided_at) WHERE decided_at IS NOT NULL",
    "CREATE INDEX IF NOT EXISTS stats_agent ON actions(agent, outcome, ttd_bucket, decided_at) "
    "WHERE decided_at IS NOT NULL",
};

const char *const kHistoryColumns[] = {
    "outcome TEXT", "decided_at INTEGER", "decided_by TEXT", "ttd_ms INTEGER", "ttd_bucket INTEGER",
    "decided_day INTEGER",
    // Copies for the CSV export, which then parses no JSON per row.
    "h_title TEXT", "h_target TEXT", "h_level TEXT", "h_comment TEXT", "h_approvers TEXT",
    "h_sha TEXT",
    // What the deciding reviewer had on screen (decision.seen, issue #15).
    "seen_payload_sha256 TEXT", "seen_view_sha256 TEXT",
    // The risk of what was decided (red team F5; migration 10).
    "decided_risk INTEGER", "decided_level TEXT"};

} // namespace

bool SqliteStore::migrateHistory()
{
    // Databases from before (some of) the history columns get them, filled from the JSON.
    QSet<QString> present;
    {
        QSqlQuery info(QSqlDatabase::database(m_connection));
        info.exec(QStringLiteral("PRAGMA table_info(actions)"));
        while (info.next())
            present.insert(info.value(1).toString());
    }
    bool added = false;
    for (const char *column : kHistoryColumns) {
        const QString definition = QString::fromLatin1(column);
        if (present.contains(definition.section(u' ', 0, 0)))
            continue;
        if (!exec(QStringLiteral("ALTER TABLE actions ADD COLUMN ") + definition))
            return false;
        added = true;
    }
    if (added) {
        // Expired and cancelled actions carry no decision time: their deadline stands in.
        QSqlQuery q(QSqlDatabase::database(m_connection));
        q.setForwardOnly(true);
        q.exec(QStringLiteral("SELECT doc, expires_at FROM actions WHERE status != 'pending'"));
        QList<std::pair<QJsonObject, qint64>> batch;
        const auto flush = [&] {
            for (const auto &[doc, fallbackAt] : std::as_const(batch)) {
                if (!writeHistoryColumns(doc, fallbackAt, QStringLiteral("system")))
                    return false;
            }
            batch.clear();
            return true;
        };
        while (q.next())
            batch.append({parseDoc(q.value(0)), q.value(1).toLongLong()});
        q.finish();
        if (!flush())
            return false;
    }
    for (const char *statement : kHistorySchema) {
        if (!exec(QString::fromLatin1(statement)))
            return false;
    }
    return true;
}

bool SqliteStore::migrateDecidedRisk()
{
    // The two columns (filled from each action's JSON), and the history index with the decided
    // risk in place of the submitted one, so the risk filter still reads no table row.
    return migrateHistory() && exec(QStringLiteral("DROP INDEX IF EXISTS history_order")) &&
           exec(QStringLiteral("CREATE INDEX history_order ON actions(decided_at, decided_risk) "
                               "WHERE decided_at IS NOT NULL"));
}

bool SqliteStore::writeHistoryColumns(const QJsonObject &doc, qint64 at, const QString &actor)
{
    const qint64 createdAt =
        fromRfc3339(doc.value(QStringLiteral("created_at")).toString()).value_or(at);
    const HistoryColumns c = historyColumns(doc, createdAt, at, actor);
    if (c.outcome.isEmpty())
        return true;
    // The first decision keeps its time and decider, unless a kill's cancellation replaces them
    // (HistoryColumns::replaces).
    QSqlQuery &q = prepared(
        QStringLiteral("UPDATE actions SET outcome = ?, ") +
        (c.replaces ? QStringLiteral("decided_at = ?, decided_day = ?, decided_by = ?, ttd_ms = ?, "
                                     "ttd_bucket = ?, ")
                    : QStringLiteral("decided_at = COALESCE(decided_at, ?), decided_day = "
                                     "COALESCE(decided_day, ?), decided_by = COALESCE(decided_by, "
                                     "?), ttd_ms = COALESCE(ttd_ms, ?), ttd_bucket = "
                                     "COALESCE(ttd_bucket, ?), ")) +
        QStringLiteral(
            "h_title = ?, h_target = ?, h_level = ?, h_comment = ?, h_approvers = ?, "
            "h_sha = ?, seen_payload_sha256 = ?, seen_view_sha256 = ?, decided_risk = ?, "
            "decided_level = ? WHERE id = ?"));
    q.addBindValue(c.outcome);
    q.addBindValue(*c.decidedAt);
    q.addBindValue(*c.decidedAt / 86'400'000);
    q.addBindValue(c.decidedBy);
    q.addBindValue(*c.ttdMs);
    q.addBindValue(*c.ttdBucket);
    const QJsonObject decision = doc.value(QStringLiteral("decision")).toObject();
    QStringList approvers;
    for (const QJsonValue &a : doc.value(QStringLiteral("approvals")).toArray())
        approvers.append(a.toObject().value(QStringLiteral("by")).toString());
    const QJsonValue approvedSha = doc.value(QStringLiteral("approved_payload_sha256"));
    q.addBindValue(doc.value(QStringLiteral("title")).toString());
    q.addBindValue(doc.value(QStringLiteral("target")).toString());
    q.addBindValue(
        doc.value(QStringLiteral("risk")).toObject().value(QStringLiteral("level")).toString());
    q.addBindValue(c.comment);
    q.addBindValue(approvers.join(u';'));
    q.addBindValue(approvedSha.isString() ? approvedSha.toString()
                                          : doc.value(QStringLiteral("payload_sha256")).toString());
    const QJsonObject seen = decision.value(QStringLiteral("seen")).toObject();
    const auto textOrNull = [](const QJsonValue &v) {
        return v.isString() ? QVariant(v.toString()) : QVariant();
    };
    q.addBindValue(textOrNull(seen.value(QStringLiteral("payload_sha256"))));
    q.addBindValue(textOrNull(seen.value(QStringLiteral("view_sha256"))));
    q.addBindValue(c.decidedRisk);
    q.addBindValue(c.decidedLevel);
    q.addBindValue(doc.value(QStringLiteral("id")).toString());
    return q.exec();
}

HistoryPage SqliteStore::history(const HistoryQuery &query)
{
    Sql w = historyWhere(query);
    if (query.before) {
        // Written so the index seeks to the cursor: the plain OR form makes SQLite sort every
        // row before the cursor on every page.
        w.text += QStringLiteral(" AND decided_at <= ? AND (decided_at < ? OR seq < ?)");
        w.binds << query.before->first << query.before->first << query.before->second;
    }
    const QString columns =
        query.csvFields
            ? QStringLiteral(
                  // Plain columns only: no JSON is parsed per row.
                  "seq, decided_at, id, "
                  "strftime('%Y-%m-%dT%H:%M:%fZ', decided_at / 1000.0, 'unixepoch'), "
                  "strftime('%Y-%m-%dT%H:%M:%fZ', created_at / 1000.0, 'unixepoch'), agent, "
                  "session_id, kind, h_title, h_target, coalesce(decided_risk, risk_score), "
                  "coalesce(decided_level, h_level), outcome, decided_by, h_approvers, h_comment, "
                  "ttd_ms, h_sha, seen_payload_sha256, seen_view_sha256, risk_score, h_level")
            : QStringLiteral(
                  "seq, decided_at, doc, outcome, decided_by, ttd_ms, "
                  "coalesce(decided_risk, risk_score), coalesce(decided_level, h_level)");
    QSqlQuery &q = prepared(QStringLiteral("SELECT ") + columns + QStringLiteral(" FROM actions") +
                            w.text + QStringLiteral(" ORDER BY decided_at DESC, seq DESC LIMIT ?"));
    for (const QVariant &b : std::as_const(w.binds))
        q.addBindValue(b);
    q.addBindValue(query.limit + 1);
    HistoryPage page;
    if (!q.exec()) {
        qWarning("SQLite history: %s", qPrintable(q.lastError().text()));
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
            for (int i = 2; i < 22; ++i)
                row.csv.append(q.value(i).toString());
        } else {
            row.doc = q.value(2).toByteArray();
            row.outcome = q.value(3).toString();
            row.decidedBy = q.value(4).toString();
            row.ttdMs = q.value(5).toLongLong();
            row.decidedRisk = q.value(6).toInt();
            row.decidedLevel = q.value(7).toString();
        }
        page.rows.append(std::move(row));
    }
    // next() is false at the end and on an error (a damaged page, an I/O error) alike.
    if (!page.next && q.lastError().isValid()) {
        qWarning("SQLite history: %s", qPrintable(q.lastError().text()));
        page.failed = true;
    }
    q.finish();
    return page;
}

StatsRows SqliteStore::statsRows(std::optional<qint64> from, std::optional<qint64> to,
                                 StatsParts parts)
{
    HistoryQuery range;
    range.from = from;
    range.to = to;
    const Sql w = historyWhere(range);
    // Each query walks one index in its GROUP BY order (INDEXED BY: the planner would
    // otherwise pick the decided_at range and sort a million rows).
    const auto grouped = [&](const QString &key, const char *index, bool withBucket) {
        Sql where = w;
        if (!withBucket) {
            if (from)
                where.add(QStringLiteral("decided_day >= ?"), *from / 86'400'000);
            if (to)
                where.add(QStringLiteral("decided_day <= ?"), *to / 86'400'000);
        }
        const QString sql =
            withBucket ? QStringLiteral("SELECT %1, outcome, ttd_bucket, count(*) FROM actions "
                                        "INDEXED BY %3%2 GROUP BY %1, outcome, ttd_bucket")
                       : QStringLiteral("SELECT %1, outcome, 0, count(*) FROM actions INDEXED BY "
                                        "%3%2 GROUP BY %1, outcome");
        QSqlQuery &q = prepared(sql.arg(key, where.text, QString::fromLatin1(index)));
        for (const QVariant &b : std::as_const(where.binds))
            q.addBindValue(b);
        QList<StatsGroup> out;
        if (q.exec()) {
            while (q.next())
                out.append({q.value(0).toString(), q.value(1).toString(), q.value(2).toInt(),
                            q.value(3).toLongLong()});
        } else {
            qWarning("SQLite stats: %s", qPrintable(q.lastError().text()));
        }
        q.finish();
        return out;
    };
    StatsRows rows;
    if (parts & StatsByDay)
        rows.byDay = grouped(QStringLiteral("decided_day"), "stats_day", false);
    if (parts & StatsByReviewer)
        rows.byReviewer = grouped(QStringLiteral("decided_by"), "stats_reviewer", true);
    if (parts & StatsByAgent)
        rows.byAgent = grouped(QStringLiteral("agent"), "stats_agent", true);
    return rows;
}

} // namespace interlock
