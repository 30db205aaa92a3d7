// Structured fields are bounded at submission (depth and values) so that every response that
// embeds them stays readable; and the clients say so loudly when an answer cannot be read.
// Real HTTP on loopback, real SQLite files, the real interlockctl and the console's window.
#include "core/JsonBounds.h"
#include "support/Daemon.h"
#include "support/TestServer.h"
#include "ui/ActionDetailView.h"
#include "ui/ConsoleBackend.h"
#include "ui/MainWindow.h"

#include <QAction>
#include <QBuffer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QSqlQuery>
#include <QTableView>
#include <QtTest>

using namespace interlock;
using namespace interlock::test;

namespace {
const Limits kLimits;

// Exactly `depth` levels, objects and arrays taking turns from the payload object (level 1)
// down, as JSON text: the test never depends on how Qt nests values it builds.
QByteArray objectsDeep(int depth)
{
    QByteArray text = depth % 2 ? "{\"leaf\":true}" : "[true]";
    for (int level = depth - 1; level >= 1; --level)
        text = level % 2 ? QByteArray("{\"o\":" + text + "}") : QByteArray("[" + text + "]");
    return text;
}

QJsonObject parsed(const QByteArray &text)
{
    return QJsonDocument::fromJson(text).object();
}

// The deepest nesting of a whole response body, as text (no parser involved).
int textDepth(const QByteArray &body)
{
    int depth = 0, deepest = 0;
    bool inString = false, escaped = false;
    for (const char c : body) {
        if (inString) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                inString = false;
            continue;
        }
        if (c == '"')
            inString = true;
        else if (c == '{' || c == '[')
            deepest = qMax(deepest, ++depth);
        else if (c == '}' || c == ']')
            --depth;
    }
    return deepest;
}

QByteArray submissionBody(const QByteArray &payload)
{
    return R"({"kind":"config.apply","title":"Apply a deep config","payload":)" + payload + "}";
}

struct Run {
    int exitCode = -1;
    QString out;
    QString err;
};

Run ctl(const QUrl &url, const QString &token, const QStringList &args)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("INTERLOCK_URL"), url.toString());
    env.insert(QStringLiteral("INTERLOCK_TOKEN"), token);
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(INTERLOCKCTL_PATH), args);
    if (!QTest::qWaitFor([&p] { return p.state() == QProcess::NotRunning; }, 20000))
        qWarning("interlockctl %s did not finish", qPrintable(args.join(QLatin1Char(' '))));
    return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}
} // namespace

class TestJsonBounds : public QObject
{
    Q_OBJECT

private:
    // Raw POST with a session token: the body is exactly these bytes.
    RawResponse post(TestServer &s, const QString &token, const QByteArray &path,
                     const QByteArray &body)
    {
        return rawHttp(s.port(), rawRequest("POST", path, body,
                                            {"Authorization: Bearer " + token.toUtf8(),
                                             "Content-Type: application/json"}));
    }

    // GETs `path` over HTTP and checks the answer parses, is not nested near Qt's limit, and
    // holds `payload` where `find` says.
    void checkReadable(TestServer &s, const QString &token, const QString &path)
    {
        ApiClient client(s.url(), token);
        const ApiResult r = client.call("GET", path);
        QVERIFY2(r.ok(), qPrintable(path + QStringLiteral(": ") + r.describe()));
        const int depth = measureJson(r.body).depth;
        qInfo("%-40s nesting %d of Qt's 1024", qPrintable(path), depth);
        QVERIFY2(depth <= kLimits.json.maxDepth + 8, qPrintable(path));
    }

private Q_SLOTS:
    void boundsAreMeasuredExactly()
    {
        QCOMPARE(measureJson(parsed(objectsDeep(1))).depth, 1);
        QCOMPARE(measureJson(parsed(objectsDeep(64))).depth, 64);
        QCOMPARE(measureJson(parsed(objectsDeep(65))).depth, 65);
        QVERIFY(checkJsonBounds(parsed(objectsDeep(64)), kLimits.json).isEmpty());
        QVERIFY(
            checkJsonBounds(parsed(objectsDeep(65)), kLimits.json).contains(QStringLiteral("64")));
        QJsonArray many;
        for (int i = 0; i < 19999; ++i)
            many.append(i);
        QCOMPARE(measureJson(QJsonObject{{QStringLiteral("ids"), many}}).nodes, 20001);
        QVERIFY(
            !checkJsonBounds(QJsonObject{{QStringLiteral("ids"), many}}, kLimits.json).isEmpty());
        many.removeLast();
        QVERIFY(
            checkJsonBounds(QJsonObject{{QStringLiteral("ids"), many}}, kLimits.json).isEmpty());
    }

    // The deepest accepted payload, submitted, edited by a reviewer to the deepest accepted
    // edit, decided, delivered, in history and exported: every answer parses, far from the limit.
    void deepestAcceptedPayloadIsReadableOnEveryRoute()
    {
        TestServer s;
        const int deepest = kLimits.json.maxDepth;
        const auto [sessionId, sessionToken] = s.openSession(QStringLiteral("deep"));
        const RawResponse created =
            post(s, sessionToken, "/v1/actions", submissionBody(objectsDeep(deepest)));
        QCOMPARE(created.status, 201);
        const QString id = created.json().value(QStringLiteral("id")).toString();
        QCOMPARE(measureJson(created.json().value(QStringLiteral("payload"))).depth, deepest);

        const QString reviewer = s.token(Role::Reviewer);
        const QString manager = s.token(Role::Manager);
        checkReadable(s, reviewer, QStringLiteral("/v1/actions"));
        checkReadable(s, reviewer, QStringLiteral("/v1/actions?status=pending&limit=500"));
        checkReadable(s, reviewer, QStringLiteral("/v1/actions/") + id);
        checkReadable(s, sessionToken, QStringLiteral("/v1/actions/") + id);

        // A reviewer's edit as deep as allowed: the decision answer embeds both payloads.
        const RawResponse edited =
            post(s, reviewer, "/v1/actions/" + id.toUtf8() + "/decision",
                 R"({"decision":"edit","payload":)" + objectsDeep(deepest) + "}");
        QCOMPARE(edited.status, 200);
        QVERIFY(!edited.json().isEmpty());
        QCOMPARE(measureJson(edited.json().value(QStringLiteral("approved_payload"))).depth,
                 deepest);

        // interlockctl wait first: an approval is given to one wait (a second fetch of the
        // decision says delivered_before, and interlockctl would not run it).
        const Run wait = ctl(s.url(), sessionToken, {QStringLiteral("wait"), id});
        QCOMPARE(wait.exitCode, 0);
        QCOMPARE(measureJson(parsed(wait.out.toUtf8())).depth, deepest);
        checkReadable(s, sessionToken, QStringLiteral("/v1/actions/%1/decision?wait=0").arg(id));
        checkReadable(s, reviewer, QStringLiteral("/v1/actions?status=approved"));
        checkReadable(s, reviewer, QStringLiteral("/v1/events?after=0"));
        checkReadable(s, sessionToken, QStringLiteral("/v1/sessions/%1/events").arg(sessionId));
        checkReadable(s, manager, QStringLiteral("/v1/history"));
        checkReadable(s, manager, QStringLiteral("/v1/audit"));

        // The JSON export, streamed: read whole, then parsed.
        ApiClient client(s.url(), manager);
        QBuffer file;
        file.open(QIODevice::WriteOnly);
        std::optional<ApiResult> done;
        client.download(QStringLiteral("/v1/history/export?format=json"), &file, {},
                        [&](const ApiResult &r) { done = r; });
        QTRY_VERIFY(done);
        QCOMPARE(done->status, 200);
        QJsonParseError error{};
        const QJsonDocument exported = QJsonDocument::fromJson(file.data(), &error);
        QCOMPARE(error.error, QJsonParseError::NoError);
        QCOMPARE(exported.object().value(QStringLiteral("actions")).toArray().size(), 1);
        QVERIFY(textDepth(file.data()) <= deepest + 8);
        qInfo("%-40s nesting %d of Qt's 1024", "/v1/history/export?format=json",
              textDepth(file.data()));

        // interlockctl reads them too.
        const Run list =
            ctl(s.url(), reviewer,
                {QStringLiteral("list"), QStringLiteral("--status"), QStringLiteral("all")});
        QCOMPARE(list.exitCode, 0);
        QVERIFY(list.out.contains(id));
    }

    void oneDeeperIsRefusedNamingTheField_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("says");
        const QByteArray rest = R"("kind":"config.apply","title":"t")";
        QTest::newRow("payload one level too deep")
            << submissionBody(objectsDeep(kLimits.json.maxDepth + 1)) << "payload"
            << "nested more than 64 levels";
        // The issue's attack: 1,022 levels still parse (under Qt's 1,024) and used to be stored.
        QTest::newRow("payload 1022 deep") << submissionBody(objectsDeep(1022)) << "payload"
                                           << "nested more than 64 levels";
        QByteArray wide = "{\"ids\":[";
        for (int i = 0; i < kLimits.json.maxNodes; ++i)
            wide += (i ? ",\"m" : "\"m") + QByteArray::number(i) + '"';
        wide += "]}";
        QTest::newRow("payload with too many values") << submissionBody(wide) << "payload"
                                                      << "more than 20000 values";
        QByteArray reasons = "[\"r\"]";
        for (int i = 0; i < kLimits.json.maxDepth; ++i)
            reasons = '[' + reasons + ']';
        QTest::newRow("risk too deep")
            << "{" + rest + R"(,"payload":{},"risk":{"reasons":)" + reasons + "}}"
            << "risk"
            << "nested more than 64 levels";
        QTest::newRow("changes too deep")
            << "{" + rest + R"(,"payload":{},"changes":)" + reasons + "}"
            << "changes"
            << "nested more than 64 levels";
    }

    void oneDeeperIsRefusedNamingTheField()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, field);
        QFETCH(QString, says);
        TestServer s;
        const auto session = s.openSession(QStringLiteral("deep"));
        const RawResponse r = post(s, session.second, "/v1/actions", body);
        QCOMPARE(r.status, 422);
        const QJsonObject error = r.json().value(QStringLiteral("error")).toObject();
        QCOMPARE(error.value(QStringLiteral("code")).toString(), QStringLiteral("invalid_field"));
        QCOMPARE(error.value(QStringLiteral("field")).toString(), field);
        QVERIFY2(error.value(QStringLiteral("message")).toString().contains(says),
                 qPrintable(error.value(QStringLiteral("message")).toString()));
        QCOMPARE(s.call(s.token(Role::Reviewer), "GET", QStringLiteral("/v1/actions"))
                     .body.value(QStringLiteral("actions"))
                     .toArray()
                     .size(),
                 0);
    }

    void editOneDeeperIsRefused()
    {
        TestServer s;
        const auto session = s.openSession(QStringLiteral("deep"));
        const QString id = s.submit(session.second, sampleAction());
        const RawResponse r =
            post(s, s.token(Role::Reviewer), "/v1/actions/" + id.toUtf8() + "/decision",
                 R"({"decision":"edit","payload":)" + objectsDeep(kLimits.json.maxDepth + 1) + "}");
        QCOMPARE(r.status, 422);
        QCOMPARE(r.json().value(QStringLiteral("error")).toObject().value(QStringLiteral("field")),
                 QJsonValue(QStringLiteral("payload")));
        QCOMPARE(s.call(s.token(Role::Reviewer), "GET", QStringLiteral("/v1/actions/") + id)
                     .body.value(QStringLiteral("status"))
                     .toString(),
                 QStringLiteral("pending"));
    }

    // The console lists the deepest accepted action, shows its payload whole, and approves it.
    void consoleShowsTheDeepestAcceptedAction()
    {
        TestServer s;
        const auto session = s.openSession(QStringLiteral("deep"));
        const RawResponse created = post(s, session.second, "/v1/actions",
                                         submissionBody(objectsDeep(kLimits.json.maxDepth)));
        QCOMPARE(created.status, 201);
        const QString id = created.json().value(QStringLiteral("id")).toString();
        ui::ConsoleBackend backend(s.url(), s.token(Role::Reviewer));
        ui::MainWindow window(&backend);
        window.show();
        backend.start();
        QTRY_COMPARE(window.selectedActionId(), id);
        QTRY_VERIFY(window.detailComplete());
        QVERIFY(window.queueProblemText().isEmpty());
        QCOMPARE(measureJson(parsed(window.detailView()->payloadText().toUtf8())).depth,
                 kLimits.json.maxDepth);
        window.approveAction()->trigger();
        QTRY_COMPARE(s.call(s.token(Role::Admin), "GET", QStringLiteral("/v1/actions/") + id)
                         .body.value(QStringLiteral("status"))
                         .toString(),
                     QStringLiteral("approved"));
    }

    // A database written before the bound (or by anything else) can still hold an action too
    // deep to list: the answer cannot be parsed, and every client says so instead of showing an
    // empty queue.
    void unreadableQueueIsAnErrorInCtlAndConsole()
    {
        TestServer s;
        const auto session = s.openSession(QStringLiteral("old"));
        const QString id = s.submit(session.second, sampleAction());
        QJsonObject stored =
            s.call(s.token(Role::Admin), "GET", QStringLiteral("/v1/actions/") + id).body;
        QByteArray doc = QJsonDocument(stored).toJson(QJsonDocument::Compact);
        const QByteArray payload = QJsonDocument(stored.value(QStringLiteral("payload")).toObject())
                                       .toJson(QJsonDocument::Compact);
        doc.replace(payload, objectsDeep(1022));
        withOutsideConnection(s.dbPath(), [&](QSqlDatabase &db) {
            QSqlQuery q(db);
            q.prepare(QStringLiteral("UPDATE actions SET doc = ? WHERE id = ?"));
            q.addBindValue(doc);
            q.addBindValue(id);
            QVERIFY(q.exec());
        });
        QVERIFY(textDepth("{\"actions\":[" + doc + "]}") > 1024);

        const Run list = ctl(s.url(), s.token(Role::Reviewer), {QStringLiteral("list")});
        QCOMPARE(list.exitCode, 1);
        QVERIFY2(list.err.contains(QStringLiteral("list failed: the server's answer could not be "
                                                  "read")),
                 qPrintable(list.err));
        QVERIFY(list.out.isEmpty());

        ui::ConsoleBackend backend(s.url(), s.token(Role::Reviewer));
        ui::MainWindow window(&backend);
        window.show();
        backend.start();
        QTRY_VERIFY(backend.isConnected());
        QTRY_VERIFY(!window.queueProblemText().isEmpty());
        QVERIFY2(window.queueProblemText().contains(QStringLiteral("could not be read")),
                 qPrintable(window.queueProblemText()));
        QVERIFY2(window.connectionText().contains(QStringLiteral("queue could not be loaded")),
                 qPrintable(window.connectionText()));
        QCOMPARE(window.queueView()->model()->rowCount(), 0);

        // Once the bad row is gone, the next load clears the notice.
        withOutsideConnection(s.dbPath(), [&](QSqlDatabase &db) {
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("DELETE FROM actions")));
        });
        const QString fresh = s.submit(s.openSession(QStringLiteral("new")).second, sampleAction());
        QVERIFY(!fresh.isEmpty()); // its event makes the console load the queue again
        QTRY_VERIFY(window.queueProblemText().isEmpty());
        QTRY_COMPARE(window.queueView()->model()->rowCount(), 1);
        QVERIFY(window.connectionText().startsWith(QStringLiteral("Connected")));
        QVERIFY(!window.connectionText().contains(QStringLiteral("could not")));
    }
    // The issue's request against the real interlockd: the 1,022-deep payload is refused; the
    // deepest accepted one leaves the queue readable by interlockctl and the client library.
    void theIssuesPayloadOverTheRealDaemon()
    {
        QTemporaryDir dir;
        const QString db = dir.filePath(QStringLiteral("deep.db"));
        const QString agent = createToken(db, QStringLiteral("agent"), QStringLiteral("bot"));
        const QString reviewer =
            createToken(db, QStringLiteral("reviewer"), QStringLiteral("reviewer-1"));
        QVERIFY(!agent.isEmpty() && !reviewer.isEmpty());
        Daemon daemon(db);
        QVERIFY2(daemon.start(), qPrintable(daemon.errorOutput()));
        const ApiResult opened =
            ApiClient(daemon.url(), agent)
                .call("POST", QStringLiteral("/v1/sessions"),
                      QJsonObject{{QStringLiteral("agent"), QStringLiteral("deep")}});
        QCOMPARE(opened.status, 201);
        const QByteArray session = opened.body.value(QStringLiteral("token")).toString().toUtf8();
        const auto submit = [&](int depth) {
            return rawHttp(
                quint16(daemon.url().port()),
                rawRequest("POST", "/v1/actions", submissionBody(objectsDeep(depth)),
                           {"Authorization: Bearer " + session, "Content-Type: application/json"}));
        };
        const RawResponse refused = submit(1022);
        QCOMPARE(refused.status, 422);
        QCOMPARE(refused.json()
                     .value(QStringLiteral("error"))
                     .toObject()
                     .value(QStringLiteral("field"))
                     .toString(),
                 QStringLiteral("payload"));
        const RawResponse accepted = submit(kLimits.json.maxDepth);
        QCOMPARE(accepted.status, 201);
        const QString id = accepted.json().value(QStringLiteral("id")).toString();

        const ApiResult listed =
            ApiClient(daemon.url(), reviewer).call("GET", QStringLiteral("/v1/actions"));
        QVERIFY2(listed.ok(), qPrintable(listed.describe()));
        QCOMPARE(listed.body.value(QStringLiteral("actions")).toArray().size(), 1);
        const Run list = ctl(daemon.url(), reviewer, {QStringLiteral("list")});
        QCOMPARE(list.exitCode, 0);
        QVERIFY2(list.out.contains(id), qPrintable(list.out + list.err));
        QCOMPARE(daemon.stop(), 0);
    }
};

QTEST_MAIN(TestJsonBounds)
#include "tst_jsonbounds.moc"
