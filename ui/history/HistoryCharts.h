#pragma once

#include <QJsonObject>
#include <QWidget>

class QChartView;
class QLabel;

namespace interlock::ui {

// The two charts of GET /v1/stats: decisions per day (per week for long ranges) stacked by
// outcome, and how long decisions took.
class HistoryCharts : public QWidget
{
    Q_OBJECT
public:
    explicit HistoryCharts(QWidget *parent = nullptr);
    void setStats(const QJsonObject &stats);
    // What the charts show, in words (tests and screen readers).
    QString summary() const;
    int dayBars() const { return m_dayBars; }
    class ReviewTimeChart *reviewTimes() const { return m_reviews; }

private:
    QChartView *m_days;
    QChartView *m_times;
    QLabel *m_summary;
    class ReviewTimeChart *m_reviews;
    int m_dayBars = 0;
};

} // namespace interlock::ui
