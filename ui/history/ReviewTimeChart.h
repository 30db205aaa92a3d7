#pragma once

#include <QJsonArray>
#include <QWidget>

class QChartView;
class QLabel;

namespace interlock::ui {

// Reading time per reviewer (issue #15), from /v1/stats `review_times`: a bar of each reviewer's
// median review time, labelled with their share of approvals made within 2 s of first seeing the
// action (rubber-stamping).
class ReviewTimeChart : public QWidget
{
    Q_OBJECT
public:
    explicit ReviewTimeChart(QWidget *parent = nullptr);
    void setReviewTimes(const QJsonArray &reviewTimes);
    QString summary() const; // in words (tests and screen readers)
    QStringList categories() const { return m_categories; }

private:
    QChartView *m_view;
    QLabel *m_summary;
    QStringList m_categories;
};

} // namespace interlock::ui
