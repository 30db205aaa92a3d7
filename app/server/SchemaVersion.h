#pragma once

#include <QString>

namespace interlock {

// Both stores number their schema migrations alike: migration N makes the same change in
// SQLite and in PostgreSQL, and each database records the ones it ran in `schema_version`
// (docs/postgresql.md "Schema and migrations"). A new column or table is one more migration in
// each store's list, never an edit of a released one.
int sqliteSchemaVersion();
int pgSchemaVersion();

inline QString schemaTooNewMessage(int found, int known)
{
    return QStringLiteral("the database is at schema version %1, newer than this Interlock knows "
                          "(%2): it was written by a newer release; upgrade Interlock")
        .arg(found)
        .arg(known);
}

} // namespace interlock
