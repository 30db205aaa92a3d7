#pragma once

#include <QObject>

class QAction;
class QComboBox;
class QLabel;

namespace interlock::ui {

class ConsoleBackend;
class GrantArgumentsButton;
class GrantsPanel;
class MainWindow;
class Notifier;
class SafetyBackend;

// The console side of issue #16, attached to the main window with few hooks: frozen sessions and
// Resume… in the sessions panel, the standing-grant choice beside Approve, the Grants tab,
// bulk decisions over a multi-selection of the queue, breaker trips in the status line, desktop
// notifications, and opening an action by id (deep links, notification clicks).
class SafetyController : public QObject
{
    Q_OBJECT
public:
    SafetyController(ConsoleBackend *backend, MainWindow *window);

    SafetyBackend *safety() const { return m_safety; }
    Notifier *notifier() const { return m_notifier; }
    GrantsPanel *grantsPanel() const { return m_grants; }
    QAction *resumeAction() const { return m_resume; }
    QAction *bulkApproveAction() const { return m_bulkApprove; }
    QAction *bulkRejectAction() const { return m_bulkReject; }
    QAction *notificationsAction() const { return m_notifications; }
    // "Allow the same for this agent for": none, 1 h, 8 h, 24 h (item data: seconds).
    QComboBox *grantChoice() const { return m_grantChoice; }
    // For an mcp.tool_call: which of its arguments the grant compares.
    GrantArgumentsButton *grantArguments() const { return m_grantArguments; }
    // Why the grant choice is unavailable for the selected action ("" when it is available).
    QString grantUnavailableReason() const { return m_grantWhyNot; }

    // Selects the action `id` in the queue (showing every status if it is decided), fetching it
    // first when the console does not know it; brings the window forward.
    void openAction(const QString &id);
    // Selects the session `id` in the sessions panel.
    void openSession(const QString &id);
    // The ids selected in the queue, in queue order.
    QStringList selectedIds() const;
    void bulkApprove();
    void bulkReject();
    void resumeSelected();

private:
    void updateEnabled();
    void updateGrantChoice();
    void offerGrant();
    void setRole(const QString &role);
    void onEvents(const class QJsonArray &events);
    void tryOpenPending();
    void selectSession(const QString &id);
    QString listForConfirmation(const QStringList &ids) const;
    void editNotifications();

    ConsoleBackend *m_backend;
    MainWindow *m_window;
    SafetyBackend *m_safety;
    Notifier *m_notifier;
    GrantsPanel *m_grants;
    QAction *m_resume;
    QAction *m_bulkApprove;
    QAction *m_bulkReject;
    QAction *m_notifications;
    QComboBox *m_grantChoice;
    QLabel *m_grantLabel;
    GrantArgumentsButton *m_grantArguments;
    QString m_grantWhyNot;
    QString m_openPending; // an action asked for before the console had it
    QString m_keepSession; // selected in the sessions panel across a reload
    bool m_readOnly = false;
};

} // namespace interlock::ui
