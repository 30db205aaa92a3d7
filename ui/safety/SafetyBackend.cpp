#include "SafetyBackend.h"

#include "../ConsoleBackend.h"
#include "../Labels.h"
#include "../RevealedText.h"
#include "../SessionListModel.h"

#include <QJsonArray>

namespace interlock::ui {

SafetyBackend::SafetyBackend(ConsoleBackend *console, QObject *parent)
    : QObject(parent)
    , m_console(console)
{}

QString SafetyBackend::titleOf(const QString &actionId) const
{
    const ActionQueueModel::Row *row = m_console->actions()->find(actionId);
    return row ? RevealedText::plain(row->title, HiddenText::Lines::Single, 80) : actionId;
}

void SafetyBackend::resume(const QString &sessionId, const QString &comment)
{
    QJsonObject body;
    if (!comment.isEmpty())
        body.insert(QStringLiteral("comment"), comment);
    m_console->client().request(
        "POST", QStringLiteral("/v1/sessions/%1/resume").arg(sessionId), body,
        [this](const ApiResult &r) {
            if (!r.ok()) {
                const QString code = r.error().code;
                return Q_EMIT outcome(
                    code == QLatin1String("already_resumed")
                        ? tr("You already resumed this session; a second, different person must "
                             "resume it too.")
                        : tr("The session was not resumed: %1").arg(ConsoleBackend::explain(r)),
                    true);
            }
            const QJsonObject session = r.body.value(QStringLiteral("session")).toObject();
            const bool lifted = r.body.value(QStringLiteral("resumed")).toBool();
            m_console->sessions()->upsert(session);
            Q_EMIT sessionResumed(session, lifted);
            const QString agent =
                RevealedText::plain(session.value(QStringLiteral("agent")).toString());
            if (lifted)
                return Q_EMIT outcome(
                    tr("Resumed the session of %1: it may submit again.").arg(agent), false);
            const QJsonObject frozen = session.value(QStringLiteral("frozen")).toObject();
            Q_EMIT outcome(tr("Your resume of %1 is recorded (%2 of %3); a second person must "
                              "resume it too.")
                               .arg(agent)
                               .arg(frozen.value(QStringLiteral("resumes")).toArray().size())
                               .arg(frozen.value(QStringLiteral("required_resumes")).toInt()),
                           false);
        });
}

void SafetyBackend::loadGrants(const QString &status)
{
    QString path = QStringLiteral("/v1/grants?limit=500");
    if (!status.isEmpty())
        path += QStringLiteral("&status=") + status;
    m_console->client().request("GET", path, std::nullopt, [this](const ApiResult &r) {
        if (!r.ok())
            return Q_EMIT grantsFailed(ConsoleBackend::explain(r));
        QList<QJsonObject> grants;
        for (const QJsonValue &v : r.body.value(QStringLiteral("grants")).toArray())
            grants.append(v.toObject());
        Q_EMIT grantsLoaded(grants);
    });
}

void SafetyBackend::revokeGrant(const QString &grantId)
{
    m_console->client().request(
        "DELETE", QStringLiteral("/v1/grants/") + grantId, std::nullopt,
        [this, grantId](const ApiResult &r) {
            if (!r.ok())
                return Q_EMIT outcome(
                    tr("The grant was not revoked: %1").arg(ConsoleBackend::explain(r)), true);
            Q_EMIT outcome(tr("Revoked the grant %1: nothing more is approved by it.").arg(grantId),
                           false);
            loadGrants();
        });
}

void SafetyBackend::bulkDecide(const QStringList &ids, const QString &decision,
                               const QString &comment)
{
    if (!m_console->isConnected())
        return Q_EMIT outcome(tr("Not connected: the decisions were not sent."), true);
    QJsonObject versions;
    for (const QString &id : ids)
        if (const ActionQueueModel::Row *row = m_console->actions()->find(id))
            versions.insert(id, row->version);
    QJsonObject body{{QStringLiteral("ids"), QJsonArray::fromStringList(ids)},
                     {QStringLiteral("decision"), decision},
                     {QStringLiteral("versions"), versions}};
    if (!comment.isEmpty())
        body.insert(QStringLiteral("comment"), comment);
    const bool approve = decision == QLatin1String("approve");
    m_console->client().request(
        "POST", QStringLiteral("/v1/actions/bulk-decision"), body,
        [this, approve](const ApiResult &r) {
            if (!r.ok()) {
                // Refused as a whole: nothing was decided; say which and why, by title.
                QStringList named;
                const QJsonArray refused = r.body.value(QStringLiteral("error"))
                                               .toObject()
                                               .value(QStringLiteral("refused"))
                                               .toArray();
                for (const QJsonValue &v : refused) {
                    const QJsonObject o = v.toObject();
                    const QString reason = o.value(QStringLiteral("reason")).toString();
                    named.append(
                        tr("“%1” (%2)")
                            .arg(titleOf(o.value(QStringLiteral("id")).toString()),
                                 reason == QLatin1String("not_pending") ? tr("no longer pending")
                                 : reason == QLatin1String("not_found") ? tr("not found")
                                                                        : Labels::level(reason)));
                }
                Q_EMIT bulkDone(0, int(refused.size()));
                if (named.isEmpty())
                    return Q_EMIT outcome(
                        tr("Nothing was decided: %1").arg(ConsoleBackend::explain(r)), true);
                return Q_EMIT outcome(
                    approve ? tr("The server refused the bulk approval; nothing was decided. Only "
                                 "low and medium actions can be approved together. Refused: %1.")
                                  .arg(named.join(QStringLiteral(", ")))
                            : tr("The server refused the bulk rejection; nothing was decided. "
                                 "Refused: %1.")
                                  .arg(named.join(QStringLiteral(", "))),
                    true);
            }
            QStringList failures;
            for (const QJsonValue &v : r.body.value(QStringLiteral("results")).toArray()) {
                const QJsonObject item = v.toObject();
                if (item.value(QStringLiteral("ok")).toBool()) {
                    m_console->actions()->upsert(item.value(QStringLiteral("action")).toObject());
                    continue;
                }
                ApiResult one;
                one.status = item.value(QStringLiteral("status")).toInt();
                one.body =
                    QJsonObject{{QStringLiteral("error"), item.value(QStringLiteral("error"))}};
                failures.append(QStringLiteral("“%1”: %2")
                                    .arg(titleOf(item.value(QStringLiteral("id")).toString()),
                                         ConsoleBackend::explain(one)));
            }
            const int decided = r.body.value(QStringLiteral("decided")).toInt();
            const int failed = r.body.value(QStringLiteral("failed")).toInt();
            Q_EMIT bulkDone(decided, failed);
            QString text = approve ? tr("Approved %n action(s).", nullptr, decided)
                                   : tr("Rejected %n action(s).", nullptr, decided);
            if (failed > 0)
                text += u' ' + tr("%n could not be decided: %1", nullptr, failed)
                                   .arg(failures.join(QStringLiteral("; ")));
            Q_EMIT outcome(text, failed > 0);
        });
}

} // namespace interlock::ui
