#pragma once

#include "core/ApiError.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <optional>
#include <utility>

namespace interlock {

// What a history query selects: decided actions (anything no longer pending), newest decision
// first. `from`/`to` bound the decision time, [from, to).
struct HistoryQuery {
    std::optional<qint64> from;
    std::optional<qint64> to;
    QString agent;
    QString reviewer;
    QString outcome; // approved | edited | rejected | expired | cancelled
    QString kind;
    int riskMin = 0;
    int limit = 50;
    std::optional<std::pair<qint64, qint64>> before; // keyset cursor: (decided_at, seq)
    bool csvFields = false;                          // fill HistoryRow::csv instead of doc
};

struct HistoryRow {
    qint64 seq = 0;
    qint64 decidedAt = 0;
    QByteArray doc; // the action's stored JSON, as stored (compact)
    QString outcome;
    QString decidedBy;
    qint64 ttdMs = 0;
    int decidedRisk = 0;  // the risk of what was decided: an edit's approved_risk, else risk
    QString decidedLevel; // its level
    QStringList csv;      // with csvFields, instead of the above: the columns of historyCsvHeader()
};

struct HistoryPage {
    QList<HistoryRow> rows;
    std::optional<std::pair<qint64, qint64>> next;
    // The database did not give every row asked for (the query or a step of it failed): the
    // rows are not the page and must not be shown as if they were.
    bool failed = false;
};

// Whether a row read for history can be told as it is: its outcome is one of historyOutcomes()
// and, for a JSON row, its stored document is one JSON object. `parse`: parse the document
// fully (pages); otherwise check that it is one {…} (exports, which must stay fast: a document
// broken inside then breaks the export's JSON, which no reader takes for whole either).
bool historyRowReadable(const HistoryRow &row, bool csv, bool parse);
// The 500 of a history page or export whose rows could not all be read (code read_failed).
ApiError historyReadFailed();
// What ends a streamed export that failed after its head went out, in place of its normal end:
// CSV, a last line saying the file is incomplete; JSON, "incomplete": true and "error" after
// the actions, left unclosed on purpose so no JSON reader takes the file for whole.
QByteArray historyExportIncomplete(bool csv);

// One group of the statistics queries: key (day number, reviewer or agent), outcome, the
// time-to-decision bucket (see ttdBucket) and how many actions fell into it.
struct StatsGroup {
    QString key;
    QString outcome;
    int bucket = 0;
    qint64 count = 0;
};

struct StatsRows {
    QList<StatsGroup> byDay;      // key = days since the epoch (UTC), bucket unused
    QList<StatsGroup> byReviewer; // key = decided_by
    QList<StatsGroup> byAgent;    // key = agent
};

enum StatsPart { StatsByDay = 1, StatsByReviewer = 2, StatsByAgent = 4, StatsAll = 7 };
using StatsParts = int;

// The columns a decided action gets beside its JSON, so history and stats run on indexes.
struct HistoryColumns {
    QString outcome; // empty while pending
    std::optional<qint64> decidedAt;
    QString decidedBy;
    std::optional<qint64> ttdMs;
    std::optional<int> ttdBucket;
    // A kill's cancellation (the action's `cancellation`) replaces an earlier decision's time and
    // decider: an approved action the agent never collected was stopped by whoever killed it.
    // Otherwise the first decision keeps them.
    bool replaces = false;
    QString comment; // the decision's comment, or the cancellation's reason
    // The risk of what was decided: the edited payload's (approved_risk) after an edit, else the
    // submission's. History's risk filter and risk columns use it.
    int decidedRisk = 0;
    QString decidedLevel;
};

// Every outcome a decided action can have, in display order.
const QStringList &historyOutcomes();
// approved | edited | rejected | expired | cancelled, or empty for a pending action.
QString historyOutcome(const QJsonObject &action);
// Columns for an action that changed at `at` because of `actor`.
HistoryColumns historyColumns(const QJsonObject &action, qint64 createdAt, qint64 at,
                              const QString &actor);

// Time to decision is counted in logarithmic buckets 5 % wide: percentiles read off them are
// within 2.5 % of the exact value, and the statistics never sort a million rows.
int ttdBucket(qint64 ms);
qint64 ttdBucketValue(int bucket); // the bucket's representative value in ms

// One history item: the stored action JSON with outcome, decided_at, decided_by,
// time_to_decision_ms and decided_risk {score, level} added, as compact JSON (spliced, not
// re-serialised: exports stay fast).
QByteArray historyItemJson(const HistoryRow &row);

// The JSON of GET /v1/stats from the grouped rows.
QJsonObject statsJson(const StatsRows &rows, std::optional<qint64> from, std::optional<qint64> to);

// CSV export: the header line and one row. Every field is quoted when needed, and fields that
// a spreadsheet would run as a formula (= + - @, tab, CR, LF or NUL at the start, also after
// spaces, or their full-width forms) are prefixed with an apostrophe. The JSON export keeps
// every text as it is.
QByteArray historyCsvHeader();
QByteArray historyCsvLine(const QStringList &fields);

} // namespace interlock
