// Who is who in the PostgreSQL store (as SqliteIdentities.cpp): the names tokens were created
// for, the tokens the control path checks from memory, and audit entries that record no state
// change.
#include "PgSupport.h"

namespace interlock {

using namespace pg;

QList<std::pair<QByteArray, TokenRecord>> PgStore::controlTokens()
{
    return reading([&] {
        QSqlQuery &q = prepared(QStringLiteral(
            "SELECT t.hash, t.name, t.role, t.session_id FROM tokens t LEFT JOIN sessions s ON "
            "s.id = t.session_id WHERE (t.role IN ('reviewer', 'oncall', 'manager', 'admin') AND "
            "t.revoked_at IS NULL) OR (t.role = 'supervisor' AND s.status IN ('active', "
            "'killed'))"));
        QList<std::pair<QByteArray, TokenRecord>> out;
        if (execute(q)) {
            while (q.next()) {
                if (const auto role = parseRole(q.value(2).toString()))
                    out.append(
                        {q.value(0).toString().toLatin1(),
                         TokenRecord{q.value(1).toString(), *role, q.value(3).toString(), false}});
            }
        }
        q.finish();
        return out;
    });
}

QList<TokenRecord> PgStore::tokenNames()
{
    return reading([&] {
        QSqlQuery &q = prepared(
            QStringLiteral("SELECT DISTINCT name, role FROM tokens WHERE session_id IS NULL"));
        QList<TokenRecord> out;
        if (execute(q)) {
            while (q.next()) {
                if (const auto role = parseRole(q.value(1).toString()))
                    out.append(TokenRecord{q.value(0).toString(), *role, {}, false});
            }
        }
        q.finish();
        return out;
    });
}

bool PgStore::appendAuditEntry(const Transition &t)
{
    Transaction tx(*this);
    return tx.open() && writeTransition(t, {}, {}, QString()) && tx.commit();
}

} // namespace interlock
