#include "StandingGrants.h"

#include "Tokens.h"
#include "core/Clock.h"
#include "core/Timestamp.h"

namespace interlock {

namespace {
const QString kGrant = QStringLiteral("grant");

ApiError notGrantable(const QString &message)
{
    return ApiError{422, QStringLiteral("not_grantable"), message, QStringLiteral("grant")};
}

QString levelOf(const QJsonObject &action)
{
    return action.value(QStringLiteral("risk"))
        .toObject()
        .value(QStringLiteral("level"))
        .toString();
}
} // namespace

StandingGrants::StandingGrants(Store &store, Clock &clock)
    : m_store(store)
    , m_clock(clock)
{}

void StandingGrants::load()
{
    indexAll(m_store.safetyRecords(kGrant));
}

void StandingGrants::indexAll(QList<QJsonObject> grants)
{
    std::sort(grants.begin(), grants.end(), [](const QJsonObject &a, const QJsonObject &b) {
        return a.value(QStringLiteral("seq")).toInteger() <
               b.value(QStringLiteral("seq")).toInteger();
    });
    for (const QJsonObject &g : std::as_const(grants))
        take(g.value(QStringLiteral("id")).toString(), g);
}

bool StandingGrants::reload()
{
    bool ok = false;
    QList<QJsonObject> grants = m_store.safetyRecords(kGrant, &ok);
    if (!ok)
        return false; // kept as they are: a use is checked against the store anyway
    // A revocation held here stays, whatever the store says; one the store does not have at all
    // stays listed.
    QHash<QString, QJsonObject> revoked;
    for (auto it = m_grants.cbegin(); it != m_grants.cend(); ++it) {
        if (!it->value(QStringLiteral("revoked_at")).isNull())
            revoked.insert(it.key(), *it);
    }
    QList<QJsonObject> unstored; // revoked here, active in the store
    for (QJsonObject &g : grants) {
        const auto here = revoked.constFind(g.value(QStringLiteral("id")).toString());
        if (here == revoked.constEnd())
            continue;
        if (g.value(QStringLiteral("revoked_at")).isNull()) {
            g = *here;
            unstored.append(*here);
        }
        revoked.erase(here);
    }
    for (const QJsonObject &g : std::as_const(revoked))
        grants.append(g);
    m_grants.clear();
    m_order.clear();
    m_byBucket.clear();
    indexAll(std::move(grants));
    // Stored now: the other servers stop approving by them (a trip's revocations included,
    // which no person asks for again).
    m_unstored = false;
    for (const QJsonObject &here : std::as_const(unstored)) {
        QJsonObject stored;
        const SafetyPut put = m_store.reviseSafetyRecord(
            kGrant, here.value(QStringLiteral("id")).toString(),
            [&](const QJsonObject &grant) -> std::optional<SafetyChange> {
                if (!grant.value(QStringLiteral("revoked_at")).isNull())
                    return std::nullopt;
                QJsonObject next = grant;
                for (const char *key : {"revoked_at", "revoked_by", "revoke_reason"}) {
                    if (here.contains(QLatin1String(key)))
                        next.insert(QLatin1String(key), here.value(QLatin1String(key)));
                }
                return SafetyChange{next, revokedWrites(next)};
            },
            &stored);
        m_unstored = m_unstored || put == SafetyPut::Failed;
    }
    return !m_unstored;
}

void StandingGrants::take(const QString &id, const QJsonObject &doc)
{
    QJsonObject kept = doc;
    const auto here = m_grants.constFind(id);
    if (here != m_grants.constEnd()) {
        if (!here->value(QStringLiteral("revoked_at")).isNull() &&
            doc.value(QStringLiteral("revoked_at")).isNull())
            kept = *here; // revoked for good
        unindex(id);
    } else
        m_order.append(id);
    m_grants.insert(id, kept);
    if (active(kept))
        m_byBucket[kept.value(QStringLiteral("bucket")).toString().toLatin1()].append(id);
}

bool StandingGrants::active(const QJsonObject &doc) const
{
    if (!doc.value(QStringLiteral("revoked_at")).isNull())
        return false;
    const auto expires = fromRfc3339(doc.value(QStringLiteral("expires_at")).toString());
    return expires && *expires > m_clock.nowMs();
}

QJsonObject StandingGrants::view(const QJsonObject &doc) const
{
    QJsonObject o = doc;
    o.remove(QStringLiteral("bucket"));
    o.remove(QStringLiteral("seq"));
    const QString status =
        !doc.value(QStringLiteral("revoked_at")).isNull()
            ? QStringLiteral("revoked")
            : (active(doc) ? QStringLiteral("active") : QStringLiteral("expired"));
    o.insert(QStringLiteral("status"), status);
    return o;
}

ApiError StandingGrants::check(const QJsonObject &action, const QJsonObject &grant,
                               Request *out) const
{
    for (auto it = grant.constBegin(); it != grant.constEnd(); ++it) {
        if (it.key() != QLatin1String("for_seconds") && it.key() != QLatin1String("match"))
            return ApiError::invalidField(QStringLiteral("grant"),
                                          QStringLiteral("'grant' takes only 'for_seconds' and "
                                                         "'match' (unknown: '%1').")
                                              .arg(it.key()));
    }
    const QJsonValue forSeconds = grant.value(QStringLiteral("for_seconds"));
    const int seconds = forSeconds.toInt(0);
    if (!forSeconds.isDouble() || forSeconds.toDouble() != double(seconds) ||
        (seconds != 3600 && seconds != 28800 && seconds != 86400))
        return ApiError::invalidField(
            QStringLiteral("grant.for_seconds"),
            QStringLiteral("'grant.for_seconds' must be 3600, 28800 or 86400 (1 h, 8 h, 24 h)."));
    const QJsonValue match = grant.value(QStringLiteral("match"));
    if (!match.isUndefined() && !match.isObject())
        return ApiError::invalidField(QStringLiteral("grant.match"),
                                      QStringLiteral("'grant.match' must be an object."));
    const QString level = levelOf(action);
    if (level != QLatin1String("low") && level != QLatin1String("medium"))
        return notGrantable(QStringLiteral("Only low and medium actions can be granted; this one "
                                           "is %1.")
                                .arg(level));
    if (action.value(QStringLiteral("required_approvals")).toInt() != 1)
        return notGrantable(QStringLiteral("This action needs %1 approvals; a grant is one "
                                           "person's standing approval.")
                                .arg(action.value(QStringLiteral("required_approvals")).toInt()));
    const QString kind = action.value(QStringLiteral("kind")).toString();
    if (const QString why = GrantMatch::readSpec(kind, match.toObject(), &out->spec);
        !why.isEmpty())
        return notGrantable(why + QLatin1Char('.'));
    out->match = GrantMatch::of(action, out->spec);
    if (!out->match.ok())
        return notGrantable(out->match.refusal + QLatin1Char('.'));
    out->forSeconds = seconds;
    return {};
}

QJsonObject StandingGrants::create(const Principal &who, const QJsonObject &action,
                                   const Request &request)
{
    const qint64 now = m_clock.nowMs();
    const QString id = newId("grt");
    const qint64 seq =
        m_order.isEmpty()
            ? 1
            : m_grants.value(m_order.last()).value(QStringLiteral("seq")).toInteger() + 1;
    const QJsonObject doc{
        {QStringLiteral("id"), id},
        {QStringLiteral("seq"), seq},
        {QStringLiteral("agent"), action.value(QStringLiteral("agent"))},
        {QStringLiteral("kind"), action.value(QStringLiteral("kind"))},
        {QStringLiteral("target"), action.value(QStringLiteral("target"))},
        {QStringLiteral("match"), GrantMatch::specJson(request.spec)},
        {QStringLiteral("facts"), request.match.facts},
        {QStringLiteral("key"), QString::fromLatin1(request.match.key)},
        {QStringLiteral("bucket"), QString::fromLatin1(request.match.bucket)},
        {QStringLiteral("for_seconds"), request.forSeconds},
        {QStringLiteral("created_by"), who.name},
        {QStringLiteral("created_at"), toRfc3339(now)},
        {QStringLiteral("expires_at"), toRfc3339(now + qint64(request.forSeconds) * 1000)},
        {QStringLiteral("source_action"), action.value(QStringLiteral("id"))},
        {QStringLiteral("source_session"), action.value(QStringLiteral("session_id"))},
        {QStringLiteral("uses"), 0},
        {QStringLiteral("last_used_at"), QJsonValue::Null},
        {QStringLiteral("revoked_at"), QJsonValue::Null},
        {QStringLiteral("revoked_by"), QJsonValue::Null}};
    QJsonObject data = view(doc);
    data.insert(QStringLiteral("grant_id"), id);
    data.remove(QStringLiteral("id"));
    data.remove(QStringLiteral("key"));
    const QList<SafetyWrite> writes{{Transition{QStringLiteral("grant.created"), data,
                                                QStringLiteral("grant.create"), who.name, now},
                                     {},
                                     id}};
    if (!m_store.putSafetyRecord(kGrant, id, doc, writes)) {
        qWarning("interlock: the grant %s could not be stored; it is not in force", qPrintable(id));
        return {};
    }
    m_grants.insert(id, doc);
    m_order.append(id);
    m_byBucket[request.match.bucket].append(id);
    return view(doc);
}

QString StandingGrants::match(const QJsonObject &action) const
{
    const GrantMatch probe = GrantMatch::of(action, {});
    if (probe.bucket.isEmpty())
        return {};
    const auto bucket = m_byBucket.constFind(probe.bucket);
    if (bucket == m_byBucket.constEnd())
        return {};
    for (const QString &id : *bucket) {
        const QJsonObject g = m_grants.value(id);
        if (!active(g))
            continue;
        const GrantMatch::Spec spec =
            GrantMatch::specFrom(g.value(QStringLiteral("match")).toObject());
        const GrantMatch m = spec.arguments.isEmpty() ? probe : GrantMatch::of(action, spec);
        if (m.ok() && m.key == g.value(QStringLiteral("key")).toString().toLatin1())
            return id;
    }
    return {};
}

StandingGrants::Use StandingGrants::claimUse(const QString &id)
{
    const qint64 now = m_clock.nowMs();
    QJsonObject stored;
    // The count is kept with the grant; the approval it makes has its own audit entry.
    const SafetyPut put = m_store.reviseSafetyRecord(
        kGrant, id,
        [&](const QJsonObject &grant) -> std::optional<SafetyChange> {
            if (!active(grant))
                return std::nullopt; // revoked (or expired) on another server meanwhile
            QJsonObject next = grant;
            next.insert(QStringLiteral("uses"), grant.value(QStringLiteral("uses")).toInt() + 1);
            next.insert(QStringLiteral("last_used_at"), toRfc3339(now));
            return SafetyChange{next, {}};
        },
        &stored);
    switch (put) {
    case SafetyPut::Written:
        take(id, stored);
        return Use::Claimed;
    case SafetyPut::Unchanged:
        take(id, stored);
        return Use::Refused;
    case SafetyPut::Absent: // its creation was never stored: not in force
        unindex(id);
        m_grants.remove(id);
        m_order.removeAll(id);
        return Use::Refused;
    case SafetyPut::Failed:
        break;
    }
    qWarning("interlock: the use of grant %s could not be stored; the action waits for a person",
             qPrintable(id));
    return Use::Failed;
}

void StandingGrants::unindex(const QString &id)
{
    const QByteArray bucket =
        m_grants.value(id).value(QStringLiteral("bucket")).toString().toLatin1();
    auto it = m_byBucket.find(bucket);
    if (it == m_byBucket.end())
        return;
    it->removeAll(id);
    if (it->isEmpty())
        m_byBucket.erase(it);
}

QList<SafetyWrite> StandingGrants::revokedWrites(const QJsonObject &revoked) const
{
    const QString id = revoked.value(QStringLiteral("id")).toString();
    const QString actor = revoked.value(QStringLiteral("revoked_by")).toString();
    const QString reason = revoked.value(QStringLiteral("revoke_reason")).toString();
    const QJsonObject data{{QStringLiteral("grant_id"), id},
                           {QStringLiteral("agent"), revoked.value(QStringLiteral("agent"))},
                           {QStringLiteral("kind"), revoked.value(QStringLiteral("kind"))},
                           {QStringLiteral("uses"), revoked.value(QStringLiteral("uses"))},
                           {QStringLiteral("reason"), reason}};
    return {{Transition{QStringLiteral("grant.revoked"), data, QStringLiteral("grant.revoke"),
                        actor, m_clock.nowMs()},
             {},
             id}};
}

std::optional<QJsonObject> StandingGrants::revoke(const QString &id, const QString &actor,
                                                  const QString &reason)
{
    if (!m_grants.contains(id)) {
        reload(); // made on another server a moment ago?
        if (!m_grants.contains(id))
            return std::nullopt;
    }
    const qint64 now = m_clock.nowMs();
    const auto revoked = [&](const QJsonObject &grant) -> std::optional<SafetyChange> {
        if (!grant.value(QStringLiteral("revoked_at")).isNull())
            return std::nullopt;
        QJsonObject next = grant;
        next.insert(QStringLiteral("revoked_at"), toRfc3339(now));
        next.insert(QStringLiteral("revoked_by"), actor);
        if (!reason.isEmpty())
            next.insert(QStringLiteral("revoke_reason"), reason);
        return SafetyChange{next, revokedWrites(next)};
    };
    // Always against the grant as stored now (under its row lock): a revocation never loses to
    // uses counted on other servers, and one that was not stored before (refused, or its group
    // rolled back) is stored when asked again.
    QJsonObject stored;
    const SafetyPut put = m_store.reviseSafetyRecord(kGrant, id, revoked, &stored);
    if (put == SafetyPut::Written || put == SafetyPut::Unchanged) {
        take(id, stored);
    } else {
        if (put == SafetyPut::Failed) {
            m_unstored = true;
            qWarning("interlock: the revocation of grant %s could not be stored; it holds in "
                     "memory",
                     qPrintable(id));
        }
        const QJsonObject here = m_grants.value(id);
        const auto change = revoked(here);
        take(id, change ? change->doc : here); // revoked here all the same
    }
    return view(m_grants.value(id));
}

int StandingGrants::revokeAgent(const QString &agent, const QString &actor, const QString &reason)
{
    reload(); // with the grants made on other servers a moment ago (a breaker trip: rare)
    QStringList ids;
    for (const QString &id : std::as_const(m_order)) {
        const QJsonObject &g = m_grants[id];
        if (g.value(QStringLiteral("agent")).toString() == agent && active(g))
            ids.append(id);
    }
    for (const QString &id : std::as_const(ids))
        revoke(id, actor, reason);
    return int(ids.size());
}

QList<QJsonObject> StandingGrants::list(const QString &status, const QString &agent,
                                        int limit) const
{
    QList<QJsonObject> out;
    for (auto it = m_order.crbegin(); it != m_order.crend() && out.size() < limit; ++it) {
        const QJsonObject g = view(m_grants.value(*it));
        if ((status.isEmpty() || g.value(QStringLiteral("status")).toString() == status) &&
            (agent.isEmpty() || g.value(QStringLiteral("agent")).toString() == agent))
            out.append(g);
    }
    return out;
}

std::optional<QJsonObject> StandingGrants::grant(const QString &id) const
{
    const auto it = m_grants.constFind(id);
    if (it == m_grants.constEnd())
        return std::nullopt;
    return view(*it);
}

int StandingGrants::activeCount() const
{
    int n = 0;
    for (const QString &id : m_order)
        n += active(m_grants.value(id));
    return n;
}

} // namespace interlock
