#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <functional>

namespace interlock {
class PgStore;
}

namespace interlock::test {

// Stores an active session `sessionId` of agent "racer" and one pending shell.exec action per
// id, as a server would have; their documents (version 1). Empty if a write failed.
QList<QJsonObject> storePendingActions(PgStore &store, const QString &sessionId,
                                       const QStringList &ids);

// Opens `store`, then storePendingActions(); empty (with a warning) if either failed.
QList<QJsonObject> openWithPendingActions(PgStore &store, const QString &sessionId,
                                          const QStringList &ids);

// Approves a pending action stored by storePendingActions() (version 1 → 2), as a reviewer's
// decision would: whether it won (PgStore::updateAction).
bool approveStored(PgStore &store, const QJsonObject &doc);

// What one change of a racing group came to.
enum class Step { Made, Lost, Failed };
struct RaceOutcome {
    int made = 0;
    int flushes = 0; // commits a group made early, before waiting for another's row
    int failed = 0;
};

// Two servers' commit groups (a PgStore each, on its own thread and connection, grouping as a
// server does) each make `change` to item `first` and then to the other, after both hold their
// first: the lock pattern in which a group that waited for a row while holding its own would
// deadlock with the other. `change(store, item)` makes one change; a group commits at the end.
RaceOutcome raceInOppositeOrders(const QString &db,
                                 const std::function<Step(PgStore &, int item)> &change);

} // namespace interlock::test
