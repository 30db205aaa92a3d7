#pragma once

#include <QJsonObject>
#include <QString>
#include <utility>
#include <vector>

namespace interlock::ctl {

// The action every submit benchmark sends (an email clean-up, medium risk), numbered.
QJsonObject benchAction(int n);

// Nearest-rank percentile (p in 0..1; 1 is the maximum) of unsorted values; 0 when empty.
double percentile(std::vector<double> values, double p);
QString formatNumber(double value, int decimals = 0);
// Prints a two-column Markdown table to stdout.
void printTable(const QString &title, const std::vector<std::pair<QString, QString>> &rows);

// How busy the whole machine's CPUs were between construction and busyPercent() (every process,
// from /proc/stat): the ceiling a benchmark that runs every part on one machine meets. -1 where
// /proc/stat cannot be read.
class MachineCpu
{
public:
    MachineCpu();
    double busyPercent() const;

private:
    static std::pair<qint64, qint64> sample(); // busy and total jiffies; {-1, -1} unreadable
    std::pair<qint64, qint64> m_start;
};

} // namespace interlock::ctl
