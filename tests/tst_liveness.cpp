// The kill path proven alive (issue 16 §4) with the real interlockd and real `interlockctl run`
// processes: the supervisor answers the server's session.ping and the verified time advances; a
// SIGSTOPped supervisor is flagged (session.liveness_lost, "late", the console's warning) and
// restored when it runs again; the agent cannot answer a ping with its session token; the
// supervisor prints its state at start. And the Sessions panel's "Kill path" column, offscreen.
#include "support/Daemon.h"
#include "ui/ConsoleBackend.h"
#include "ui/SessionListModel.h"

#include <QHeaderView>
#include <QJsonArray>
#include <QProcess>
#include <QTableView>
#include <QtTest>
#include <csignal>

using namespace interlock;
using namespace interlock::test;

namespace {
QStringList fastPings(int intervalMs, int deadlineMs)
{
    return {QStringLiteral("--limit"), QStringLiteral("liveness-interval-ms=%1").arg(intervalMs),
            QStringLiteral("--limit"), QStringLiteral("liveness-deadline-ms=%1").arg(deadlineMs)};
}

QJsonObject sessionOf(Daemon &d, const QString &id)
{
    return d.call(d.token(Role::Oncall), "GET", QStringLiteral("/v1/sessions/") + id)
        .body.value(QStringLiteral("session"))
        .toObject();
}

QString onlySession(Daemon &d)
{
    const QJsonArray list = d.call(d.token(Role::Admin), "GET", QStringLiteral("/v1/sessions"))
                                .body.value(QStringLiteral("sessions"))
                                .toArray();
    return list.size() == 1 ? list.first().toObject().value(QStringLiteral("id")).toString()
                            : QString();
}

QStringList eventTypes(Daemon &d, const QString &sessionId)
{
    QStringList out;
    const QJsonArray events =
        d.call(d.token(Role::Admin), "GET", QStringLiteral("/v1/events?after=0"))
            .body.value(QStringLiteral("events"))
            .toArray();
    for (const QJsonValue &v : events) {
        const QJsonObject e = v.toObject();
        if (e.value(QStringLiteral("session_id")).toString() == sessionId)
            out.append(e.value(QStringLiteral("type")).toString());
    }
    return out;
}

QString writeScript(const QTemporaryDir &dir, const QString &name, const QByteArray &text)
{
    const QString path = dir.filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return {};
    f.write(text);
    f.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    return path;
}

// An agent that answers its supervisor's ping itself, with the session token it holds, and
// writes the server's status line to $1.
const QByteArray kPongingAgent = R"SH(#!/bin/bash
out=$1
hostport=${INTERLOCK_URL#http://}
body='{"ping":"0123456789abcdef0123456789abcdef"}'
exec 3<>/dev/tcp/${hostport%:*}/${hostport#*:}
printf 'POST /v1/sessions/%s/pong HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s' \
  "$INTERLOCK_SESSION_ID" "$INTERLOCK_SESSION_TOKEN" ${#body} "$body" >&3
head -n 1 <&3 > "$out.tmp"
mv "$out.tmp" "$out"
exec sleep 1000
)SH";
} // namespace

class TestLiveness : public QObject
{
    Q_OBJECT

private:
    void startSupervisor(QProcess &p, Daemon &d, const QStringList &command,
                         const QStringList &options = {})
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("INTERLOCK_URL"), d.url().toString());
        env.insert(QStringLiteral("INTERLOCK_TOKEN"), d.token(Role::Agent));
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(INTERLOCKCTL_PATH),
                QStringList{QStringLiteral("run"), QStringLiteral("--agent"),
                            QStringLiteral("mailer")} +
                    options + QStringList{QStringLiteral("--")} + command);
        QVERIFY(p.waitForStarted());
    }

    static void stopSupervisor(Daemon &d, QProcess &p, const QString &id)
    {
        ::kill(pid_t(p.processId()), SIGCONT);
        d.call(d.token(Role::Oncall), "POST", QStringLiteral("/v1/sessions/%1/kill").arg(id));
        QTRY_COMPARE_WITH_TIMEOUT(p.state(), QProcess::NotRunning, 15000);
    }

private Q_SLOTS:
    void theSupervisorPrintsItsStateAtStart()
    {
        Daemon d;
        QVERIFY(d.running());
        QProcess supervisor;
        startSupervisor(supervisor, d, {QStringLiteral("sleep"), QStringLiteral("600")},
                        {QStringLiteral("--dead-man"), QStringLiteral("7")});
        QByteArray err;
        QTRY_VERIFY_WITH_TIMEOUT(
            (err += supervisor.readAllStandardError()).contains("supervisor state:"), 15000);
        const QString line = QString::fromUtf8(err);
        QVERIFY2(line.contains(QStringLiteral("subreaper: set")), qPrintable(line));
        QVERIFY2(line.contains(QStringLiteral("dead-man: 7 s")), qPrintable(line));
        // Either the cgroup and that the agent is in it, or why none is used: never silent.
        static const QRegularExpression cgroup(QStringLiteral(
            "cgroup: (/sys/fs/cgroup/\\S+ \\(the agent is in it; killed with cgroup.kill\\)|"
            "not used \\(no cgroup v2 hierarchy this user may write to\\))"));
        QVERIFY2(cgroup.match(line).hasMatch(), qPrintable(line));
        stopSupervisor(d, supervisor, onlySession(d));
    }

    void answeredPingsAdvanceTheVerifiedTime()
    {
        Daemon d(fastPings(150, 3000));
        QVERIFY(d.running());
        QProcess supervisor;
        startSupervisor(supervisor, d, {QStringLiteral("sleep"), QStringLiteral("600")});
        QTRY_VERIFY_WITH_TIMEOUT(!onlySession(d).isEmpty(), 15000);
        const QString id = onlySession(d);
        QTRY_COMPARE_WITH_TIMEOUT(sessionOf(d, id).value(QStringLiteral("liveness")).toString(),
                                  QStringLiteral("ok"), 15000);
        const QString first =
            sessionOf(d, id).value(QStringLiteral("kill_path_verified_at")).toString();
        QVERIFY(first.endsWith(QLatin1Char('Z')));
        // Pinged again and answered again, without anything else happening.
        QTRY_VERIFY_WITH_TIMEOUT(
            sessionOf(d, id).value(QStringLiteral("kill_path_verified_at")).toString() > first,
            15000);
        QTRY_VERIFY_WITH_TIMEOUT(
            sessionOf(d, id).value(QStringLiteral("kill_path_verified_at")).toString() > first,
            15000);
        const QJsonObject s = sessionOf(d, id);
        QCOMPARE(s.value(QStringLiteral("liveness")).toString(), QStringLiteral("ok"));
        QVERIFY(s.value(QStringLiteral("kill_path_verified_ms_ago")).toInteger() < 3000);
        QVERIFY(!eventTypes(d, id).contains(QStringLiteral("session.liveness_lost")));
        QCOMPARE(d.metric("interlock_sessions_liveness_late"), 0);
        // The kill still comes through the same channel.
        stopSupervisor(d, supervisor, id);
        QVERIFY(supervisor.readAllStandardError().contains("the session was killed"));
    }

    void aStoppedSupervisorIsFlaggedAndTheConsoleWarns()
    {
        Daemon d(fastPings(200, 1000));
        QVERIFY(d.running());
        QProcess supervisor;
        startSupervisor(supervisor, d, {QStringLiteral("sleep"), QStringLiteral("600")});
        QTRY_VERIFY_WITH_TIMEOUT(!onlySession(d).isEmpty(), 15000);
        const QString id = onlySession(d);
        QTRY_COMPARE_WITH_TIMEOUT(sessionOf(d, id).value(QStringLiteral("liveness")).toString(),
                                  QStringLiteral("ok"), 15000);

        ui::ConsoleBackend console(d.url(), d.token(Role::Reviewer));
        console.start();
        QTRY_COMPARE(console.sessions()->rowCount(), 1);
        const QModelIndex killPath = console.sessions()->index(0, ui::SessionListModel::KillPath);
        static const QRegularExpression verified(QStringLiteral("^kill path verified \\d+ s ago$"));
        QTRY_VERIFY(verified.match(killPath.data().toString()).hasMatch());

        QCOMPARE(::kill(pid_t(supervisor.processId()), SIGSTOP), 0);
        QTRY_VERIFY_WITH_TIMEOUT(
            eventTypes(d, id).contains(QStringLiteral("session.liveness_lost")), 15000);
        QCOMPARE(sessionOf(d, id).value(QStringLiteral("liveness")).toString(),
                 QStringLiteral("late"));
        QCOMPARE(d.metric("interlock_sessions_liveness_late"), 1);
        // The console is told by the event and shows the warning.
        QTRY_VERIFY_WITH_TIMEOUT(killPath.data().toString().contains(
                                     QStringLiteral("the agent may be running unguarded")),
                                 10000);
        QCOMPARE(killPath.data(ui::SessionListModel::LivenessRole).toString(),
                 QStringLiteral("late"));
        QVERIFY(killPath.data(Qt::BackgroundRole).isValid());
        QVERIFY(d.errorOutput().contains(QStringLiteral("may be running unguarded")));

        // It runs again and answers: restored, once.
        QCOMPARE(::kill(pid_t(supervisor.processId()), SIGCONT), 0);
        QTRY_VERIFY_WITH_TIMEOUT(
            eventTypes(d, id).contains(QStringLiteral("session.liveness_restored")), 15000);
        QCOMPARE(sessionOf(d, id).value(QStringLiteral("liveness")).toString(),
                 QStringLiteral("ok"));
        QTRY_VERIFY_WITH_TIMEOUT(verified.match(killPath.data().toString()).hasMatch(), 10000);
        QCOMPARE(eventTypes(d, id).count(QStringLiteral("session.liveness_lost")), 1);
        stopSupervisor(d, supervisor, id);
    }

    void theAgentCannotAnswerThePingWithItsSessionToken()
    {
        Daemon d(fastPings(200, 60000));
        QVERIFY(d.running());
        // An agent under a real supervisor tries it over a plain socket.
        QTemporaryDir dir;
        const QString agent = writeScript(dir, QStringLiteral("agent.sh"), kPongingAgent);
        const QString answer = dir.filePath(QStringLiteral("answer"));
        QProcess supervisor;
        startSupervisor(supervisor, d, {agent, answer});
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(answer), 15000);
        QFile f(answer);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY2(f.readAll().startsWith("HTTP/1.1 403"), "the agent answered the ping");
        stopSupervisor(d, supervisor, onlySession(d));

        // And with the ping's real id: only the supervisor's credential is taken.
        const Daemon::Session s = d.openSession(QStringLiteral("agent"), true);
        const ApiResult control =
            d.call(s.supervisorToken, "GET",
                   QStringLiteral("/v1/sessions/%1/control?wait=5&pings=1").arg(s.id));
        const QString ping = control.body.value(QStringLiteral("ping"))
                                 .toObject()
                                 .value(QStringLiteral("id"))
                                 .toString();
        QVERIFY(!ping.isEmpty());
        const QString path = QStringLiteral("/v1/sessions/%1/pong").arg(s.id);
        const ApiResult refused =
            d.call(s.token, "POST", path, QJsonObject{{QStringLiteral("ping"), ping}});
        QCOMPARE(refused.status, 403);
        QCOMPARE(sessionOf(d, s.id).value(QStringLiteral("liveness")).toString(),
                 QStringLiteral("unknown"));
        QCOMPARE(
            d.call(s.supervisorToken, "POST", path, QJsonObject{{QStringLiteral("ping"), ping}})
                .status,
            200);
        QCOMPARE(sessionOf(d, s.id).value(QStringLiteral("liveness")).toString(),
                 QStringLiteral("ok"));
    }

    void theKillPathColumn()
    {
        ui::SessionListModel model;
        qint64 now = 1000;
        model.setMonotonicClock([&now] { return now; });
        const auto session = [](const QString &status, const QJsonObject &extra) {
            QJsonObject s{{QStringLiteral("id"),
                           QString(status + extra.value(QStringLiteral("liveness")).toString())},
                          {QStringLiteral("agent"), QStringLiteral("mailer")},
                          {QStringLiteral("status"), status},
                          {QStringLiteral("supervised"), true}};
            for (auto it = extra.begin(); it != extra.end(); ++it)
                s.insert(it.key(), it.value());
            return s;
        };
        model.reset({
            session(QStringLiteral("active"),
                    {{QStringLiteral("liveness"), QStringLiteral("ok")},
                     {QStringLiteral("kill_path_verified_ms_ago"), 4200}}),
            session(QStringLiteral("active"),
                    {{QStringLiteral("liveness"), QStringLiteral("late")},
                     {QStringLiteral("kill_path_verified_ms_ago"), 31000}}),
            session(QStringLiteral("active"),
                    {{QStringLiteral("liveness"), QStringLiteral("unknown")},
                     {QStringLiteral("kill_path_verified_ms_ago"), QJsonValue(QJsonValue::Null)}}),
            session(QStringLiteral("active"), QJsonObject{{QStringLiteral("supervised"), false}}),
            session(QStringLiteral("killed"), QJsonObject()),
        });
        const auto text = [&](int row) {
            return model.index(row, ui::SessionListModel::KillPath).data().toString();
        };
        QCOMPARE(model.headerData(ui::SessionListModel::KillPath, Qt::Horizontal).toString(),
                 QStringLiteral("Kill path"));
        QCOMPARE(text(0), QStringLiteral("kill path verified 4 s ago"));
        QCOMPARE(text(1), QStringLiteral("⚠ supervisor not answering (verified 31 s ago): the "
                                         "agent may be running unguarded"));
        QCOMPARE(text(2), QStringLiteral("kill path not verified yet"));
        QCOMPARE(text(3), QStringLiteral("not supervised"));
        QCOMPARE(text(4), QString());
        QVERIFY(!model.index(0, ui::SessionListModel::KillPath).data(Qt::BackgroundRole).isValid());
        QVERIFY(model.index(1, ui::SessionListModel::KillPath).data(Qt::BackgroundRole).isValid());
        QVERIFY(model.index(1, ui::SessionListModel::KillPath).data(Qt::ToolTipRole).isValid());
        // The age moves on between reads of the server.
        now += 3000;
        QCOMPARE(text(0), QStringLiteral("kill path verified 7 s ago"));

        // Shown in a real (offscreen) table: the column is there with its text.
        QTableView view;
        view.setModel(&model);
        view.resize(1200, 300);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QCOMPARE(view.model()->columnCount(), int(ui::SessionListModel::ColumnCount));
        QVERIFY(!view.isColumnHidden(ui::SessionListModel::KillPath));
        QVERIFY(view.columnWidth(ui::SessionListModel::KillPath) > 0);
        QVERIFY(!view.grab().isNull());
    }
};

QTEST_MAIN(TestLiveness)
#include "tst_liveness.moc"
