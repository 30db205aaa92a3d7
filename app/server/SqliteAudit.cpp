#include "AuditChain.h"
#include "SqliteSupport.h"
#include "core/CanonicalJson.h"

#include <QDateTime>

// The audit chain in the SQLite store: appending inside a transition, reading and verifying.
namespace interlock {

using namespace sqlite;

namespace {
AuditEntry entryFrom(const QSqlQuery &q)
{
    return AuditEntry{q.value(0).toLongLong(),  q.value(1).toLongLong(), q.value(2).toString(),
                      q.value(3).toString(),    q.value(4).toString(),   parseDoc(q.value(5)),
                      q.value(6).toByteArray(), q.value(7).toByteArray()};
}

const char kAuditColumns[] =
    "SELECT seq, at, actor, type, subject, data, prev_hash, hash FROM audit ";
} // namespace

bool SqliteStore::appendAudit(qint64 at, const QString &actor, const QString &type,
                              const QString &subject, const QJsonObject &data)
{
    // The head is read inside the write transaction (SQLite's write lock is held), never cached:
    // other processes append to the same chain (interlockctl token create, a second server).
    AuditEntry entry{1, at, actor, type, subject, data, genesisHash(), {}};
    {
        QSqlQuery &head =
            prepared(QStringLiteral("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1"));
        if (!head.exec())
            return false;
        if (head.next()) {
            entry.seq = head.value(0).toLongLong() + 1;
            entry.prevHash = head.value(1).toByteArray();
        }
        head.finish();
    }
    // A chain shorter than the anchor was cut back: the anchor stays where it is (verify
    // reports it) rather than follow the entries written on from there.
    m_auditHead->continuesFrom(entry.seq - 1, entry.seq > 1 ? entry.prevHash : QByteArray());
    entry.hash = entry.computeHash(m_auditKey);
    QSqlQuery &q = prepared(QStringLiteral("INSERT INTO audit(seq, at, actor, type, subject, data, "
                                           "prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
    q.addBindValue(entry.seq);
    q.addBindValue(at);
    q.addBindValue(actor);
    q.addBindValue(type);
    q.addBindValue(subject);
    q.addBindValue(compact(data));
    q.addBindValue(entry.prevHash);
    q.addBindValue(entry.hash);
    if (!q.exec())
        return false;
    m_auditAppended = true;
    return true;
}

void SqliteStore::auditCommitted(bool durable)
{
    if (!m_auditAppended)
        return;
    m_auditAppended = false;
    QSqlQuery &q =
        prepared(QStringLiteral("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1"));
    if (q.exec() && q.next())
        m_auditHead->committed(q.value(0).toLongLong(), q.value(1).toByteArray());
    q.finish();
    if (durable)
        m_auditHead->publish(m_auditHead->pending());
}

bool SqliteStore::keyTheChain()
{
    QSqlQuery &q =
        prepared(QString::fromLatin1(kAuditColumns) + QStringLiteral("ORDER BY seq DESC LIMIT 1"));
    if (!q.exec())
        return false;
    std::optional<AuditEntry> head;
    if (q.next())
        head = entryFrom(q);
    q.finish();
    bool missing = false;
    QString problem;
    if (const auto anchor = m_auditHead->anchor(&missing, &problem)) {
        // Anchored, so keyed already: the anchored entry must still be there as it was (a chain
        // rewritten unkeyed must not look like an older file that gets keyed now).
        QSqlQuery &at = prepared(QStringLiteral("SELECT hash FROM audit WHERE seq = ?"));
        at.addBindValue(anchor->seq);
        const bool held = at.exec() && at.next() && at.value(0).toByteArray() == anchor->hash;
        at.finish();
        if (!held)
            m_auditHead->stop(QStringLiteral("the database no longer holds entry %1 as the "
                                             "anchor names it; verify reports it")
                                  .arg(anchor->seq));
        return true;
    }
    const bool marker = head && missing && needsKeyedMarker(*head, m_auditKey);
    if (head && !marker)
        // Not made anew from what the database says now: entries cut off the end together with
        // the anchor would go unnoticed. Only a chain that begins to be keyed now gets one.
        m_auditHead->stop(problem.isEmpty()
                              ? QStringLiteral("it is missing though the audit log has keyed "
                                               "entries; verify reports it until it is restored")
                              : problem);
    if (!marker)
        return true;
    return appendAudit(QDateTime::currentMSecsSinceEpoch(), QStringLiteral("system"),
                       QString::fromLatin1(kAuditKeyedType), QString(),
                       keyedMarkerData(m_auditKey, head->seq));
}

QList<AuditEntry> SqliteStore::auditEntries(qint64 after, int limit)
{
    QSqlQuery &q = prepared(QString::fromLatin1(kAuditColumns) +
                            QStringLiteral("WHERE seq > ? ORDER BY seq LIMIT ?"));
    q.addBindValue(after);
    q.addBindValue(limit);
    QList<AuditEntry> out;
    if (q.exec()) {
        while (q.next())
            out.append(entryFrom(q));
    }
    q.finish();
    return out;
}

AuditVerdict SqliteStore::verifyAudit(const QList<AuditAnchor> &expected)
{
    // The anchor first: it is written after what it names is committed, so the chain read next
    // holds at least that.
    AuditBatchVerifier verifier(m_auditKey);
    for (const AuditAnchor &anchor : expected)
        verifier.checks().expect(anchor);
    bool missing = false;
    QString problem;
    if (const auto anchor = m_auditHead->anchor(&missing, &problem))
        verifier.checks().expect(*anchor);
    else if (missing)
        verifier.checks().anchorMissing(m_auditHead->file());
    else
        verifier.checks().anchorUnreadable(problem);
    // A fresh forward-only statement streams the whole table.
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.setForwardOnly(true);
    if (!q.exec(QString::fromLatin1(kAuditColumns) + QStringLiteral("ORDER BY seq"))) {
        AuditVerdict v;
        v.ok = false;
        v.reason = QStringLiteral("cannot read the audit table: ") + q.lastError().text();
        return v;
    }
    while (q.next()) {
        if (!verifier.add(AuditEntry{q.value(0).toLongLong(),
                                     q.value(1).toLongLong(),
                                     q.value(2).toString(),
                                     q.value(3).toString(),
                                     q.value(4).toString(),
                                     {},
                                     q.value(6).toByteArray(),
                                     q.value(7).toByteArray()},
                          q.value(5).toByteArray()))
            break;
    }
    return verifier.finish();
}

} // namespace interlock
