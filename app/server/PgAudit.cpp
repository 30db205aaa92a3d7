// The audit chain in the PostgreSQL store: reading and verifying (entries are appended at commit,
// see flushAndCommit()).
#include "AuditChain.h"
#include "PgSupport.h"

#include <QDateTime>

namespace interlock {

using namespace pg;

namespace {
const char kAuditColumns[] =
    "SELECT seq, at, actor, type, subject, data, prev_hash, hash FROM audit ";

AuditEntry entryFrom(const QSqlQuery &q, bool withData)
{
    return AuditEntry{q.value(0).toLongLong(),
                      q.value(1).toLongLong(),
                      q.value(2).toString(),
                      q.value(3).toString(),
                      q.value(4).toString(),
                      withData ? parseDoc(q.value(5)) : QJsonObject(),
                      q.value(6).toString().toLatin1(),
                      q.value(7).toString().toLatin1()};
}
} // namespace

bool PgStore::keyTheChain()
{
    const auto head = reading([&]() -> std::optional<std::optional<AuditEntry>> {
        QSqlQuery &q = prepared(QString::fromLatin1(kAuditColumns) +
                                QStringLiteral("ORDER BY seq DESC LIMIT 1"));
        if (!execute(q))
            return std::nullopt;
        std::optional<AuditEntry> entry;
        if (q.next())
            entry = entryFrom(q, true);
        q.finish();
        return entry;
    });
    if (!head)
        return false;
    if (!*head || !needsKeyedMarker(**head, m_auditKey))
        return true;
    // Several servers starting at once may each append one: harmless, every one is keyed.
    return appendAuditEntry(Transition{{},
                                       keyedMarkerData(m_auditKey, (*head)->seq),
                                       QString::fromLatin1(kAuditKeyedType),
                                       QStringLiteral("system"),
                                       QDateTime::currentMSecsSinceEpoch()});
}

QList<AuditEntry> PgStore::auditEntries(qint64 after, int limit)
{
    return reading([&] {
        QSqlQuery &q = prepared(QString::fromLatin1(kAuditColumns) +
                                QStringLiteral("WHERE seq > ? ORDER BY seq LIMIT ?"));
        q.addBindValue(after);
        q.addBindValue(limit);
        QList<AuditEntry> out;
        if (execute(q)) {
            while (q.next())
                out.append(entryFrom(q, true));
        }
        q.finish();
        return out;
    });
}

AuditVerdict PgStore::verifyAudit(const QList<AuditAnchor> &expected)
{
    // Pages in seq order inside one read-only snapshot: the chain verified is the chain as it
    // was when the walk began, however many servers append meanwhile.
    AuditVerdict failed;
    failed.ok = false;
    if (!begin()) {
        failed.reason = QStringLiteral("cannot read the audit table");
        return failed;
    }
    statement(QStringLiteral("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY"));
    AuditBatchVerifier verifier(m_auditKey);
    for (const AuditAnchor &anchor : expected)
        verifier.checks().expect(anchor);
    bool missing = false;
    QString problem;
    if (const auto anchor = m_auditHead->anchor(&missing, &problem))
        verifier.checks().expect(*anchor); // taken before the snapshot: the chain holds it
    qint64 after = std::numeric_limits<qint64>::min();
    for (bool more = true; more;) {
        QSqlQuery &q = prepared(QString::fromLatin1(kAuditColumns) +
                                QStringLiteral("WHERE seq > ? ORDER BY seq LIMIT ?"));
        q.addBindValue(after);
        q.addBindValue(AuditBatchVerifier::kBatch);
        if (!execute(q)) {
            rollback();
            failed.reason = QStringLiteral("cannot read the audit table: ") + q.lastError().text();
            return failed;
        }
        int rows = 0;
        while (q.next()) {
            ++rows;
            after = q.value(0).toLongLong();
            if (!verifier.add(entryFrom(q, false), q.value(5).toString().toUtf8())) {
                more = false;
                break;
            }
        }
        q.finish();
        more = more && rows == AuditBatchVerifier::kBatch;
    }
    rollback();
    return verifier.finish();
}

} // namespace interlock
