#pragma once

#include "ActionQueueModel.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QTabWidget;

namespace interlock::ui {

// One action as a reviewer reads it: title, agent and session, target, the risk badge with every
// reason, summary, the exact payload and the proposed changes. Everything an agent wrote is shown
// as plain text, never interpreted.
class ActionDetailView : public QWidget
{
    Q_OBJECT
public:
    explicit ActionDetailView(QWidget *parent = nullptr);
    void show(const QJsonObject &action);
    // What the queue row knows while the full action is on its way from the server.
    void showLoading(const ActionQueueModel::Row &row);
    // The full action could not be had (gone, forbidden, server unreachable).
    void showUnavailable(const QString &message);
    void clear();
    // The action shown (complete or loading); empty when none.
    QString actionId() const { return m_id; }

    QString riskText() const; // for tests and accessibility
    QString exposureText() const;
    QString payloadText() const;
    QString titleText() const;
    QString metaText() const;
    QString reasonsText() const;
    QString summaryText() const;
    class ActionBanner *banner() const { return m_banner; }
    QPlainTextEdit *payloadBox() const { return m_payload; }
    class AgentTextLabel *titleLabel() const { return m_title; }
    class DiffView *diffView() const { return m_diff; }
    // shell.exec: what the command an approval runs also runs with (hidden when nothing).
    class RunsWithBox *runsWithBox() const { return m_runsWith; }

    // The decision's `seen` for what is on screen now: payload_sha256 of the payload an approval
    // runs, view_sha256 of the diff tab shown (derived from the payload, or the agent's).
    QJsonObject seen() const;
    QString tabText(int index) const;
    QWidget *currentTab() const;
    class DiffView *agentDiffView() const { return m_agentDiff; }
    // After an edit by another reviewer: the agent's payload as it asked (a tab of its own).
    QPlainTextEdit *originalPayloadBox() const { return m_original; }

private:
    void clearDecisionView();
    void setDiffTab(const QString &label, const QString &toolTip = {});
    // fs.write only: the derived changes with the agent's claimed "before" of the same path;
    // *used says whether any was taken.
    static QJsonArray withClaimedBefore(const QString &kind, QJsonArray derived,
                                        const QJsonArray &agentChanges, bool *used);
    void showHeader(const QJsonObject &action);
    static QString decidedText(const QJsonObject &action);
    static QString editorOf(const QJsonObject &action);
    // The exposure line and the diff of `payload` (the one an approval runs); appends what the
    // reviewer must know about the view to *notes.
    void showChanges(const QJsonObject &action, const QJsonObject &payload, bool edited,
                     QStringList *notes);

    class AgentTextLabel *m_title;
    class AgentTextLabel *m_meta;
    QLabel *m_risk;
    class AgentTextLabel *m_reasons;
    class ActionBanner *m_banner;
    QPlainTextEdit *m_summary;
    class AgentTextLabel *m_exposure; // acl.change: who gains access; message.post: where it goes
    class RunsWithBox *m_runsWith;
    QPlainTextEdit *m_payload;
    QTabWidget *m_tabs;
    class DiffView *m_diff;
    class DiffView *m_agentDiff; // a second tab when the first shows the payload-derived view
    QPlainTextEdit *m_original;  // a last tab after an edit: the agent's own payload
    QString m_id;
    QString m_payloadHash, m_diffHash, m_agentHash;
};

} // namespace interlock::ui
