#pragma once

#include <QWidget>

class QComboBox;
class QLineEdit;
class QTimer;

namespace interlock::ui {

class ActionFilterModel;
class ActionQueueModel;

// The filters above the queue: free text, status, minimum risk level, agent and kind. The agent
// and kind lists follow the actions the console knows.
class QueueFilterBar : public QWidget
{
    Q_OBJECT
public:
    QueueFilterBar(ActionQueueModel *actions, ActionFilterModel *filter, QWidget *parent = nullptr);

    QLineEdit *search() const { return m_search; }
    QComboBox *status() const { return m_status; }
    QComboBox *level() const { return m_level; }
    QComboBox *agent() const { return m_agent; }
    QComboBox *kind() const { return m_kind; }
    // The status chosen ("" for all).
    QString statusValue() const;

Q_SIGNALS:
    void statusChanged(const QString &status);

private:
    void refreshChoices();
    static void refill(QComboBox *box, const QString &all, const QStringList &values);

    ActionQueueModel *m_actions;
    QLineEdit *m_search;
    QComboBox *m_status;
    QComboBox *m_level;
    QComboBox *m_agent;
    QComboBox *m_kind;
    QTimer *m_refresh;
};

} // namespace interlock::ui
