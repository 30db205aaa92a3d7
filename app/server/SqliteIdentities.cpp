#include "SqliteSupport.h"

#include <QSet>

// Who is who in the SQLite store: the names tokens were created for (identities are resolved
// against them), who opened each session and what owner it claimed, and audit entries that
// record no state change.
namespace interlock {

using namespace sqlite;

bool SqliteStore::migrateIdentities()
{
    QSet<QString> present;
    {
        QSqlQuery info(QSqlDatabase::database(m_connection));
        info.exec(QStringLiteral("PRAGMA table_info(sessions)"));
        while (info.next())
            present.insert(info.value(1).toString());
    }
    // Sessions from before have no opener (nobody is refused for having opened them) and their
    // owner as the agent wrote it, compared as an identity when deciding.
    for (const char *column : {"opener", "owner_claimed"}) {
        if (!present.contains(QString::fromLatin1(column)) &&
            !exec(QStringLiteral("ALTER TABLE sessions ADD COLUMN %1 TEXT")
                      .arg(QString::fromLatin1(column))))
            return false;
    }
    // Token names without the session tokens, which are most of the table.
    return exec(QStringLiteral("CREATE INDEX IF NOT EXISTS tokens_names ON tokens(name, role) "
                               "WHERE session_id IS NULL"));
}

QList<TokenRecord> SqliteStore::tokenNames()
{
    QSqlQuery &q = prepared(QStringLiteral(
        "SELECT DISTINCT name, role FROM tokens INDEXED BY tokens_names WHERE session_id IS NULL"));
    QList<TokenRecord> out;
    if (q.exec()) {
        while (q.next()) {
            if (const auto role = parseRole(q.value(1).toString()))
                out.append(TokenRecord{q.value(0).toString(), *role, {}, false});
        }
    }
    q.finish();
    return out;
}

bool SqliteStore::appendAuditEntry(const Transition &t)
{
    Transaction tx(*this);
    return appendAudit(t.at, t.actor, t.auditType, QString(), t.eventData) && tx.commit();
}

} // namespace interlock
