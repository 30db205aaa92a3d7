#include "SqliteSupport.h"
#include "StoreSql.h"

#include "SqliteCheckpointer.h"
#include "SqliteFileCheck.h"
#include "StoreLock.h"
#include "WalFileSync.h"
#include "core/CanonicalJson.h"
#include "core/Timestamp.h"

#include <QFileInfo>
#include <QJsonDocument>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>
#include <QVariant>

#include <QFile>

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

namespace interlock {

using namespace sqlite;

namespace {
// A new database file is the server's alone, 0600 whatever the umask (SQLite gives its -wal and
// -shm the database's mode): under the usual umask 022 every local user, agents included, read
// every payload, comment and the audit log (red team 2, F5.1). An existing file keeps its mode.
void createPrivately(const QString &path)
{
    if (path.isEmpty() || path.startsWith(QLatin1Char(':')) || QFileInfo::exists(path))
        return;
    const int fd =
        ::open(QFile::encodeName(path).constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0)
        ::close(fd);
}

// Every transition of a group commit is a savepoint, whose undo record (each page it changes, as
// it was) SQLite keeps in memory only up to 64 KiB: past that, and for the rest of the group, in
// a temporary file (in /var/tmp), written a page at a time and opened and unlinked anew for each
// group. A kill or a freeze that cancels a session's pending actions passes 64 KiB, and so did
// one transition in a few hundred under `bench breaker`. Up to 8 MiB now stays in memory. This
// can only be set before SQLite starts, so it is set as the program loads.
constexpr int kUndoInMemoryBytes = 8 * 1024 * 1024;
const bool kUndoInMemory =
    sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, kUndoInMemoryBytes) == SQLITE_OK;
} // namespace

std::pair<int, int> SqliteStore::checkpointRuns() const
{
    if (!m_checkpointer)
        return {-1, -1};
    return {m_checkpointer->backgroundRuns(), m_checkpointer->foregroundRuns()};
}

void SqliteStore::forgetRows()
{
    m_sessionCache.clear();
    m_tokenCache.clear();
}

bool SqliteStore::groupLost() const
{
    // A group's transaction that is gone without a ROLLBACK of ours: SQLite rolled it back
    // itself after an I/O error, a full disk or no memory.
    return m_groupOpen && m_keepsRows && sqlite3_get_autocommit(handle());
}

bool SqliteStore::keepsRows()
{
    if (!m_keepsRows)
        return false;
    if (groupLost()) {
        forgetRows();
        return false;
    }
    // Commits of other connections: no Interlock program writes under a running server, but a
    // person may, with the sqlite3 shell. PRAGMA data_version changes with each of them only.
    const int version =
        sqlite3_step(m_dataVersion) == SQLITE_ROW ? sqlite3_column_int(m_dataVersion, 0) : -1;
    sqlite3_reset(m_dataVersion);
    if (version != m_lastDataVersion)
        forgetRows();
    m_lastDataVersion = version;
    return version >= 0;
}

void SqliteStore::rowChanged(void *store, int, const char *, const char *table, qint64 row)
{
    auto *self = static_cast<SqliteStore *>(store);
    if (qstrcmp(table, "sessions") == 0) {
        if (row != self->m_adjustedSessionRow)
            self->m_sessionCache.forgetRow(row);
    } else if (qstrcmp(table, "tokens") == 0) {
        self->m_tokenCache.forgetRow(row);
    }
}

bool SqliteStore::statement(const QString &sql)
{
    if (sql.startsWith(QLatin1String("ROLLBACK")))
        forgetRows(); // ROLLBACK TO: the rollback hook hears only whole transactions
    QSqlQuery &q = prepared(sql);
    const bool ok = q.exec();
    if (!ok) {
        noteFailure();
        qWarning("SQLite: %s: %s", qPrintable(sql), qPrintable(q.lastError().text()));
    }
    q.finish();
    if (sql.startsWith(QLatin1String("BEGIN"))) {
        // Once the database was found locked by another program, the next writes fail at once
        // instead of each waiting out the timeout on the server's thread; the first one that gets
        // through restores the timeout.
        useBusyTimeout(ok ? m_busyTimeoutMs : 0);
    }
    return ok;
}

sqlite3 *SqliteStore::handle() const
{
    if (m_handle)
        return m_handle;
    const QVariant v = QSqlDatabase::database(m_connection, false).driver()->handle();
    if (!v.isValid() || qstrcmp(v.typeName(), "sqlite3*") != 0)
        return nullptr;
    // The connection stays open, with the same handle, until the store is destroyed.
    m_handle = *static_cast<sqlite3 *const *>(v.constData());
    return m_handle;
}

void SqliteStore::noteFailure()
{
    forgetRows(); // whatever failed may have taken the transaction with it
    sqlite3 *db = handle();
    if (!db)
        return;
    switch (sqlite3_errcode(db) & 0xff) {
    case SQLITE_FULL:
    case SQLITE_IOERR:
        m_failure = StoreFailure::DiskFull;
        break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        m_failure = StoreFailure::Busy;
        break;
    case SQLITE_OK:
    case SQLITE_ROW:
    case SQLITE_DONE:
        break;
    default:
        m_failure = StoreFailure::Other;
    }
}

void SqliteStore::useBusyTimeout(int ms)
{
    if (ms == m_currentBusyTimeoutMs)
        return;
    if (sqlite3 *db = handle()) {
        sqlite3_busy_timeout(db, ms);
        m_currentBusyTimeoutMs = ms;
    }
}

void SqliteStore::setGroupCommit(std::function<void()> onGroupOpened)
{
    m_onGroupOpened = std::move(onGroupOpened);
    if (m_onGroupOpened || !m_walSync)
        return;
    // Every commit syncs by itself again, and what was committed unsynced is made durable now.
    commitGroup();
    if (!exec(QStringLiteral("PRAGMA synchronous=FULL")))
        qWarning("interlock: cannot set synchronous=FULL on %s again", qPrintable(m_path));
    if (QString why; !m_walSync->sync(&why))
        qCritical("interlock: %s", qPrintable(why));
    m_walSync.reset();
}

void SqliteStore::stopWriting()
{
    if (m_mode == Mode::ReadWrite && !exec(QStringLiteral("PRAGMA query_only=1")))
        qCritical("interlock: cannot stop writing to %s", qPrintable(m_path));
}

std::function<bool(QString *why)> SqliteStore::syncApart()
{
    if (m_mode != Mode::ReadWrite || !m_onGroupOpened || m_groupOpen)
        return {};
    // Without powersafe overwrite (a VFS or URI with psow=0) only synchronous=FULL pads a commit
    // to a whole sector, so that a torn sector cannot take a synced commit along.
    int powersafe = -1;
    if (sqlite3_file_control(handle(), "main", SQLITE_FCNTL_POWERSAFE_OVERWRITE, &powersafe) !=
            SQLITE_OK ||
        powersafe != 1)
        return {};
    if (!m_walSync) {
        if (!exec(QStringLiteral("PRAGMA synchronous=NORMAL")))
            return {};
        m_walSync = std::make_shared<WalFileSync>(m_path + QStringLiteral("-wal"));
    }
    // The head anchor names only what is durable: what was committed before this sync began.
    return [sync = m_walSync, head = m_auditHead](QString *why) {
        const auto committed = head->pending();
        if (!sync->sync(why))
            return false;
        head->publish(committed);
        return true;
    };
}

bool SqliteStore::commitGroup()
{
    const bool hadGroup = m_groupOpen;
    if (!commitGroupUnsynced())
        return false;
    QString why;
    if (!hadGroup || !m_walSync || m_walSync->sync(&why)) {
        m_auditHead->publish(m_auditHead->pending());
        return true;
    }
    // Final: the group commit's next sync fails too, and it stops the server's answers.
    qCritical("interlock: %s", qPrintable(why));
    m_failure = StoreFailure::Other;
    return false;
}

bool SqliteStore::commitGroupUnsynced()
{
    if (!m_groupOpen)
        return true;
    m_groupOpen = false;
    m_failure = StoreFailure::None;
    if (statement(QStringLiteral("COMMIT"))) {
        auditCommitted(false); // commitGroup() or the sync apart publishes it
        return true;
    }
    const StoreFailure why = m_failure;
    statement(QStringLiteral("ROLLBACK"));
    m_failure = why;
    return false;
}

SqliteStore::SqliteStore(QString path, Mode mode)
    : m_path(std::move(path))
    , m_mode(mode)
    , m_connection(QStringLiteral("interlock-") +
                   QUuid::createUuid().toString(QUuid::WithoutBraces))
{}

SqliteStore::~SqliteStore()
{
    if (m_keepsRows) {
        sqlite3_update_hook(handle(), nullptr, nullptr);
        sqlite3_rollback_hook(handle(), nullptr, nullptr);
    }
    sqlite3_finalize(m_dataVersion);
    m_checkpointer.reset(); // first: the writer's close then checkpoints and removes the WAL
    m_statements.clear();
    {
        QSqlDatabase db = QSqlDatabase::database(m_connection, false);
        if (db.isValid())
            db.close();
    }
    QSqlDatabase::removeDatabase(m_connection);
}

std::unique_ptr<Store> SqliteStore::openReader(QString *error) const
{
    auto reader = std::make_unique<SqliteStore>(m_path, Mode::ReadOnly);
    if (!reader->open(error))
        return nullptr;
    return reader;
}

bool SqliteStore::exec(const QString &sql)
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    if (!q.exec(sql)) {
        qWarning("SQLite: %s: %s", qPrintable(sql), qPrintable(q.lastError().text()));
        return false;
    }
    return true;
}

QSqlQuery &SqliteStore::prepared(const QString &sql)
{
    auto it = m_statements.find(sql);
    if (it == m_statements.end()) {
        auto q = std::make_unique<QSqlQuery>(QSqlDatabase::database(m_connection));
        q->setForwardOnly(true);
        if (!q->prepare(sql))
            qWarning("SQLite: cannot prepare %s: %s", qPrintable(sql),
                     qPrintable(q->lastError().text()));
        it = m_statements.emplace(sql, std::move(q)).first;
    }
    return *it->second;
}

bool SqliteStore::adjustPending(const QString &sessionId, int delta)
{
    QSqlQuery &q =
        prepared(QStringLiteral("UPDATE sessions SET pending = pending + ? WHERE id = ?"));
    q.addBindValue(delta);
    q.addBindValue(sessionId);
    // Each submission and decision changes its session's count: the row kept (when it is) is
    // changed the same way rather than read again at the session's next request.
    m_adjustedSessionRow = m_sessionCache.rowOf(sessionId).value_or(-1);
    const bool ok = q.exec();
    m_adjustedSessionRow = -1;
    if (ok)
        m_sessionCache.update(sessionId, [delta](SessionRecord &s) { s.pending += delta; });
    else
        m_sessionCache.forget(sessionId);
    return ok;
}

bool SqliteStore::open(QString *error)
{
    const auto key =
        AuditKey::forDatabase(m_path, false, m_mode == Mode::ReadWrite && !m_path.isEmpty(), error);
    if (!key)
        return false;
    m_auditKey = *key;
    m_auditHead = std::make_shared<AuditHead>(AuditHead::defaultFile(m_path));
    if (m_mode == Mode::ReadWrite) {
        if (QString problem; !m_auditHead->load(&problem))
            m_auditHead->stop(problem); // left as it is: verify reports it
        // The lock first: a second server must hear who holds the file, not that it is busy.
        // Then the file, checked while nobody else writes to it (a checkpoint in progress could
        // make a file that is fine look truncated to a reader).
        m_lock = StoreLock::acquire(m_path, error);
        if (!m_lock)
            return false;
        if (const QString problem = sqlitecheck::checkFile(m_path); !problem.isEmpty()) {
            *error = problem;
            return false;
        }
        createPrivately(m_path);
    }
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connection);
    db.setDatabaseName(m_path);
    db.setConnectOptions(m_mode == Mode::ReadOnly
                             ? QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000")
                             : QStringLiteral("QSQLITE_BUSY_TIMEOUT=%1").arg(m_busyTimeoutMs));
    if (!db.open()) {
        *error = QStringLiteral("cannot open database %1: %2").arg(m_path, db.lastError().text());
        return false;
    }
    m_currentBusyTimeoutMs = m_busyTimeoutMs;
    if (m_mode == Mode::ReadOnly) {
        // A reader never changes the schema or the data.
        if (!exec(QStringLiteral("PRAGMA query_only=1"))) {
            *error = QStringLiteral("cannot open %1 for reading").arg(m_path);
            return false;
        }
        return true;
    }
    return openForWriting(db, error);
}

bool SqliteStore::openForWriting(QSqlDatabase &db, QString *error)
{
    const bool existed = QFileInfo(m_path).size() > 0;
    if (existed) {
        const sqlitecheck::QuickCheck check =
            sqlitecheck::quickCheck(handle(), m_path, m_checkBudgetMs);
        if (!check.problem.isEmpty()) {
            *error = check.problem;
            return false;
        }
        if (!check.complete)
            qWarning("interlock: PRAGMA quick_check of %s stopped after %lld ms without finding "
                     "a problem; the rest of the file was not checked",
                     qPrintable(m_path), check.elapsedMs);
        // Someone else's SQLite database is not ours to add tables to.
        QSqlQuery tables(db);
        if (tables.exec(QStringLiteral("SELECT count(*), count(*) FILTER (WHERE name = 'meta') "
                                       "FROM sqlite_master WHERE type = 'table'")) &&
            tables.next() && tables.value(0).toInt() > 0 && tables.value(1).toInt() == 0) {
            *error = QStringLiteral("%1 is a SQLite database of another program (it has tables "
                                    "but no Interlock 'meta' table)")
                         .arg(m_path);
            return false;
        }
    }
    // PRAGMAs outside any transaction.
    {
        QSqlQuery mode(db);
        const bool wal = mode.exec(QStringLiteral("PRAGMA journal_mode=WAL")) && mode.next() &&
                         mode.value(0).toString() == QLatin1String("wal");
        const QString why = mode.lastError().text();
        mode.finish();
        if (!wal) {
            *error = QStringLiteral("cannot switch %1 to WAL mode (is it on a local disk?): %2")
                         .arg(m_path, why);
            return false;
        }
    }
    if (!exec(QStringLiteral("PRAGMA synchronous=FULL")) ||
        !exec(QStringLiteral("PRAGMA foreign_keys=ON"))) {
        *error = QStringLiteral("cannot configure %1").arg(m_path);
        return false;
    }
    Transaction tx(*this);
    if (!tx.isOpen()) {
        *error = QStringLiteral("cannot write to %1: %2").arg(m_path, db.lastError().text());
        return false;
    }
    if (!migrate(error))
        return false;
    if (!keyTheChain()) {
        *error =
            QStringLiteral("cannot key the audit log of %1: %2").arg(m_path, db.lastError().text());
        return false;
    }
    if (!tx.commit()) {
        *error =
            QStringLiteral("cannot create the schema in %1: %2").arg(m_path, db.lastError().text());
        return false;
    }
    // Only where Qt's driver and this program share one SQLite library (Debian's Qt does): two
    // copies in one process would not see each other's locks on the file.
    QSqlQuery version(db);
    const bool oneLibrary = version.exec(QStringLiteral("SELECT sqlite_version()")) &&
                            version.next() &&
                            version.value(0).toString() == QLatin1String(sqlite3_libversion());
    version.finish();
    if (oneLibrary && sqlite3_prepare_v2(handle(), "PRAGMA data_version", -1, &m_dataVersion,
                                         nullptr) == SQLITE_OK) {
        sqlite3_update_hook(handle(), &SqliteStore::rowChanged, this);
        sqlite3_rollback_hook(
            handle(), [](void *store) { static_cast<SqliteStore *>(store)->forgetRows(); }, this);
        m_keepsRows = true;
    }
    if (!kUndoInMemory)
        qWarning("interlock: SQLite was started before it could be configured: undo records past "
                 "64 KiB go to temporary files");
    auto checkpointer = std::make_unique<SqliteCheckpointer>();
    if (oneLibrary && checkpointer->install(handle(), m_path))
        m_checkpointer = std::move(checkpointer);
    return true;
}

bool SqliteStore::writeTransition(const Transition &t, const QString &sessionId,
                                  const QString &actionId, const QString &subject)
{
    if (!t.eventType.isEmpty()) {
        QSqlQuery &q = prepared(QStringLiteral(
            "INSERT INTO events(type, at, session_id, action_id, data) VALUES (?, ?, ?, ?, ?)"));
        q.addBindValue(t.eventType);
        q.addBindValue(t.at);
        q.addBindValue(sessionId.isEmpty() ? QVariant() : QVariant(sessionId));
        q.addBindValue(actionId.isEmpty() ? QVariant() : QVariant(actionId));
        q.addBindValue(compact(t.eventData));
        if (!q.exec())
            return false;
    }
    if (t.auditType.isEmpty())
        return true;
    return appendAudit(t.at, t.actor, t.auditType, subject, t.eventData);
}

InsertOutcome SqliteStore::insertAction(const QJsonObject &doc, const QString &idempotencyKey,
                                        const QByteArray &bodyHash, int maxPending,
                                        qint64 deadlineMs, const Transition &transition)
{
    QSqlDatabase db = QSqlDatabase::database(m_connection);
    const QString sessionId = doc.value(QStringLiteral("session_id")).toString();
    // Each query lives in its own scope: a statement still open would block the COMMIT below.
    if (!idempotencyKey.isEmpty()) {
        QSqlQuery &q = prepared(QStringLiteral(
            "SELECT idem_hash, doc FROM actions WHERE session_id = ? AND idem_key = ?"));
        q.addBindValue(sessionId);
        q.addBindValue(idempotencyKey);
        const bool found = q.exec() && q.next();
        const QByteArray storedHash = found ? q.value(0).toByteArray() : QByteArray();
        const QVariant storedDoc = found ? q.value(1) : QVariant();
        q.finish();
        if (found) {
            if (storedHash != bodyHash) {
                return {{},
                        false,
                        ApiError{422, QStringLiteral("idempotency_mismatch"),
                                 QStringLiteral("This Idempotency-Key was already used with a "
                                                "different request body."),
                                 QStringLiteral("Idempotency-Key")}};
            }
            return {parseDoc(storedDoc), true, {}};
        }
    }
    const auto owner = session(sessionId);
    if (owner && owner->pending >= maxPending) {
        return {{},
                false,
                ApiError::rateLimited(QStringLiteral("This session already has %1 pending actions; "
                                                     "wait for decisions before submitting more.")
                                          .arg(maxPending))};
    }

    Transaction tx(*this);
    if (!tx.isOpen())
        return {{}, false, storeError(m_failure, QStringLiteral("The action"))};
    QSqlQuery &q = prepared(QStringLiteral(
        "INSERT INTO actions(id, session_id, agent, kind, status, risk_score, version, created_at, "
        "expires_at, idem_key, idem_hash, doc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    q.addBindValue(doc.value(QStringLiteral("id")).toString());
    q.addBindValue(sessionId);
    q.addBindValue(doc.value(QStringLiteral("agent")).toString());
    q.addBindValue(doc.value(QStringLiteral("kind")).toString());
    q.addBindValue(doc.value(QStringLiteral("status")).toString());
    q.addBindValue(
        doc.value(QStringLiteral("risk")).toObject().value(QStringLiteral("score")).toInt());
    q.addBindValue(doc.value(QStringLiteral("version")).toInt());
    q.addBindValue(transition.at);
    q.addBindValue(deadlineMs);
    q.addBindValue(idempotencyKey.isEmpty() ? QVariant() : QVariant(idempotencyKey));
    q.addBindValue(idempotencyKey.isEmpty() ? QVariant() : QVariant(bodyHash));
    q.addBindValue(compact(doc));
    const QString id = doc.value(QStringLiteral("id")).toString();
    const bool pending = doc.value(QStringLiteral("status")).toString() == QLatin1String("pending");
    if (q.exec() &&
        (pending ? adjustPending(sessionId, 1)
                 : writeHistoryColumns(doc, transition.at, transition.actor)) &&
        writeTransition(transition, sessionId, id, id) && tx.commit())
        return {doc, false, {}};
    return {{}, false, storeError(m_failure, QStringLiteral("The action"))};
}

std::optional<QJsonObject> SqliteStore::action(const QString &id)
{
    QSqlQuery &q = prepared(QStringLiteral("SELECT doc FROM actions WHERE id = ?"));
    q.addBindValue(id);
    std::optional<QJsonObject> out;
    if (q.exec() && q.next())
        out = parseDoc(q.value(0));
    q.finish();
    return out;
}

ActionPage SqliteStore::actions(const ActionQuery &query)
{
    const storesql::Sql sql = storesql::actionsPage(query);
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.prepare(sql.text);
    for (const QVariant &b : std::as_const(sql.binds))
        q.addBindValue(b);
    if (!q.exec())
        return {};
    return storesql::readActionsPage(q, query.limit);
}

bool SqliteStore::updateAction(const QJsonObject &doc, int expectedVersion,
                               const Transition &transition)
{
    Transaction tx(*this);
    if (!tx.isOpen())
        return false;
    const QString id = doc.value(QStringLiteral("id")).toString();
    QString before;
    {
        QSqlQuery &old = prepared(QStringLiteral("SELECT status FROM actions WHERE id = ?"));
        old.addBindValue(id);
        if (old.exec() && old.next())
            before = old.value(0).toString();
        old.finish();
    }
    const QString after = doc.value(QStringLiteral("status")).toString();
    const int pendingDelta =
        (after == QLatin1String("pending")) - (before == QLatin1String("pending"));
    const QString sessionId = doc.value(QStringLiteral("session_id")).toString();
    QSqlQuery &q =
        prepared(QStringLiteral("UPDATE actions SET status = ?, risk_score = ?, version = "
                                "?, doc = ? WHERE id = ? AND version = ?"));
    q.addBindValue(doc.value(QStringLiteral("status")).toString());
    q.addBindValue(
        doc.value(QStringLiteral("risk")).toObject().value(QStringLiteral("score")).toInt());
    q.addBindValue(doc.value(QStringLiteral("version")).toInt());
    q.addBindValue(compact(doc));
    q.addBindValue(id);
    q.addBindValue(expectedVersion);
    if (q.exec() && q.numRowsAffected() == 1 &&
        (pendingDelta == 0 || adjustPending(sessionId, pendingDelta)) &&
        (after == QLatin1String("pending") ||
         writeHistoryColumns(doc, transition.at, transition.actor)) &&
        writeTransition(transition, sessionId, id, id) &&
        (!transition.review || insertReview(id, *transition.review)) && tx.commit())
        return true;
    return false;
}

QList<QJsonObject> SqliteStore::pendingExpiredAt(qint64 nowMs, int limit)
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.prepare(QStringLiteral("SELECT doc FROM actions WHERE status = 'pending' AND expires_at <= ? "
                             "ORDER BY expires_at LIMIT ?"));
    q.addBindValue(nowMs);
    q.addBindValue(limit);
    QList<QJsonObject> out;
    if (q.exec()) {
        while (q.next())
            out.append(parseDoc(q.value(0)));
    }
    return out;
}

std::optional<qint64> SqliteStore::deadlineOf(const QString &actionId)
{
    QSqlQuery &q = prepared(QStringLiteral("SELECT expires_at FROM actions WHERE id = ?"));
    q.addBindValue(actionId);
    std::optional<qint64> out;
    if (q.exec() && q.next())
        out = q.value(0).toLongLong();
    q.finish();
    return out;
}

std::optional<qint64> SqliteStore::nextPendingExpiry()
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    if (q.exec(QStringLiteral("SELECT min(expires_at) FROM actions WHERE status = 'pending'")) &&
        q.next() && !q.value(0).isNull())
        return q.value(0).toLongLong();
    return std::nullopt;
}

QList<EventRecord> SqliteStore::events(qint64 after, const QString &sessionId, int limit)
{
    // Cached: parsing this statement anew was a third of the time of every event long-poll.
    QSqlQuery &q = prepared(
        QStringLiteral(
            "SELECT seq, type, at, session_id, action_id, data FROM events WHERE seq > ?") +
        (sessionId.isEmpty() ? QString() : QStringLiteral(" AND session_id = ?")) +
        QStringLiteral(" ORDER BY seq LIMIT ?"));
    q.addBindValue(after);
    if (!sessionId.isEmpty())
        q.addBindValue(sessionId);
    q.addBindValue(limit);
    QList<EventRecord> out;
    if (q.exec()) {
        while (q.next()) {
            out.append(EventRecord{q.value(0).toLongLong(), q.value(1).toString(),
                                   q.value(2).toLongLong(), q.value(3).toString(),
                                   q.value(4).toString(), parseDoc(q.value(5))});
        }
    }
    q.finish();
    return out;
}

qint64 SqliteStore::lastEventSeq()
{
    // Once per group commit: a cached statement.
    QSqlQuery &q = prepared(QStringLiteral("SELECT coalesce(max(seq), 0) FROM events"));
    const qint64 last = q.exec() && q.next() ? q.value(0).toLongLong() : 0;
    q.finish();
    return last;
}

} // namespace interlock
