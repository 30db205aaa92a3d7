#include "AuditChain.h"
#include "SqliteSupport.h"
#include "core/CanonicalJson.h"

#include <thread>
#include <vector>

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
    entry.hash = entry.computeHash();
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
    return q.exec();
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

AuditVerdict SqliteStore::verifyAudit()
{
    // A fresh forward-only statement streams the whole table in batches. Parsing and hashing
    // (nearly all the work) run on two threads; the chain's links are checked in order.
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.setForwardOnly(true);
    AuditVerifier verifier;
    if (!q.exec(QString::fromLatin1(kAuditColumns) + QStringLiteral("ORDER BY seq"))) {
        AuditVerdict v;
        v.ok = false;
        v.reason = QStringLiteral("cannot read the audit table: ") + q.lastError().text();
        return v;
    }
    struct Pending {
        AuditEntry entry;
        QByteArray data;
        bool hashMatches = false;
    };
    constexpr int kBatch = 8192;
    std::vector<Pending> batch;
    batch.reserve(kBatch);
    const auto check = [](Pending *begin, Pending *end) {
        for (Pending *p = begin; p != end; ++p) {
            // Fast path: the stored data is the canonical text it was hashed as, so the
            // entry's canonical form can be assembled around it without parsing. Anything
            // that does not match is checked the slow way (parse, re-serialise), so a valid
            // entry stored in another spelling still verifies and an altered one still fails.
            const AuditEntry &e = p->entry;
            const QByteArray canonical =
                "{\"actor\":" + canonicalJson(e.actor) + ",\"at\":" + QByteArray::number(e.at) +
                ",\"data\":" + p->data + ",\"seq\":" + QByteArray::number(e.seq) +
                ",\"subject\":" + canonicalJson(e.subject) + ",\"type\":" + canonicalJson(e.type) +
                '}';
            p->hashMatches = sha256Hex(e.prevHash + canonical) == e.hash;
            if (!p->hashMatches) {
                p->entry.data = QJsonDocument::fromJson(p->data).object();
                p->hashMatches = p->entry.computeHash() == p->entry.hash;
            }
        }
    };
    bool more = true;
    while (more && verifier.verdict().ok) {
        batch.clear();
        while (int(batch.size()) < kBatch && (more = q.next())) {
            batch.push_back({AuditEntry{q.value(0).toLongLong(),
                                        q.value(1).toLongLong(),
                                        q.value(2).toString(),
                                        q.value(3).toString(),
                                        q.value(4).toString(),
                                        {},
                                        q.value(6).toByteArray(),
                                        q.value(7).toByteArray()},
                             q.value(5).toByteArray()});
        }
        Pending *first = batch.data();
        Pending *middle = first + batch.size() / 2;
        std::thread helper(check, first, middle);
        check(middle, first + batch.size());
        helper.join();
        for (const Pending &p : batch) {
            if (!verifier.add(p.entry, p.hashMatches))
                break;
        }
    }
    return verifier.verdict();
}

} // namespace interlock
