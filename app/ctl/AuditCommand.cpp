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
    parser.addOption({QStringLiteral("expect-head"),
                      QStringLiteral("A head recorded earlier (what an earlier verify printed, "
                                     "SEQ:HASH): the chain must still hold that entry."),
                      QStringLiteral("SEQ:HASH")});
    int code = Ok;
    if (!parseArguments(
            parser, args,
            QStringLiteral("Walks the hash-chained audit log in a database file, offline, and "
                           "reports ok with the head hash "
                           "(exit 0) or the first entry that was altered, removed or reordered "
                           "(exit 1). Entries cut off the end are found with the head anchor "
                           "the server keeps beside a SQLite file (<db>.audit-head) and with "
                           "--expect-head, a head recorded earlier."),
            &code))
        return code;
    if (parser.positionalArguments().mid(1) != QStringList{QStringLiteral("verify")} ||
        !parser.isSet(QStringLiteral("db")))
        return fail(QStringLiteral("usage: interlockctl audit verify --db FILE [--audit-key FILE] "
                                   "[--expect-head SEQ:HASH]"),
                    Usage);
    if (parser.isSet(QStringLiteral("audit-key")))
        AuditKey::setExplicitFile(parser.value(QStringLiteral("audit-key")));
    QList<AuditAnchor> expected;
    if (parser.isSet(QStringLiteral("expect-head"))) {
        const auto anchor =
            AuditAnchor::parse(parser.value(QStringLiteral("expect-head")).toLatin1(),
                               QStringLiteral("--expect-head"));
        if (!anchor)
            return fail(QStringLiteral("audit verify: --expect-head must be SEQ:HASH (a number, "
                                       "a colon and 64 hex digits)"),
                        Usage);
        expected.append(*anchor);
    }
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
    const AuditVerdict verdict = store->verifyAudit(expected);
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
                               : QString()) +
        (verdict.anchorSeq > 0
             ? QStringLiteral("; holds entry %1 of the head anchor").arg(verdict.anchorSeq)
             : QString()));
    return Ok;
}

} // namespace interlock::ctl
