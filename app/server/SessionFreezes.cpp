#include "SessionFreezes.h"

#include "Tokens.h"
#include "core/Clock.h"
#include "core/Timestamp.h"

#include <QJsonArray>

namespace interlock {

namespace {
const QString kTrip = QStringLiteral("trip");
const QString kStatus = QStringLiteral("status");
const QString kFrozen = QStringLiteral("frozen");
// Tries of a change of a trip that other servers keep changing meanwhile.
constexpr int kAttempts = 4;

QStringList stringsOf(const QJsonValue &v)
{
    QStringList out;
    for (const QJsonValue &s : v.toArray())
        out.append(s.toString());
    return out;
}
} // namespace

SessionFreezes::SessionFreezes(Store &store, Clock &clock)
    : m_store(store)
    , m_clock(clock)
{}

void SessionFreezes::index(const QJsonObject &trip)
{
    const QString id = trip.value(QStringLiteral("id")).toString();
    if (!m_trips.contains(id))
        m_order.append(id);
    m_trips.insert(id, trip);
    const QStringList sessions = stringsOf(trip.value(QStringLiteral("sessions")));
    for (const QString &s : sessions)
        m_tripped.insert(s);
    if (trip.value(kStatus).toString() != kFrozen)
        return;
    if (trip.value(QStringLiteral("scope")).toString() == QLatin1String("agent")) {
        m_frozenAgents[trip.value(QStringLiteral("agent")).toString()].append(id);
    } else {
        for (const QString &s : sessions)
            m_frozenSessions[s].append(id);
    }
}

void SessionFreezes::load()
{
    QList<QJsonObject> trips = m_store.safetyRecords(kTrip);
    std::sort(trips.begin(), trips.end(), [](const QJsonObject &a, const QJsonObject &b) {
        return a.value(QStringLiteral("seq")).toInteger() <
               b.value(QStringLiteral("seq")).toInteger();
    });
    for (const QJsonObject &t : std::as_const(trips))
        index(t);
}

void SessionFreezes::reload()
{
    QHash<QString, QJsonObject> unsaved;
    for (const QString &id : std::as_const(m_unsaved))
        unsaved.insert(id, m_trips.value(id));
    m_trips.clear();
    m_order.clear();
    m_frozenSessions.clear();
    m_frozenAgents.clear();
    load();
    for (auto it = unsaved.cbegin(); it != unsaved.cend(); ++it) {
        unindexFreeze(it.key());
        index(it.value());
    }
}

void SessionFreezes::unindexFreeze(const QString &id)
{
    for (auto *map : {&m_frozenSessions, &m_frozenAgents}) {
        for (auto it = map->begin(); it != map->end();) {
            it->removeAll(id);
            it = it->isEmpty() ? map->erase(it) : std::next(it);
        }
    }
}

bool SessionFreezes::refresh(const QString &id)
{
    if (m_unsaved.contains(id))
        return false; // what is held here is stricter than what is stored
    const auto stored = m_store.safetyRecord(kTrip, id);
    if (!stored)
        return false;
    unindexFreeze(id);
    index(*stored);
    return true;
}

SafetyPut SessionFreezes::replace(const QString &id, const QJsonObject &before,
                                  const QJsonObject &after, const QList<SafetyWrite> &writes)
{
    const SafetyPut put = m_store.replaceSafetyRecord(kTrip, id, before, after, writes);
    if (put == SafetyPut::Failed)
        m_unsaved.insert(id);
    return put;
}

QStringList SessionFreezes::activeTrips(const QString &sessionId, const QString &agent) const
{
    QStringList out = m_frozenSessions.value(sessionId);
    out += m_frozenAgents.value(agent);
    return out;
}

bool SessionFreezes::isFrozen(const QString &sessionId, const QString &agent) const
{
    return m_frozenSessions.contains(sessionId) || m_frozenAgents.contains(agent);
}

bool SessionFreezes::hasTripped(const QString &sessionId) const
{
    return m_tripped.contains(sessionId);
}

int SessionFreezes::frozenCount() const
{
    int n = 0;
    for (const QString &id : m_order)
        n += m_trips.value(id).value(kStatus).toString() == kFrozen;
    return n;
}

QJsonValue SessionFreezes::frozenJson(const QString &sessionId, const QString &agent) const
{
    const QStringList ids = activeTrips(sessionId, agent);
    if (ids.isEmpty())
        return QJsonValue::Null;
    // The trip that needs the most people to resume speaks for the freeze.
    QJsonObject lead;
    for (const QString &id : ids) {
        const QJsonObject t = m_trips.value(id);
        if (lead.isEmpty() || t.value(QStringLiteral("required_resumes")).toInt() >
                                  lead.value(QStringLiteral("required_resumes")).toInt())
            lead = t;
    }
    return QJsonObject{
        {QStringLiteral("trips"), QJsonArray::fromStringList(ids)},
        {QStringLiteral("rule"), lead.value(QStringLiteral("rule"))},
        {QStringLiteral("scope"), lead.value(QStringLiteral("scope"))},
        {QStringLiteral("message"), lead.value(QStringLiteral("message"))},
        {QStringLiteral("since"), lead.value(QStringLiteral("at"))},
        {QStringLiteral("critical"), lead.value(QStringLiteral("critical"))},
        {QStringLiteral("required_resumes"), lead.value(QStringLiteral("required_resumes"))},
        {QStringLiteral("resumes"), lead.value(QStringLiteral("resumes"))}};
}

QJsonObject SessionFreezes::record(const BreakerTrip &trip, const QString &agent,
                                   const QString &sessionId, const QStringList &sessions,
                                   const QJsonObject &trigger)
{
    const BreakerRule &rule = *trip.rule;
    const qint64 now = m_clock.nowMs();
    const bool freeze = rule.act == BreakerRule::Act::Freeze;
    QJsonObject figures{{QStringLiteral("measure"), rule.measureName()},
                        {QStringLiteral("count"), trip.count},
                        {QStringLiteral("more_than"), rule.moreThan}};
    if (rule.windowed()) {
        figures.insert(QStringLiteral("window_seconds"), rule.windowSeconds);
        figures.insert(QStringLiteral("since"), toRfc3339(trip.sinceMs));
    }
    const qint64 seq =
        m_order.isEmpty()
            ? 1
            : m_trips.value(m_order.last()).value(QStringLiteral("seq")).toInteger() + 1;
    const QJsonObject doc{
        {QStringLiteral("id"), newId("trp")},
        {QStringLiteral("seq"), seq},
        {QStringLiteral("rule"), rule.id},
        {QStringLiteral("scope"), rule.scopeName()},
        {QStringLiteral("agent"), agent},
        {QStringLiteral("session_id"), sessionId},
        {QStringLiteral("sessions"), QJsonArray::fromStringList(sessions)},
        {QStringLiteral("action"), rule.actName()},
        {QStringLiteral("critical"), rule.critical},
        {QStringLiteral("figures"), figures},
        {QStringLiteral("message"), rule.describe(trip.count)},
        {QStringLiteral("trigger"), trigger},
        {QStringLiteral("at"), toRfc3339(now)},
        {kStatus, freeze ? kFrozen : QStringLiteral("killed")},
        {QStringLiteral("required_resumes"), freeze ? (rule.critical ? 2 : 1) : 0},
        {QStringLiteral("resumes"), QJsonArray()},
        {QStringLiteral("resumed_at"), QJsonValue::Null}};
    // In memory first: from here on the sessions are held, whatever the write does.
    index(doc);

    const QString id = doc.value(QStringLiteral("id")).toString();
    const QString actor = QStringLiteral("policy:breaker.") + rule.id;
    QJsonObject tripped = doc;
    tripped.insert(QStringLiteral("trip_id"), id);
    tripped.remove(QStringLiteral("id"));
    tripped.remove(QStringLiteral("seq"));
    QList<SafetyWrite> writes{{Transition{QStringLiteral("breaker.tripped"), tripped,
                                          QStringLiteral("breaker.trip"), actor, now},
                               {},
                               rule.scope == BreakerRule::Scope::Agent ? agent : sessionId}};
    if (freeze) {
        for (const QString &s : sessions) {
            const QJsonObject data{
                {kStatus, kFrozen},
                {QStringLiteral("trip_id"), id},
                {QStringLiteral("rule"), rule.id},
                {QStringLiteral("message"), doc.value(QStringLiteral("message"))},
                {QStringLiteral("critical"), rule.critical},
                {QStringLiteral("required_resumes"), rule.critical ? 2 : 1}};
            writes.append(
                {Transition{QStringLiteral("session.frozen"), data, {}, actor, now}, s, s});
        }
    }
    if (!m_store.putSafetyRecord(kTrip, id, doc, writes)) {
        m_unsaved.insert(id);
        qWarning("interlock: the trip %s of breaker %s could not be stored; it holds in memory",
                 qPrintable(id), qPrintable(rule.id));
    }
    return doc;
}

bool SessionFreezes::adopt(const SessionRecord &session)
{
    if (session.status != QLatin1String("active"))
        return false;
    bool adopted = false;
    const qint64 now = m_clock.nowMs();
    for (const QString &id : m_frozenAgents.value(session.agent)) {
        // Another server may change the trip meanwhile (a resume, this session adopted there):
        // each attempt starts from the trip as last read.
        for (int attempt = 0; attempt < kAttempts; ++attempt) {
            const QJsonObject before = m_trips.value(id);
            QJsonArray sessions = before.value(QStringLiteral("sessions")).toArray();
            if (before.value(kStatus).toString() != kFrozen || sessions.contains(session.id))
                break;
            sessions.append(session.id);
            QJsonObject trip = before;
            trip.insert(QStringLiteral("sessions"), sessions);
            const QJsonObject data{
                {kStatus, kFrozen},
                {QStringLiteral("trip_id"), id},
                {QStringLiteral("rule"), trip.value(QStringLiteral("rule"))},
                {QStringLiteral("message"), trip.value(QStringLiteral("message"))},
                {QStringLiteral("critical"), trip.value(QStringLiteral("critical"))},
                {QStringLiteral("required_resumes"),
                 trip.value(QStringLiteral("required_resumes"))}};
            const QString actor =
                QStringLiteral("policy:breaker.") + trip.value(QStringLiteral("rule")).toString();
            const SafetyPut put =
                replace(id, before, trip,
                        {{Transition{QStringLiteral("session.frozen"), data, {}, actor, now},
                          session.id, session.id}});
            if (put == SafetyPut::Changed && refresh(id))
                continue;
            if (put != SafetyPut::Written)
                qWarning("interlock: trip %s could not record session %s", qPrintable(id),
                         qPrintable(session.id));
            // Held all the same: the agent-wide freeze holds every session of the agent.
            m_trips.insert(id, trip);
            m_tripped.insert(session.id);
            adopted = true;
            break;
        }
    }
    return adopted;
}

SessionFreezes::Resumed SessionFreezes::resume(const Principal &who, const SessionRecord &session,
                                               const QString &comment)
{
    Resumed out;
    if (session.status != QLatin1String("active")) {
        out.error = ApiError::conflict(
            QStringLiteral("session_not_active"),
            QStringLiteral("This session is %1; there is nothing to resume.").arg(session.status));
        return out;
    }
    const QStringList ids = activeTrips(session.id, session.agent);
    if (ids.isEmpty()) {
        out.error = ApiError::conflict(QStringLiteral("not_frozen"),
                                       QStringLiteral("This session is not frozen."));
        return out;
    }
    const qint64 now = m_clock.nowMs();
    const QString at = toRfc3339(now);
    bool recorded = false;
    for (const QString &id : ids) {
        // From the trip as last read; when another server changed it meanwhile (another
        // person's resume), read again and decide again: a resume is never lost.
        for (int attempt = 0;; ++attempt) {
            const QJsonObject before = m_trips.value(id);
            if (before.value(kStatus).toString() != kFrozen)
                break; // lifted on another server meanwhile
            QJsonArray resumes = before.value(QStringLiteral("resumes")).toArray();
            bool already = false;
            for (const QJsonValue &r : std::as_const(resumes))
                already =
                    already || r.toObject().value(QStringLiteral("by")).toString() == who.name;
            if (already)
                break;
            QJsonObject entry{{QStringLiteral("by"), who.name}, {QStringLiteral("at"), at}};
            if (!comment.isEmpty())
                entry.insert(QStringLiteral("comment"), comment);
            resumes.append(entry);
            QJsonObject trip = before;
            trip.insert(QStringLiteral("resumes"), resumes);
            const int required = trip.value(QStringLiteral("required_resumes")).toInt();
            const bool lifted = resumes.size() >= required;
            if (lifted) {
                trip.insert(kStatus, QStringLiteral("resumed"));
                trip.insert(QStringLiteral("resumed_at"), at);
            }
            QStringList told = stringsOf(trip.value(QStringLiteral("sessions")));
            if (!told.contains(session.id))
                told.append(session.id);
            const QJsonObject data{{kStatus, lifted ? QStringLiteral("resumed") : kFrozen},
                                   {QStringLiteral("trip_id"), id},
                                   {QStringLiteral("rule"), trip.value(QStringLiteral("rule"))},
                                   {QStringLiteral("resumes"), resumes.size()},
                                   {QStringLiteral("required_resumes"), required},
                                   {QStringLiteral("by"), who.name}};
            QList<SafetyWrite> writes{
                {Transition{{}, data, QStringLiteral("session.resume"), who.name, now},
                 {},
                 session.id}};
            for (const QString &s : std::as_const(told)) {
                writes.append({Transition{lifted ? QStringLiteral("session.resumed")
                                                 : QStringLiteral("session.resume_recorded"),
                                          data,
                                          {},
                                          who.name,
                                          now},
                               s, s});
            }
            const SafetyPut put = m_store.replaceSafetyRecord(kTrip, id, before, trip, writes);
            if (put == SafetyPut::Changed && attempt + 1 < kAttempts && refresh(id))
                continue;
            if (put == SafetyPut::Changed) {
                out.error =
                    ApiError::conflict(QStringLiteral("version_conflict"),
                                       QStringLiteral("The freeze changed meanwhile; retry."));
                return out;
            }
            if (put == SafetyPut::Failed) {
                out.error = ApiError::internal(QStringLiteral("The resume could not be stored."));
                return out;
            }
            recorded = true;
            if (lifted)
                unindexFreeze(id);
            m_trips.insert(id, trip);
            for (const QString &s : std::as_const(told)) {
                if (!out.sessions.contains(s))
                    out.sessions.append(s);
            }
            out.trips.append(trip);
            break;
        }
    }
    if (!recorded) {
        if (!isFrozen(session.id, session.agent)) {
            out.error = ApiError::conflict(QStringLiteral("not_frozen"),
                                           QStringLiteral("This session is not frozen."));
            return out;
        }
        out.error = ApiError::conflict(
            QStringLiteral("already_resumed"),
            QStringLiteral("You already resumed this session; a critical breaker needs a second, "
                           "different person."));
        return out;
    }
    out.lifted = !isFrozen(session.id, session.agent);
    return out;
}

QList<QJsonObject> SessionFreezes::list(const QString &status, int limit) const
{
    QList<QJsonObject> out;
    for (auto it = m_order.crbegin(); it != m_order.crend() && out.size() < limit; ++it) {
        const QJsonObject &t = m_trips[*it];
        if (status.isEmpty() || t.value(kStatus).toString() == status)
            out.append(t);
    }
    return out;
}

std::optional<QJsonObject> SessionFreezes::trip(const QString &id) const
{
    const auto it = m_trips.constFind(id);
    if (it == m_trips.constEnd())
        return std::nullopt;
    return *it;
}

} // namespace interlock
