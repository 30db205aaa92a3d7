#pragma once

#include "AuditChain.h"
#include "History.h"
#include "core/ApiError.h"
#include "core/Role.h"

#include <QJsonObject>
#include <QList>
#include <array>
#include <functional>
#include <memory>
#include <optional>

namespace interlock {

class ChangeFeed;

struct TokenRecord {
    QString name;
    Role role = Role::Agent;
    QString sessionId; // session tokens only
    bool revoked = false;
};

// An agent name's key (agentNameSkeleton) and who holds it: the first name to use the key, and
// the token name (SessionRecord::opener) of the first session under it. Only sessions opened by
// that token's identity may use the name; an empty opener is bound by the next session opened.
struct AgentNameHolder {
    QString skeleton;
    QString agent;
    QString opener;
};

enum class AgentNameRelease { Released, NotHeld, Failed };

struct SessionRecord {
    QString id;
    QString agent;
    QString owner;        // a known person's name (resolved by the server) or empty: no owner
    QString ownerClaimed; // the owner as the agent sent it, if it sent one
    QString opener;       // the name of the token that opened the session
    QString description;
    QString status; // active | killed | terminated | ended
    bool supervised = false;
    qint64 createdAt = 0;
    int pending = 0;  // filled by reads
    QJsonObject stop; // killed_at, killed_by, reason, terminated_at, exit_code, signal, reaped,
                      // kill_latency_ms, ended_at: merged into the API JSON

    QJsonObject toJson() const;
};

// A token as a request presents it and, for a session's or a supervisor's, its session.
struct Credential {
    TokenRecord token;
    std::optional<SessionRecord> session; // none: the token has no session, or it was not found
};

// What ending sessions did, for the reply and the wake-ups.
struct SessionsEnded {
    QList<SessionRecord> sessions; // as they are now
    QStringList cancelledActions;  // pending actions that became `cancelled`
};

struct EventRecord {
    qint64 seq = 0;
    QString type;
    qint64 at = 0;
    QString sessionId;
    QString actionId;
    QJsonObject data;

    QJsonObject toJson() const;
};

// One reviewer's decision and how long they had the action's detail before it (issue #15).
struct ReviewRecord {
    QString reviewer;
    qint64 decidedAt = 0;
    std::optional<qint64> reviewMs; // none when the reviewer never opened the detail
    bool approved = false;          // approve or edit
};

// What a transition writes beside the state change, in the same transaction.
struct Transition {
    QString eventType; // e.g. action.decided; empty for none
    QJsonObject eventData;
    QString auditType; // e.g. action.approve
    QString actor;     // token name of who caused it, or "system"
    qint64 at = 0;     // business time of the transition
    // A decision's reading time (issue #15), kept for the statistics in the same transaction
    // (the decision's JSON holds it too).
    std::optional<ReviewRecord> review = std::nullopt;
};

struct ActionQuery {
    QString status;
    int riskMin = 0;
    QString agent;
    QString kind;
    QString sessionId;
    int limit = 100;
    // keyset cursor: after (score, seq) in order score DESC, seq ASC
    std::optional<std::pair<int, qint64>> after;
};

struct ActionPage {
    QList<QByteArray> docs; // each action's JSON text as stored (compact), sent as it is
    std::optional<std::pair<int, qint64>> next;
};

// A record of the safety layer (docs/safety.md) written with its events and audit entries.
struct SafetyWrite {
    Transition transition; // event and/or audit entry; either may be empty
    QString sessionId;     // the event's session (its stream), may be empty
    QString subject;       // the audit entry's subject
};

// A change of a safety record worked out from the record as stored: the new record and what is
// written with it (events, audit entries).
struct SafetyChange {
    QJsonObject doc;
    QList<SafetyWrite> writes;
};
// From the stored record: its change, or nullopt when there is nothing to change.
using SafetyReviser = std::function<std::optional<SafetyChange>(const QJsonObject &stored)>;
// What reviseSafetyRecord() did.
enum class SafetyPut {
    Written,
    Unchanged, // the reviser found nothing to change
    Absent,    // no such record is stored
    Failed,    // lastFailure() says why
};

// Why the last write failed, so that the API can say it (507 on a full disk, 503 while a lock
// held by another program or server got in the way) and a kill can use the disk reserve.
enum class StoreFailure {
    None,
    DiskFull,    // no space left (or the disk refused the write): the reserve can help
    Busy,        // locked by another program or server (SQLite's write lock; PostgreSQL's lock
                 // timeout or a deadlock it broke)
    Unavailable, // the connection to the database server is lost (PostgreSQL restarting)
    Other,       // anything else (a constraint, a broken file…)
};

// How the server keeps its database file (interlockd --disk-reserve, --check-seconds).
struct StoreOptions {
    // Kept free beside the database for kills on a full disk (DiskReserve); 0: none.
    qint64 diskReserveBytes = 16 * 1024 * 1024;
    // How long PRAGMA quick_check may take at start; <= 0: as long as it needs.
    qint64 checkBudgetMs = 60 * 1000;
};

// The API's answer to a failed write of `what` ("The action", "The session"…).
ApiError storeError(StoreFailure failure, const QString &what);

struct InsertOutcome {
    QJsonObject action;
    bool replayed = false; // an earlier submission with the same Idempotency-Key
    ApiError error;
};

// Storage of tokens, sessions, actions, events and the audit chain. One implementation per
// backend (SqliteStore, PgStore), both held to the same behaviour by the same tests.
// Actions are stored as their API JSON (`doc`) with indexed columns beside it; every update is a
// compare-and-swap on `version`, written with its event and audit entry in one transaction.
class Store
{
public:
    virtual ~Store() = default;

    virtual bool open(QString *error) = 0;
    // A second, read-only store on the same data, for long reads (verify, stats) off the
    // server's thread. Call it in the thread that will use it; null with `error` on failure.
    virtual std::unique_ptr<Store> openReader(QString *error) const = 0;

    virtual bool insertToken(const QByteArray &hash, const TokenRecord &token, qint64 at,
                             const QString &actor) = 0;
    virtual std::optional<TokenRecord> token(const QByteArray &hash) = 0;
    // The token and its session (if it has one) as every request reads them: one round trip on
    // PostgreSQL. By default token() and then session().
    virtual std::optional<Credential> credential(const QByteArray &hash);
    // The tokens the control path checks from memory (TokenCache): people's that are not
    // revoked, and supervisors' whose session is active or killed; by hash.
    virtual QList<std::pair<QByteArray, TokenRecord>> controlTokens() = 0;
    // The name and role of every token that is not a session's (people and enrolling agents),
    // each pair once: the names that identities are resolved against.
    virtual QList<TokenRecord> tokenNames() = 0;
    // An audit entry with no state change beside it (e.g. auth.throttled).
    virtual bool appendAuditEntry(const Transition &t) = 0;

    // With supervisorTokenHash, a supervisor token bound to the session is stored with it. Fails
    // (writing nothing) when another agent name holds its name's key (agentNameSkeleton), or
    // another opener (identityKey of the token name) holds the name.
    virtual bool insertSession(const SessionRecord &session, const QByteArray &tokenHash,
                               const Transition &transition,
                               const QByteArray &supervisorTokenHash = {}) = 0;
    virtual std::optional<SessionRecord> session(const QString &id) = 0;
    // The agent name that holds an agent-name skeleton (AgentNames.h), and its opener; nullopt
    // if none does.
    virtual std::optional<AgentNameHolder> agentNameHolding(const QString &skeleton) = 0;
    // Every held agent name, by name.
    virtual QList<AgentNameHolder> agentNames() = 0;
    // Frees the key of `agent` (its skeleton) with the audit entry of t, in one transaction:
    // the next session to use a name with that key holds it.
    virtual AgentNameRelease releaseAgentName(const QString &skeleton, const QString &agent,
                                              const Transition &t) = 0;
    virtual QList<SessionRecord> sessions(const QString &status) = 0;
    // Kills the given active sessions (all active ones when ids is empty) in one transaction:
    // status `killed`, their tokens revoked, their pending actions `cancelled`, one
    // session.killed event and audit entry each (plus t, e.g. stop.all, when t.eventType is set).
    virtual std::optional<SessionsEnded> killSessions(const QStringList &ids, const QString &reason,
                                                      const Transition &t) = 0;
    // killed -> terminated (the supervisor confirms the process tree is gone), or
    // active -> ended (the agent exited by itself: token revoked, pending cancelled).
    virtual std::optional<SessionsEnded> finishSession(const QString &id, const QString &status,
                                                       const QJsonObject &info,
                                                       const Transition &t) = 0;

    // Inserts a new action (doc holds id, session_id, status, risk, version…). With an
    // idempotency key already used by this session, returns the stored action (replayed) when
    // bodyHash matches, else 422 idempotency_mismatch. Refuses past maxPending with 429.
    // deadlineMs is when a pending action expires on the server's deadline clock (see
    // DeadlineClock): doc's expires_at is the same instant in wall-clock time, for display.
    virtual InsertOutcome insertAction(const QJsonObject &doc, const QString &idempotencyKey,
                                       const QByteArray &bodyHash, int maxPending,
                                       qint64 deadlineMs, const Transition &transition) = 0;
    virtual std::optional<QJsonObject> action(const QString &id) = 0;
    virtual ActionPage actions(const ActionQuery &query) = 0;
    // Writes doc if the stored version is still expectedVersion (doc carries the new version).
    virtual bool updateAction(const QJsonObject &doc, int expectedVersion,
                              const Transition &transition) = 0;
    // Reading time (issue #15): when `reviewer` first fetched the action's detail. The first
    // record stays; later ones are ignored.
    virtual bool recordFirstView(const QString &actionId, const QString &reviewer, qint64 at) = 0;
    virtual std::optional<qint64> firstView(const QString &actionId, const QString &reviewer) = 0;
    // Decisions made in [from, to), by reviewer, for the review-time statistics.
    virtual QList<ReviewRecord> reviews(std::optional<qint64> from, std::optional<qint64> to) = 0;
    // Expiry on the deadline clock: pending actions whose deadline is at or before nowMs, the
    // earliest deadline of all pending actions, and one action's deadline.
    virtual QList<QJsonObject> pendingExpiredAt(qint64 nowMs, int limit) = 0;
    virtual std::optional<qint64> nextPendingExpiry() = 0;
    virtual std::optional<qint64> deadlineOf(const QString &actionId) = 0;

    virtual QList<EventRecord> events(qint64 after, const QString &sessionId, int limit) = 0;
    virtual qint64 lastEventSeq() = 0;

    // The hash-chained audit log (written with every transition), in seq order.
    virtual QList<AuditEntry> auditEntries(qint64 after, int limit) = 0;
    // `expected`: head anchors named from elsewhere (--expect-head), checked beside the store's
    // own (AuditHead).
    virtual AuditVerdict verifyAudit(const QList<AuditAnchor> &expected = {}) = 0;

    // Decided actions, newest decision first (see HistoryQuery), and the grouped statistics.
    virtual HistoryPage history(const HistoryQuery &query) = 0;
    virtual StatsRows statsRows(std::optional<qint64> from, std::optional<qint64> to,
                                StatsParts parts = StatsAll) = 0;

    // Safety records (standing grants, breaker trips): one JSON document per (kind, id), replaced
    // with its events and audit entries in one transaction. Then, for the breakers after a
    // restart, the actions created since sinceMs (newest first, at most limit), and for the
    // metrics the pending actions by risk level (low, medium, high, critical).
    virtual bool putSafetyRecord(const QString &kind, const QString &id, const QJsonObject &doc,
                                 const QList<SafetyWrite> &writes) = 0;
    // Changes the record as it is stored now, under its row lock, never from a copy another
    // server may have changed since (several servers change the same grants and trips: a use
    // count, a resume, a revocation). *stored: the record as it is afterwards (unless Absent).
    virtual SafetyPut reviseSafetyRecord(const QString &kind, const QString &id,
                                         const SafetyReviser &revise, QJsonObject *stored) = 0;
    // *ok (if given): false when the read failed (rather than found nothing).
    virtual QList<QJsonObject> safetyRecords(const QString &kind, bool *ok = nullptr) = 0;
    virtual QList<QJsonObject> actionsCreatedSince(qint64 sinceMs, int limit) = 0;
    virtual std::array<qint64, 4> pendingByLevel() = 0;

    // Group commit. Once enabled, each transition is still atomic on its own, but transitions
    // join one open transaction that commitGroup() makes durable with one sync;
    // onGroupOpened fires when the first transition of a group begins. Until the group is
    // committed nothing it wrote may be reported to anyone (see CommitGroup).
    virtual void setGroupCommit(std::function<void()> onGroupOpened) = 0;
    // How the store commits the open group at once (CommitGroup::flush: its replies go out, or
    // fail, on their own). PostgreSQL does so before it would wait for another server's row lock
    // while its group holds row locks of its own: two such groups would deadlock.
    virtual void setFlushNow(std::function<void()>) {}
    virtual bool hasUncommitted() const = 0;
    // On failure everything since the group opened is rolled back.
    virtual bool commitGroup() = 0;
    // Group commits whose sync runs apart (SQLite): returns a function, safe on any thread, that
    // makes durable everything committed before it was called (false and why when the disk did
    // not confirm). From then on commitGroupUnsynced() commits without waiting for the disk; its
    // group may be lost in a power cut until that function has returned true. commitGroup()
    // still syncs by itself. Empty where every commit is durable on its own (PostgreSQL); only
    // with group commit on, and until it is turned off.
    virtual std::function<bool(QString *why)> syncApart() { return {}; }
    virtual bool commitGroupUnsynced() { return commitGroup(); }
    // After such a sync failed: every write fails from now on (nothing is built on what may be
    // lost); reads go on.
    virtual void stopWriting() {}

    // Why the last failed write failed (reset when the next transition begins).
    virtual StoreFailure lastFailure() const = 0;

    // False while the database cannot be reached (a PostgreSQL server restarting); tries to
    // reconnect first, at most a few times a second. The server answers 503 meanwhile.
    virtual bool ensureAvailable() { return true; }
    // False once the connection is known to be lost (no reconnect is tried): a failure then
    // becomes a 503 the client may retry rather than a 500.
    virtual bool connected() const { return true; }
    // True when the last read did not get an answer from the database (a lost connection that
    // could not be re-opened at once): its "nothing found" means nothing, and must not become a
    // 401 or a 404 that a client would take as final.
    virtual bool lastReadFailed() const { return false; }
    // What other servers on the same database commit (PostgreSQL: LISTEN/NOTIFY), for wake-ups
    // across instances. Call it in the thread that will use it. Null when no other server can
    // write to this store (SQLite) or with `error` set when it cannot be opened.
    virtual std::unique_ptr<ChangeFeed> openChangeFeed(QString *error) const;
    // A short message to the other servers sharing the store (their change feeds:
    // ChangeFeed::peerMessage), not stored: the liveness of supervisors (ApiServer::shareLiveness).
    // Nothing when no other server shares the store.
    virtual void tellPeers(const QString &message) { Q_UNUSED(message); }
};

} // namespace interlock
