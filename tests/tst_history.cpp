// History, export and statistics over real HTTP against a real SQLite file, with an injected
// clock so every time to decision is known exactly.
#include "support/TestServer.h"

#include "core/Timestamp.h"
#include "server/SqliteStore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

using namespace interlock;
using namespace interlock::test;

namespace {
const qint64 kMinute = 60'000;

QJsonObject decision(const QString &kind, const QString &comment = {},
                     const QJsonObject &payload = {})
{
    QJsonObject d{{QStringLiteral("decision"), kind}};
    if (!comment.isEmpty())
        d.insert(QStringLiteral("comment"), comment);
    if (!payload.isEmpty())
        d.insert(QStringLiteral("payload"), payload);
    return d;
}

QStringList ids(const QJsonArray &actions)
{
    QStringList out;
    for (const QJsonValue &a : actions)
        out.append(a.toObject().value(QStringLiteral("id")).toString());
    return out;
}

QJsonObject byId(const QJsonArray &actions, const QString &id)
{
    for (const QJsonValue &a : actions) {
        if (a.toObject().value(QStringLiteral("id")).toString() == id)
            return a.toObject();
    }
    return {};
}

bool within(double value, double expected, double fraction)
{
    return std::abs(value - expected) <= expected * fraction;
}
} // namespace

class TestHistory : public QObject
{
    Q_OBJECT

    std::unique_ptr<TestServer> m_server;
    QString m_reviewer; // the reviewer token's name
    QString m_approved, m_rejected, m_edited, m_expired, m_pending, m_cancelled;
    qint64 m_start = 0;

    ApiResult get(const QString &path)
    {
        return m_server->call(m_server->token(Role::Manager), "GET", path);
    }
    RawResponse raw(const QString &path)
    {
        return rawHttp(m_server->port(), rawRequest("GET", path.toUtf8(), {},
                                                    {"Authorization: Bearer " +
                                                     m_server->token(Role::Manager).toUtf8()}));
    }
    void decide(const QString &id, const QJsonObject &body)
    {
        const ApiResult r = m_server->call(m_server->token(Role::Reviewer), "POST",
                                           QStringLiteral("/v1/actions/%1/decision").arg(id), body);
        QVERIFY2(r.ok(), qPrintable(r.describe()));
    }

private Q_SLOTS:
    void initTestCase()
    {
        TestServer::Options options;
        options.manualClock = true;
        options.limits.maxPendingPerSession = 5000;
        m_server = std::make_unique<TestServer>(options);
        TestServer &s = *m_server;
        ManualClock &clock = *s.clock();
        m_start = clock.nowMs();
        m_reviewer = s.call(s.token(Role::Reviewer), "GET", QStringLiteral("/v1/me"))
                         .body.value(QStringLiteral("name"))
                         .toString();
        QVERIFY(!m_reviewer.isEmpty());
        const auto [mailer, mailerToken] = s.openSession(QStringLiteral("mailer"));
        const auto [poster, posterToken] = s.openSession(QStringLiteral("poster"));

        m_approved = s.submit(mailerToken, sampleAction());
        clock.advance(2 * kMinute);
        decide(m_approved, decision(QStringLiteral("approve")));

        m_rejected =
            s.submit(posterToken, sampleAction(QStringLiteral("message.post"),
                                               QStringLiteral("=HYPERLINK(\"http://evil\")")));
        clock.advance(10 * kMinute);
        decide(m_rejected, decision(QStringLiteral("reject"),
                                    QStringLiteral("Wrong, see \"ticket 12\", line 2")));

        m_edited = s.submit(mailerToken, sampleAction());
        clock.advance(kMinute);
        decide(m_edited,
               decision(QStringLiteral("edit"), {},
                        QJsonObject{{QStringLiteral("command"), QStringLiteral("ls build/")}}));

        m_expired = s.submit(mailerToken, sampleAction());
        clock.advance(16 * kMinute); // past the 900 s the agent asked for
        QCOMPARE(
            s.call(s.token(Role::Reviewer), "GET", QStringLiteral("/v1/actions/%1").arg(m_expired))
                .body.value(QStringLiteral("status"))
                .toString(),
            QStringLiteral("expired"));
        QJsonObject longer = sampleAction();
        longer.insert(QStringLiteral("expires_in"), 3600);
        m_pending = s.submit(mailerToken, longer);

        m_cancelled = s.submit(posterToken, sampleAction());
        clock.advance(kMinute);
        QVERIFY(s.call(s.token(Role::Oncall), "POST",
                       QStringLiteral("/v1/sessions/%1/kill").arg(poster))
                    .ok());
    }

    void historyHoldsEveryDecidedActionNewestFirst()
    {
        const ApiResult r = get(QStringLiteral("/v1/history"));
        QCOMPARE(r.status, 200);
        const QJsonArray actions = r.body.value(QStringLiteral("actions")).toArray();
        QCOMPARE(ids(actions),
                 (QStringList{m_cancelled, m_expired, m_edited, m_rejected, m_approved}));
        QVERIFY(r.body.value(QStringLiteral("next_cursor")).isNull());

        const QJsonObject approved = byId(actions, m_approved);
        QCOMPARE(approved.value(QStringLiteral("outcome")).toString(), QStringLiteral("approved"));
        QCOMPARE(approved.value(QStringLiteral("decided_by")).toString(), m_reviewer);
        QCOMPARE(approved.value(QStringLiteral("time_to_decision_ms")).toInteger(), 2 * kMinute);
        QCOMPARE(approved.value(QStringLiteral("decided_at")).toString(),
                 approved.value(QStringLiteral("decision"))
                     .toObject()
                     .value(QStringLiteral("at"))
                     .toString());

        const QJsonObject edited = byId(actions, m_edited);
        QCOMPARE(edited.value(QStringLiteral("outcome")).toString(), QStringLiteral("edited"));
        // What the agent asked for and what was approved are both there.
        QCOMPARE(edited.value(QStringLiteral("payload"))
                     .toObject()
                     .value(QStringLiteral("command"))
                     .toString(),
                 QStringLiteral("ls -la build/"));
        QCOMPARE(edited.value(QStringLiteral("approved_payload"))
                     .toObject()
                     .value(QStringLiteral("command"))
                     .toString(),
                 QStringLiteral("ls build/"));

        const QJsonObject rejected = byId(actions, m_rejected);
        QCOMPARE(rejected.value(QStringLiteral("time_to_decision_ms")).toInteger(), 10 * kMinute);
        QCOMPARE(rejected.value(QStringLiteral("decision"))
                     .toObject()
                     .value(QStringLiteral("comment"))
                     .toString(),
                 QStringLiteral("Wrong, see \"ticket 12\", line 2"));
        QCOMPARE(byId(actions, m_expired).value(QStringLiteral("decided_by")).toString(),
                 QStringLiteral("system"));
        QCOMPARE(byId(actions, m_cancelled).value(QStringLiteral("outcome")).toString(),
                 QStringLiteral("cancelled"));
    }

    void filters_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addColumn<QStringList>("expected");
        QTest::newRow("status") << QStringLiteral("status=rejected") << QStringList{m_rejected};
        QTest::newRow("agent") << QStringLiteral("agent=poster")
                               << QStringList{m_cancelled, m_rejected};
        QTest::newRow("reviewer") << QStringLiteral("reviewer=") + m_reviewer
                                  << QStringList{m_edited, m_rejected, m_approved};
        QTest::newRow("kind") << QStringLiteral("kind=message.post") << QStringList{m_rejected};
        QTest::newRow("from") << QStringLiteral("from=") + toRfc3339(m_start + 3 * kMinute)
                              << QStringList{m_cancelled, m_expired, m_edited, m_rejected};
        QTest::newRow("to") << QStringLiteral("to=") + toRfc3339(m_start + 3 * kMinute)
                            << QStringList{m_approved};
        QTest::newRow("combined") << QStringLiteral("agent=mailer&status=edited&reviewer=") +
                                         m_reviewer
                                  << QStringList{m_edited};
        QTest::newRow("none") << QStringLiteral("agent=nobody") << QStringList{};
        // A plain `to` date includes that whole (UTC) day.
        const QString today =
            QDateTime::fromMSecsSinceEpoch(m_start, Qt::UTC).date().toString(Qt::ISODate);
        QTest::newRow("to-date-includes-the-day")
            << QStringLiteral("to=") + today + QStringLiteral("&from=") + today
            << QStringList{m_cancelled, m_expired, m_edited, m_rejected, m_approved};
    }
    void filters()
    {
        QFETCH(QString, query);
        QFETCH(QStringList, expected);
        const ApiResult r = get(QStringLiteral("/v1/history?") + query);
        QCOMPARE(r.status, 200);
        QCOMPARE(ids(r.body.value(QStringLiteral("actions")).toArray()), expected);
    }

    void cursorPagingVisitsEachActionOnce()
    {
        QStringList seen;
        QString cursor;
        int pages = 0;
        do {
            const ApiResult r = get(QStringLiteral("/v1/history?limit=2") +
                                    (cursor.isEmpty() ? QString() : "&cursor=" + cursor));
            QCOMPARE(r.status, 200);
            seen += ids(r.body.value(QStringLiteral("actions")).toArray());
            cursor = r.body.value(QStringLiteral("next_cursor")).toString();
            ++pages;
        } while (!cursor.isEmpty() && pages < 10);
        QCOMPARE(pages, 3);
        QCOMPARE(seen, (QStringList{m_cancelled, m_expired, m_edited, m_rejected, m_approved}));
    }

    void badParametersAreNamed_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addColumn<QString>("field");
        QTest::newRow("status") << QStringLiteral("status=maybe") << QStringLiteral("status");
        QTest::newRow("from") << QStringLiteral("from=yesterday") << QStringLiteral("from");
        QTest::newRow("to") << QStringLiteral("to=2026-13-01") << QStringLiteral("to");
        QTest::newRow("cursor") << QStringLiteral("cursor=%%%") << QStringLiteral("cursor");
        QTest::newRow("limit") << QStringLiteral("limit=0") << QStringLiteral("limit");
        QTest::newRow("risk") << QStringLiteral("risk_min=101") << QStringLiteral("risk_min");
        QTest::newRow("agent") << QStringLiteral("agent=") + QString(300, u'a')
                               << QStringLiteral("agent");
    }
    void badParametersAreNamed()
    {
        QFETCH(QString, query);
        QFETCH(QString, field);
        for (const QString &path :
             {QStringLiteral("/v1/history?"), QStringLiteral("/v1/history/export?")}) {
            const ApiResult r = get(path + query);
            QCOMPARE(r.status, 422);
            QCOMPARE(r.error().field, field);
        }
        const ApiResult format = get(QStringLiteral("/v1/history/export?format=xml"));
        QCOMPARE(format.status, 422);
        QCOMPARE(format.error().field, QStringLiteral("format"));
    }

    void csvExportIsStreamedAndSafeForSpreadsheets()
    {
        const RawResponse r = raw(QStringLiteral("/v1/history/export?format=csv"));
        QCOMPARE(r.status, 200);
        QVERIFY2(r.head.toLower().contains("transfer-encoding: chunked"), r.head.constData());
        QVERIFY(r.head.contains("text/csv"));
        const QList<QByteArray> lines = r.body.trimmed().split('\n');
        QCOMPARE(lines.size(), 6);
        QVERIFY(lines[0].startsWith("id,decided_at,created_at,agent"));
        QByteArray rejected;
        for (const QByteArray &line : lines) {
            if (line.startsWith(m_rejected.toUtf8()))
                rejected = line;
        }
        // The agent's formula is quoted and defused; the comment's quotes are doubled.
        QVERIFY2(rejected.contains(",\"'=HYPERLINK(\"\"http://evil\"\")\","), rejected.constData());
        QVERIFY2(rejected.contains("\"Wrong, see \"\"ticket 12\"\", line 2\""),
                 rejected.constData());
        QVERIFY(rejected.contains(",600000,"));
        QVERIFY(rejected.contains(m_reviewer.toUtf8()));
    }

    void jsonExportEqualsTheHistory()
    {
        const RawResponse r = raw(QStringLiteral("/v1/history/export?format=json&agent=mailer"));
        QCOMPARE(r.status, 200);
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(r.body, &error);
        QCOMPARE(error.error, QJsonParseError::NoError);
        const QJsonArray exported = doc.object().value(QStringLiteral("actions")).toArray();
        const QJsonArray listed = get(QStringLiteral("/v1/history?agent=mailer"))
                                      .body.value(QStringLiteral("actions"))
                                      .toArray();
        QCOMPARE(exported.size(), 3);
        QCOMPARE(exported, listed);
    }

    void statsCountAndTime()
    {
        const ApiResult r = get(QStringLiteral("/v1/stats"));
        QCOMPARE(r.status, 200);
        const QJsonObject outcomes = r.body.value(QStringLiteral("outcomes")).toObject();
        for (const char *o : {"approved", "edited", "rejected", "expired", "cancelled"})
            QCOMPARE(outcomes.value(QLatin1String(o)).toInt(), 1);
        QCOMPARE(r.body.value(QStringLiteral("total")).toInt(), 5);
        const QJsonObject ttd = r.body.value(QStringLiteral("time_to_decision")).toObject();
        QCOMPARE(ttd.value(QStringLiteral("decisions")).toInt(), 3);
        // 1, 2 and 10 minutes: p50 is 2 minutes and p90 10 minutes, within 2.5 %.
        QVERIFY2(within(ttd.value(QStringLiteral("p50_ms")).toDouble(), 2 * kMinute, 0.025),
                 qPrintable(QString::number(ttd.value(QStringLiteral("p50_ms")).toDouble())));
        QVERIFY(within(ttd.value(QStringLiteral("p90_ms")).toDouble(), 10 * kMinute, 0.025));
        int histogramTotal = 0;
        for (const QJsonValue &bin : ttd.value(QStringLiteral("histogram")).toArray())
            histogramTotal += bin.toObject().value(QStringLiteral("count")).toInt();
        QCOMPARE(histogramTotal, 3);

        const QJsonArray reviewers = r.body.value(QStringLiteral("reviewers")).toArray();
        QCOMPARE(reviewers.size(), 1);
        QCOMPARE(reviewers[0].toObject().value(QStringLiteral("name")).toString(), m_reviewer);
        QCOMPARE(reviewers[0].toObject().value(QStringLiteral("decisions")).toInt(), 3);
        QCOMPARE(reviewers[0].toObject().value(QStringLiteral("rejected")).toInt(), 1);
        const QJsonArray agents = r.body.value(QStringLiteral("agents")).toArray();
        QCOMPARE(agents.size(), 2);
        QCOMPARE(agents[0].toObject().value(QStringLiteral("name")).toString(),
                 QStringLiteral("mailer"));
        QCOMPARE(agents[0].toObject().value(QStringLiteral("actions")).toInt(), 3);
        QCOMPARE(agents[1].toObject().value(QStringLiteral("cancelled")).toInt(), 1);
        int byDay = 0;
        for (const QJsonValue &day : r.body.value(QStringLiteral("by_day")).toArray()) {
            for (const char *o : {"approved", "edited", "rejected", "expired", "cancelled"})
                byDay += day.toObject().value(QLatin1String(o)).toInt();
        }
        QCOMPARE(byDay, 5);
        // A range that ends before the rejection holds only the approval.
        const ApiResult early =
            get(QStringLiteral("/v1/stats?to=") + toRfc3339(m_start + 3 * kMinute));
        QCOMPARE(early.body.value(QStringLiteral("total")).toInt(), 1);
    }

    void olderDatabasesAreMigrated()
    {
        if (testingPostgres())
            QSKIP("SQLite files from before the history columns; PostgreSQL: tst_schema");
        // A copy of the database as an older version wrote it: without the export columns.
        QTemporaryDir dir;
        const QString copy = dir.filePath(QStringLiteral("old.db"));
        withOutsideConnection(m_server->dbPath(), [&](QSqlDatabase &db) {
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("VACUUM INTO '%1'").arg(copy)));
        });
        withOutsideConnection(copy, [](QSqlDatabase &db) {
            QSqlQuery q(db);
            for (const char *column : {"h_title", "h_comment", "h_sha"})
                QVERIFY(q.exec(QStringLiteral("ALTER TABLE actions DROP COLUMN ") +
                               QLatin1String(column)));
            // Older versions had no schema_version table either (numbered migrations).
            QVERIFY(q.exec(QStringLiteral("DROP TABLE schema_version")));
        });
        SqliteStore store(copy);
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));
        HistoryQuery q;
        q.outcome = QStringLiteral("rejected");
        q.csvFields = true;
        const HistoryPage page = store.history(q);
        QCOMPARE(page.rows.size(), 1);
        QCOMPARE(page.rows[0].csv.value(6), QStringLiteral("=HYPERLINK(\"http://evil\")"));
        QCOMPARE(page.rows[0].csv.value(13), QStringLiteral("Wrong, see \"ticket 12\", line 2"));
        QCOMPARE(page.rows[0].csv.value(15).size(), 64);
    }

    void exportStreamsPastOnePage()
    {
        // 2,300 actions cancelled at once by a kill: more than one page of the export.
        TestServer &s = *m_server;
        const auto [id, token] = s.openSession(QStringLiteral("flood"));
        for (int i = 0; i < 2300; ++i)
            QVERIFY(!s.submit(token, sampleAction()).isEmpty());
        QVERIFY(
            s.call(s.token(Role::Oncall), "POST", QStringLiteral("/v1/sessions/%1/kill").arg(id))
                .ok());
        const RawResponse r = raw(QStringLiteral("/v1/history/export?format=csv&agent=flood"));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body.count('\n'), 2301);
        QSet<QByteArray> unique;
        for (const QByteArray &line : r.body.split('\n'))
            unique.insert(line.left(line.indexOf(',')));
        QCOMPARE(unique.size(), 2302); // header, 2,300 ids, the empty tail
        const RawResponse json = raw(QStringLiteral("/v1/history/export?format=json"));
        QCOMPARE(QJsonDocument::fromJson(json.body)
                     .object()
                     .value(QStringLiteral("actions"))
                     .toArray()
                     .size(),
                 2305);
    }

    // Red team F7: every agent text a spreadsheet could run is defused in the CSV export (an
    // apostrophe first), "-2+3+cmd|…" and its look-alikes too; the JSON export keeps it as sent.
    void csvExportDefusesEveryFormula()
    {
        TestServer s;
        const auto [id, token] = s.openSession(QStringLiteral("poster"));
        const QStringList formulas{
            QStringLiteral("-2+3+cmd|' /C calc'!A0"),
            QStringLiteral("=HYPERLINK(\"http://evil\",\"open\")"),
            QStringLiteral("+HYPERLINK(\"http://evil\")"),
            QStringLiteral("@SUM(1+1)*cmd|' /C calc'!A0"),
            QStringLiteral("  =HYPERLINK(\"http://evil\")"),
            QString(QChar(0xFF1D)) + QStringLiteral("HYPERLINK(\"http://evil\")"),
        };
        QStringList actions;
        for (const QString &f : formulas) {
            QJsonObject body = sampleAction(QStringLiteral("shell.exec"), f);
            body.insert(QStringLiteral("target"), f);
            actions.append(s.submit(token, body));
            QVERIFY(!actions.last().isEmpty());
            QVERIFY(s.call(s.token(Role::Reviewer), "POST",
                           QStringLiteral("/v1/actions/%1/decision").arg(actions.last()),
                           decision(QStringLiteral("reject"), f))
                        .ok());
        }
        const auto fetch = [&s](const QByteArray &path) {
            return rawHttp(
                s.port(), rawRequest("GET", path, {},
                                     {"Authorization: Bearer " + s.token(Role::Manager).toUtf8()}));
        };
        const RawResponse csv = fetch("/v1/history/export?format=csv");
        QCOMPARE(csv.status, 200);
        const RawResponse json = fetch("/v1/history/export?format=json");
        const QJsonArray exported =
            QJsonDocument::fromJson(json.body).object().value(QStringLiteral("actions")).toArray();
        QCOMPARE(exported.size(), formulas.size());
        for (qsizetype i = 0; i < formulas.size(); ++i) {
            const QJsonObject item = byId(exported, actions[i]);
            // Title, target and comment: in the JSON as sent (whatever the server trimmed) ...
            const QString title = item.value(QStringLiteral("title")).toString();
            QVERIFY2(formulas[i].contains(title.trimmed()), qPrintable(title));
            QCOMPARE(item.value(QStringLiteral("target")).toString(), title);
            // ... and in the CSV each one starts with the apostrophe, inside the quotes.
            QByteArray line;
            for (const QByteArray &l : csv.body.split('\n')) {
                if (l.startsWith(actions[i].toUtf8()))
                    line = l;
            }
            QVERIFY(!line.isEmpty());
            QString quoted = title;
            quoted.replace(u'"', QStringLiteral("\"\""));
            const QByteArray defused = ('\'' + quoted).toUtf8();
            QVERIFY2(line.count(defused) >= 2, line.constData()); // title, target (comment)
            QVERIFY2(!line.contains(QByteArray(',' + quoted.toUtf8())) &&
                         !line.contains(QByteArray(",\"" + quoted.toUtf8())),
                     line.constData());
        }
    }

    // Red team F5: an action whose payload a reviewer edited is in history at the risk of what
    // was decided (the edit's), with the submission's kept beside it: JSON decided_risk next to
    // risk, the CSV's risk columns at the decided risk and two columns appended at the end with
    // the submitted one; risk_min filters on the decided risk, also after the migration.
    void historyShowsTheRiskOfWhatWasDecided()
    {
        TestServer s;
        const auto [id, token] = s.openSession(QStringLiteral("shell"));
        const QJsonObject risky{
            {QStringLiteral("command"), QStringLiteral("rm -rf / --no-preserve-root")}};
        const QJsonObject harmless{{QStringLiteral("command"), QStringLiteral("ls build/")}};
        // One made riskier by the edit, one made harmless; each needs a second approval after
        // the edit when either side is critical: the admin's, on the edited version.
        const auto editAndApprove = [&](const QJsonObject &submitted, const QJsonObject &edited) {
            QJsonObject body = sampleAction();
            body.insert(QStringLiteral("payload"), submitted);
            const QString action = s.submit(token, body);
            const ApiResult edit = s.call(s.token(Role::Reviewer), "POST",
                                          QStringLiteral("/v1/actions/%1/decision").arg(action),
                                          decision(QStringLiteral("edit"), {}, edited));
            if (!edit.ok())
                return QString();
            if (edit.body.value(QStringLiteral("status")).toString() == QLatin1String("pending")) {
                QJsonObject approve = decision(QStringLiteral("approve"));
                approve.insert(QStringLiteral("version"),
                               edit.body.value(QStringLiteral("version")));
                if (!s.call(s.token(Role::Admin), "POST",
                            QStringLiteral("/v1/actions/%1/decision").arg(action), approve)
                         .ok())
                    return QString();
            }
            return action;
        };
        const QString raised =
            editAndApprove(sampleAction().value(QStringLiteral("payload")).toObject(), risky);
        const QString lowered = editAndApprove(risky, harmless);
        QVERIFY(!raised.isEmpty() && !lowered.isEmpty());
        const auto action = [&s](const QString &a) {
            return s.call(s.token(Role::Admin), "GET", QStringLiteral("/v1/actions/") + a).body;
        };
        const QJsonObject raisedAction = action(raised), loweredAction = action(lowered);
        const auto score = [](const QJsonObject &a, const char *field) {
            return a.value(QLatin1String(field)).toObject().value(QStringLiteral("score")).toInt();
        };
        QVERIFY(score(raisedAction, "approved_risk") > score(raisedAction, "risk"));
        QVERIFY(score(loweredAction, "approved_risk") < score(loweredAction, "risk"));

        const auto listed = [&s](const QString &query) {
            QStringList out;
            for (const QJsonValue &v :
                 s.call(s.token(Role::Manager), "GET", QStringLiteral("/v1/history?") + query)
                     .body.value(QStringLiteral("actions"))
                     .toArray())
                out.append(v.toObject().value(QStringLiteral("id")).toString());
            return out;
        };
        const auto check = [&] {
            const QJsonArray items =
                s.call(s.token(Role::Manager), "GET", QStringLiteral("/v1/history"))
                    .body.value(QStringLiteral("actions"))
                    .toArray();
            for (const QJsonObject &a : {raisedAction, loweredAction}) {
                const QJsonObject item = byId(items, a.value(QStringLiteral("id")).toString());
                const QJsonObject decided = item.value(QStringLiteral("decided_risk")).toObject();
                const QJsonObject approved = a.value(QStringLiteral("approved_risk")).toObject();
                QCOMPARE(decided.value(QStringLiteral("score")),
                         approved.value(QStringLiteral("score")));
                QCOMPARE(decided.value(QStringLiteral("level")),
                         approved.value(QStringLiteral("level")));
                QCOMPARE(item.value(QStringLiteral("risk")), a.value(QStringLiteral("risk")));
            }
            // The filter: the decided risk, not the submitted one.
            const int raisedTo = score(raisedAction, "approved_risk");
            QVERIFY(listed(QStringLiteral("risk_min=%1").arg(raisedTo)).contains(raised));
            const int loweredFrom = score(loweredAction, "risk");
            QVERIFY(!listed(QStringLiteral("risk_min=%1").arg(loweredFrom)).contains(lowered));
            // The CSV: risk_score and risk_level decided, the submitted ones appended at the end.
            const RawResponse csv = rawHttp(
                s.port(), rawRequest("GET", "/v1/history/export?format=csv", {},
                                     {"Authorization: Bearer " + s.token(Role::Manager).toUtf8()}));
            const QList<QByteArray> lines = csv.body.trimmed().split('\n');
            QVERIFY(lines[0].trimmed().endsWith(
                "seen_view_sha256,submitted_risk_score,submitted_risk_level"));
            const QList<QByteArray> header = lines[0].trimmed().split(',');
            QCOMPARE(header.indexOf("risk_score"), 8);
            QCOMPARE(header.indexOf("risk_level"), 9);
            for (const QJsonObject &a : {raisedAction, loweredAction}) {
                QList<QByteArray> cells;
                for (const QByteArray &line : lines) {
                    if (line.startsWith(a.value(QStringLiteral("id")).toString().toUtf8()))
                        cells = line.trimmed().split(','); // no quoted commas in these rows
                }
                QCOMPARE(cells.size(), header.size());
                QCOMPARE(cells[8].toInt(), score(a, "approved_risk"));
                QCOMPARE(cells[header.size() - 2].toInt(), score(a, "risk"));
            }
        };
        check();
        if (QTest::currentTestFailed())
            return;

        // A database from before migration 10: the columns are added and filled from the JSON.
        withOutsideConnection(s.dbPath(), [](QSqlDatabase &db) {
            QSqlQuery q(db);
            if (!testingPostgres())
                QVERIFY(q.exec(QStringLiteral("DROP INDEX history_order")));
            for (const char *column : {"decided_risk", "decided_level"})
                QVERIFY2(q.exec(QStringLiteral("ALTER TABLE actions DROP COLUMN ") +
                                QLatin1String(column)),
                         qPrintable(q.lastError().text()));
            QVERIFY(q.exec(QStringLiteral("DELETE FROM schema_version WHERE version >= 10")));
        });
        s.restart();
        check();
    }

    // Red team F6: a history the database cannot give whole is an error, never a shorter list
    // or file. A column gone: every read is refused with 500 read_failed before any of it goes
    // out. A row that cannot be read past the first page of an export: the file ends with a
    // statement that it is incomplete and the response without its final chunk.
    void anUnreadableHistoryIsAnErrorNotAShorterList()
    {
        TestServer::Options options;
        options.limits.maxPendingPerSession = 1000;
        TestServer s(options);
        const auto [id, token] = s.openSession(QStringLiteral("flood"));
        for (int i = 0; i < 510; ++i) // past one page of either export (500 CSV, 120 JSON rows)
            QVERIFY(!s.submit(token, sampleAction()).isEmpty());
        QVERIFY(
            s.call(s.token(Role::Oncall), "POST", QStringLiteral("/v1/sessions/%1/kill").arg(id))
                .ok());
        const auto fetch = [&s](const QByteArray &path) {
            return rawHttp(
                s.port(), rawRequest("GET", path, {},
                                     {"Authorization: Bearer " + s.token(Role::Manager).toUtf8()}));
        };
        const auto damage = [&s](const QString &sql) {
            withOutsideConnection(s.dbPath(), [&sql](QSqlDatabase &db) {
                QSqlQuery q(db);
                QVERIFY2(q.exec(sql), qPrintable(q.lastError().text()));
            });
        };
        // The oldest decision is read last (one kill: the same time, newest seq first).
        const QString oldest = QStringLiteral(" WHERE seq = (SELECT min(seq) FROM actions)");

        // Its stored JSON broken: the page holding it and the JSON export fail, loudly.
        damage(QStringLiteral("UPDATE actions SET doc = substr(doc, 1, 40)") + oldest);
        QCOMPARE(s.call(s.token(Role::Manager), "GET", QStringLiteral("/v1/history")).status,
                 200); // the first 50 are whole
        const ApiResult page =
            s.call(s.token(Role::Manager), "GET",
                   QStringLiteral("/v1/history?limit=500&cursor=") +
                       s.call(s.token(Role::Manager), "GET", QStringLiteral("/v1/history?limit=50"))
                           .body.value(QStringLiteral("next_cursor"))
                           .toString());
        QCOMPARE(page.status, 500);
        QCOMPARE(page.error().code, QStringLiteral("read_failed"));
        const RawResponse json = fetch("/v1/history/export?format=json");
        QCOMPARE(json.status, 200); // the head went out with the first page
        QVERIFY(json.truncated);
        QVERIFY(json.body.startsWith("{\"actions\":[{"));
        QVERIFY2(json.body.endsWith(historyExportIncomplete(false)), json.body.right(300).data());
        QVERIFY(json.body.contains("\"incomplete\":true"));
        QJsonParseError error;
        QJsonDocument::fromJson(json.body, &error);
        QVERIFY(error.error != QJsonParseError::NoError); // no reader takes it for whole

        // Its outcome column garbled: the CSV export ends with a line saying it is incomplete.
        QVERIFY(!fetch("/v1/history/export?format=csv").truncated);
        damage(QStringLiteral("UPDATE actions SET outcome = 'garbled'") + oldest);
        const RawResponse csv = fetch("/v1/history/export?format=csv");
        QCOMPARE(csv.status, 200);
        QVERIFY(csv.truncated);
        const QList<QByteArray> lines = csv.body.trimmed().split('\n');
        QVERIFY2(lines.last().startsWith("\"INCOMPLETE EXPORT:"), lines.last().constData());
        QCOMPARE(lines.size(), 1 + 500 + 1); // the header, the first page, the statement

        // A column gone: nothing at all, a plain 500 (the head has not gone out yet).
        damage(QStringLiteral("ALTER TABLE actions RENAME COLUMN decided_by TO decided_by_x"));
        const ApiResult gone = s.call(s.token(Role::Manager), "GET", QStringLiteral("/v1/history"));
        QCOMPARE(gone.status, 500);
        QCOMPARE(gone.error().code, QStringLiteral("read_failed"));
        for (const QByteArray format : {"csv", "json"}) {
            const RawResponse r = fetch("/v1/history/export?format=" + format);
            QCOMPARE(r.status, 500);
            QVERIFY(!r.truncated);
            QCOMPARE(r.json()
                         .value(QStringLiteral("error"))
                         .toObject()
                         .value(QStringLiteral("code"))
                         .toString(),
                     QStringLiteral("read_failed"));
        }
    }
};

QTEST_MAIN(TestHistory)
#include "tst_history.moc"
