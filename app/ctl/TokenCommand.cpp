#include "CtlCommon.h"
#include "server/Store.h"
#include "server/StoreFactory.h"
#include "server/Tokens.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>

namespace interlock::ctl {

int tokenCommand(const QStringList &args)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("create"),
                                 QStringLiteral("The only sub-command: create a token."));
    parser.addOption({QStringLiteral("db"),
                      QStringLiteral("The server's SQLite database file (created if missing) or "
                                     "PostgreSQL URL."),
                      QStringLiteral("FILE|URL")});
    parser.addOption({QStringLiteral("role"),
                      QStringLiteral("One of: ") + creatableRoleNames().join(QStringLiteral(", ")) +
                          QLatin1Char('.'),
                      QStringLiteral("ROLE")});
    parser.addOption({QStringLiteral("name"),
                      QStringLiteral("Who the token is for (shown in the audit log)."),
                      QStringLiteral("NAME")});
    int code = Ok;
    if (!parseArguments(
            parser, args,
            QStringLiteral("Creates a token directly in the database file, offline, and prints "
                           "only the token. "
                           "The database keeps only its SHA-256; the token cannot be shown again."),
            &code))
        return code;
    const QStringList pos = parser.positionalArguments();
    if (pos.value(1) != QLatin1String("create") || pos.size() != 2)
        return fail(
            QStringLiteral("usage: interlockctl token create --db FILE --role ROLE --name NAME"),
            Usage);
    const auto role = parseRole(parser.value(QStringLiteral("role")));
    if (!role || !creatableRoleNames().contains(parser.value(QStringLiteral("role"))))
        return fail(QStringLiteral("--role must be one of: ") +
                        creatableRoleNames().join(QStringLiteral(", ")),
                    Usage);
    const QString name = parser.value(QStringLiteral("name")).trimmed();
    if (name.isEmpty() || name.size() > 128)
        return fail(QStringLiteral("--name is required (at most 128 characters)"), Usage);
    const QString db = parser.value(QStringLiteral("db"));
    if (db.isEmpty())
        return fail(QStringLiteral("--db FILE is required"), Usage);

    if (!isPostgresLocation(db))
        QDir().mkpath(QFileInfo(db).absolutePath());
    // SQLite: the same lock as the server's: while a server uses the file this refuses and names
    // it, so a running server's view of the file is never changed behind its back. Stop it
    // first. PostgreSQL: servers and this tool share the database.
    const std::unique_ptr<Store> store = makeStore(db);
    QString error;
    if (!store->open(&error))
        return fail(error);
    const QString token = issueToken(*store, *role, name, QDateTime::currentMSecsSinceEpoch(),
                                     QStringLiteral("interlockctl"), &error);
    if (token.isEmpty())
        return fail(QStringLiteral("token create: %1 (in %2)").arg(error, describeLocation(db)));
    out(token);
    return Ok;
}

} // namespace interlock::ctl
