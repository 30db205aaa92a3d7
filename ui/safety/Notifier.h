#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QObject>

#include <functional>
#include <memory>

class QSystemTrayIcon;

namespace interlock::ui {

class ActionQueueModel;

// One desktop notification: what it says and what a click on it opens.
struct Notification {
    QString title;
    QString text;
    QString actionId;  // opened on click when set
    QString sessionId; // else this session is selected in the sessions panel
};

// Where notifications go: the system tray (TrayNotificationSink) or, in tests, a recorder.
// A sink shows one message at a time and says when the person clicked the last one.
class NotificationSink : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    virtual void show(const Notification &notification) = 0;
    // False where the desktop has nowhere to show them (then nothing is shown, quietly).
    virtual bool available() const { return true; }

Q_SIGNALS:
    void clicked();
};

// QSystemTrayIcon::showMessage; without a system tray it stays quiet.
class TrayNotificationSink : public NotificationSink
{
    Q_OBJECT
public:
    explicit TrayNotificationSink(QObject *parent = nullptr);
    void show(const Notification &notification) override;
    bool available() const override;

private:
    QSystemTrayIcon *m_tray = nullptr;
};

// Decides which events of the console's event feed become desktop notifications (issue #16
// section 5): new actions of the chosen risk levels, breaker trips, receipt violations and
// supervisors that stopped answering liveness checks. Quiet while the console window is active
// (the person is looking at it). One batch of events gives at most one notification per kind.
class Notifier : public QObject
{
    Q_OBJECT
public:
    // What the person chose in Notifications…; kept in QSettings under notify/.
    struct Levels {
        bool critical = true, high = true, medium = false, low = false;
        bool breakers = true, violations = true, liveness = true;
        static Levels load();
        void save() const;
        bool level(const QString &riskLevel) const;
        bool operator==(const Levels &) const = default;
    };

    explicit Notifier(QObject *parent = nullptr);
    ~Notifier() override;

    // Replaces the sink (default: the system tray). The notifier owns it.
    void setSink(NotificationSink *sink);
    NotificationSink *sink() const { return m_sink; }
    // True while the person looks at the console: then nothing is shown.
    void setActiveCheck(std::function<bool()> active) { m_active = std::move(active); }
    // Where titles and agents of actions are looked up (optional).
    void setActions(const ActionQueueModel *actions) { m_actions = actions; }
    void setLevels(const Levels &levels) { m_levels = levels; }
    Levels levels() const { return m_levels; }

    // Events as /v1/events sends them.
    void handleEvents(const QJsonArray &events);
    // The hook for the kill path's liveness (issue #16 section 4): a supervised session whose
    // supervisor stopped answering. Called for the events session.liveness_lost and
    // session.unguarded; a liveness implementation that marks it otherwise calls this.
    void livenessLost(const QString &sessionId, const QString &detail);

    int shownCount() const { return m_shown; }
    int quietCount() const { return m_quiet; }
    Notification last() const { return m_last; }

Q_SIGNALS:
    void openAction(const QString &actionId);
    void openSession(const QString &sessionId);

private:
    void notify(const Notification &n);
    void onClicked();
    QString describe(const QString &actionId) const;

    NotificationSink *m_sink = nullptr;
    std::function<bool()> m_active;
    const ActionQueueModel *m_actions = nullptr;
    Levels m_levels;
    Notification m_last;
    int m_shown = 0;
    int m_quiet = 0;
};

} // namespace interlock::ui
