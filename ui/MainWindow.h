#pragma once

#include "SettingsDialog.h"

#include <QMainWindow>

class QAction;
class QHBoxLayout;
class QLabel;
class QLineEdit;
class QTableView;
class QComboBox;
class QTabWidget;

namespace interlock::ui {

class ActionDetailView;
class ActionFilterModel;
class ConsoleBackend;
class QueueFilterBar;

// The console's main window: the queue, the selected action's detail, the decision buttons,
// a red emergency stop that is always visible, and the sessions panel.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(ConsoleBackend *backend, QWidget *parent = nullptr);

    // Shown by "Connect an agent…" (embedded server only).
    void setEnrollment(const QString &url, const QString &token);
    // What Settings… starts from; a new choice is announced by serverChosen.
    void setServerChoice(const ServerChoice &current) { m_serverChoice = current; }
    QAction *settingsAction() const { return m_settings; }

    // Shapes the window for the token's role: a manager gets a read-only queue (no decision or
    // kill buttons) and the History tab; a reviewer or on-call gets no History.
    void setRole(const QString &role);
    bool historyAvailable() const;
    class HistoryView *historyView() const { return m_history; }
    QTabWidget *tabs() const { return m_tabs; }

    QString selectedActionId() const;
    void selectFirstAction();
    // A message in the status line (not an error).
    void showNotice(const QString &message);
    // A problem in the status line, in red.
    void showProblem(const QString &message);
    QString statusText() const;
    // Selects the first queued action whose title contains `text`; false if none does.
    bool selectAction(const QString &text);
    // queue, history or charts (the History tab's charts).
    void showTab(const QString &name);
    QTableView *queueView() const { return m_queue; }
    QueueFilterBar *filterBar() const { return m_filterBar; }
    ActionDetailView *detailView() const { return m_detail; }
    // True when the selected action's full detail is on screen (decisions wait for it).
    bool detailComplete() const;
    QTableView *sessionsView() const { return m_sessions; }
    QAction *approveAction() const { return m_approve; }
    QAction *rejectAction() const { return m_reject; }
    QAction *editAction() const { return m_edit; }
    QAction *emergencyStopAction() const { return m_emergencyStop; }
    QAction *stopAllAction() const { return m_stopAll; }
    QAction *killSessionAction() const { return m_killSession; }
    // A button for `action` beside Kill session under the sessions panel.
    void addSessionAction(QAction *action);
    // Breakers, grants, bulk decisions, notifications and deep links (issue #16).
    class SafetyController *safety() const { return m_safety; }
    QString connectionText() const;
    // The red notice above the queue when it could not be loaded; empty while there is none.
    QString queueProblemText() const;
    // The receipt-violation alert: stays until acknowledged.
    QString alertText() const;
    bool alertVisible() const;
    void acknowledgeAlert();

Q_SIGNALS:
    // The reviewer chose another server in Settings…; the console reconnects to it.
    void serverChosen(const ServerChoice &choice);

private:
    void buildActions();
    void buildLayout();
    void showSelected();
    void fitColumns();
    void updateEnabled();
    void approveSelected();
    void rejectSelected();
    void editSelected();
    void killSelectedSession();
    void killSessionInPanel();
    void stopAll();
    void moveSelection(int delta);
    void showOutcome(const QString &message, bool isError);
    void showConnection();
    void showConnectAgent();
    void raiseAlert(const QString &message);

    ConsoleBackend *m_backend;
    QTabWidget *m_tabs = nullptr;
    class HistoryView *m_history = nullptr;
    bool m_readOnly = false;
    ActionFilterModel *m_filter;
    QTableView *m_queue;
    QTableView *m_sessions;
    ActionDetailView *m_detail;
    QueueFilterBar *m_filterBar;
    QString m_shownId; // the action whose full detail is on screen, and its version
    int m_shownVersion = -1;
    QString m_keepSelected; // across a model reset
    QString m_progress;     // the loading message on show, if any
    class QTimer *m_fitColumns = nullptr;
    QList<int> m_fittedWidths; // as last fitted; a difference means the reviewer resized one
    QLabel *m_connection;
    QString m_connectionText; // as the backend last said it
    QLabel *m_queueProblem = nullptr;
    QWidget *m_alert = nullptr;
    QLabel *m_alertText = nullptr;
    QStringList m_alerts;
    QAction *m_approve = nullptr;
    QAction *m_reject = nullptr;
    QAction *m_edit = nullptr;
    QAction *m_emergencyStop = nullptr;
    QAction *m_stopAll = nullptr;
    QAction *m_killSession = nullptr;
    QHBoxLayout *m_sessionButtons = nullptr;
    class SafetyController *m_safety = nullptr;
    QAction *m_connectAgent = nullptr;
    QAction *m_settings = nullptr;
    ServerChoice m_serverChoice;
    QString m_enrollmentUrl;
    QString m_enrollmentToken;
    bool m_connected = false;
};

} // namespace interlock::ui
