#include "HistoryCharts.h"

#include "HistoryModel.h"
#include "ReviewTimeChart.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QDate>
#include <QJsonArray>
#include <QLabel>
#include <QMap>
#include <QStackedBarSeries>
#include <QVBoxLayout>
#include <QValueAxis>

namespace interlock::ui {

namespace {
struct OutcomeStyle {
    const char *key;
    const char *colour;
};
const OutcomeStyle kOutcomes[] = {{"approved", "#16a34a"},
                                  {"edited", "#2563eb"},
                                  {"rejected", "#dc2626"},
                                  {"expired", "#a3a3a3"},
                                  {"cancelled", "#525252"}};

QString outcomeLabel(const QString &key)
{
    if (key == QLatin1String("approved"))
        return HistoryCharts::tr("Approved");
    if (key == QLatin1String("edited"))
        return HistoryCharts::tr("Edited");
    if (key == QLatin1String("rejected"))
        return HistoryCharts::tr("Rejected");
    if (key == QLatin1String("expired"))
        return HistoryCharts::tr("Expired");
    return HistoryCharts::tr("Cancelled");
}

QChart *freshChart(const QString &title)
{
    auto *chart = new QChart;
    chart->setTitle(title);
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setAnimationOptions(QChart::NoAnimation);
    return chart;
}
} // namespace

HistoryCharts::HistoryCharts(QWidget *parent)
    : QWidget(parent)
    , m_days(new QChartView(this))
    , m_times(new QChartView(this))
    , m_summary(new QLabel(this))
    , m_reviews(new ReviewTimeChart(this))
{
    m_summary->setTextFormat(Qt::PlainText);
    m_summary->setWordWrap(true);
    for (QChartView *v : {m_days, m_times})
        v->setRenderHint(QPainter::Antialiasing);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(m_days, 3);
    layout->addWidget(m_times, 2);
    layout->addWidget(m_reviews, 2);
}

void HistoryCharts::setStats(const QJsonObject &stats)
{
    // Decisions per day, or per week when the range is long, stacked by outcome.
    const QJsonArray days = stats.value(QStringLiteral("by_day")).toArray();
    const bool weekly = days.size() > 45;
    QMap<QDate, QHash<QString, double>> buckets;
    for (const QJsonValue &v : days) {
        const QJsonObject d = v.toObject();
        QDate day = QDate::fromString(d.value(QStringLiteral("day")).toString(), Qt::ISODate);
        if (weekly)
            day = day.addDays(1 - day.dayOfWeek());
        for (const OutcomeStyle &o : kOutcomes)
            buckets[day][QLatin1String(o.key)] += d.value(QLatin1String(o.key)).toDouble();
    }
    auto *series = new QStackedBarSeries;
    for (const OutcomeStyle &o : kOutcomes) {
        auto *set = new QBarSet(outcomeLabel(QLatin1String(o.key)));
        set->setColor(QColor(QLatin1String(o.colour)));
        for (auto it = buckets.cbegin(); it != buckets.cend(); ++it)
            set->append(it->value(QLatin1String(o.key)));
        series->append(set);
    }
    QStringList categories;
    for (auto it = buckets.cbegin(); it != buckets.cend(); ++it)
        categories.append(
            it.key().toString(weekly ? QStringLiteral("'wk' MM-dd") : QStringLiteral("MM-dd")));
    m_dayBars = int(categories.size());
    QChart *dayChart = freshChart(weekly ? tr("Decisions per week by outcome")
                                         : tr("Decisions per day by outcome"));
    dayChart->addSeries(series);
    auto *x = new QBarCategoryAxis;
    x->append(categories);
    x->setLabelsAngle(-90);
    QFont small = x->labelsFont();
    small.setPointSizeF(small.pointSizeF() * 0.8);
    x->setLabelsFont(small);
    auto *y = new QValueAxis;
    y->setLabelFormat(QStringLiteral("%d"));
    dayChart->addAxis(x, Qt::AlignBottom);
    dayChart->addAxis(y, Qt::AlignLeft);
    series->attachAxis(x);
    series->attachAxis(y);
    QChart *old = m_days->chart();
    m_days->setChart(dayChart);
    delete old;

    // Time to decision as a histogram.
    const QJsonObject ttd = stats.value(QStringLiteral("time_to_decision")).toObject();
    auto *bars = new QBarSeries;
    auto *set = new QBarSet(tr("Decisions"));
    set->setColor(QColor(0x25, 0x63, 0xeb));
    QStringList labels;
    for (const QJsonValue &v : ttd.value(QStringLiteral("histogram")).toArray()) {
        set->append(v.toObject().value(QStringLiteral("count")).toDouble());
        labels.append(v.toObject().value(QStringLiteral("label")).toString());
    }
    bars->append(set);
    const auto ms = [&](const char *key) {
        const QJsonValue v = ttd.value(QLatin1String(key));
        return v.isNull() ? tr("n/a") : HistoryModel::duration(qint64(v.toDouble()));
    };
    QChart *timeChart = freshChart(
        tr("Time to decision (median %1, 90th percentile %2)").arg(ms("p50_ms"), ms("p90_ms")));
    timeChart->legend()->hide();
    timeChart->addSeries(bars);
    auto *tx = new QBarCategoryAxis;
    tx->append(labels);
    auto *ty = new QValueAxis;
    ty->setLabelFormat(QStringLiteral("%d"));
    timeChart->addAxis(tx, Qt::AlignBottom);
    timeChart->addAxis(ty, Qt::AlignLeft);
    bars->attachAxis(tx);
    bars->attachAxis(ty);
    old = m_times->chart();
    m_times->setChart(timeChart);
    delete old;

    m_reviews->setReviewTimes(stats.value(QStringLiteral("review_times")).toArray());

    const QJsonObject totals = stats.value(QStringLiteral("outcomes")).toObject();
    QStringList parts;
    for (const OutcomeStyle &o : kOutcomes)
        parts.append(QStringLiteral("%1 %2")
                         .arg(totals.value(QLatin1String(o.key)).toInt())
                         .arg(outcomeLabel(QLatin1String(o.key)).toLower()));
    m_summary->setText(tr("%1 decided actions: %2. Median time to decision %3, 90th percentile %4.")
                           .arg(stats.value(QStringLiteral("total")).toInt())
                           .arg(parts.join(QStringLiteral(", ")), ms("p50_ms"), ms("p90_ms")));
}

QString HistoryCharts::summary() const
{
    return m_summary->text();
}

} // namespace interlock::ui
