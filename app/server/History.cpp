#include "History.h"

#include "core/Timestamp.h"

#include <QDate>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMap>
#include <cmath>

namespace interlock {

namespace {
const double kBucketBase = std::log(1.05);

} // namespace

const QStringList &historyOutcomes()
{
    static const QStringList list{QStringLiteral("approved"), QStringLiteral("edited"),
                                  QStringLiteral("rejected"), QStringLiteral("expired"),
                                  QStringLiteral("cancelled")};
    return list;
}

namespace {

bool isHumanDecision(const QString &outcome)
{
    return outcome == QLatin1String("approved") || outcome == QLatin1String("edited") ||
           outcome == QLatin1String("rejected");
}

// Bucket -> count, for percentiles.
using Histogram = QMap<int, qint64>;

std::optional<qint64> percentile(const Histogram &h, double p)
{
    qint64 total = 0;
    for (qint64 c : h)
        total += c;
    if (total == 0)
        return std::nullopt;
    const qint64 rank = qMax<qint64>(1, qint64(std::ceil(p * double(total))));
    qint64 seen = 0;
    for (auto it = h.cbegin(); it != h.cend(); ++it) {
        seen += it.value();
        if (seen >= rank)
            return ttdBucketValue(it.key());
    }
    return ttdBucketValue(h.lastKey());
}

QJsonValue msValue(std::optional<qint64> v)
{
    return v ? QJsonValue(double(*v)) : QJsonValue();
}

struct Tally {
    QHash<QString, qint64> byOutcome;
    Histogram ttd;
    qint64 total = 0;
};

QJsonArray tallyList(const QList<StatsGroup> &groups, bool reviewers)
{
    QMap<QString, Tally> tallies;
    for (const StatsGroup &g : groups) {
        if (reviewers && !isHumanDecision(g.outcome))
            continue;
        Tally &t = tallies[g.key];
        t.byOutcome[g.outcome] += g.count;
        t.total += g.count;
        if (isHumanDecision(g.outcome))
            t.ttd[g.bucket] += g.count;
    }
    QJsonArray out;
    for (auto it = tallies.cbegin(); it != tallies.cend(); ++it) {
        QJsonObject row{{QStringLiteral("name"), it.key()},
                        {reviewers ? QStringLiteral("decisions") : QStringLiteral("actions"),
                         double(it->total)},
                        {QStringLiteral("p50_ms"), msValue(percentile(it->ttd, 0.5))},
                        {QStringLiteral("p90_ms"), msValue(percentile(it->ttd, 0.9))}};
        for (const QString &o : historyOutcomes()) {
            if (!reviewers || isHumanDecision(o))
                row.insert(o, double(it->byOutcome.value(o)));
        }
        out.append(row);
    }
    return out;
}

struct DisplayBin {
    const char *label;
    qint64 maxMs; // inclusive upper bound; -1 for the open last bin
};
const DisplayBin kBins[] = {
    {"under 1 min", 60'000},  {"1-5 min", 300'000},  {"5-15 min", 900'000},
    {"15-60 min", 3'600'000}, {"1-4 h", 14'400'000}, {"4-24 h", 86'400'000},
    {"over 1 day", -1},
};
} // namespace

QString historyOutcome(const QJsonObject &action)
{
    const QString status = action.value(QStringLiteral("status")).toString();
    if (status == QLatin1String("approved")) {
        const QString kind = action.value(QStringLiteral("decision"))
                                 .toObject()
                                 .value(QStringLiteral("kind"))
                                 .toString();
        return kind == QLatin1String("edit") ? QStringLiteral("edited")
                                             : QStringLiteral("approved");
    }
    if (historyOutcomes().contains(status))
        return status;
    return {};
}

HistoryColumns historyColumns(const QJsonObject &action, qint64 createdAt, qint64 at,
                              const QString &actor)
{
    HistoryColumns c;
    c.outcome = historyOutcome(action);
    if (c.outcome.isEmpty())
        return c;
    const QJsonObject approvedRisk = action.value(QStringLiteral("approved_risk")).toObject();
    const QJsonObject decidedRisk =
        approvedRisk.isEmpty() ? action.value(QStringLiteral("risk")).toObject() : approvedRisk;
    c.decidedRisk = decidedRisk.value(QStringLiteral("score")).toInt();
    c.decidedLevel = decidedRisk.value(QStringLiteral("level")).toString();
    QJsonObject decision = action.value(QStringLiteral("decision")).toObject();
    c.comment = decision.value(QStringLiteral("comment")).toString();
    const QJsonObject cancellation = action.value(QStringLiteral("cancellation")).toObject();
    if (c.outcome == QLatin1String("cancelled") && !cancellation.isEmpty()) {
        decision = cancellation;
        c.replaces = true;
        c.comment = cancellation.value(QStringLiteral("reason")).toString();
    }
    qint64 decidedAt = at;
    if (const auto when = fromRfc3339(decision.value(QStringLiteral("at")).toString()))
        decidedAt = *when;
    const QString by = decision.value(QStringLiteral("by")).toString();
    c.decidedAt = decidedAt;
    c.decidedBy = by.isEmpty() ? actor : by;
    c.ttdMs = qMax<qint64>(0, decidedAt - createdAt);
    c.ttdBucket = ttdBucket(*c.ttdMs);
    return c;
}

int ttdBucket(qint64 ms)
{
    if (ms <= 0)
        return 0;
    return 1 + int(std::floor(std::log(double(ms)) / kBucketBase));
}

qint64 ttdBucketValue(int bucket)
{
    if (bucket <= 0)
        return 0;
    // Geometric middle of [1.05^(b-1), 1.05^b).
    return qint64(std::llround(std::exp((double(bucket) - 0.5) * kBucketBase)));
}

QJsonObject statsJson(const StatsRows &rows, std::optional<qint64> from, std::optional<qint64> to)
{
    QMap<qint64, QHash<QString, qint64>> days;
    QHash<QString, qint64> totals;
    qint64 total = 0;
    for (const StatsGroup &g : rows.byDay) {
        days[g.key.toLongLong()][g.outcome] += g.count;
        totals[g.outcome] += g.count;
        total += g.count;
    }
    QJsonObject outcomeTotals;
    for (const QString &o : historyOutcomes())
        outcomeTotals.insert(o, double(totals.value(o)));
    QJsonArray byDay;
    const QDate epoch(1970, 1, 1);
    for (auto it = days.cbegin(); it != days.cend(); ++it) {
        QJsonObject day{{QStringLiteral("day"), epoch.addDays(it.key()).toString(Qt::ISODate)}};
        for (const QString &o : historyOutcomes())
            day.insert(o, double(it->value(o)));
        byDay.append(day);
    }

    Histogram ttd;
    for (const StatsGroup &g : rows.byReviewer) {
        if (isHumanDecision(g.outcome))
            ttd[g.bucket] += g.count;
    }
    qint64 decided = 0;
    QList<qint64> binCounts(std::size(kBins), 0);
    for (auto it = ttd.cbegin(); it != ttd.cend(); ++it) {
        decided += it.value();
        const qint64 v = ttdBucketValue(it.key());
        for (size_t i = 0; i < std::size(kBins); ++i) {
            if (kBins[i].maxMs < 0 || v <= kBins[i].maxMs) {
                binCounts[i] += it.value();
                break;
            }
        }
    }
    QJsonArray histogram;
    for (size_t i = 0; i < std::size(kBins); ++i) {
        histogram.append(
            QJsonObject{{QStringLiteral("label"), QString::fromUtf8(kBins[i].label)},
                        {QStringLiteral("max_ms"),
                         kBins[i].maxMs < 0 ? QJsonValue() : QJsonValue(double(kBins[i].maxMs))},
                        {QStringLiteral("count"), double(binCounts[i])}});
    }
    return {
        {QStringLiteral("from"), from ? QJsonValue(toRfc3339(*from)) : QJsonValue()},
        {QStringLiteral("to"), to ? QJsonValue(toRfc3339(*to)) : QJsonValue()},
        {QStringLiteral("total"), double(total)},
        {QStringLiteral("outcomes"), outcomeTotals},
        {QStringLiteral("by_day"), byDay},
        {QStringLiteral("time_to_decision"),
         QJsonObject{{QStringLiteral("decisions"), double(decided)},
                     {QStringLiteral("p50_ms"), msValue(percentile(ttd, 0.5))},
                     {QStringLiteral("p90_ms"), msValue(percentile(ttd, 0.9))},
                     {QStringLiteral("precision"), QStringLiteral("within 2.5 %")},
                     {QStringLiteral("histogram"), histogram}}},
        {QStringLiteral("reviewers"), tallyList(rows.byReviewer, true)},
        {QStringLiteral("agents"), tallyList(rows.byAgent, false)},
    };
}

namespace {
// A JSON string literal for server-made text (names, outcomes); escapes what JSON requires.
void appendJsonString(QByteArray &out, const QString &text)
{
    QString escaped;
    escaped.reserve(text.size() + 2);
    escaped += u'"';
    for (const QChar c : text) {
        const char16_t u = c.unicode();
        if (u == u'"' || u == u'\\') {
            escaped += u'\\';
            escaped += c;
        } else if (u < 0x20) {
            escaped += QStringLiteral("\\u%1").arg(int(u), 4, 16, QLatin1Char('0'));
        } else {
            escaped += c;
        }
    }
    escaped += u'"';
    out += escaped.toUtf8();
}
} // namespace

QByteArray historyItemJson(const HistoryRow &row)
{
    QByteArray out = row.doc.trimmed();
    if (!out.endsWith('}') || out.size() < 2)
        out = QByteArrayLiteral("{}");
    out.chop(1);
    out.reserve(out.size() + 160);
    if (out.size() > 1)
        out += ',';
    out += "\"outcome\":";
    appendJsonString(out, row.outcome);
    out += ",\"decided_at\":\"";
    out += toRfc3339(row.decidedAt).toLatin1();
    out += "\",\"decided_by\":";
    appendJsonString(out, row.decidedBy);
    out += ",\"time_to_decision_ms\":";
    out += QByteArray::number(row.ttdMs);
    out += ",\"decided_risk\":{\"score\":";
    out += QByteArray::number(row.decidedRisk);
    out += ",\"level\":";
    appendJsonString(out, row.decidedLevel);
    out += "}}";
    return out;
}

QByteArray historyCsvHeader()
{
    return QByteArrayLiteral(
        "id,decided_at,created_at,agent,session_id,kind,title,target,"
        "risk_score,risk_level,outcome,decided_by,approvals,comment,"
        "time_to_decision_ms,payload_sha256,seen_payload_sha256,seen_view_sha256,"
        "submitted_risk_score,submitted_risk_level\r\n");
}

namespace {
// A cell a spreadsheet could run (OWASP CSV injection, ASVS 1.2.10): its first character, or the
// first after leading spaces (which some importers trim), is = + - @, a tab, CR, LF or NUL, or
// the full-width = + - @ that some convert on input. No exception for "-digit": "-2+3+cmd|…" is
// a formula too, and no column holds a negative number.
bool startsLikeAFormula(const QString &cell)
{
    static const QString formula = QStringLiteral("=+-@\t\r\n") + QChar(u'\0') + QChar(0xFF1D) +
                                   QChar(0xFF0B) + QChar(0xFF0D) + QChar(0xFF20);
    for (const QChar c : cell) {
        if (c == u' ' || c == QChar(0x3000) || c == QChar(0x00A0))
            continue;
        return formula.contains(c);
    }
    return false;
}
} // namespace

QByteArray historyCsvLine(const QStringList &fields)
{
    QByteArray line;
    line.reserve(512);
    for (qsizetype i = 0; i < fields.size(); ++i) {
        if (i)
            line += ',';
        QString f = fields[i];
        if (startsLikeAFormula(f))
            f.prepend(u'\'');
        const bool quote =
            f.contains(u',') || f.contains(u'"') || f.contains(u'\n') || f.contains(u'\r');
        if (quote) {
            f.replace(u'"', QStringLiteral("\"\""));
            line += '"' + f.toUtf8() + '"';
        } else {
            line += f.toUtf8();
        }
    }
    line += "\r\n";
    return line;
}

bool historyRowReadable(const HistoryRow &row, bool csv, bool parse)
{
    if (csv)
        return row.csv.size() > 10 && historyOutcomes().contains(row.csv[10]);
    if (!historyOutcomes().contains(row.outcome))
        return false;
    const QByteArray doc = row.doc.trimmed();
    if (!doc.startsWith('{') || !doc.endsWith('}'))
        return false;
    return !parse || QJsonDocument::fromJson(doc).isObject();
}

ApiError historyReadFailed()
{
    return ApiError{500,
                    QStringLiteral("read_failed"),
                    QStringLiteral("The history could not be read completely (the database "
                                   "failed or holds a row that cannot be read), so none of it is "
                                   "given rather than a part. The server's log has the cause."),
                    {}};
}

QByteArray historyExportIncomplete(bool csv)
{
    if (csv)
        return QByteArrayLiteral("\"INCOMPLETE EXPORT: the history could not be read past the "
                                 "line above (read_failed); this file is NOT the whole "
                                 "history\"\r\n");
    return QByteArrayLiteral(
        "],\"incomplete\":true,\"error\":{\"code\":\"read_failed\",\"message\":\"The history "
        "could not be read past the last action above; this file is NOT the whole history (left "
        "unclosed on purpose).\"}\n");
}

} // namespace interlock
