#include "StoreFactory.h"

#include "PgStore.h"
#include "SqliteStore.h"

#include <QUrl>

namespace interlock {

bool isPostgresLocation(const QString &location)
{
    return location.startsWith(QLatin1String("postgresql://")) ||
           location.startsWith(QLatin1String("postgres://"));
}

std::unique_ptr<Store> makeStore(const QString &location)
{
    if (isPostgresLocation(location))
        return std::make_unique<PgStore>(location);
    return std::make_unique<SqliteStore>(location);
}

QString describeLocation(const QString &location)
{
    if (!isPostgresLocation(location))
        return location;
    QUrl url(location);
    if (!url.password().isEmpty())
        url.setPassword(QStringLiteral("***"));
    return url.toString();
}

} // namespace interlock
