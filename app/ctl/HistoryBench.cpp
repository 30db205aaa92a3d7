#include "HistoryBench.h"

#include "BenchReport.h"
#include "CtlCommon.h"
#include "core/Timestamp.h"
#include "server/ServerThread.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTcpSocket>
#include <QUrl>

namespace interlock::ctl {

namespace {
struct Fetched {
    int status = 0;
    qint64 bodyBytes = 0;
    qint64 lines = 0; // newlines in the (de-chunked) body
    QByteArray body;  // kept up to 1 MiB
    double ms = 0;
};

// One GET on a fresh connection, read to the end; chunked bodies are de-chunked as they arrive
// so a 300 MB export is counted, not held.
Fetched fetch(quint16 port, const QString &token, const QString &path)
{
    Fetched f;
    QElapsedTimer timer;
    timer.start();
    QTcpSocket socket;
    socket.connectToHost(QStringLiteral("127.0.0.1"), port);
    if (!socket.waitForConnected(5000))
        return f;
    socket.write("GET " + QUrl(path).toEncoded() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
                 "Authorization: Bearer " + token.toUtf8() + "\r\nConnection: close\r\n\r\n");
    QByteArray buffer;
    bool inBody = false, chunked = false, done = false;
    qint64 chunkLeft = -1, contentLength = -1;
    const auto take = [&](QByteArrayView data) {
        f.bodyBytes += data.size();
        f.lines += data.count('\n');
        if (f.body.size() < (1 << 20))
            f.body += data.first(qMin<qsizetype>(data.size(), (1 << 20) - f.body.size()));
    };
    while (!done && (socket.bytesAvailable() > 0 || socket.waitForReadyRead(30000))) {
        buffer += socket.readAll();
        if (!inBody) {
            const qsizetype end = buffer.indexOf("\r\n\r\n");
            if (end < 0)
                continue;
            const QByteArray head = buffer.left(end).toLower();
            f.status = head.mid(9, 3).toInt();
            chunked = head.contains("transfer-encoding: chunked");
            const qsizetype cl = head.indexOf("content-length:");
            if (cl >= 0)
                contentLength =
                    head.mid(cl + 15, head.indexOf('\r', cl) - cl - 15).trimmed().toLongLong();
            buffer.remove(0, end + 4);
            inBody = true;
        }
        if (!chunked) {
            take(buffer);
            buffer.clear();
            done = contentLength >= 0 && f.bodyBytes >= contentLength;
            continue;
        }
        qsizetype at = 0; // parse by offset: no copying of a large buffer per chunk
        for (;;) {
            if (chunkLeft < 0) {
                const qsizetype eol = buffer.indexOf("\r\n", at);
                if (eol < 0)
                    break;
                chunkLeft = buffer.mid(at, eol - at).toLongLong(nullptr, 16);
                at = eol + 2;
                if (chunkLeft == 0) {
                    done = true;
                    break;
                }
            }
            const qint64 n = qMin<qint64>(chunkLeft, buffer.size() - at);
            take(QByteArrayView(buffer).sliced(at, n));
            at += n;
            chunkLeft -= n;
            if (chunkLeft > 0 || buffer.size() - at < 2)
                break;
            at += 2; // the chunk's CRLF
            chunkLeft = -1;
        }
        buffer.remove(0, at);
    }
    f.ms = double(timer.nsecsElapsed()) / 1e6;
    return f;
}

QString ms(double v)
{
    return formatNumber(v, v < 10 ? 2 : 1) + QStringLiteral(" ms");
}
QString perSecond(double n, double msTaken)
{
    return formatNumber(n * 1000.0 / qMax(0.001, msTaken)) + QStringLiteral("/s");
}

struct Ceilings {
    qint64 rows = 0;
    double readMs = 0;
    qint64 entries = 0;
    double hashMs = 0;
};

// Straight from SQLite in this process: every decided row's id and JSON in export order, and
// SHA-256 over every audit entry's data (the hashing a verify cannot avoid).
Ceilings measureCeilings(const QString &path)
{
    Ceilings c;
    {
        QSqlDatabase db =
            QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("bench-ceiling"));
        db.setDatabaseName(path);
        db.open();
        QSqlQuery q(db);
        q.setForwardOnly(true);
        QElapsedTimer t;
        t.start();
        q.exec(QStringLiteral("SELECT id, doc FROM actions WHERE decided_at IS NOT NULL ORDER BY "
                              "decided_at DESC, seq DESC"));
        qint64 sink = 0;
        while (q.next()) {
            sink += q.value(0).toString().size() + q.value(1).toByteArray().size();
            ++c.rows;
        }
        c.readMs = double(t.nsecsElapsed()) / 1e6;
        t.restart();
        q.exec(QStringLiteral("SELECT prev_hash, data FROM audit ORDER BY seq"));
        while (q.next()) {
            QCryptographicHash h(QCryptographicHash::Sha256);
            h.addData(q.value(0).toByteArray());
            h.addData(q.value(1).toByteArray());
            sink += h.result().at(0);
            ++c.entries;
        }
        c.hashMs = double(t.nsecsElapsed()) / 1e6;
        q.finish();
        if (sink == 42)
            out(QString());
    }
    QSqlDatabase::removeDatabase(QStringLiteral("bench-ceiling"));
    return c;
}
} // namespace

int runHistoryBench(const QString &db, int repeats)
{
    if (!QFileInfo(db).isFile())
        return fail(QStringLiteral("bench history: no database at %1 (make one with "
                                   "'interlockctl history generate --db %1')")
                        .arg(db),
                    Usage);
    ServerThread server(db, QHostAddress::LocalHost, 0);
    server.start();
    if (!server.waitUntilReady())
        return fail(QStringLiteral("bench history: ") + server.error());
    const quint16 port = server.port();
    const QString token = server.adminToken();

    // The ceilings first: reading everything once also warms the page cache, so every measure
    // below runs against a warm cache (a cold first read of 1.5 GB measures the disk instead).
    const Ceilings c = measureCeilings(db);
    std::vector<std::pair<QString, QString>> rows;
    const auto timeRepeated = [&](const QString &label, const QString &path, int n) {
        std::vector<double> times;
        int status = 0;
        qint64 items = 0;
        for (int i = 0; i < n; ++i) {
            const Fetched f = fetch(port, token, path);
            status = f.status;
            times.push_back(f.ms);
            items = QJsonDocument::fromJson(f.body)
                        .object()
                        .value(QStringLiteral("actions"))
                        .toArray()
                        .size();
        }
        if (status != 200)
            out(QStringLiteral("warning: %1 answered %2").arg(path).arg(status));
        rows.push_back({label + QStringLiteral(" (p50)"), ms(percentile(times, 0.5))});
        rows.push_back({label + QStringLiteral(" (max)"), ms(percentile(times, 1.0))});
        return items;
    };

    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const QString since90 = toRfc3339(now - 90LL * 86'400'000);
    const qint64 got = timeRepeated(
        QStringLiteral("history page: agent + status + last 90 days, 50 rows"),
        QStringLiteral("/v1/history?agent=agent-07&status=rejected&from=%1&limit=50").arg(since90),
        repeats);
    timeRepeated(QStringLiteral("history page: risk >= 90 (matches none), last 30 days"),
                 QStringLiteral("/v1/history?risk_min=90&limit=100&from=") +
                     toRfc3339(now - 30LL * 86'400'000),
                 repeats);
    timeRepeated(QStringLiteral("history page: one reviewer, 50 rows"),
                 QStringLiteral("/v1/history?reviewer=chen&limit=50"), repeats);
    timeRepeated(QStringLiteral("history page: risk >= 40, last 30 days, 100 rows"),
                 QStringLiteral("/v1/history?risk_min=40&limit=100&from=") +
                     toRfc3339(now - 30LL * 86'400'000),
                 repeats);
    timeRepeated(QStringLiteral("stats: whole history"), QStringLiteral("/v1/stats"),
                 qMax(3, repeats / 5));
    timeRepeated(QStringLiteral("stats: last 30 days"),
                 QStringLiteral("/v1/stats?from=") + toRfc3339(now - 30LL * 86'400'000),
                 qMax(3, repeats / 5));

    const Fetched csv = fetch(port, token, QStringLiteral("/v1/history/export?format=csv"));
    const qint64 csvRows = csv.lines - 1;
    rows.push_back({QStringLiteral("CSV export: rows"), formatNumber(double(csvRows))});
    rows.push_back({QStringLiteral("CSV export: rate"), perSecond(double(csvRows), csv.ms)});
    rows.push_back({QStringLiteral("CSV export: size / time"),
                    formatNumber(double(csv.bodyBytes) / 1e6, 1) + QStringLiteral(" MB / ") +
                        formatNumber(csv.ms / 1000.0, 2) + QStringLiteral(" s")});
    const Fetched json = fetch(port, token, QStringLiteral("/v1/history/export?format=json"));
    rows.push_back({QStringLiteral("JSON export: rate"), perSecond(double(csvRows), json.ms)});
    rows.push_back({QStringLiteral("JSON export: size"),
                    formatNumber(double(json.bodyBytes) / 1e6, 1) + QStringLiteral(" MB")});

    const Fetched verify = fetch(port, token, QStringLiteral("/v1/audit/verify"));
    const QJsonObject verdict = QJsonDocument::fromJson(verify.body).object();
    const double entries = verdict.value(QStringLiteral("entries")).toDouble();
    rows.push_back({QStringLiteral("verify: entries (ok = %1)")
                        .arg(verdict.value(QStringLiteral("ok")).toBool() ? QStringLiteral("yes")
                                                                          : QStringLiteral("NO")),
                    formatNumber(entries)});
    rows.push_back({QStringLiteral("verify: rate"), perSecond(entries, verify.ms)});

    rows.push_back({QStringLiteral("ceiling: SQLite read of id + JSON, export order"),
                    perSecond(double(c.rows), c.readMs)});
    rows.push_back({QStringLiteral("ceiling: SHA-256 of each entry's data only"),
                    perSecond(double(c.entries), c.hashMs)});
    server.quit();
    server.wait();
    printTable(QStringLiteral("bench history: %1 decided actions in %2 (first page matched %3)")
                   .arg(formatNumber(double(c.rows)), db)
                   .arg(got),
               rows);
    out(QStringLiteral("\nTargets: page < 50 ms, stats < 500 ms, export >= 100,000 rows/s, "
                       "verify >= 200,000 entries/s."));
    return Ok;
}

} // namespace interlock::ctl
