// GET /v1/history, /v1/history/export and /v1/stats (managers and admins).
#include "ReviewTimes.h"
#include "RouteSupport.h"
#include "Store.h"

#include "core/Timestamp.h"

#include <QDate>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTimeZone>
#include <algorithm>
#include <thread>

namespace interlock {

namespace {

// `from`/`to` as RFC 3339 times or plain dates (UTC); a plain `to` date includes that day.
ApiError readTime(const HttpRequest &req, const QString &name, bool endOfDay,
                  std::optional<qint64> *out)
{
    const QString text = req.query.queryItemValue(name);
    if (text.isEmpty())
        return {};
    // A plain date first: an RFC 3339 parser may take it as midnight, and `to` means the
    // whole day.
    const QDate day = QDate::fromString(text, Qt::ISODate);
    if (day.isValid() && text.size() == 10) {
        *out = day.addDays(endOfDay ? 1 : 0).startOfDay(Qt::UTC).toMSecsSinceEpoch();
        return {};
    }
    if (const auto t = fromRfc3339(text)) {
        *out = *t;
        return {};
    }
    return ApiError::invalidField(
        name, QStringLiteral("'%1' must be an RFC 3339 time or a date like 2026-11-24.").arg(name));
}

ApiError readText(const HttpRequest &req, const QString &name, QString *out)
{
    *out = req.query.queryItemValue(name, QUrl::FullyDecoded);
    if (out->size() > 200)
        return ApiError::invalidField(name, QStringLiteral("'%1' is too long.").arg(name));
    return {};
}

ApiError readRange(const HttpRequest &req, HistoryQuery *q)
{
    ApiError e = readTime(req, QStringLiteral("from"), false, &q->from);
    if (!e.isError())
        e = readTime(req, QStringLiteral("to"), true, &q->to);
    return e;
}

ApiError readHistoryQuery(const HttpRequest &req, int maxLimit, HistoryQuery *q)
{
    qint64 riskMin = 0, limit = 0;
    ApiError e = readRange(req, q);
    if (!e.isError())
        e = readText(req, QStringLiteral("agent"), &q->agent);
    if (!e.isError())
        e = readText(req, QStringLiteral("reviewer"), &q->reviewer);
    if (!e.isError())
        e = readText(req, QStringLiteral("kind"), &q->kind);
    if (!e.isError())
        e = readText(req, QStringLiteral("status"), &q->outcome);
    if (!e.isError() && !q->outcome.isEmpty() && !historyOutcomes().contains(q->outcome)) {
        e = ApiError::invalidField(QStringLiteral("status"),
                                   QStringLiteral("'status' must be one of %1.")
                                       .arg(historyOutcomes().join(QStringLiteral(", "))));
    }
    if (!e.isError())
        e = readQueryInt(req, QStringLiteral("risk_min"), 0, 100, 0, &riskMin);
    if (!e.isError())
        e = readQueryInt(req, QStringLiteral("limit"), 1, maxLimit, 50, &limit);
    if (e.isError())
        return e;
    q->riskMin = int(riskMin);
    q->limit = int(limit);
    const QString cursor = req.query.queryItemValue(QStringLiteral("cursor"));
    if (!cursor.isEmpty()) {
        q->before = decodeCursor(cursor);
        if (!q->before)
            return ApiError::invalidField(
                QStringLiteral("cursor"),
                QStringLiteral("'cursor' is not one this server handed out."));
    }
    return {};
}

// Produces the export piece by piece, one keyset page per piece. The first page is read before
// the head goes out (start()), so a history that cannot be read at all is a plain 500; a page
// that fails later ends the file with historyExportIncomplete() and the response without its
// final chunk (failed()).
class ExportProducer
{
public:
    ExportProducer(Store &store, HistoryQuery query, bool csv)
        : m_store(store)
        , m_query(std::move(query))
        , m_csv(csv)
    {
        // Pieces of ~100 KB: large enough to amortise the query, small enough to stay in
        // malloc's arenas (multi-megabyte pieces cost page faults on every page).
        m_query.limit = csv ? 500 : 120;
        m_query.csvFields = csv;
    }

    // Reads the first page; false if it cannot be read.
    bool start()
    {
        m_page = read();
        return m_page.has_value();
    }

    QByteArray next()
    {
        if (m_done)
            return {};
        QByteArray piece;
        if (!m_started) {
            m_started = true;
            piece = m_csv ? historyCsvHeader() : QByteArrayLiteral("{\"actions\":[");
        }
        std::optional<HistoryPage> page = std::exchange(m_page, std::nullopt);
        if (!page)
            page = read();
        if (!page) {
            m_done = m_failed = true;
            return piece + historyExportIncomplete(m_csv);
        }
        piece.reserve(piece.size() + page->rows.size() * (m_csv ? 300 : 1100));
        for (const HistoryRow &row : std::as_const(page->rows)) {
            if (m_csv) {
                piece += historyCsvLine(row.csv);
            } else {
                if (m_rows > 0)
                    piece += ',';
                piece += historyItemJson(row);
            }
            ++m_rows;
        }
        if (page->next) {
            m_query.before = page->next;
        } else {
            m_done = true;
            if (!m_csv)
                piece += "]}\n";
        }
        return piece;
    }

    bool failed() const { return m_failed; }

private:
    std::optional<HistoryPage> read()
    {
        HistoryPage page = m_store.history(m_query);
        const bool readable =
            std::all_of(page.rows.cbegin(), page.rows.cend(), [this](const HistoryRow &row) {
                return historyRowReadable(row, m_csv, false);
            });
        if (page.failed || !readable) {
            qWarning("interlock: a history export could not read past %lld rows%s", m_rows,
                     page.failed ? " (the database failed)" : " (a row cannot be read)");
            return std::nullopt;
        }
        return page;
    }

    Store &m_store;
    HistoryQuery m_query;
    bool m_csv;
    bool m_started = false;
    bool m_done = false;
    bool m_failed = false;
    qint64 m_rows = 0;
    std::optional<HistoryPage> m_page; // read ahead by start()
};
} // namespace

void addHistoryRoutes(Router &router, ApiContext &api)
{
    const Access managers = Access::only({Role::Manager, Role::Admin});

    router.add("GET", QStringLiteral("/v1/history"), managers,
               [&api](const HttpRequest &req, const Principal &, HttpReplyPtr reply) {
                   HistoryQuery q;
                   if (const ApiError e = readHistoryQuery(req, api.limits.maxListLimit, &q);
                       e.isError())
                       return reply->sendError(e);
                   const HistoryPage page = api.store.history(q);
                   // A page the database did not give whole is an error, never a shorter list.
                   if (page.failed || !std::all_of(page.rows.cbegin(), page.rows.cend(),
                                                   [](const HistoryRow &row) {
                                                       return historyRowReadable(row, false, true);
                                                   })) {
                       qWarning("interlock: a history page could not be read%s",
                                page.failed ? " (the database failed)" : " (a row cannot be read)");
                       return reply->sendError(historyReadFailed());
                   }
                   QByteArray body = "{\"actions\":[";
                   for (qsizetype i = 0; i < page.rows.size(); ++i) {
                       if (i)
                           body += ',';
                       body += historyItemJson(page.rows[i]);
                   }
                   body += "],\"next_cursor\":";
                   body += page.next ? QJsonDocument(QJsonArray{encodeCursor(*page.next)})
                                           .toJson(QJsonDocument::Compact)
                                           .sliced(1)
                                           .chopped(1)
                                     : QByteArray("null");
                   body += '}';
                   reply->send(200, "application/json", body);
               });

    router.add(
        "GET", QStringLiteral("/v1/history/export"), managers,
        [&api](const HttpRequest &req, const Principal &, HttpReplyPtr reply) {
            HistoryQuery q;
            if (const ApiError e = readHistoryQuery(req, api.limits.maxListLimit, &q); e.isError())
                return reply->sendError(e);
            const QString format = req.query.queryItemValue(QStringLiteral("format")).toLower();
            if (!format.isEmpty() && format != QLatin1String("csv") &&
                format != QLatin1String("json")) {
                return reply->sendError(ApiError::invalidField(
                    QStringLiteral("format"), QStringLiteral("'format' must be csv or json.")));
            }
            const bool csv = format != QLatin1String("json");
            auto producer = std::make_shared<ExportProducer>(api.store, q, csv);
            if (!producer->start())
                return reply->sendError(historyReadFailed());
            const QByteArray file = csv ? "interlock-history.csv" : "interlock-history.json";
            reply->stream(
                200, csv ? "text/csv; charset=utf-8" : "application/json",
                {{"Content-Disposition", "attachment; filename=\"" + file + '"'}},
                [producer] { return producer->next(); }, [producer] { return producer->failed(); });
        });

    router.add("GET", QStringLiteral("/v1/stats"), managers,
               [&api](const HttpRequest &req, const Principal &, HttpReplyPtr reply) {
                   HistoryQuery q;
                   if (const ApiError e = readRange(req, &q); e.isError())
                       return reply->sendError(e);
                   replyFromReader(api, std::move(reply), [q](Store &reader) {
                       // Each grouping is one index scan; the agent one runs beside the others
                       // on a second reader, so both cores work on a large history.
                       StatsRows agents;
                       std::thread second([&] {
                           QString error;
                           if (const auto other = reader.openReader(&error))
                               agents = other->statsRows(q.from, q.to, StatsByAgent);
                       });
                       StatsRows rows =
                           reader.statsRows(q.from, q.to, StatsByDay | StatsByReviewer);
                       second.join();
                       rows.byAgent = std::move(agents.byAgent);
                       QJsonObject stats = statsJson(rows, q.from, q.to);
                       stats.insert(QStringLiteral("review_times"),
                                    reviewTimesJson(reader.reviews(q.from, q.to)));
                       return stats;
                   });
               });
}

} // namespace interlock
