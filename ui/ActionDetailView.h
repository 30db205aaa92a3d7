#pragma once

#include "ActionQueueModel.h"

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
    class DiffView *diffView() const { return m_diff; }

private:
    void showHeader(const QJsonObject &action);
    void showChanges(const QJsonObject &action); // exposure line and diff

    QLabel *m_title;
    QLabel *m_meta;
    QLabel *m_risk;
    QLabel *m_reasons;
    QPlainTextEdit *m_summary;
    QLabel *m_exposure; // acl.change: who gains access; message.post: where it goes
    QPlainTextEdit *m_payload;
    QTabWidget *m_tabs;
    class DiffView *m_diff;
    QString m_id;
};

} // namespace interlock::ui
