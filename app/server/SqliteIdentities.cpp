#include "SqliteSupport.h"

#include <QSet>

// Who is who in the SQLite store: tokens (written, and read with their rows kept), the names
// tokens were created for (identities are resolved against them), who opened each session and
// what owner it claimed, and audit entries that record no state change.
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

bool SqliteStore::insertTokenRow(const QByteArray &hash, const TokenRecord &token, qint64 at)
{
    QSqlQuery &q = prepared(QStringLiteral(
        "INSERT INTO tokens(hash, name, role, session_id, created_at) VALUES (?, ?, ?, ?, ?)"));
    q.addBindValue(hash);
    q.addBindValue(token.name);
    q.addBindValue(roleName(token.role));
    q.addBindValue(token.sessionId.isEmpty() ? QVariant() : QVariant(token.sessionId));
    q.addBindValue(at);
    return q.exec();
}

bool SqliteStore::insertToken(const QByteArray &hash, const TokenRecord &token, qint64 at,
                              const QString &actor)
{
    Transaction tx(*this);
    const QJsonObject data{{QStringLiteral("name"), token.name},
                           {QStringLiteral("role"), roleName(token.role)}};
    return tx.isOpen() && insertTokenRow(hash, token, at) &&
           appendAudit(at, actor, QStringLiteral("token.create"), token.name, data) && tx.commit();
}

std::optional<TokenRecord> SqliteStore::token(const QByteArray &hash)
{
    return readToken(hash, keepsRows());
}

std::optional<Credential> SqliteStore::credential(const QByteArray &hash)
{
    const bool keep = keepsRows();
    const auto token = readToken(hash, keep);
    if (!token)
        return std::nullopt;
    Credential out{*token, std::nullopt};
    if (!token->sessionId.isEmpty())
        out.session = readSession(token->sessionId, keep);
    return out;
}

std::optional<TokenRecord> SqliteStore::readToken(const QByteArray &hash, bool keep)
{
    if (keep) {
        if (auto kept = m_tokenCache.find(hash))
            return kept;
    }
    QSqlQuery &q = prepared(QStringLiteral("SELECT name, role, session_id, revoked_at IS NOT NULL, "
                                           "rowid FROM tokens WHERE hash = ?"));
    q.addBindValue(hash);
    std::optional<TokenRecord> out;
    qint64 row = -1;
    if (q.exec() && q.next()) {
        if (const auto role = parseRole(q.value(1).toString()))
            out = TokenRecord{q.value(0).toString(), *role, q.value(2).toString(),
                              q.value(3).toBool()};
        row = q.value(4).toLongLong();
    }
    q.finish();
    if (out && keep)
        m_tokenCache.insert(hash, row, *out);
    return out;
}

} // namespace interlock
