#pragma once

#include <QString>

namespace interlock::ctl {

// Fills a new database with decided actions through the store's own write path (so every
// action has its real audit entries and history columns), for the history benchmark and for
// looking at the History view with realistic data. Deterministic for a given seed.
struct HistoryGeneratorOptions {
    QString db;
    int actions = 1'000'000;
    int days = 365;
    int pending = 0; // the most recent this many stay pending
    quint32 seed = 1;
};

int generateHistory(const HistoryGeneratorOptions &options);

} // namespace interlock::ctl
