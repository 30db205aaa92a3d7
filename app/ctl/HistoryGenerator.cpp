#include "HistoryGenerator.h"

#include "CtlCommon.h"
#include "core/CanonicalJson.h"
#include "core/Role.h"
#include "core/Timestamp.h"
#include "server/RiskEngine.h"
#include "server/SqliteStore.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QRandomGenerator>
#include <cmath>
#include <cstdio>

namespace interlock::ctl {

namespace {
struct Template {
    QString kind, title, target;
    QJsonObject payload;
};

QList<Template> templates()
{
    const auto obj = [](std::initializer_list<std::pair<QString, QJsonValue>> fields) {
        QJsonObject o;
        for (const auto &f : fields)
            o.insert(f.first, f.second);
        return o;
    };
    return {
        {QStringLiteral("shell.exec"), QStringLiteral("Rotate the web tier's logs"),
         QStringLiteral("host://web-2"),
         obj({{QStringLiteral("command"), QStringLiteral("logrotate -f /etc/logrotate.d/nginx")}})},
        {QStringLiteral("message.post"), QStringLiteral("Answer a question on the internal forum"),
         QStringLiteral("forum://eng/questions"),
         obj({{QStringLiteral("channel"), QStringLiteral("eng-questions")},
              {QStringLiteral("visibility"), QStringLiteral("internal")},
              {QStringLiteral("text"),
               QStringLiteral("You can fix the build by pinning cmake.")}})},
        {QStringLiteral("acl.change"), QStringLiteral("Grant read on a report folder"),
         QStringLiteral("drive://corp/reports-q3"),
         obj({{QStringLiteral("resource"), QStringLiteral("drive://corp/reports-q3")},
              {QStringLiteral("grants_before"),
               QJsonArray{obj({{QStringLiteral("principal"), QStringLiteral("group:finance")},
                               {QStringLiteral("access"), QStringLiteral("read")}})}},
              {QStringLiteral("grants_after"),
               QJsonArray{obj({{QStringLiteral("principal"), QStringLiteral("group:finance")},
                               {QStringLiteral("access"), QStringLiteral("read")}}),
                          obj({{QStringLiteral("principal"), QStringLiteral("user:kim")},
                               {QStringLiteral("access"), QStringLiteral("read")}})}}})},
        {QStringLiteral("email.delete"), QStringLiteral("Delete newsletters older than 90 days"),
         QStringLiteral("mailbox://sam"),
         obj({{QStringLiteral("mailbox"), QStringLiteral("sam")},
              {QStringLiteral("message_ids"),
               QJsonArray{QStringLiteral("m-1"), QStringLiteral("m-2"), QStringLiteral("m-3")}}})},
        {QStringLiteral("sql.exec"), QStringLiteral("Close stale support tickets"),
         QStringLiteral("db://support"),
         obj({{QStringLiteral("database"), QStringLiteral("support")},
              {QStringLiteral("statement"),
               QStringLiteral("UPDATE tickets SET state = 'closed' WHERE updated < now() - "
                              "interval '180 days'")}})},
        {QStringLiteral("fs.write"), QStringLiteral("Update the README's install section"),
         QStringLiteral("repo://docs/README.md"),
         obj({{QStringLiteral("path"), QStringLiteral("README.md")},
              {QStringLiteral("content"), QStringLiteral("Install with apt.")}})},
        {QStringLiteral("http.request"), QStringLiteral("Create a calendar invite"),
         QStringLiteral("https://calendar.corp.example/api"),
         obj({{QStringLiteral("method"), QStringLiteral("POST")},
              {QStringLiteral("url"),
               QStringLiteral("https://calendar.corp.example/api/events")}})},
        {QStringLiteral("git.push"), QStringLiteral("Push the dependency bump"),
         QStringLiteral("git://corp/payments-service"),
         obj({{QStringLiteral("remote"), QStringLiteral("origin")},
              {QStringLiteral("branch"), QStringLiteral("deps/bump-openssl")},
              {QStringLiteral("force"), false}})},
    };
}

const QStringList kReviewers{QStringLiteral("alice"), QStringLiteral("bogdan"),
                             QStringLiteral("chen"),  QStringLiteral("dana"),
                             QStringLiteral("emeka"), QStringLiteral("farah"),
                             QStringLiteral("goran"), QStringLiteral("hana")};
} // namespace

int generateHistory(const HistoryGeneratorOptions &o)
{
    if (QFileInfo::exists(o.db))
        return fail(QStringLiteral("history generate: %1 exists; give a new file name").arg(o.db),
                    Usage);
    SqliteStore store(o.db);
    QString error;
    if (!store.open(&error))
        return fail(QStringLiteral("history generate: ") + error);
    store.setGroupCommit([] {});

    QRandomGenerator rng(o.seed);
    const auto engine = RiskEngine::builtIn();
    struct Prepared {
        Template t;
        QJsonObject risk;
        int requiredApprovals;
        QString sha;
    };
    QList<Prepared> kinds;
    for (const Template &t : templates()) {
        RiskInput input;
        input.kind = t.kind;
        input.payload = t.payload;
        input.target = t.target;
        const RiskAssessment a = engine->assess(input);
        kinds.append({t, a.toJson(), a.requiredApprovals,
                      QString::fromLatin1(sha256Hex(canonicalJson(t.payload)))});
    }

    const qint64 end = QDateTime::currentMSecsSinceEpoch();
    const qint64 start = end - qint64(o.days) * 86'400'000;
    const double step = double(end - start) / double(o.actions);
    QStringList sessions;
    for (int i = 0; i < 24; ++i) {
        SessionRecord s;
        s.id = QStringLiteral("ses_gen%1").arg(i, 2, 10, QLatin1Char('0'));
        s.agent = QStringLiteral("agent-%1").arg(i + 1, 2, 10, QLatin1Char('0'));
        s.status = QStringLiteral("active");
        s.createdAt = start;
        const QByteArray tokenHash = sha256Hex(s.id.toUtf8());
        if (!store.insertSession(s, tokenHash,
                                 {QStringLiteral("session.opened"),
                                  {},
                                  QStringLiteral("session.open"),
                                  QStringLiteral("generator"),
                                  start}))
            return fail(QStringLiteral("history generate: cannot write sessions"));
        sessions.append(s.id);
    }

    QElapsedTimer timer;
    timer.start();
    const auto commitEvery = [&](int i) {
        if ((i + 1) % 5000 != 0 && i + 1 != o.actions)
            return true;
        std::fprintf(stderr, "\r%d / %d actions (%.0f/s)", i + 1, o.actions,
                     double(i + 1) * 1000.0 / double(qMax<qint64>(1, timer.elapsed())));
        return store.commitGroup();
    };
    for (int i = 0; i < o.actions; ++i) {
        const qint64 created = start + qint64(double(i) * step);
        const Prepared &k = kinds[int(rng.bounded(quint32(kinds.size())))];
        const int sessionIndex = int(rng.bounded(24u));
        const QString id = QStringLiteral("act_gen%1").arg(i, 8, 10, QLatin1Char('0'));
        const bool pending = i >= o.actions - o.pending;
        const qint64 expires = pending ? end + 30 * 86'400'000LL : created + 3'600'000;
        QJsonObject doc{{QStringLiteral("id"), id},
                        {QStringLiteral("version"), 1},
                        {QStringLiteral("session_id"), sessions[sessionIndex]},
                        {QStringLiteral("agent"),
                         QStringLiteral("agent-%1").arg(sessionIndex + 1, 2, 10, QLatin1Char('0'))},
                        {QStringLiteral("kind"), k.t.kind},
                        {QStringLiteral("title"), k.t.title},
                        {QStringLiteral("summary"), QString()},
                        {QStringLiteral("target"), k.t.target},
                        {QStringLiteral("payload"), k.t.payload},
                        {QStringLiteral("payload_sha256"), k.sha},
                        {QStringLiteral("risk"), k.risk},
                        {QStringLiteral("required_approvals"), k.requiredApprovals},
                        {QStringLiteral("approvals"), QJsonArray()},
                        {QStringLiteral("status"), QStringLiteral("pending")},
                        {QStringLiteral("decision"), QJsonValue::Null},
                        {QStringLiteral("created_at"), toRfc3339(created)},
                        {QStringLiteral("expires_at"), toRfc3339(expires)},
                        {QStringLiteral("delivered_at"), QJsonValue::Null},
                        {QStringLiteral("execution"), QJsonValue::Null},
                        {QStringLiteral("changes"), QJsonArray()}};
        const QJsonObject event{{QStringLiteral("kind"), k.t.kind}};
        if (store
                .insertAction(doc, {}, {}, 1 << 30, expires,
                              {QStringLiteral("action.created"), event,
                               QStringLiteral("action.submit"), doc.value("agent").toString(),
                               created})
                .error.isError())
            return fail(QStringLiteral("history generate: cannot write action %1").arg(i));
        if (pending) {
            if (!commitEvery(i))
                return fail(QStringLiteral("history generate: commit failed"));
            continue;
        }

        // Outcome mix and a log-normal time to decision around four minutes.
        const double roll = rng.generateDouble();
        const QString reviewer = kReviewers[int(rng.bounded(quint32(kReviewers.size())))];
        const double ttd =
            std::exp(std::log(240'000.0) + 1.1 * (rng.generateDouble() + rng.generateDouble() +
                                                  rng.generateDouble() - 1.5));
        qint64 decided = created + qMin<qint64>(qint64(ttd), 3'500'000);
        QString status, decisionKind, actor = reviewer;
        if (roll < 0.62) {
            status = QStringLiteral("approved"), decisionKind = QStringLiteral("approve");
        } else if (roll < 0.70) {
            status = QStringLiteral("approved"), decisionKind = QStringLiteral("edit");
        } else if (roll < 0.88) {
            status = QStringLiteral("rejected"), decisionKind = QStringLiteral("reject");
        } else if (roll < 0.97) {
            status = QStringLiteral("expired"), decided = created + 3'600'000,
            actor = QStringLiteral("system");
        } else {
            status = QStringLiteral("cancelled"), actor = QStringLiteral("oncall");
        }
        doc.insert(QStringLiteral("status"), status);
        doc.insert(QStringLiteral("version"), 2);
        if (!decisionKind.isEmpty()) {
            doc.insert(QStringLiteral("approvals"),
                       status == QLatin1String("approved")
                           ? QJsonArray{QJsonObject{{QStringLiteral("by"), reviewer},
                                                    {QStringLiteral("at"), toRfc3339(decided)}}}
                           : QJsonArray());
            doc.insert(QStringLiteral("decision"),
                       QJsonObject{{QStringLiteral("kind"), decisionKind},
                                   {QStringLiteral("by"), reviewer},
                                   {QStringLiteral("comment"),
                                    decisionKind == QLatin1String("reject")
                                        ? QJsonValue(QStringLiteral("Not without a ticket."))
                                        : QJsonValue()},
                                   {QStringLiteral("at"), toRfc3339(decided)}});
        }
        if (!store.updateAction(
                doc, 1,
                {QStringLiteral("action.decided"), event,
                 QStringLiteral("action.") + (decisionKind.isEmpty() ? status : decisionKind),
                 actor, decided}))
            return fail(QStringLiteral("history generate: cannot decide action %1").arg(i));
        if (!commitEvery(i))
            return fail(QStringLiteral("history generate: commit failed"));
    }
    std::fprintf(stderr, "\n");
    out(QStringLiteral("wrote %1 decided and %2 pending actions over %3 days to %4 in %5 s")
            .arg(o.actions - o.pending)
            .arg(o.pending)
            .arg(o.days)
            .arg(o.db)
            .arg(double(timer.elapsed()) / 1000.0, 0, 'f', 1));
    return Ok;
}

} // namespace interlock::ctl
