#include "Notifier.h"

#include "../ActionQueueModel.h"
#include "../Labels.h"
#include "../RevealedText.h"

#include <QApplication>
#include <QSettings>
#include <QSystemTrayIcon>

namespace interlock::ui {

namespace {
// Agent text for a notification: revealed, one short line, and no markup a notification
// service could interpret (some render a subset of HTML in the body).
QString safe(const QString &text)
{
    QString out = RevealedText::plain(text, HiddenText::Lines::Single, 120);
    out.replace(u'<', QChar(0xFF1C)).replace(u'>', QChar(0xFF1E)).replace(u'&', QChar(0xFF06));
    return out;
}

QString str(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toString();
}
} // namespace

TrayNotificationSink::TrayNotificationSink(QObject *parent)
    : NotificationSink(parent)
{}

bool TrayNotificationSink::available() const
{
    return QSystemTrayIcon::isSystemTrayAvailable() && QSystemTrayIcon::supportsMessages();
}

void TrayNotificationSink::show(const Notification &n)
{
    if (!available())
        return; // no tray here: quietly nothing (the console's own views still show it)
    if (!m_tray) {
        m_tray = new QSystemTrayIcon(QApplication::windowIcon(), this);
        m_tray->setToolTip(QStringLiteral("Interlock"));
        connect(m_tray, &QSystemTrayIcon::messageClicked, this, &NotificationSink::clicked);
        m_tray->show();
    }
    m_tray->showMessage(n.title, n.text, QSystemTrayIcon::Warning, 15000);
}

Notifier::Levels Notifier::Levels::load()
{
    QSettings s;
    Levels l;
    l.critical = s.value(QStringLiteral("notify/critical"), l.critical).toBool();
    l.high = s.value(QStringLiteral("notify/high"), l.high).toBool();
    l.medium = s.value(QStringLiteral("notify/medium"), l.medium).toBool();
    l.low = s.value(QStringLiteral("notify/low"), l.low).toBool();
    l.breakers = s.value(QStringLiteral("notify/breakers"), l.breakers).toBool();
    l.violations = s.value(QStringLiteral("notify/violations"), l.violations).toBool();
    l.liveness = s.value(QStringLiteral("notify/liveness"), l.liveness).toBool();
    return l;
}

void Notifier::Levels::save() const
{
    QSettings s;
    s.setValue(QStringLiteral("notify/critical"), critical);
    s.setValue(QStringLiteral("notify/high"), high);
    s.setValue(QStringLiteral("notify/medium"), medium);
    s.setValue(QStringLiteral("notify/low"), low);
    s.setValue(QStringLiteral("notify/breakers"), breakers);
    s.setValue(QStringLiteral("notify/violations"), violations);
    s.setValue(QStringLiteral("notify/liveness"), liveness);
}

bool Notifier::Levels::level(const QString &riskLevel) const
{
    if (riskLevel == QLatin1String("critical"))
        return critical;
    if (riskLevel == QLatin1String("high"))
        return high;
    if (riskLevel == QLatin1String("medium"))
        return medium;
    return riskLevel == QLatin1String("low") && low;
}

Notifier::Notifier(QObject *parent)
    : QObject(parent)
    , m_levels(Levels::load())
{
    setSink(new TrayNotificationSink);
}

Notifier::~Notifier() = default;

void Notifier::setSink(NotificationSink *sink)
{
    delete m_sink;
    m_sink = sink;
    m_sink->setParent(this);
    connect(m_sink, &NotificationSink::clicked, this, &Notifier::onClicked);
}

QString Notifier::describe(const QString &actionId) const
{
    const ActionQueueModel::Row *row = m_actions ? m_actions->find(actionId) : nullptr;
    if (!row)
        return actionId;
    return tr("“%1” from %2").arg(safe(row->title), safe(row->agent));
}

void Notifier::handleEvents(const QJsonArray &events)
{
    // One notification per kind and batch: a burst says how many, not one bubble each.
    QList<QJsonObject> created, trips, violations, lost, unconfirmed;
    for (const QJsonValue &v : events) {
        const QJsonObject e = v.toObject();
        const QString type = str(e, "type");
        if (type == QLatin1String("action.created") && m_levels.level(str(e, "risk_level")))
            created.append(e);
        else if (type == QLatin1String("breaker.tripped") && m_levels.breakers)
            trips.append(e);
        else if (type == QLatin1String("receipt.violation") && m_levels.violations)
            violations.append(e);
        else if (type == QLatin1String("session.kill_unconfirmed") && m_levels.liveness)
            unconfirmed.append(e);
        else if ((type == QLatin1String("session.liveness_lost") ||
                  type == QLatin1String("session.unguarded")) &&
                 m_levels.liveness)
            lost.append(e);
    }
    if (!trips.isEmpty()) {
        const QJsonObject &t = trips.constLast();
        const bool kill = str(t, "action") == QLatin1String("kill");
        notify({kill ? tr("Circuit breaker killed %1").arg(safe(str(t, "agent")))
                     : tr("Circuit breaker froze %1").arg(safe(str(t, "agent"))),
                tr("Rule %1: %2").arg(safe(str(t, "rule")), safe(str(t, "message"))) +
                    (trips.size() > 1 ? u' ' + tr("(%n trips)", nullptr, int(trips.size()))
                                      : QString()),
                {},
                str(t, "session_id")});
    }
    if (!violations.isEmpty()) {
        const QJsonObject &e = violations.constLast();
        notify({tr("Receipt violation"),
                tr("%1 reported running something other than what was approved: %2")
                    .arg(describe(str(e, "action_id")), safe(str(e, "message"))),
                str(e, "action_id"), str(e, "session_id")});
    }
    for (const QJsonObject &e : std::as_const(lost))
        livenessLost(str(e, "session_id"), str(e, "message"));
    for (const QJsonObject &e : std::as_const(unconfirmed))
        notify({tr("Kill not confirmed"),
                tr("Session %1 was killed, but its supervisor did not report the agent's "
                   "processes reaped: the agent may still be running.")
                    .arg(safe(str(e, "session_id"))),
                {},
                str(e, "session_id")});
    if (!created.isEmpty()) {
        // The most urgent of the batch is the one a click opens.
        const QJsonObject *top = &created.constFirst();
        for (const QJsonObject &e : std::as_const(created))
            if (ActionQueueModel::levelRank(str(e, "risk_level")) >
                ActionQueueModel::levelRank(str(*top, "risk_level")))
                top = &e;
        const QString level = Labels::level(str(*top, "risk_level")).toUpper();
        notify({created.size() == 1
                    ? tr("%1 risk action waits for a decision").arg(level)
                    : tr("%n new actions wait for a decision", nullptr, int(created.size())),
                tr("%1 · %2 (%3)")
                    .arg(level, describe(str(*top, "action_id")), safe(str(*top, "kind"))),
                str(*top, "action_id"), str(*top, "session_id")});
    }
}

void Notifier::livenessLost(const QString &sessionId, const QString &detail)
{
    if (!m_levels.liveness)
        return;
    notify({tr("Supervisor not answering"),
            tr("The supervisor of session %1 stopped answering liveness checks: the agent may be "
               "running unguarded.")
                    .arg(safe(sessionId)) +
                (detail.isEmpty() ? QString() : u' ' + safe(detail)),
            {},
            sessionId});
}

void Notifier::notify(const Notification &n)
{
    if (m_active && m_active()) {
        ++m_quiet; // the person is looking at the console already
        return;
    }
    m_last = n;
    ++m_shown;
    m_sink->show(n);
}

void Notifier::onClicked()
{
    if (!m_last.actionId.isEmpty())
        Q_EMIT openAction(m_last.actionId);
    else if (!m_last.sessionId.isEmpty())
        Q_EMIT openSession(m_last.sessionId);
}

} // namespace interlock::ui
