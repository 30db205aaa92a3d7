#include "ReviewTimeChart.h"

#include "HistoryModel.h"

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QHorizontalBarSeries>
#include <QJsonObject>
#include <QLabel>
#include <QVBoxLayout>
#include <QValueAxis>

namespace interlock::ui {

ReviewTimeChart::ReviewTimeChart(QWidget *parent)
    : QWidget(parent)
    , m_view(new QChartView(this))
    , m_summary(new QLabel(this))
{
    m_summary->setTextFormat(Qt::PlainText);
    m_summary->setWordWrap(true);
    m_view->setRenderHint(QPainter::Antialiasing);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_summary);
    layout->addWidget(m_view, 1);
}

void ReviewTimeChart::setReviewTimes(const QJsonArray &reviewTimes)
{
    auto *set = new QBarSet(tr("Median review time (s)"));
    set->setColor(QColor(0x7c, 0x3a, 0xed));
    m_categories.clear();
    QStringList lines;
    double most = 1;
    for (const QJsonValue &v : reviewTimes) {
        const QJsonObject r = v.toObject();
        const QString who = r.value(QStringLiteral("reviewer")).toString();
        const QJsonValue median = r.value(QStringLiteral("median_review_ms"));
        const double seconds = median.isNull() ? 0 : median.toDouble() / 1000.0;
        const int share = qRound(r.value(QStringLiteral("fast_approval_share")).toDouble() * 100);
        set->append(seconds);
        most = qMax(most, seconds);
        m_categories.append(tr("%1 (%2 % of approvals within 2 s)").arg(who).arg(share));
        lines.append(tr("%1: median %2, %3 of %4 approvals within 2 s")
                         .arg(who, median.isNull()
                                       ? tr("n/a")
                                       : HistoryModel::duration(qint64(median.toDouble())))
                         .arg(r.value(QStringLiteral("fast_approvals")).toInt())
                         .arg(r.value(QStringLiteral("approvals")).toInt()));
    }
    auto *series = new QHorizontalBarSeries;
    series->append(set);
    auto *chart = new QChart;
    chart->setTitle(tr("Reading time per reviewer (median; share approved within 2 s)"));
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->legend()->hide();
    chart->addSeries(series);
    auto *y = new QBarCategoryAxis;
    // Qt Charts lays axis labels out as rich text: names are escaped to stay plain.
    for (const QString &category : std::as_const(m_categories))
        y->append(category.toHtmlEscaped());
    auto *x = new QValueAxis;
    x->setRange(0, most * 1.1);
    x->setLabelFormat(QStringLiteral("%.0f s"));
    chart->addAxis(y, Qt::AlignLeft);
    chart->addAxis(x, Qt::AlignBottom);
    series->attachAxis(y);
    series->attachAxis(x);
    // A bar per reviewer with room for its label (at most 300 px: the window stays small).
    m_view->setMinimumHeight(qMin(300, 110 + 34 * int(qMax<qsizetype>(1, m_categories.size()))));
    QChart *old = m_view->chart();
    m_view->setChart(chart);
    delete old;
    m_summary->setText(lines.isEmpty() ? tr("No reviewer decisions in this range.")
                                       : lines.join(QStringLiteral("; ")));
}

QString ReviewTimeChart::summary() const
{
    return m_summary->text();
}

} // namespace interlock::ui
