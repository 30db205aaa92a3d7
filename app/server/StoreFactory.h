#pragma once

#include <QString>
#include <memory>

namespace interlock {

class Store;

// Where the data lives: a SQLite file path (the default) or a PostgreSQL URL,
// postgresql://[user[:password]@][host][:port]/dbname[?param=value…] (postgres:// too; a Unix
// socket folder goes in ?host=/path). Every program that takes --db accepts both.
bool isPostgresLocation(const QString &location);
// The store for a location; open() it in the thread that will use it.
std::unique_ptr<Store> makeStore(const QString &location);
// The location for messages and logs: a URL's password is replaced by ***.
QString describeLocation(const QString &location);

} // namespace interlock
