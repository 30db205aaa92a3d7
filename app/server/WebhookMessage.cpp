#include "WebhookMessage.h"

#include "Store.h"
#include "core/Timestamp.h"

#include <QJsonArray>

namespace interlock {

QString chatSafe(const QString &text, int max)
{
    QString out;
    out.reserve(qMin<qsizetype>(text.size(), max) + 8);
    bool space = false;
    for (const QChar c : text) {
        if (c.isSpace() || c.category() == QChar::Other_Control ||
            c.category() == QChar::Other_Format) {
            space = !out.isEmpty();
            continue;
        }
        if (space)
            out += QLatin1Char(' ');
        space = false;
        if (c == QLatin1Char('&'))
            out += QLatin1String("&amp;");
        else if (c == QLatin1Char('<'))
            out += QLatin1String("&lt;");
        else if (c == QLatin1Char('>'))
            out += QLatin1String("&gt;");
        else if (c == QLatin1Char('['))
            out += QLatin1Char('(');
        else if (c == QLatin1Char(']'))
            out += QLatin1Char(')');
        else
            out += c;
        if (out.size() >= max) {
            out += QChar(0x2026);
            break;
        }
    }
    return out;
}

namespace {
QJsonObject actionSummary(const QJsonObject &a)
{
    const QJsonObject risk = a.value(QStringLiteral("risk")).toObject();
    return {{QStringLiteral("id"), a.value(QStringLiteral("id"))},
            {QStringLiteral("title"), a.value(QStringLiteral("title"))},
            {QStringLiteral("kind"), a.value(QStringLiteral("kind"))},
            {QStringLiteral("level"), risk.value(QStringLiteral("level"))},
            {QStringLiteral("score"), risk.value(QStringLiteral("score"))},
            {QStringLiteral("agent"), a.value(QStringLiteral("agent"))},
            {QStringLiteral("session_id"), a.value(QStringLiteral("session_id"))}};
}

QJsonArray reasonsOf(const QJsonObject &a)
{
    QJsonArray out;
    for (const QJsonValue &r :
         a.value(QStringLiteral("risk")).toObject().value(QStringLiteral("reasons")).toArray())
        out.append(r.toObject().value(QStringLiteral("message")));
    return out;
}
} // namespace

std::optional<QJsonObject> webhookMessage(const EventRecord &event, Store &store)
{
    QJsonObject body{
        {QStringLiteral("type"), event.type},          {QStringLiteral("event_seq"), event.seq},
        {QStringLiteral("at"), toRfc3339(event.at)},   {QStringLiteral("action"), QJsonValue::Null},
        {QStringLiteral("session"), QJsonValue::Null}, {QStringLiteral("reasons"), QJsonArray()}};
    QString text;
    QString link;
    const auto withAction = [&](const QJsonObject &a) {
        body.insert(QStringLiteral("action"), actionSummary(a));
        body.insert(QStringLiteral("session"),
                    QJsonObject{{QStringLiteral("id"), a.value(QStringLiteral("session_id"))},
                                {QStringLiteral("agent"), a.value(QStringLiteral("agent"))}});
        body.insert(QStringLiteral("reasons"), reasonsOf(a));
        link = QStringLiteral("interlock://action/") + a.value(QStringLiteral("id")).toString();
    };
    const auto withSession = [&](const QString &id, const QString &agent) {
        body.insert(QStringLiteral("session"),
                    QJsonObject{{QStringLiteral("id"), id}, {QStringLiteral("agent"), agent}});
        link = QStringLiteral("interlock://session/") + id;
    };
    // The event's own session (killed, liveness): its agent from the store.
    const auto withEventSession = [&] {
        const auto s = store.session(event.sessionId);
        withSession(event.sessionId, s ? s->agent : QString());
        return s;
    };
    if (event.type == QLatin1String("action.created")) {
        const QString level = event.data.value(QStringLiteral("risk_level")).toString();
        if ((level != QLatin1String("high") && level != QLatin1String("critical")) ||
            event.data.value(QStringLiteral("status")).toString() != QLatin1String("pending"))
            return std::nullopt;
        const auto a = store.action(event.actionId);
        if (!a)
            return std::nullopt;
        withAction(*a);
        const QJsonArray reasons = body.value(QStringLiteral("reasons")).toArray();
        text = QStringLiteral("Interlock: %1 risk action from %2 waits for a decision: \"%3\"")
                   .arg(level.toUpper(), chatSafe(a->value(QStringLiteral("agent")).toString(), 64),
                        chatSafe(a->value(QStringLiteral("title")).toString()));
        if (!reasons.isEmpty())
            text += QStringLiteral(" (%1%2)").arg(
                chatSafe(reasons.first().toString()),
                reasons.size() > 1 ? QStringLiteral("; %1 more reasons").arg(reasons.size() - 1)
                                   : QString());
    } else if (event.type == QLatin1String("receipt.violation")) {
        const auto a = store.action(event.actionId);
        if (!a)
            return std::nullopt;
        withAction(*a);
        text = QStringLiteral("Interlock: RECEIPT VIOLATION by %1: %2 (\"%3\")")
                   .arg(chatSafe(a->value(QStringLiteral("agent")).toString(), 64),
                        chatSafe(event.data.value(QStringLiteral("message")).toString()),
                        chatSafe(a->value(QStringLiteral("title")).toString()));
    } else if (event.type == QLatin1String("breaker.tripped")) {
        const QString agent = event.data.value(QStringLiteral("agent")).toString();
        withSession(event.data.value(QStringLiteral("session_id")).toString(), agent);
        QJsonObject breaker = event.data;
        breaker.remove(QStringLiteral("trigger"));
        body.insert(QStringLiteral("breaker"), breaker);
        const QString act = event.data.value(QStringLiteral("action")).toString();
        text =
            QStringLiteral("Interlock: circuit breaker %1 %2 %3 of agent %4: %5")
                .arg(chatSafe(event.data.value(QStringLiteral("rule")).toString(), 64),
                     act == QLatin1String("kill") ? QStringLiteral("KILLED")
                                                  : QStringLiteral("FROZE"),
                     event.data.value(QStringLiteral("scope")).toString() == QLatin1String("agent")
                         ? QStringLiteral("every session")
                         : QStringLiteral("the session"),
                     chatSafe(agent, 64),
                     chatSafe(event.data.value(QStringLiteral("message")).toString(), 200));
        if (act != QLatin1String("kill"))
            text += QStringLiteral(". A person must resume it");
    } else if (event.type == QLatin1String("session.killed")) {
        const auto s = withEventSession();
        const QString agent = s ? s->agent : QString();
        text =
            QStringLiteral("Interlock: session of %1 KILLED by %2 (%3); %4 pending action(s) "
                           "cancelled")
                .arg(chatSafe(agent, 64),
                     chatSafe(s ? s->stop.value(QStringLiteral("killed_by")).toString() : QString(),
                              64),
                     chatSafe(event.data.value(QStringLiteral("reason")).toString()))
                .arg(event.data.value(QStringLiteral("cancelled")).toInt());
    } else if (event.type == QLatin1String("session.liveness_lost")) {
        const auto s = withEventSession();
        const QString agent = s ? s->agent : QString();
        text = QStringLiteral("Interlock: the supervisor of %1 did not answer its liveness check "
                              "within %2 ms: the kill path is not proven, the agent may be "
                              "running unguarded")
                   .arg(chatSafe(agent, 64))
                   .arg(event.data.value(QStringLiteral("deadline_ms")).toInt());
    } else if (event.type == QLatin1String("session.kill_unconfirmed")) {
        const auto s = withEventSession();
        const QString agent = s ? s->agent : QString();
        text = QStringLiteral("Interlock: KILL NOT CONFIRMED: the supervisor of %1 did not report "
                              "the agent's processes reaped %2 s after the kill; the agent may "
                              "still be running. Check the machine it runs on")
                   .arg(chatSafe(agent, 64))
                   .arg(event.data.value(QStringLiteral("waited_ms")).toInteger() / 1000);
    } else if (event.type == QLatin1String("stop.all")) {
        link = QStringLiteral("interlock://sessions");
        text = QStringLiteral("Interlock: STOP ALL: %1 session(s) killed, %2 pending action(s) "
                              "cancelled (%3)")
                   .arg(event.data.value(QStringLiteral("killed")).toInt())
                   .arg(event.data.value(QStringLiteral("cancelled")).toInt())
                   .arg(chatSafe(event.data.value(QStringLiteral("reason")).toString()));
    } else {
        return std::nullopt;
    }
    body.insert(QStringLiteral("link"), link);
    body.insert(QStringLiteral("text"),
                QString(text + QStringLiteral(". Open in the Interlock console: ") + link +
                        QStringLiteral(" (decisions are made only there)")));
    return body;
}

} // namespace interlock
