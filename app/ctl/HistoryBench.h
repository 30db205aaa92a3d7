#pragma once

#include <QString>

namespace interlock::ctl {

// interlockctl bench history --db FILE: a filtered history page, the stats query, full CSV and
// JSON exports and a full verify of the audit chain, through a real server on loopback over a
// database made by 'interlockctl history generate'. Ceilings measured in the same run: reading
// the same rows straight from SQLite, and hashing the same audit entries with nothing else.
int runHistoryBench(const QString &db, int repeats);

} // namespace interlock::ctl
