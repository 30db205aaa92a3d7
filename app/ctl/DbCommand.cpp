#include "CtlCommon.h"
#include "server/SchemaVersion.h"
#include "server/Store.h"
#include "server/StoreFactory.h"

#include <QDir>
#include <QFileInfo>

namespace interlock::ctl {

int dbCommand(const QStringList &args)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("migrate"),
                                 QStringLiteral("The only sub-command: bring the schema up to "
                                                "date."));
    parser.addOption({QStringLiteral("db"),
                      QStringLiteral("A SQLite database file or a PostgreSQL URL."),
                      QStringLiteral("FILE|URL")});
    int code = Ok;
    if (!parseArguments(parser, args,
                        QStringLiteral("Creates the schema, or runs the migrations a database has "
                                       "not had yet, and prints the schema version. interlockd "
                                       "does the same when it starts; run this before starting "
                                       "several new servers on one PostgreSQL database."),
                        &code))
        return code;
    if (parser.positionalArguments().mid(1) != QStringList{QStringLiteral("migrate")} ||
        !parser.isSet(QStringLiteral("db")))
        return fail(QStringLiteral("usage: interlockctl db migrate --db FILE|URL"), Usage);
    const QString db = parser.value(QStringLiteral("db"));
    const bool postgres = isPostgresLocation(db);
    if (!postgres)
        QDir().mkpath(QFileInfo(db).absolutePath());
    const std::unique_ptr<Store> store = makeStore(db);
    QString error;
    if (!store->open(&error))
        return fail(QStringLiteral("db migrate: ") + error);
    out(QStringLiteral("%1: schema version %2")
            .arg(describeLocation(db))
            .arg(postgres ? pgSchemaVersion() : sqliteSchemaVersion()));
    return Ok;
}

} // namespace interlock::ctl
