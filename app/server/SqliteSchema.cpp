// The SQLite schema as numbered migrations (docs/postgresql.md "Schema and migrations"), run in
// the transaction that opens the file. Files from before the schema_version table start at
// version 0: migrations 1 and 2 are written to find their work already done there (CREATE … IF
// NOT EXISTS, only the missing history columns added), so they simply get recorded.
#include "SqliteSupport.h"

#include "SchemaVersion.h"
#include "StoreSql.h"

#include <QDateTime>

namespace interlock {

using namespace sqlite;

namespace {
const char *const kSchema[] = {
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS tokens (hash TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT "
    "NULL, session_id TEXT, created_at INTEGER NOT NULL, revoked_at INTEGER)",
    "CREATE TABLE IF NOT EXISTS sessions (id TEXT PRIMARY KEY, agent TEXT NOT NULL, owner TEXT, "
    "description TEXT, supervised INTEGER NOT NULL, status TEXT NOT NULL, created_at INTEGER NOT "
    "NULL, pending INTEGER NOT NULL DEFAULT 0, stop TEXT)",
    "CREATE TABLE IF NOT EXISTS actions (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL "
    "UNIQUE, session_id TEXT NOT NULL, agent TEXT NOT NULL, kind TEXT NOT NULL, status TEXT NOT "
    "NULL, risk_score INTEGER NOT NULL, version INTEGER NOT NULL, created_at INTEGER NOT NULL, "
    "expires_at INTEGER NOT NULL, idem_key TEXT, idem_hash TEXT, doc TEXT NOT NULL)",
    "CREATE UNIQUE INDEX IF NOT EXISTS actions_idem ON actions(session_id, idem_key) WHERE "
    "idem_key IS NOT NULL",
    "CREATE INDEX IF NOT EXISTS actions_queue ON actions(status, risk_score DESC, seq)",
    "CREATE INDEX IF NOT EXISTS actions_session ON actions(session_id, status)",
    "CREATE INDEX IF NOT EXISTS actions_expiry ON actions(expires_at) WHERE status = 'pending'",
    "CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY AUTOINCREMENT, type TEXT NOT NULL, "
    "at INTEGER NOT NULL, session_id TEXT, action_id TEXT, data TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS events_session ON events(session_id, seq)",
    "CREATE TABLE IF NOT EXISTS audit (seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, actor TEXT "
    "NOT NULL, type TEXT NOT NULL, subject TEXT, data TEXT NOT NULL, prev_hash TEXT NOT NULL, hash "
    "TEXT NOT NULL)",
};

} // namespace

namespace {
// The version of the last migration in SqliteStore::migrate().
constexpr int kLatest = 10;
} // namespace

int sqliteSchemaVersion()
{
    return kLatest;
}

bool SqliteStore::createTables()
{
    for (const char *statement : kSchema) {
        if (!exec(QString::fromLatin1(statement)))
            return false;
    }
    return true;
}

bool SqliteStore::createSafety()
{
    // Standing grants and breaker trips (SqliteSafety.cpp).
    return exec(QStringLiteral("CREATE TABLE IF NOT EXISTS safety (kind TEXT NOT NULL, id TEXT NOT "
                               "NULL, doc TEXT NOT NULL, PRIMARY KEY (kind, id))"));
}

bool SqliteStore::keepsPendingCounts()
{
    return true;
}

bool SqliteStore::createReadingTime()
{
    // Reading time (issue #15): each reviewer's first fetch of an action's detail, and each
    // decision's review time. IF NOT EXISTS: files written by the release before the numbered
    // migrations (meta schema_version '3') have these tables already.
    for (const char *statement : {
             "CREATE TABLE IF NOT EXISTS action_views (action_id TEXT NOT NULL, reviewer TEXT NOT "
             "NULL, first_at INTEGER NOT NULL, PRIMARY KEY (action_id, reviewer))",
             "CREATE TABLE IF NOT EXISTS reviews (seq INTEGER PRIMARY KEY AUTOINCREMENT, "
             "action_id TEXT NOT NULL, reviewer TEXT NOT NULL, decided_at INTEGER NOT NULL, "
             "review_ms INTEGER, approved INTEGER NOT NULL)",
             "CREATE INDEX IF NOT EXISTS reviews_time ON reviews(decided_at)",
         }) {
        if (!exec(QString::fromLatin1(statement)))
            return false;
    }
    return true;
}

bool SqliteStore::createAgentNames()
{
    if (!exec(QStringLiteral("CREATE TABLE IF NOT EXISTS agent_names (skeleton TEXT PRIMARY KEY, "
                             "agent TEXT NOT NULL)")))
        return false;
    return storesql::holdAgentNamesInUse(
        QSqlDatabase::database(m_connection),
        QStringLiteral("INSERT OR IGNORE INTO agent_names(skeleton, agent) VALUES "
                       "(?, ?)"));
}

bool SqliteStore::migrate(QString *error)
{
    QSqlDatabase db = QSqlDatabase::database(m_connection);
    const auto fail = [&](const QString &what) {
        *error = QStringLiteral("cannot prepare the schema in %1: %2: %3")
                     .arg(m_path, what, db.lastError().text());
        return false;
    };
    if (!exec(QStringLiteral("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY "
                             "KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)")))
        return fail(QStringLiteral("schema_version"));
    int current = 0;
    {
        QSqlQuery q(db);
        if (!q.exec(QStringLiteral("SELECT coalesce(max(version), 0) FROM schema_version")) ||
            !q.next())
            return fail(QStringLiteral("schema_version"));
        current = q.value(0).toInt();
    }
    struct Migration {
        int version;
        const char *name;
        bool (SqliteStore::*run)();
    };
    // Append only: a released migration never changes; the same number makes the same change in
    // the PostgreSQL store (PgSchema.cpp).
    static const Migration migrations[] = {
        {1, "tokens, sessions, actions, events, audit", &SqliteStore::createTables},
        {2, "history columns", &SqliteStore::migrateHistory},
        {3, "sessions.opener and owner_claimed, token names", &SqliteStore::migrateIdentities},
        {4, "safety records", &SqliteStore::createSafety},
        // migrateHistory adds the history columns that are missing, now with these two.
        {5, "decision.seen columns", &SqliteStore::migrateHistory},
        {6, "reading time: action_views, reviews", &SqliteStore::createReadingTime},
        // PostgreSQL's counters; SQLite keeps the count in sessions.pending since migration 1.
        {7, "session pending counts", &SqliteStore::keepsPendingCounts},
        {8, "agent names and their skeletons", &SqliteStore::createAgentNames},
        {9, "agent names bound to their openers", &SqliteStore::bindAgentNames},
        // migrateHistory adds (and fills) them; the history index then covers the decided risk.
        {10, "decided risk columns", &SqliteStore::migrateDecidedRisk},
    };
    static_assert(std::size(migrations) == kLatest);
    if (current > sqliteSchemaVersion()) {
        *error =
            m_path + QStringLiteral(": ") + schemaTooNewMessage(current, sqliteSchemaVersion());
        return false;
    }
    for (const Migration &m : migrations) {
        if (m.version <= current)
            continue;
        if (!(this->*m.run)())
            return fail(
                QStringLiteral("migration %1 (%2)").arg(m.version).arg(QLatin1String(m.name)));
        QSqlQuery record(db);
        record.prepare(QStringLiteral("INSERT INTO schema_version VALUES (?, ?, ?)"));
        record.addBindValue(m.version);
        record.addBindValue(QString::fromLatin1(m.name));
        record.addBindValue(QDateTime::currentMSecsSinceEpoch());
        if (!record.exec())
            return fail(QStringLiteral("migration %1").arg(m.version));
    }
    return true;
}

} // namespace interlock
