#pragma once

#include "ActionQueueModel.h"
#include "client/ApiClient.h"
#include "client/EventStream.h"

#include <QObject>
#include <QSet>

namespace interlock::ui {

class SessionListModel;

// What the console does, without widgets: loads the queue and the sessions, follows the event
// feed, sends decisions and kills, and reports every outcome in plain words.
class ConsoleBackend : public QObject
{
    Q_OBJECT
public:
    ConsoleBackend(const QUrl &server, const QString &token, QObject *parent = nullptr);
    ~ConsoleBackend() override;

    ActionQueueModel *actions() const { return m_actions; }
    SessionListModel *sessions() const { return m_sessions; }
    bool isConnected() const { return m_stream.state() == EventStream::State::Connected; }
    QUrl server() const { return m_client.baseUrl(); }
    ApiClient &client() { return m_client; }
    // The signed-in token's role (reviewer, oncall, manager, admin), once known.
    QString role() const { return m_role; }
    QString userName() const { return m_name; }

    void start();
    // Approves the version the reviewer saw; if the action changed since, the server refuses.
    void approve(const QString &actionId, int versionSeen, const QJsonObject &seen = {});
    // The reviewer's choice to add a standing grant to the next approval of `actionId` (1 h, 8 h
    // or 24 h in seconds; 0: none). Cleared when that approval is sent. `arguments`: for an
    // mcp.tool_call, the argument names the grant compares (empty: every argument).
    void offerGrant(const QString &actionId, int forSeconds, const QStringList &arguments = {});
    int grantOffered(const QString &actionId) const;
    QStringList grantArgumentsOffered(const QString &actionId) const;
    void reject(const QString &actionId, const QString &reason);
    // `seen`: what the reviewer had on screen (payload_sha256, view_sha256), sent as is.
    // Approves `payload` instead of the agent's (sends decision "edit" with the version the
    // reviewer saw, so a change in between is refused rather than approved unseen).
    void edit(const QString &actionId, const QJsonObject &payload, int versionSeen,
              const QJsonObject &seen = {});
    void killSession(const QString &sessionId);
    // Fetches one action's full JSON into the model (the queue keeps summaries only); the model's
    // dataChanged tells when it is there, actionUnavailable when it could not be had.
    // `opened`: the reviewer opened it (the server starts their reading time, and the answer's
    // `review` goes to reviewTimer()); else a prefetch, which starts nothing.
    void requestAction(const QString &id, bool opened = false);
    // The reviewer opened `id`: fetched once (even if the model has it) so the server records it.
    void openAction(const QString &id);
    class ReviewTimer *reviewTimer() const { return m_review; }
    void stopAll();

    // A person's sentence for a failed call.
    static QString explain(const ApiResult &result);

Q_SIGNALS:
    void outcome(const QString &message, bool isError);
    void connectionChanged(bool connected, const QString &text);
    void loaded();
    // The queue could not be loaded (an error, or an answer that cannot be read): what is shown
    // is not the server's queue. Cleared by the next loaded().
    void queueFailed(const QString &message);
    // A long first load shows its first page (the top of the queue) at once, then counts up.
    void loadProgress(int actionsLoaded);
    void roleKnown(const QString &role);
    // An agent reported running something other than what was approved (receipt.violation).
    void violation(const QString &message);
    void actionUnavailable(const QString &id, const QString &message);
    // Every event of the feed, as it arrived (breaker trips, grants, notifications).
    void eventsReceived(const QJsonArray &events);

private:
    void reloadActions(const QString &cursor = {}, int stage = 0);
    void reloadSessions();
    void onEvents(const QJsonArray &events);
    void decide(const QString &actionId, const QJsonObject &body, const QString &done);

    ApiClient m_client;
    EventStream m_stream;
    ActionQueueModel *m_actions;
    SessionListModel *m_sessions;
    QList<ActionQueueModel::Row> m_loading; // summarised page by page as a reload arrives
    QSet<QString> m_fetching;
    QSet<QString> m_opening;
    class ReviewTimer *m_review;
    QList<QJsonObject> m_arrivedWhileLoading; // live updates during a reload
    bool m_reloading = false;
    bool m_queueFailed = false;
    bool m_sessionsReloadQueued = false;
    QString m_role;
    QString m_name;
    QString m_grantAction; // offerGrant()
    int m_grantSeconds = 0;
    QStringList m_grantArguments;
};

} // namespace interlock::ui
