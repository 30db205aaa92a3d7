#include "PgRaces.h"

#include "server/PgStore.h"
#include "server/Tokens.h"

#include <atomic>
#include <latch>
#include <thread>

namespace interlock::test {

QList<QJsonObject> storePendingActions(PgStore &store, const QString &sessionId,
                                       const QStringList &ids)
{
    SessionRecord s;
    s.id = sessionId;
    s.agent = QStringLiteral("racer");
    s.status = QStringLiteral("active");
    s.createdAt = 1;
    if (!store.insertSession(s, tokenHash(QStringLiteral("t-") + sessionId), Transition{}))
        return {};
    QList<QJsonObject> docs;
    for (const QString &id : ids) {
        docs.append({{QStringLiteral("id"), id},
                     {QStringLiteral("session_id"), s.id},
                     {QStringLiteral("agent"), s.agent},
                     {QStringLiteral("kind"), QStringLiteral("shell.exec")},
                     {QStringLiteral("status"), QStringLiteral("pending")},
                     {QStringLiteral("version"), 1},
                     {QStringLiteral("created_at"), QStringLiteral("2026-11-24T09:00:00.000Z")},
                     {QStringLiteral("expires_at"), QStringLiteral("2126-11-24T09:00:00.000Z")}});
        if (!store.insertAction(docs.last(), {}, {}, 10, 4'320'000'000'000, Transition{})
                 .error.code.isEmpty())
            return {};
    }
    return docs;
}

QList<QJsonObject> openWithPendingActions(PgStore &store, const QString &sessionId,
                                          const QStringList &ids)
{
    QString error;
    if (!store.open(&error)) {
        qWarning("cannot open the store: %s", qPrintable(error));
        return {};
    }
    return storePendingActions(store, sessionId, ids);
}

bool approveStored(PgStore &store, const QJsonObject &doc)
{
    QJsonObject next = doc;
    next.insert(QStringLiteral("status"), QStringLiteral("approved"));
    next.insert(QStringLiteral("version"), 2);
    return store.updateAction(next, 1,
                              Transition{QStringLiteral("action.decided"),
                                         {},
                                         QStringLiteral("action.approve"),
                                         QStringLiteral("reviewer"),
                                         2,
                                         {}});
}

RaceOutcome raceInOppositeOrders(const QString &db,
                                 const std::function<Step(PgStore &, int item)> &change)
{
    std::latch bothHoldOne(2);
    std::atomic<int> made = 0, flushes = 0, failed = 0;
    const auto server = [&](int first) {
        PgStore store(db); // a connection belongs to the thread that opened it
        QString error;
        if (!store.open(&error)) {
            ++failed;
            bothHoldOne.count_down();
            return;
        }
        store.setGroupCommit([] {});
        store.setFlushNow([&] {
            ++flushes;
            if (!store.commitGroup())
                ++failed;
        });
        for (int step = 0; step < 2; ++step) {
            const Step s = change(store, (first + step) % 2);
            made += s == Step::Made;
            failed += s == Step::Failed;
            if (step == 0)
                bothHoldOne.arrive_and_wait();
        }
        if (!store.commitGroup())
            ++failed;
    };
    std::thread a(server, 0), b(server, 1);
    a.join();
    b.join();
    return {made.load(), flushes.load(), failed.load()};
}

} // namespace interlock::test
