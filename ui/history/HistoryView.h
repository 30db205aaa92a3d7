#pragma once

#include <QWidget>

class QComboBox;
class QDateEdit;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QSpinBox;
class QTableView;
class QTabWidget;
class QPushButton;

namespace interlock {
class ApiClient;
}

namespace interlock::ui {

class DiffView;
class HistoryCharts;
class HistoryModel;

// Approval history for managers and admins: filters, the decided actions, who decided what when
// and what exactly was approved (the agent's payload against the approved one), charts,
// Export… (streamed to a file) and Verify integrity (the audit chain, with its head hash).
class HistoryView : public QWidget
{
    Q_OBJECT
public:
    explicit HistoryView(ApiClient &client, QWidget *parent = nullptr);

    // Reads the filters and reloads the table and the charts.
    void apply();
    // The query string the filters make (without limit/cursor).
    QString filterQuery() const;
    void exportTo(const QString &path, const QString &format);
    void verify();
    void showCharts();

    HistoryModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    HistoryCharts *charts() const { return m_charts; }
    DiffView *payloadDiff() const { return m_diff; }
    QString decisionText() const;
    QString verifyText() const;
    QString exportText() const;
    QString readErrorText() const; // empty unless the history could not be read
    void setFilters(const QString &agent, const QString &reviewer, const QString &outcome,
                    int riskMin);

Q_SIGNALS:
    void verified(bool ok);
    void exported(bool ok);
    void statsLoaded();

private:
    void showSelected();
    void chooseExport();
    void loadStats();

    ApiClient &m_client;
    HistoryModel *m_model;
    QDateEdit *m_from;
    QDateEdit *m_to;
    QLineEdit *m_agent;
    QLineEdit *m_reviewer;
    QComboBox *m_outcome;
    QSpinBox *m_risk;
    QTableView *m_table;
    class AgentTextLabel *m_decision;
    DiffView *m_diff;
    HistoryCharts *m_charts;
    QLabel *m_verify;
    QLabel *m_export;
    QLabel *m_readError;
    QPushButton *m_exportButton;
    QTabWidget *m_tabs = nullptr;
};

} // namespace interlock::ui
