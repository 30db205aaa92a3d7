#pragma once

#include "RowCache.h"
#include "Store.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <memory>
#include <unordered_map>

struct sqlite3;
struct sqlite3_stmt;

namespace interlock {

class SqliteCheckpointer;
class StoreLock;
class WalFileSync;

// SQLite through QtSql: WAL, synchronous=FULL, one transaction per transition.
// Not thread-safe: the server uses it from its own thread only.
//
// Opening to write takes the database's lock (StoreLock: one writer per file) and checks the
// file first (SqliteFileCheck: not empty, a SQLite file, not truncated, PRAGMA quick_check).
// A write never waits long for a lock held by another program: the busy timeout is short, and
// once a write found the database locked the next ones fail at once (StoreFailure::Busy) until
// one gets through.
class SqliteStore final : public Store
{
public:
    enum class Mode { ReadWrite, ReadOnly };
    explicit SqliteStore(QString path, Mode mode = Mode::ReadWrite);
    ~SqliteStore() override;

    // The time PRAGMA quick_check may take at open (ReadWrite); <= 0: no limit. Default 60 s.
    void setCheckBudget(qint64 ms) { m_checkBudgetMs = ms; }
    // How long a write waits for another program's lock before failing with Busy. Default 200.
    void setBusyTimeout(int ms) { m_busyTimeoutMs = ms; }

    bool open(QString *error) override;
    std::unique_ptr<Store> openReader(QString *error) const override;

    bool insertToken(const QByteArray &hash, const TokenRecord &token, qint64 at,
                     const QString &actor) override;
    std::optional<TokenRecord> token(const QByteArray &hash) override;
    std::optional<Credential> credential(const QByteArray &hash) override;
    QList<std::pair<QByteArray, TokenRecord>> controlTokens() override;
    QList<TokenRecord> tokenNames() override;
    bool appendAuditEntry(const Transition &t) override;

    bool insertSession(const SessionRecord &session, const QByteArray &tokenHash,
                       const Transition &transition,
                       const QByteArray &supervisorTokenHash = {}) override;
    std::optional<SessionRecord> session(const QString &id) override;
    std::optional<AgentNameHolder> agentNameHolding(const QString &skeleton) override;
    QList<AgentNameHolder> agentNames() override;
    AgentNameRelease releaseAgentName(const QString &skeleton, const QString &agent,
                                      const Transition &t) override;
    QList<SessionRecord> sessions(const QString &status) override;
    std::optional<SessionsEnded> killSessions(const QStringList &ids, const QString &reason,
                                              const Transition &t) override;
    std::optional<SessionsEnded> finishSession(const QString &id, const QString &status,
                                               const QJsonObject &info,
                                               const Transition &t) override;

    InsertOutcome insertAction(const QJsonObject &doc, const QString &idempotencyKey,
                               const QByteArray &bodyHash, int maxPending, qint64 deadlineMs,
                               const Transition &transition) override;
    std::optional<QJsonObject> action(const QString &id) override;
    ActionPage actions(const ActionQuery &query) override;
    bool updateAction(const QJsonObject &doc, int expectedVersion,
                      const Transition &transition) override;
    QList<QJsonObject> pendingExpiredAt(qint64 nowMs, int limit) override;
    std::optional<qint64> nextPendingExpiry() override;
    std::optional<qint64> deadlineOf(const QString &actionId) override;

    QList<EventRecord> events(qint64 after, const QString &sessionId, int limit) override;
    qint64 lastEventSeq() override;

    QList<AuditEntry> auditEntries(qint64 after, int limit) override;
    AuditVerdict verifyAudit(const QList<AuditAnchor> &expected = {}) override;

    HistoryPage history(const HistoryQuery &query) override;
    bool recordFirstView(const QString &actionId, const QString &reviewer, qint64 at) override;
    std::optional<qint64> firstView(const QString &actionId, const QString &reviewer) override;
    QList<ReviewRecord> reviews(std::optional<qint64> from, std::optional<qint64> to) override;
    StatsRows statsRows(std::optional<qint64> from, std::optional<qint64> to,
                        StatsParts parts = StatsAll) override;

    bool putSafetyRecord(const QString &kind, const QString &id, const QJsonObject &doc,
                         const QList<SafetyWrite> &writes) override;
    SafetyPut reviseSafetyRecord(const QString &kind, const QString &id,
                                 const SafetyReviser &revise, QJsonObject *stored) override;
    QList<QJsonObject> safetyRecords(const QString &kind, bool *ok = nullptr) override;
    QList<QJsonObject> actionsCreatedSince(qint64 sinceMs, int limit) override;
    std::array<qint64, 4> pendingByLevel() override;

    void setGroupCommit(std::function<void()> onGroupOpened) override;
    bool hasUncommitted() const override { return m_groupOpen; }
    bool commitGroup() override;
    std::function<bool(QString *why)> syncApart() override;
    bool commitGroupUnsynced() override;
    void stopWriting() override;
    StoreFailure lastFailure() const override { return m_failure; }

    // Checkpoints run so far on the checkpointer's thread and in the server's own commits (the
    // fallback); {-1, -1} when there is no checkpointer (a reader, or SQLite's own checkpoints).
    std::pair<int, int> checkpointRuns() const;

private:
    class Transaction;
    bool openForWriting(QSqlDatabase &db, QString *error);
    sqlite3 *handle() const;
    // Records why the last SQLite call failed (from the connection's error code).
    void noteFailure();
    void useBusyTimeout(int ms);
    bool exec(const QString &sql);
    // A cached prepared statement (addresses stay valid). A SELECT must be finish()ed after
    // reading, or it would keep the next COMMIT from completing.
    QSqlQuery &prepared(const QString &sql);
    bool adjustPending(const QString &sessionId, int delta);
    bool insertTokenRow(const QByteArray &hash, const TokenRecord &token, qint64 at);
    // Within a transaction: revoke the session's tokens and cancel its pending actions (`why`:
    // the reason each cancelled action keeps, storesql::cancelByKill).
    bool closeSession(const SessionRecord &s, const QString &status, const QJsonObject &stop,
                      qint64 at, const QString &actor, const QString &why, QStringList *cancelled);
    bool statement(const QString &sql); // BEGIN, COMMIT, SAVEPOINT…
    // Runs the numbered migrations the file has not had yet (SqliteSchema.cpp).
    bool migrate(QString *error);
    bool createTables();
    bool migrateHistory();
    bool migrateDecidedRisk(); // migration 10 (SqliteHistory.cpp)
    bool migrateIdentities();  // sessions.opener and owner_claimed, the token-name index
    bool createSafety();
    bool createReadingTime();  // action_views and reviews (issue #15)
    bool keepsPendingCounts(); // nothing to do: sessions.pending has been there from the start
    bool createAgentNames();   // agent_names, holding the names of the sessions before it
    bool bindAgentNames();     // agent_names.opener (SqliteAgentNames.cpp)
    bool claimAgentName(const QString &skeleton, const QString &agent, const QString &opener);
    bool insertReview(const QString &actionId, const ReviewRecord &review); // SqliteReviews.cpp
    // Within a transaction: the history columns of an action that is no longer pending.
    bool writeHistoryColumns(const QJsonObject &doc, qint64 at, const QString &actor);
    bool writeTransition(const Transition &t, const QString &sessionId, const QString &actionId,
                         const QString &subject);
    bool appendAudit(qint64 at, const QString &actor, const QString &type, const QString &subject,
                     const QJsonObject &data);
    // At open, to write: an audit.keyed entry after an unkeyed head (SqliteAudit.cpp).
    bool keyTheChain();
    // After a COMMIT: the chain's newest entry to the head anchor, written out if `durable`.
    void auditCommitted(bool durable);

    QString m_path;
    Mode m_mode;
    AuditKey m_auditKey; // AuditKey::forDatabase() at open
    // `<db>.audit-head` (AuditHead.h); shared with the thread that syncs apart.
    std::shared_ptr<AuditHead> m_auditHead;
    bool m_auditAppended = false; // since the last auditCommitted()
    QString m_connection;
    std::unordered_map<QString, std::unique_ptr<QSqlQuery>> m_statements;
    // Session and token rows as read, each kept until SQLite reports a change of its row
    // (sqlite3_update_hook), a rollback (which changes rows back without reporting them: the
    // rollback hook, and ROLLBACK TO) or a commit by another connection (PRAGMA data_version).
    // Every request reads its token and its session. Kept only by the file's writer (ReadWrite).
    // The rows must never be changed where the hook does not report it: no DELETE without
    // WHERE (SQLite's truncate optimisation), no INSERT OR REPLACE, no WITHOUT ROWID, no VACUUM
    // (it may number rows anew).
    bool keepsRows();
    bool groupLost() const;
    // The reads behind token(), session() and credential(); `keep` is what keepsRows() said
    // (checked once per request: it costs a PRAGMA data_version).
    std::optional<TokenRecord> readToken(const QByteArray &hash, bool keep);
    std::optional<SessionRecord> readSession(const QString &id, bool keep);
    bool m_keepsRows = false; // the hooks are installed (ReadWrite, one SQLite library)
    sqlite3_stmt *m_dataVersion = nullptr;
    int m_lastDataVersion = -1;
    void forgetRows();
    static void rowChanged(void *store, int op, const char *database, const char *table,
                           qint64 row);
    RowCache<QString, SessionRecord> m_sessionCache;
    RowCache<QByteArray, TokenRecord> m_tokenCache;
    // The session row adjustPending() changes while it keeps the cached row up to date itself.
    qint64 m_adjustedSessionRow = -1;
    mutable sqlite3 *m_handle = nullptr;
    std::function<void()> m_onGroupOpened;
    bool m_groupOpen = false;
    std::unique_ptr<StoreLock> m_lock;
    std::unique_ptr<SqliteCheckpointer> m_checkpointer; // writers only
    // Set while group commits sync apart (synchronous=NORMAL); shared with the syncing thread.
    std::shared_ptr<WalFileSync> m_walSync;
    StoreFailure m_failure = StoreFailure::None;
    qint64 m_checkBudgetMs = 60000;
    int m_busyTimeoutMs = 200;
    int m_currentBusyTimeoutMs = -1;
};

} // namespace interlock
