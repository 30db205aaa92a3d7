// The PostgreSQL store: the chain of events and audit entries written at commit, tokens and
// actions.
#include "PgSupport.h"
#include "StoreSql.h"

#include "core/Timestamp.h"

#include <QJsonArray>
#include <algorithm>

namespace interlock {

using namespace pg;

namespace {
// One statement for everything a commit appends, under the chain_head row lock taken just before:
// events and audit entries (json_to_recordset keeps it one round trip whatever their number),
// the new head, and the NOTIFY that wakes the other servers (delivered at commit, never on
// rollback).
const char kWriteChain[] =
    "WITH e AS (INSERT INTO events(seq, type, at, session_id, action_id, data) "
    "SELECT seq, type, at, session_id, action_id, data FROM json_to_recordset(?::json) "
    "AS x(seq bigint, type text, at bigint, session_id text, action_id text, data text)), "
    "a AS (INSERT INTO audit(seq, at, actor, type, subject, data, prev_hash, hash) "
    "SELECT seq, at, actor, type, subject, data, prev_hash, hash FROM json_to_recordset(?::json) "
    "AS y(seq bigint, at bigint, actor text, type text, subject text, data text, prev_hash text, "
    "hash text)), "
    "h AS (UPDATE chain_head SET event_seq = ?, audit_seq = ?, audit_hash = ? WHERE id = 1) "
    "SELECT pg_notify(?, ?) WHERE ?";

QString jsonText(const QJsonArray &a)
{
    return QString::fromUtf8(QJsonDocument(a).toJson(QJsonDocument::Compact));
}

QJsonValue nullable(const QString &s)
{
    return s.isEmpty() ? QJsonValue() : QJsonValue(s);
}
} // namespace

bool PgStore::writeTransition(const Transition &t, const QString &sessionId,
                              const QString &actionId, const QString &subject)
{
    if (!t.eventType.isEmpty())
        m_events.push_back({t.eventType, t.at, sessionId, actionId, compact(t.eventData).toUtf8()});
    if (!t.auditType.isEmpty())
        m_audit.push_back({t.at, t.actor, t.auditType, subject, t.eventData});
    return true;
}

bool PgStore::flushAndCommit()
{
    bool ok = m_inTransaction;
    std::pair<qint64, qint64> written{0, -1};               // the seqs of this commit's events
    std::optional<std::pair<qint64, QByteArray>> auditHead; // the newest entry after it
    if (ok && (!m_events.empty() || !m_audit.empty())) {
        // The chain lock is the last lock a transaction takes and it waits for nothing else, so
        // it adds no deadlock; it is held only for these two statements and the commit.
        QSqlQuery &head = prepared(QStringLiteral(
            "SELECT event_seq, audit_seq, audit_hash FROM chain_head WHERE id = 1 FOR UPDATE"));
        ok = execute(head) && head.next();
        qint64 eventSeq = ok ? head.value(0).toLongLong() : 0;
        qint64 auditSeq = ok ? head.value(1).toLongLong() : 0;
        QByteArray prev = ok ? head.value(2).toString().toLatin1() : QByteArray();
        const QByteArray headHash = prev;
        head.finish();
        if (ok) {
            const qint64 firstEvent = eventSeq + 1;
            written = {firstEvent, eventSeq + qint64(m_events.size())};
            QJsonArray events;
            for (const PendingEvent &e : m_events) {
                events.append(QJsonObject{{QStringLiteral("seq"), ++eventSeq},
                                          {QStringLiteral("type"), e.type},
                                          {QStringLiteral("at"), e.at},
                                          {QStringLiteral("session_id"), nullable(e.sessionId)},
                                          {QStringLiteral("action_id"), nullable(e.actionId)},
                                          {QStringLiteral("data"), QString::fromUtf8(e.data)}});
            }
            QJsonArray audit;
            for (const PendingAudit &a : m_audit) {
                AuditEntry entry{++auditSeq, a.at, a.actor, a.type, a.subject, a.data, prev, {}};
                entry.hash = entry.computeHash(m_auditKey);
                audit.append(QJsonObject{{QStringLiteral("seq"), entry.seq},
                                         {QStringLiteral("at"), entry.at},
                                         {QStringLiteral("actor"), entry.actor},
                                         {QStringLiteral("type"), entry.type},
                                         {QStringLiteral("subject"), entry.subject},
                                         {QStringLiteral("data"), compact(entry.data)},
                                         {QStringLiteral("prev_hash"), text(entry.prevHash)},
                                         {QStringLiteral("hash"), text(entry.hash)}});
                prev = entry.hash;
            }
            if (!m_audit.empty()) {
                // Cut back (chain_head set back too): the anchor stays, verify reports it.
                m_auditHead->continuesFrom(auditSeq - qint64(m_audit.size()), headHash);
                auditHead = {auditSeq, prev};
            }
            QSqlQuery &w = prepared(QString::fromLatin1(kWriteChain));
            w.addBindValue(jsonText(events));
            w.addBindValue(jsonText(audit));
            w.addBindValue(eventSeq);
            w.addBindValue(auditSeq);
            w.addBindValue(text(prev));
            w.addBindValue(m_channel);
            w.addBindValue(QStringLiteral("%1 %2 %3").arg(m_origin).arg(firstEvent).arg(eventSeq));
            w.addBindValue(!m_events.empty());
            ok = execute(w);
            w.finish();
        }
    }
    if (ok) {
        ok = database().commit();
        if (!ok) {
            qWarning("PostgreSQL: COMMIT failed: %s", qPrintable(database().lastError().text()));
            noteFailure(database().lastError());
        }
    }
    if (!ok) {
        rollback();
        return false;
    }
    m_inTransaction = false;
    m_events.clear();
    m_audit.clear();
    if (auditHead) {
        m_auditHead->committed(auditHead->first, auditHead->second);
        m_auditHead->publish(m_auditHead->pending());
    }
    if (written.first <= written.second) {
        m_ownEvents.push_back(written);
        // The last 100,000 commits' (1.6 MB): the event tap and the change feed ask within
        // moments. Older ones count as another server's: counted twice toward a breaker,
        // never left out.
        if (m_ownEvents.size() > 100000)
            m_ownEvents.pop_front();
    }
    return true;
}

bool PgStore::wroteEvent(qint64 seq) const
{
    // The last range starting at or before seq (ranges are in commit order, not overlapping).
    auto it = std::upper_bound(
        m_ownEvents.begin(), m_ownEvents.end(), seq,
        [](qint64 s, const std::pair<qint64, qint64> &range) { return s < range.first; });
    return it != m_ownEvents.begin() && seq <= std::prev(it)->second;
}

bool PgStore::insertTokenRow(const QByteArray &hash, const TokenRecord &token, qint64 at)
{
    // A refusal (the hash exists) writes nothing, so it fails this transition alone.
    QSqlQuery &q = prepared(
        QStringLiteral("INSERT INTO tokens(hash, name, role, session_id, created_at) VALUES (?, ?, "
                       "?, ?, ?) ON CONFLICT DO NOTHING RETURNING hash"));
    q.addBindValue(text(hash));
    q.addBindValue(token.name);
    q.addBindValue(roleName(token.role));
    q.addBindValue(orNull(token.sessionId));
    q.addBindValue(at);
    const bool inserted = execute(q) && q.next();
    q.finish();
    return inserted;
}

bool PgStore::insertToken(const QByteArray &hash, const TokenRecord &token, qint64 at,
                          const QString &actor)
{
    Transaction tx(*this);
    const QJsonObject data{{QStringLiteral("name"), token.name},
                           {QStringLiteral("role"), roleName(token.role)}};
    return tx.open() && insertTokenRow(hash, token, at) &&
           writeTransition(Transition{{}, data, QStringLiteral("token.create"), actor, at}, {}, {},
                           token.name) &&
           tx.commit();
}

std::optional<TokenRecord> PgStore::token(const QByteArray &hash)
{
    return reading([&]() -> std::optional<TokenRecord> {
        QSqlQuery &q = prepared(QStringLiteral(
            "SELECT name, role, session_id, revoked_at IS NOT NULL FROM tokens WHERE hash = ?"));
        q.addBindValue(text(hash));
        std::optional<TokenRecord> out;
        if (execute(q) && q.next()) {
            if (const auto role = parseRole(q.value(1).toString()))
                out = TokenRecord{q.value(0).toString(), *role, q.value(2).toString(),
                                  q.value(3).toBool()};
        }
        q.finish();
        return out;
    });
}

std::optional<Credential> PgStore::credential(const QByteArray &hash)
{
    return reading([&]() -> std::optional<Credential> {
        QSqlQuery &q =
            prepared(QString::fromLatin1(kCredentialColumns) + QStringLiteral("WHERE t.hash = ?"));
        q.addBindValue(text(hash));
        std::optional<Credential> out;
        if (execute(q) && q.next()) {
            if (const auto role = parseRole(q.value(1).toString())) {
                out = Credential{TokenRecord{q.value(0).toString(), *role, q.value(2).toString(),
                                             q.value(3).toBool()},
                                 std::nullopt};
                if (!q.value(4).isNull())
                    out->session = sessionFrom(q, 4);
            }
        }
        q.finish();
        return out;
    });
}

InsertOutcome PgStore::replayed(const QString &sessionId, const QString &key,
                                const QByteArray &bodyHash, bool *found)
{
    QSqlQuery &q = prepared(
        QStringLiteral("SELECT idem_hash, doc FROM actions WHERE session_id = ? AND idem_key = ?"));
    q.addBindValue(sessionId);
    q.addBindValue(key);
    *found = execute(q) && q.next();
    const QString storedHash = *found ? q.value(0).toString() : QString();
    const QVariant storedDoc = *found ? q.value(1) : QVariant();
    q.finish();
    if (!*found)
        return {};
    if (storedHash != text(bodyHash)) {
        return {{},
                false,
                ApiError{422, QStringLiteral("idempotency_mismatch"),
                         QStringLiteral("This Idempotency-Key was already used with a different "
                                        "request body."),
                         QStringLiteral("Idempotency-Key")}};
    }
    return {parseDoc(storedDoc), true, {}};
}

InsertOutcome PgStore::insertAction(const QJsonObject &doc, const QString &idempotencyKey,
                                    const QByteArray &bodyHash, int maxPending, qint64 deadlineMs,
                                    const Transition &transition)
{
    const QString sessionId = doc.value(QStringLiteral("session_id")).toString();
    const auto failed = [this]() -> InsertOutcome {
        return {{},
                false,
                connected() ? storeError(m_failure, QStringLiteral("The action"))
                            : ApiError::unavailable(QStringLiteral(
                                  "The database went away; the action was not stored. Retry."))};
    };
    if (!idempotencyKey.isEmpty()) {
        bool found = false;
        InsertOutcome r =
            reading([&] { return replayed(sessionId, idempotencyKey, bodyHash, &found); });
        if (found)
            return r;
    }
    Transaction tx(*this);
    if (!tx.open())
        return failed();
    // The session row stays share-locked until the commit: a kill on another server (an UPDATE
    // of that row) waits for this insert and then cancels the action, or this insert sees the
    // kill first.
    QString status;
    qint64 pending = 0;
    {
        QSqlQuery &s = prepared(QStringLiteral(
            "SELECT s.status, (SELECT coalesce(sum(p.n), 0) FROM pending_counts p WHERE "
            "p.session_id = s.id) FROM sessions s WHERE s.id = ? FOR SHARE OF s"));
        s.addBindValue(sessionId);
        if (!execute(s))
            return failed();
        if (s.next()) {
            status = s.value(0).toString();
            pending = s.value(1).toLongLong();
        }
        s.finish();
    }
    if (status != QLatin1String("active"))
        return {{}, false, ApiError::sessionKilled()};
    if (pending >= maxPending) {
        return {{},
                false,
                ApiError::rateLimited(QStringLiteral("This session already has %1 pending actions; "
                                                     "wait for decisions before submitting more.")
                                          .arg(maxPending))};
    }
    const QString id = doc.value(QStringLiteral("id")).toString();
    QSqlQuery &q = prepared(QStringLiteral(
        "INSERT INTO actions(id, session_id, agent, kind, status, risk_score, version, created_at, "
        "expires_at, idem_key, idem_hash, doc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT DO NOTHING RETURNING seq"));
    q.addBindValue(id);
    q.addBindValue(sessionId);
    q.addBindValue(doc.value(QStringLiteral("agent")).toString());
    q.addBindValue(doc.value(QStringLiteral("kind")).toString());
    q.addBindValue(doc.value(QStringLiteral("status")).toString());
    q.addBindValue(
        doc.value(QStringLiteral("risk")).toObject().value(QStringLiteral("score")).toInt());
    q.addBindValue(doc.value(QStringLiteral("version")).toInt());
    q.addBindValue(transition.at);
    q.addBindValue(deadlineMs);
    q.addBindValue(orNull(idempotencyKey));
    q.addBindValue(idempotencyKey.isEmpty() ? QVariant(QMetaType(QMetaType::QString))
                                            : QVariant(text(bodyHash)));
    q.addBindValue(compact(doc));
    if (!execute(q))
        return failed();
    const bool inserted = q.next();
    q.finish();
    if (!inserted) {
        // The same Idempotency-Key, committed meanwhile by another server: nothing was written.
        bool found = false;
        const InsertOutcome r = replayed(sessionId, idempotencyKey, bodyHash, &found);
        return found ? r : failed();
    }
    const bool isPending =
        doc.value(QStringLiteral("status")).toString() == QLatin1String("pending");
    if ((isPending || writeHistoryColumns(doc, transition.at, transition.actor)) &&
        writeTransition(transition, sessionId, id, id) && tx.commit())
        return {doc, false, {}};
    return failed();
}

std::optional<QJsonObject> PgStore::action(const QString &id)
{
    return reading([&]() -> std::optional<QJsonObject> {
        QSqlQuery &q = prepared(QStringLiteral("SELECT doc FROM actions WHERE id = ?"));
        q.addBindValue(id);
        std::optional<QJsonObject> out;
        if (execute(q) && q.next())
            out = parseDoc(q.value(0));
        q.finish();
        return out;
    });
}

ActionPage PgStore::actions(const ActionQuery &query)
{
    const storesql::Sql sql = storesql::actionsPage(query);
    return reading([&] {
        QSqlQuery &q = prepared(sql.text);
        for (const QVariant &b : std::as_const(sql.binds))
            q.addBindValue(b);
        if (!execute(q))
            return ActionPage();
        ActionPage page = storesql::readActionsPage(q, query.limit);
        q.finish();
        return page;
    });
}

bool PgStore::waitHoldingNothingFor(const QString &probe, const QVariantList &keys)
{
    // Every change a group made wrote an event or an audit entry: none, no row lock held.
    // (A use count of a grant writes neither, but its row is taken through here too.)
    if (!m_groupOpen || m_groupFailed || !m_flushNow ||
        (m_events.empty() && m_audit.empty() && !m_heldSafetyRow))
        return true;
    QSqlQuery &q = prepared(probe);
    for (const QVariant &key : keys)
        q.addBindValue(key);
    if (!execute(q))
        return false;
    const bool taken = q.next(); // free, or this group's already: it is this group's now
    q.finish();
    if (taken)
        return true;
    m_flushNow();
    // What the request changed before is undone if that commit failed: so is this change (the
    // request answers the error, never a success for half of what it did).
    return !m_lastGroupFailed;
}

bool PgStore::updateAction(const QJsonObject &doc, int expectedVersion,
                           const Transition &transition)
{
    const QString id = doc.value(QStringLiteral("id")).toString();
    if (!waitHoldingNothingFor(
            QStringLiteral("SELECT 1 FROM actions WHERE id = ? FOR UPDATE SKIP LOCKED"), {id}))
        return false;
    Transaction tx(*this);
    if (!tx.open())
        return false;
    // The compare-and-swap: whoever changed the action first (on any server) bumped its version,
    // so of two racing transitions exactly one gets the row back. A decision writes its history
    // columns in the same statement (one row version, one round trip).
    const auto history = doc.value(QStringLiteral("status")).toString() == QLatin1String("pending")
                             ? std::nullopt
                             : historySet(doc, transition.at, transition.actor);
    QSqlQuery &q = prepared(
        QStringLiteral("UPDATE actions SET status = ?, risk_score = ?, version = ?, doc = ?") +
        (history ? QStringLiteral(", ") + history->sql : QString()) +
        QStringLiteral(" WHERE id = ? AND version = ? RETURNING id"));
    q.addBindValue(doc.value(QStringLiteral("status")).toString());
    q.addBindValue(
        doc.value(QStringLiteral("risk")).toObject().value(QStringLiteral("score")).toInt());
    q.addBindValue(doc.value(QStringLiteral("version")).toInt());
    q.addBindValue(compact(doc));
    if (history) {
        for (const QVariant &v : history->values)
            q.addBindValue(v);
    }
    q.addBindValue(id);
    q.addBindValue(expectedVersion);
    if (!execute(q))
        return false;
    const bool won = q.next();
    q.finish();
    if (!won)
        return false;
    return writeTransition(transition, doc.value(QStringLiteral("session_id")).toString(), id,
                           id) &&
           (!transition.review || insertReview(id, *transition.review)) && tx.commit();
}

QList<QJsonObject> PgStore::pendingExpiredAt(qint64 nowMs, int limit)
{
    return reading([&] {
        QSqlQuery &q =
            prepared(QStringLiteral("SELECT doc FROM actions WHERE status = 'pending' AND "
                                    "expires_at <= ? ORDER BY expires_at LIMIT ?"));
        q.addBindValue(nowMs);
        q.addBindValue(limit);
        QList<QJsonObject> out;
        if (execute(q)) {
            while (q.next())
                out.append(parseDoc(q.value(0)));
        }
        q.finish();
        return out;
    });
}

std::optional<qint64> PgStore::deadlineOf(const QString &actionId)
{
    return reading([&]() -> std::optional<qint64> {
        QSqlQuery &q = prepared(QStringLiteral("SELECT expires_at FROM actions WHERE id = ?"));
        q.addBindValue(actionId);
        std::optional<qint64> out;
        if (execute(q) && q.next())
            out = q.value(0).toLongLong();
        q.finish();
        return out;
    });
}

std::optional<qint64> PgStore::nextPendingExpiry()
{
    return reading([&]() -> std::optional<qint64> {
        QSqlQuery &q = prepared(
            QStringLiteral("SELECT min(expires_at) FROM actions WHERE status = 'pending'"));
        std::optional<qint64> out;
        if (execute(q) && q.next() && !q.value(0).isNull())
            out = q.value(0).toLongLong();
        q.finish();
        return out;
    });
}

QList<EventRecord> PgStore::events(qint64 after, const QString &sessionId, int limit)
{
    return reading([&] {
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
        if (execute(q)) {
            while (q.next()) {
                out.append(EventRecord{q.value(0).toLongLong(), q.value(1).toString(),
                                       q.value(2).toLongLong(), q.value(3).toString(),
                                       q.value(4).toString(), parseDoc(q.value(5))});
            }
        }
        q.finish();
        return out;
    });
}

qint64 PgStore::lastEventSeq()
{
    return reading([&] {
        QSqlQuery &q = prepared(QStringLiteral("SELECT coalesce(max(seq), 0) FROM events"));
        qint64 out = 0;
        if (execute(q) && q.next())
            out = q.value(0).toLongLong();
        q.finish();
        return out;
    });
}

} // namespace interlock
