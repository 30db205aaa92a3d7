#pragma once

#include <QString>

struct sqlite3;

namespace interlock::sqlitecheck {

// Checks of the server's database file at start, so that a damaged or wrong file is refused
// with a sentence naming the file and what is wrong, instead of starting and then failing every
// write (found in issue #17: an overwritten last page passed health checks; an empty file became
// a new database; a truncated one failed with "cannot switch to WAL mode").

// Before SQLite opens the file. No file at all is fine (a new database is created); an existing
// file must be a whole SQLite database: not empty, starting with the SQLite header, with a valid
// page size, and at least as long as its header says. Returns the problem, or an empty string.
QString checkFile(const QString &path);

struct QuickCheck {
    QString problem;      // empty: no corruption found
    bool complete = true; // false: the time budget ran out before the end of the file
    qint64 elapsedMs = 0;
};
// PRAGMA quick_check on an open connection (every b-tree page, every index entry's row), stopped
// after budgetMs when that is positive. Only the first few findings are reported.
QuickCheck quickCheck(sqlite3 *db, const QString &path, qint64 budgetMs);

} // namespace interlock::sqlitecheck
