#pragma once

#include <QJsonObject>
#include <QList>
#include <QObject>

namespace interlock::ui {

class ConsoleBackend;

// The console's calls for issue #16 over the signed-in connection, without widgets: resume a
// frozen session, list and revoke standing grants, bulk decisions. Outcomes in plain words.
class SafetyBackend : public QObject
{
    Q_OBJECT
public:
    explicit SafetyBackend(ConsoleBackend *console, QObject *parent = nullptr);

    // POST /v1/sessions/{id}/resume.
    void resume(const QString &sessionId, const QString &comment = {});
    // GET /v1/grants (newest first); `status` "" for all.
    void loadGrants(const QString &status = QStringLiteral("active"));
    // DELETE /v1/grants/{id}.
    void revokeGrant(const QString &grantId);
    // POST /v1/actions/bulk-decision: "approve" or "reject" (with `comment`), each with the
    // version the reviewer saw.
    void bulkDecide(const QStringList &ids, const QString &decision, const QString &comment = {});

Q_SIGNALS:
    void outcome(const QString &message, bool isError);
    void grantsLoaded(const QList<QJsonObject> &grants);
    void grantsFailed(const QString &message);
    // The server answered a resume with this session (its `frozen` null once lifted).
    void sessionResumed(const QJsonObject &session, bool lifted);
    // A bulk decision was answered (refused as a whole or decided item by item).
    void bulkDone(int decided, int failed);

private:
    QString titleOf(const QString &actionId) const;

    ConsoleBackend *m_console;
};

} // namespace interlock::ui
