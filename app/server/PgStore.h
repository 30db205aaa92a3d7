#pragma once

#include "Store.h"

#include <QElapsedTimer>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <deque>
#include <memory>
#include <unordered_map>
#include <vector>

namespace interlock {

// How to reach a PostgreSQL database, parsed from postgresql://user:password@host:port/db?k=v.
// Query parameters other than host, port, user, password and dbname go to libpq as they are
// (sslmode, connect_timeout, options…).
struct PgConnectionInfo {
    QString host; // a name, an address or a Unix socket folder
    int port = -1;
    QString database;
    QString user;
    QString password;
    QStringList options; // key=value for libpq

    static std::optional<PgConnectionInfo> parse(const QString &url, QString *error);
    // Opens `connection` (a QSqlDatabase name, added here if new). The application name shows in
    // pg_stat_activity.
    bool open(const QString &connection, QString *error,
              const QString &applicationName = QStringLiteral("interlock")) const;
};

// Runs `work` (which drops prepared statements of a dead connection) without QPSQL's warnings
// that it cannot DEALLOCATE them there.
void withoutDeallocateWarnings(const std::function<void()> &work);

// PostgreSQL through QtSql (QPSQL), for several interlockd sharing one database. Same behaviour
// as SqliteStore (the same tests run against both); what differs is documented in
// docs/postgresql.md:
// - Transitions are compare-and-swap UPDATEs (… WHERE id = $1 AND version = $2 RETURNING id,
//   the winner told by next()); refusals are found before anything is written, so a transition
//   needs no savepoint.
// - Events and audit entries of a transaction are buffered and written at its commit under the
//   one-row chain_head lock (SELECT … FOR UPDATE), so event seq order is commit order on every
//   server and the audit chain stays one chain; the same commit NOTIFYs the other servers.
// - The connection is re-opened when the server restarts; reads are retried once on the new one.
// Not thread-safe: one thread per store, readers (openReader) on their own connections.
class PgStore final : public Store
{
public:
    enum class Mode { ReadWrite, ReadOnly };
    explicit PgStore(QString url, Mode mode = Mode::ReadWrite);
    ~PgStore() override;

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
    void setFlushNow(std::function<void()> flush) override { m_flushNow = std::move(flush); }
    bool hasUncommitted() const override { return m_groupOpen; }
    bool commitGroup() override;
    // From the SQLSTATE: disk_full (53100) is DiskFull; a lock or deadlock timeout (55P03,
    // 40P01) is Busy; a lost connection (08…, 57P…) is Unavailable; anything else is Other.
    StoreFailure lastFailure() const override
    {
        return m_failure != StoreFailure::None && connectionBroken() ? StoreFailure::Unavailable
                                                                     : m_failure;
    }

    bool ensureAvailable() override;
    bool connected() const override { return !connectionBroken(); }
    bool lastReadFailed() const override { return m_failed; }
    std::unique_ptr<ChangeFeed> openChangeFeed(QString *error) const override;
    void tellPeers(const QString &message) override;
    // The NOTIFY channel of tellPeers() (PgChangeFeed listens on it too).
    static QString peerChannel(const QString &channel);

    // Whether this store committed the event with that seq, not another server (EventTap:
    // webhooks and metrics count each event on one server; the change feed: the breakers count
    // other servers' submissions, not their own twice).
    bool wroteEvent(qint64 seq) const;

    // The NOTIFY channel of this database's servers, and this store's name in its payloads.
    QString channel() const { return m_channel; }
    QString origin() const { return m_origin; }

private:
    class Transaction;
    struct PendingEvent {
        QString type;
        qint64 at = 0;
        QString sessionId;
        QString actionId;
        QByteArray data;
    };
    struct PendingAudit {
        qint64 at = 0;
        QString actor;
        QString type;
        QString subject;
        QJsonObject data;
    };

    QSqlDatabase database() const;
    // A cached prepared statement; forgotten on reconnect (the server forgets it too).
    QSqlQuery &prepared(const QString &sql);
    bool holdAgentNamesInUse(); // migration 8
    // Within insertSession's transaction: the skeleton is the agent's, taken now if free.
    bool claimAgentName(const QString &skeleton, const QString &agent, const QString &opener);
    // Runs a prepared statement; a failure is logged and remembered (m_failed, and a group's
    // transaction is then doomed: PostgreSQL aborts it).
    bool execute(QSqlQuery &q);
    // Marks the failure of the last statement (m_failed, m_failure, a doomed group).
    void noteFailure(const QSqlError &error);
    bool statement(const QString &sql);
    // Before a group changes an action: if another transaction holds its row while the group
    // holds rows of its own, the group is committed first (m_flushNow), so that it waits for
    // that row holding nothing and two servers' groups never wait for each other.
    // `probe`: a SELECT 1 … FOR UPDATE SKIP LOCKED of that row, with its key values.
    bool waitHoldingNothingFor(const QString &probe, const QVariantList &keys);
    // Reads retried once on a fresh connection when the old one broke outside a transaction.
    template <typename F> auto reading(F &&read);
    bool reconnect();
    bool connectionBroken() const;
    // connectionBroken(), or found so by a probe after a statement failed.
    bool connectionLost();
    bool begin();
    // Writes the buffered events and audit entries under the chain lock, NOTIFYs, commits.
    bool flushAndCommit();
    // At open, to write: an audit.keyed entry after an unkeyed head (PgAudit.cpp).
    bool keyTheChain();
    void rollback();

    bool migrate(QString *error);
    bool writeTransition(const Transition &t, const QString &sessionId, const QString &actionId,
                         const QString &subject);
    bool insertTokenRow(const QByteArray &hash, const TokenRecord &token, qint64 at);
    // The history columns of a decided action as an UPDATE's SET list and its values; nullopt
    // while it is undecided.
    struct ColumnSet {
        QString sql;
        QVariantList values;
    };
    static std::optional<ColumnSet> historySet(const QJsonObject &doc, qint64 at,
                                               const QString &actor);
    bool writeHistoryColumns(const QJsonObject &doc, qint64 at, const QString &actor);
    bool insertReview(const QString &actionId, const ReviewRecord &review); // PgReviews.cpp
    bool closeSession(const SessionRecord &s, const QString &status, const QJsonObject &stop,
                      qint64 at, const QString &actor, const QString &why, QStringList *cancelled);
    std::optional<SessionRecord> sessionRow(const QString &id, bool lock);
    InsertOutcome replayed(const QString &sessionId, const QString &key, const QByteArray &bodyHash,
                           bool *found);

    QString m_url;
    Mode m_mode;
    AuditKey m_auditKey; // AuditKey::forDatabase() at open: required to write
    // The newest audit entry this server committed (AuditHead.h, memory only), shared with its
    // readers: verify finds entries cut off the end while the server runs.
    std::shared_ptr<AuditHead> m_auditHead = std::make_shared<AuditHead>();
    PgConnectionInfo m_info;
    QString m_connection;
    QString m_channel;
    QString m_origin;
    std::unordered_map<QString, std::unique_ptr<QSqlQuery>> m_statements;
    std::unique_ptr<QSqlQuery> m_unprepared;
    std::function<void()> m_onGroupOpened;
    std::function<void()> m_flushNow;
    bool m_groupOpen = false;
    bool m_heldSafetyRow = false;   // the open group locked a safety record
    bool m_lastGroupFailed = false; // the last commitGroup() did not get through
    bool m_groupFailed = false;
    bool m_inTransaction = false;
    bool m_failed = false;
    StoreFailure m_failure = StoreFailure::None;
    std::vector<PendingEvent> m_events;
    std::vector<PendingAudit> m_audit;
    std::deque<std::pair<qint64, qint64>> m_ownEvents; // committed event seq ranges, in order
    QElapsedTimer m_lastReconnect;
};

} // namespace interlock
