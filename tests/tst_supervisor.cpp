// `interlockctl run` with real processes: a killed session leaves no process of its agent alive.
#include "support/TestServer.h"

#include <QDir>
#include <QProcess>
#include <QRegularExpression>
#include <QtTest>
#include <algorithm>
#include <csignal>

using namespace interlock;
using namespace interlock::test;

namespace {
const QString kTreeAgent = QStringLiteral(SOURCE_DIR "/tests/data/tree-agent.sh");

// Every process whose environment names this session: what "no process of it is left" checks.
QList<int> processesOfSession(const QString &sessionId)
{
    QList<int> out;
    const QByteArray needle = "INTERLOCK_SESSION_ID=" + sessionId.toUtf8();
    for (const QString &entry :
         QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        bool ok = false;
        const int pid = entry.toInt(&ok);
        QFile environ(QStringLiteral("/proc/%1/environ").arg(entry));
        if (ok && environ.open(QIODevice::ReadOnly) &&
            environ.readAll().split('\0').contains(needle))
            out.append(pid);
    }
    return out;
}

bool alive(int pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return false;
    const QByteArray line = stat.readAll();
    return line.mid(line.lastIndexOf(')') + 2, 1) != "Z";
}

QStringList lines(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(f.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
}
} // namespace

class TestSupervisor : public QObject
{
    Q_OBJECT

private:
    void startSupervisor(QProcess &p, const QUrl &url, const QString &enrollment,
                         const QStringList &options, const QStringList &command)
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("INTERLOCK_URL"), url.toString());
        env.insert(QStringLiteral("INTERLOCK_TOKEN"), enrollment);
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(INTERLOCKCTL_PATH), QStringList{QStringLiteral("run")} + options +
                                                       QStringList{QStringLiteral("--")} + command);
        QVERIFY(p.waitForStarted());
    }

    static QString onlySession(TestServer &s)
    {
        const QJsonArray list = s.call(s.token(Role::Admin), "GET", QStringLiteral("/v1/sessions"))
                                    .body.value(QStringLiteral("sessions"))
                                    .toArray();
        return list.size() == 1 ? list.first().toObject().value(QStringLiteral("id")).toString()
                                : QString();
    }

private Q_SLOTS:
    void killLeavesNoProcessAlive_data()
    {
        QTest::addColumn<int>("graceMs");
        QTest::newRow("SIGKILL at once") << 0;
        QTest::newRow("SIGTERM, 150 ms grace, SIGKILL") << 150;
    }
    void killLeavesNoProcessAlive()
    {
        QFETCH(int, graceMs);
        TestServer s;
        QTemporaryDir dir;
        const QString pids = dir.filePath(QStringLiteral("pids"));
        QProcess supervisor;
        startSupervisor(supervisor, s.url(), s.token(Role::Agent),
                        {QStringLiteral("--agent"), QStringLiteral("tree"),
                         QStringLiteral("--grace-ms"), QString::number(graceMs)},
                        {kTreeAgent, pids});
        QTRY_VERIFY_WITH_TIMEOUT(lines(pids).contains(QStringLiteral("ready")), 10000);
        const QString sessionId = onlySession(s);
        QVERIFY(!sessionId.isEmpty());
        QList<int> tree;
        for (const QString &l : lines(pids))
            if (l != QLatin1String("ready"))
                tree.append(l.toInt());
        // Every process of the tree is seen carrying the session. Accumulated, because one read
        // of /proc/PID/environ comes back empty while that process is inside execve(): a plain
        // count flickered, and QTRY evaluates its condition twice.
        QSet<int> seen;
        const auto wholeTreeSeen = [&] {
            for (int pid : processesOfSession(sessionId))
                seen.insert(pid);
            return std::all_of(tree.cbegin(), tree.cend(),
                               [&seen](int pid) { return seen.contains(pid); });
        };
        QTRY_VERIFY(wholeTreeSeen());

        const ApiResult kill = s.call(s.token(Role::Oncall), "POST",
                                      QStringLiteral("/v1/sessions/%1/kill").arg(sessionId));
        QCOMPARE(kill.status, 200);
        QTRY_COMPARE_WITH_TIMEOUT(supervisor.state(), QProcess::NotRunning, 15000);
        QCOMPARE(supervisor.exitCode(), 137);
        for (int pid : tree)
            QVERIFY2(!alive(pid), qPrintable(QStringLiteral("pid %1 survived the kill").arg(pid)));
        QCOMPARE(processesOfSession(sessionId), QList<int>());

        const QJsonObject session =
            s.call(s.token(Role::Admin), "GET", QStringLiteral("/v1/sessions/") + sessionId)
                .body.value(QStringLiteral("session"))
                .toObject();
        QCOMPARE(session.value(QStringLiteral("status")).toString(), QStringLiteral("terminated"));
        QVERIFY(session.value(QStringLiteral("reaped")).toInt() >= 1);
        QVERIFY(session.value(QStringLiteral("kill_latency_ms")).toDouble() > 0);
        qInfo("grace %d ms: %d processes in the tree, kill latency %.2f ms", graceMs,
              int(tree.size()), session.value(QStringLiteral("kill_latency_ms")).toDouble());
    }

    void agentThatExitsEndsTheSessionWithItsCode()
    {
        TestServer s;
        QTemporaryDir dir;
        const QString envFile = dir.filePath(QStringLiteral("env"));
        QProcess supervisor;
        // The agent leaves a background process behind and exits 7.
        startSupervisor(supervisor, s.url(), s.token(Role::Agent),
                        {QStringLiteral("--agent"), QStringLiteral("short")},
                        {QStringLiteral("/bin/sh"), QStringLiteral("-c"),
                         QStringLiteral("env > '%1'; sleep 1000 & exit 7").arg(envFile)});
        QTRY_COMPARE_WITH_TIMEOUT(supervisor.state(), QProcess::NotRunning, 15000);
        QCOMPARE(supervisor.exitCode(), 7);
        const QStringList env = lines(envFile);
        const QString sessionId = onlySession(s);
        QVERIFY(env.contains(QStringLiteral("INTERLOCK_SESSION_ID=") + sessionId));
        QVERIFY(env.contains(QStringLiteral("INTERLOCK_URL=") + s.url().toString()));
        QVERIFY(std::any_of(env.cbegin(), env.cend(), [](const QString &l) {
            return l.startsWith(QStringLiteral("INTERLOCK_SESSION_TOKEN=ilk_"));
        }));
        QVERIFY2(!std::any_of(env.cbegin(), env.cend(),
                              [](const QString &l) {
                                  return l.startsWith(QStringLiteral("INTERLOCK_TOKEN="));
                              }),
                 "the agent must never see the enrollment token");
        QCOMPARE(processesOfSession(sessionId), QList<int>());
        const QJsonObject session =
            s.call(s.token(Role::Admin), "GET", QStringLiteral("/v1/sessions/") + sessionId)
                .body.value(QStringLiteral("session"))
                .toObject();
        QCOMPARE(session.value(QStringLiteral("status")).toString(), QStringLiteral("ended"));
        QCOMPARE(session.value(QStringLiteral("exit_code")).toInt(), 7);
    }

    void aCommandThatCannotStartIsReported()
    {
        TestServer s;
        QProcess supervisor;
        startSupervisor(supervisor, s.url(), s.token(Role::Agent),
                        {QStringLiteral("--agent"), QStringLiteral("ghost")},
                        {QStringLiteral("/nonexistent/agent")});
        QTRY_COMPARE_WITH_TIMEOUT(supervisor.state(), QProcess::NotRunning, 15000);
        QCOMPARE(supervisor.exitCode(), 1);
        QVERIFY(supervisor.readAllStandardError().contains("cannot run /nonexistent/agent"));
        QCOMPARE(s.call(s.token(Role::Admin), "GET", QStringLiteral("/v1/sessions?status=ended"))
                     .body.value(QStringLiteral("sessions"))
                     .toArray()
                     .size(),
                 1);
    }

    void deadManKillsTheAgentWhenTheServerIsGone()
    {
        QTemporaryDir dir;
        const QString db = freshDatabase(dir, QStringLiteral("d.db"));
        QProcess ctl;
        ctl.start(QStringLiteral(INTERLOCKCTL_PATH),
                  {QStringLiteral("token"), QStringLiteral("create"), QStringLiteral("--db"), db,
                   QStringLiteral("--role"), QStringLiteral("agent"), QStringLiteral("--name"),
                   QStringLiteral("e")});
        QVERIFY(ctl.waitForFinished());
        const QString enrollment = QString::fromUtf8(ctl.readAllStandardOutput()).trimmed();
        QProcess daemon;
        daemon.start(QStringLiteral(INTERLOCKD_PATH),
                     {QStringLiteral("--db"), db, QStringLiteral("--listen"),
                      QStringLiteral("127.0.0.1:0")});
        QVERIFY(daemon.waitForReadyRead(10000));
        const auto m = QRegularExpression(QStringLiteral("(http://\\S+)"))
                           .match(QString::fromUtf8(daemon.readAllStandardOutput()));
        QVERIFY(m.hasMatch());

        const QString pids = dir.filePath(QStringLiteral("pids"));
        QProcess supervisor;
        startSupervisor(supervisor, QUrl(m.captured(1)), enrollment,
                        {QStringLiteral("--agent"), QStringLiteral("lonely"),
                         QStringLiteral("--dead-man"), QStringLiteral("1")},
                        {kTreeAgent, pids});
        QTRY_VERIFY_WITH_TIMEOUT(lines(pids).contains(QStringLiteral("ready")), 10000);
        ::kill(pid_t(daemon.processId()), SIGKILL);
        QTRY_COMPARE_WITH_TIMEOUT(supervisor.state(), QProcess::NotRunning, 15000);
        QCOMPARE(supervisor.exitCode(), 137);
        QVERIFY(supervisor.readAllStandardError().contains("dead-man"));
        for (const QString &l : lines(pids))
            if (l != QLatin1String("ready"))
                QVERIFY2(!alive(l.toInt()), qPrintable(l + QStringLiteral(" survived")));
    }
};

QTEST_GUILESS_MAIN(TestSupervisor)
#include "tst_supervisor.moc"
