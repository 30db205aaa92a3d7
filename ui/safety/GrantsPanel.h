#pragma once

#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;
class QTableView;

namespace interlock::ui {

class GrantListModel;
class SafetyBackend;

// The Grants tab: the standing grants (active by default, or all), what each allows exactly,
// for which agent, who made it and until when, and Revoke… for the selected one.
class GrantsPanel : public QWidget
{
    Q_OBJECT
public:
    GrantsPanel(SafetyBackend *safety, QWidget *parent = nullptr);

    void refresh();
    // A manager reads the list; revoking is for reviewers, on-call and admins.
    void setReadOnly(bool readOnly);
    QTableView *view() const { return m_view; }
    GrantListModel *model() const { return m_model; }
    QPushButton *revokeButton() const { return m_revoke; }
    QComboBox *statusChoice() const { return m_status; }
    QString problemText() const;
    // Selects the grant `id`; false when it is not listed.
    bool select(const QString &id);
    void revokeSelected();

private:
    void updateEnabled();

    SafetyBackend *m_safety;
    GrantListModel *m_model;
    QTableView *m_view;
    QComboBox *m_status;
    QPushButton *m_revoke;
    QLabel *m_problem;
    bool m_readOnly = false;
};

} // namespace interlock::ui
