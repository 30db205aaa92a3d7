// GET /v1/metrics: Prometheus text format, checked by Debian's `promtool check metrics`
// (package prometheus, installed by scripts/setup), with the figures of real activity.
#include "support/TestServer.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QtTest>

using namespace interlock;
using namespace interlock::test;

namespace {
QByteArray rulesWithFlood()
{
    QFile f(QStringLiteral(":/risk/rules.json"));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("no built-in rules");
    QJsonObject root = QJsonDocument::fromJson(f.readAll()).object();
    root.insert(QStringLiteral("breakers"),
                QJsonArray{QJsonObject{{QStringLiteral("id"), QStringLiteral("flood")},
                                       {QStringLiteral("measure"), QStringLiteral("submissions")},
                                       {QStringLiteral("more_than"), 5},
                                       {QStringLiteral("window_seconds"), 1},
                                       {QStringLiteral("action"), QStringLiteral("freeze")}}});
    return QJsonDocument(root).toJson();
}
} // namespace

class TestMetrics : public QObject
{
    Q_OBJECT

private:
    static QByteArray scrape(TestServer &s, const QString &token, int *status = nullptr)
    {
        const RawResponse r =
            rawHttp(s.port(), rawRequest("GET", "/v1/metrics", {},
                                         {"Authorization: Bearer " + token.toLatin1()}));
        if (status)
            *status = r.status;
        if (r.status == 200 &&
            !r.head.toLower().contains("content-type: text/plain; version=0.0.4"))
            qWarning("unexpected content type: %s", r.head.constData());
        return r.body;
    }
    static double value(const QByteArray &text, const QString &series)
    {
        const QRegularExpression re(QLatin1Char('\n') + QRegularExpression::escape(series) +
                                    QStringLiteral(" ([0-9.e+-]+)\n"));
        const auto m = re.match(QLatin1Char('\n') + QString::fromUtf8(text));
        return m.hasMatch() ? m.captured(1).toDouble() : -1;
    }

private Q_SLOTS:
    void promtoolAcceptsItAndTheFiguresAreRight()
    {
        const QString promtool = QStandardPaths::findExecutable(QStringLiteral("promtool"));
        if (promtool.isEmpty())
            QFAIL("promtool is missing: install Debian's 'prometheus' package (scripts/setup "
                  "does); this test validates /v1/metrics with `promtool check metrics`.");

        TestServer::Options o;
        o.manualClock = true;
        o.riskRules = rulesWithFlood();
        TestServer s(o);
        const auto [sid, token] = s.openSession(QStringLiteral("janitor"));
        QStringList ids;
        for (int i = 0; i < 3; ++i)
            ids.append(s.submit(token, sampleAction())); // low
        QJsonObject high = sampleAction();
        high.insert(QStringLiteral("payload"),
                    QJsonObject{{QStringLiteral("command"), QStringLiteral("rm -rf /srv/x")}});
        ids.append(s.submit(token, high));
        s.clock()->advance(30 * 1000);
        const QString reviewer = s.token(Role::Reviewer);
        QCOMPARE(s.call(reviewer, "POST", QStringLiteral("/v1/actions/%1/decision").arg(ids[0]),
                        QJsonObject{{QStringLiteral("decision"), QStringLiteral("approve")}})
                     .status,
                 200);
        QCOMPARE(s.call(reviewer, "POST", QStringLiteral("/v1/actions/%1/decision").arg(ids[1]),
                        QJsonObject{{QStringLiteral("decision"), QStringLiteral("reject")},
                                    {QStringLiteral("comment"), QStringLiteral("no")}})
                     .status,
                 200);
        // A receipt violation, a breaker trip, a kill and its termination report.
        s.call(token, "POST", QStringLiteral("/v1/actions/%1/receipt").arg(ids[2]),
               QJsonObject{{QStringLiteral("outcome"), QStringLiteral("succeeded")},
                           {QStringLiteral("payload_sha256"), QString(64, QLatin1Char('b'))}});
        const auto [sid2, token2] = s.openSession(QStringLiteral("chatty"));
        for (int i = 0; i < 6; ++i)
            s.call(token2, "POST", QStringLiteral("/v1/actions"), sampleAction());
        // The death report comes from the supervisor (its own credential, issue #17).
        const TestServer::Supervised doomed = s.openSupervisedSession(QStringLiteral("doomed"));
        const QString &sid3 = doomed.id;
        QCOMPARE(
            s.call(s.token(Role::Oncall), "POST", QStringLiteral("/v1/sessions/%1/kill").arg(sid3))
                .status,
            200);
        QCOMPARE(s.call(doomed.supervisorToken, "POST",
                        QStringLiteral("/v1/sessions/%1/terminated").arg(sid3),
                        QJsonObject{{QStringLiteral("kill_latency_ms"), 17.5},
                                    {QStringLiteral("reaped"), 3}})
                     .status,
                 200);

        int status = 0;
        const QByteArray text = scrape(s, s.token(Role::Manager), &status);
        QCOMPARE(status, 200);
        QTemporaryDir dir;
        QFile out(dir.filePath(QStringLiteral("metrics.txt")));
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(text);
        out.close();
        QProcess check;
        check.setStandardInputFile(out.fileName());
        check.start(promtool, {QStringLiteral("check"), QStringLiteral("metrics")});
        QVERIFY(check.waitForFinished(30000));
        const QByteArray said = check.readAllStandardOutput() + check.readAllStandardError();
        QVERIFY2(check.exitCode() == 0 && said.trimmed().isEmpty(),
                 qPrintable(QStringLiteral("promtool check metrics: ") + QString::fromUtf8(said) +
                            QStringLiteral("\n---\n") + QString::fromUtf8(text)));

        // The figures: 2 low pending (janitor) + 5 low (chatty) , 1 high pending.
        QCOMPARE(value(text, QStringLiteral("interlock_queue_depth{level=\"low\"}")), 6.0);
        QCOMPARE(value(text, QStringLiteral("interlock_queue_depth{level=\"high\"}")), 1.0);
        QCOMPARE(value(text, QStringLiteral("interlock_decisions_total{outcome=\"approved\"}")),
                 1.0);
        QCOMPARE(value(text, QStringLiteral("interlock_decisions_total{outcome=\"rejected\"}")),
                 1.0);
        QCOMPARE(value(text, QStringLiteral("interlock_time_to_decision_seconds_count")), 2.0);
        QCOMPARE(
            value(text, QStringLiteral("interlock_time_to_decision_seconds_bucket{le=\"15\"}")),
            0.0);
        QCOMPARE(
            value(text, QStringLiteral("interlock_time_to_decision_seconds_bucket{le=\"30\"}")),
            2.0);
        QCOMPARE(value(text, QStringLiteral("interlock_receipt_violations_total")), 1.0);
        QCOMPARE(
            value(text, QStringLiteral(
                            "interlock_breaker_trips_total{rule=\"flood\",action=\"freeze\"}")),
            1.0);
        QCOMPARE(value(text, QStringLiteral("interlock_freezes_active")), 1.0);
        QCOMPARE(value(text, QStringLiteral("interlock_kills_total")), 1.0);
        QCOMPARE(value(text, QStringLiteral("interlock_kill_latency_seconds_count")), 1.0);
        QCOMPARE(value(text, QStringLiteral("interlock_kill_latency_seconds_bucket{le=\"0.02\"}")),
                 1.0);
        QCOMPARE(value(text, QStringLiteral("interlock_kill_latency_seconds_bucket{le=\"0.01\"}")),
                 0.0);
        QVERIFY(value(text, QStringLiteral("interlock_store_commit_seconds_count")) > 5);
        QCOMPARE(value(text, QStringLiteral("interlock_webhooks_sent_total")), 0.0);

        // User roles only.
        scrape(s, token, &status);
        QCOMPARE(status, 403);
        scrape(s, s.token(Role::Agent), &status);
        QCOMPARE(status, 403);
        scrape(s, QStringLiteral("nope"), &status);
        QCOMPARE(status, 401);
        for (Role r : {Role::Reviewer, Role::Oncall, Role::Admin}) {
            scrape(s, s.token(r), &status);
            QCOMPARE(status, 200);
        }
        Q_UNUSED(sid);
        Q_UNUSED(sid2);
    }
};

QTEST_GUILESS_MAIN(TestMetrics)
#include "tst_metrics.moc"
