#include "CtlCommon.h"
#include "server/PgStore.h"
#include "server/SqliteStore.h"
#include "server/StoreFactory.h"

#include <QFileInfo>

namespace interlock::ctl {

int auditCommand(const QStringList &args)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("verify"),
                                 QStringLiteral("The only sub-command: verify the audit chain."));
    parser.addOption({QStringLiteral("db"),
                      QStringLiteral("The server's SQLite database file or PostgreSQL URL."),
                      QStringLiteral("FILE|URL")});
    parser.addOption({QStringLiteral("audit-key"),
                      QStringLiteral("The key file the log is keyed with (default: "
                                     "$INTERLOCK_AUDIT_KEY, else <db file>.audit-key)."),
                      QStringLiteral("FILE")});
    int code = Ok;
    if (!parseArguments(
            parser, args,
            QStringLiteral("Walks the hash-chained audit log in a database file, offline, and "
                           "reports ok with the head hash "
                           "(exit 0) or the first entry that was altered, removed or reordered "
                           "(exit 1). Compare the head "
                           "with one recorded earlier to also detect entries cut off the end."),
            &code))
        return code;
    if (parser.positionalArguments().mid(1) != QStringList{QStringLiteral("verify")} ||
        !parser.isSet(QStringLiteral("db")))
        return fail(QStringLiteral("usage: interlockctl audit verify --db FILE"), Usage);
    if (parser.isSet(QStringLiteral("audit-key")))
        AuditKey::setExplicitFile(parser.value(QStringLiteral("audit-key")));
    const QString db = parser.value(QStringLiteral("db"));
    const bool postgres = isPostgresLocation(db);
    if (!postgres && !QFileInfo(db).isFile())
        return fail(QStringLiteral("audit verify: no database at %1").arg(db), Usage);
    // Read-only: it may run beside the servers that write the database (it takes no lock).
    // PostgreSQL: a read-only session, the chain verified as one snapshot of it.
    std::unique_ptr<Store> store;
    if (postgres)
        store = std::make_unique<PgStore>(db, PgStore::Mode::ReadOnly);
    else
        store = std::make_unique<SqliteStore>(db, SqliteStore::Mode::ReadOnly);
    QString error;
    if (!store->open(&error))
        return fail(QStringLiteral("audit verify: ") + error);
    const AuditVerdict verdict = store->verifyAudit();
    if (!verdict.ok)
        return fail(
            QStringLiteral(
                "audit verify: NOT INTACT: %1 (first bad entry: %2; %3 entries verified before it)")
                .arg(verdict.reason)
                .arg(verdict.firstBadSeq)
                .arg(verdict.entries));
    out(QStringLiteral("ok: %1 entries, head %2")
            .arg(verdict.entries)
            .arg(QString::fromLatin1(verdict.head)) +
        (verdict.keyedFrom > 0 ? QStringLiteral(", keyed from entry %1").arg(verdict.keyedFrom)
         : verdict.entries > 0 ? QStringLiteral(" (not keyed: whoever can write the database "
                                                "could have rewritten it)")
                               : QString()));
    return Ok;
}

} // namespace interlock::ctl
