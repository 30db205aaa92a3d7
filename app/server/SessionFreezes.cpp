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

void SessionFreezes::indexAll(QList<QJsonObject> trips)
{
    std::sort(trips.begin(), trips.end(), [](const QJsonObject &a, const QJsonObject &b) {
        return a.value(QStringLiteral("seq")).toInteger() <
               b.value(QStringLiteral("seq")).toInteger();
    });
    for (const QJsonObject &t : std::as_const(trips))
        index(t);
}

void SessionFreezes::load()
{
    indexAll(m_store.safetyRecords(kTrip));
}

bool SessionFreezes::reload()
{
    bool ok = false;
    QList<QJsonObject> trips = m_store.safetyRecords(kTrip, &ok);
    if (!ok)
        return false; // a read that failed frees no one: all held as before
    // Trips held here that the store lacks (it refused them, or their group was rolled back)
    // stay held: they are stricter than nothing.
    QSet<QString> stored;
    for (const QJsonObject &t : std::as_const(trips))
        stored.insert(t.value(QStringLiteral("id")).toString());
    for (const QString &id : std::as_const(m_order)) {
        if (!stored.contains(id))
            trips.append(m_trips.value(id));
    }
    QStringList missing;
    for (const QString &id : std::as_const(m_order)) {
        if (!stored.contains(id))
            missing.append(id);
    }
    m_trips.clear();
    m_order.clear();
    m_frozenSessions.clear();
    m_frozenAgents.clear();
    indexAll(std::move(trips));
    // Stored now, with the events the store lost with them (their supervisors are told, the
    // other servers read them).
    m_unstored = false;
    for (const QString &id : std::as_const(missing)) {
        const QJsonObject trip = m_trips.value(id);
        if (!m_store.putSafetyRecord(kTrip, id, trip, tripWrites(trip, m_clock.nowMs())))
            m_unstored = true;
    }
    return !m_unstored;
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

void SessionFreezes::take(const QJsonObject &trip)
{
    unindexFreeze(trip.value(QStringLiteral("id")).toString());
    index(trip);
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
    if (!m_store.putSafetyRecord(kTrip, id, doc, tripWrites(doc, now))) {
        m_unstored = true;
        qWarning("interlock: the trip %s of breaker %s could not be stored; it holds in memory",
                 qPrintable(id), qPrintable(rule.id));
    }
    return doc;
}

QList<SafetyWrite> SessionFreezes::tripWrites(const QJsonObject &doc, qint64 now)
{
    const QString id = doc.value(QStringLiteral("id")).toString();
    const QString rule = doc.value(QStringLiteral("rule")).toString();
    const QString actor = QStringLiteral("policy:breaker.") + rule;
    QJsonObject tripped = doc;
    tripped.insert(QStringLiteral("trip_id"), id);
    tripped.remove(QStringLiteral("id"));
    tripped.remove(QStringLiteral("seq"));
    const bool agentScope = doc.value(QStringLiteral("scope")).toString() == QLatin1String("agent");
    QList<SafetyWrite> writes{
        {Transition{QStringLiteral("breaker.tripped"), tripped, QStringLiteral("breaker.trip"),
                    actor, now},
         {},
         doc.value(agentScope ? QStringLiteral("agent") : QStringLiteral("session_id"))
             .toString()}};
    if (doc.value(kStatus).toString() != kFrozen)
        return writes;
    const bool critical = doc.value(QStringLiteral("critical")).toBool();
    for (const QString &s : stringsOf(doc.value(QStringLiteral("sessions")))) {
        const QJsonObject data{{kStatus, kFrozen},
                               {QStringLiteral("trip_id"), id},
                               {QStringLiteral("rule"), rule},
                               {QStringLiteral("message"), doc.value(QStringLiteral("message"))},
                               {QStringLiteral("critical"), critical},
                               {QStringLiteral("required_resumes"), critical ? 2 : 1}};
        writes.append({Transition{QStringLiteral("session.frozen"), data, {}, actor, now}, s, s});
    }
    return writes;
}

bool SessionFreezes::adopt(const SessionRecord &session)
{
    if (session.status != QLatin1String("active"))
        return false;
    bool adopted = false;
    const qint64 now = m_clock.nowMs();
    for (const QString &id : m_frozenAgents.value(session.agent)) {
        // From the trip as stored now: another server may have resumed it, or adopted the
        // session already.
        const auto addSession = [&](const QJsonObject &trip) -> std::optional<SafetyChange> {
            QJsonArray sessions = trip.value(QStringLiteral("sessions")).toArray();
            if (trip.value(kStatus).toString() != kFrozen || sessions.contains(session.id))
                return std::nullopt;
            sessions.append(session.id);
            QJsonObject next = trip;
            next.insert(QStringLiteral("sessions"), sessions);
            const QJsonObject data{
                {kStatus, kFrozen},
                {QStringLiteral("trip_id"), id},
                {QStringLiteral("rule"), next.value(QStringLiteral("rule"))},
                {QStringLiteral("message"), next.value(QStringLiteral("message"))},
                {QStringLiteral("critical"), next.value(QStringLiteral("critical"))},
                {QStringLiteral("required_resumes"),
                 next.value(QStringLiteral("required_resumes"))}};
            const QString actor =
                QStringLiteral("policy:breaker.") + next.value(QStringLiteral("rule")).toString();
            return SafetyChange{
                next,
                {{Transition{QStringLiteral("session.frozen"), data, {}, actor, now}, session.id,
                  session.id}}};
        };
        QJsonObject stored;
        const SafetyPut put = m_store.reviseSafetyRecord(kTrip, id, addSession, &stored);
        if (put == SafetyPut::Written || put == SafetyPut::Unchanged) {
            take(stored);
            adopted = adopted || put == SafetyPut::Written;
            continue;
        }
        // Not stored (held here only, or the write failed): held all the same, as the
        // agent-wide freeze holds every session of the agent.
        if (put == SafetyPut::Failed) {
            m_unstored = true;
            qWarning("interlock: trip %s could not record session %s", qPrintable(id),
                     qPrintable(session.id));
        }
        if (const auto change = addSession(m_trips.value(id))) {
            take(change->doc);
            adopted = true;
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
        // From the trip as stored now: another person's resume made meanwhile on another
        // server counts, and this one is never lost.
        QStringList told;
        const auto addResume = [&](const QJsonObject &trip) -> std::optional<SafetyChange> {
            if (trip.value(kStatus).toString() != kFrozen)
                return std::nullopt; // lifted meanwhile
            QJsonArray resumes = trip.value(QStringLiteral("resumes")).toArray();
            for (const QJsonValue &r : std::as_const(resumes)) {
                if (r.toObject().value(QStringLiteral("by")).toString() == who.name)
                    return std::nullopt; // already
            }
            QJsonObject entry{{QStringLiteral("by"), who.name}, {QStringLiteral("at"), at}};
            if (!comment.isEmpty())
                entry.insert(QStringLiteral("comment"), comment);
            resumes.append(entry);
            QJsonObject next = trip;
            next.insert(QStringLiteral("resumes"), resumes);
            const int required = next.value(QStringLiteral("required_resumes")).toInt();
            const bool lifted = resumes.size() >= required;
            if (lifted) {
                next.insert(kStatus, QStringLiteral("resumed"));
                next.insert(QStringLiteral("resumed_at"), at);
            }
            told = stringsOf(next.value(QStringLiteral("sessions")));
            if (!told.contains(session.id))
                told.append(session.id);
            const QJsonObject data{{kStatus, lifted ? QStringLiteral("resumed") : kFrozen},
                                   {QStringLiteral("trip_id"), id},
                                   {QStringLiteral("rule"), next.value(QStringLiteral("rule"))},
                                   {QStringLiteral("resumes"), resumes.size()},
                                   {QStringLiteral("required_resumes"), required},
                                   {QStringLiteral("by"), who.name}};
            SafetyChange change{
                next,
                {{Transition{{}, data, QStringLiteral("session.resume"), who.name, now},
                  {},
                  session.id}}};
            for (const QString &s : std::as_const(told)) {
                change.writes.append({Transition{lifted ? QStringLiteral("session.resumed")
                                                        : QStringLiteral("session.resume_recorded"),
                                                 data,
                                                 {},
                                                 who.name,
                                                 now},
                                      s, s});
            }
            return change;
        };
        QJsonObject stored;
        SafetyPut put = m_store.reviseSafetyRecord(kTrip, id, addResume, &stored);
        if (put == SafetyPut::Absent) {
            // Held here only (the store refused the trip): stored now, with this resume.
            const auto change = addResume(m_trips.value(id));
            stored = change ? change->doc : m_trips.value(id);
            put = !change ? SafetyPut::Unchanged
                  : m_store.putSafetyRecord(kTrip, id, change->doc, change->writes)
                      ? SafetyPut::Written
                      : SafetyPut::Failed;
        }
        if (put == SafetyPut::Failed) {
            out.error = ApiError::internal(QStringLiteral("The resume could not be stored."));
            return out;
        }
        take(stored);
        if (put == SafetyPut::Unchanged)
            continue; // resumed by this person already, or lifted meanwhile
        recorded = true;
        for (const QString &s : std::as_const(told)) {
            if (!out.sessions.contains(s))
                out.sessions.append(s);
        }
        out.trips.append(stored);
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
