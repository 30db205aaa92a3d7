#include "BenchReport.h"

#include "CtlCommon.h"

#include <QFile>
#include <QJsonArray>
#include <QLocale>
#include <algorithm>
#include <cmath>

namespace interlock::ctl {

QJsonObject benchAction(int n)
{
    return {{QStringLiteral("kind"), QStringLiteral("email.delete")},
            {QStringLiteral("title"), QStringLiteral("Delete newsletter #%1").arg(n)},
            {QStringLiteral("summary"),
             QStringLiteral("Clean-up of promotional mail older than 30 days.")},
            {QStringLiteral("target"), QStringLiteral("mail://carol@example.com/INBOX")},
            {QStringLiteral("payload"),
             QJsonObject{{QStringLiteral("mailbox"), QStringLiteral("carol")},
                         {QStringLiteral("message_ids"),
                          QJsonArray{QString::number(n), QString::number(n + 1)}}}}};
}

double percentile(std::vector<double> values, double p)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    const size_t index = size_t(std::max(0.0, std::ceil(p * double(values.size())) - 1));
    return values[std::min(index, values.size() - 1)];
}

QString formatNumber(double value, int decimals)
{
    return QLocale(QLocale::English).toString(value, 'f', decimals);
}

void printTable(const QString &title, const std::vector<std::pair<QString, QString>> &rows)
{
    // As wide as the longest row needs: a long measure must not push its value out of line.
    qsizetype keyWidth = 50, valueWidth = 14;
    for (const auto &[key, value] : rows) {
        keyWidth = qMax(keyWidth, key.size());
        valueWidth = qMax(valueWidth, value.size());
    }
    const int kw = int(keyWidth), vw = int(valueWidth);
    out(QLatin1Char('\n') + title + QLatin1Char('\n'));
    out(QStringLiteral("| %1 | %2 |")
            .arg(QStringLiteral("measure"), -kw)
            .arg(QStringLiteral("value"), vw));
    out(QStringLiteral("|%1|%2|").arg(QString(kw + 2, QLatin1Char('-')),
                                      QString(vw + 2, QLatin1Char('-'))));
    for (const auto &[key, value] : rows)
        out(QStringLiteral("| %1 | %2 |").arg(key, -kw).arg(value, vw));
}

MachineCpu::MachineCpu()
    : m_start(sample())
{}

double MachineCpu::busyPercent() const
{
    const auto end = sample();
    const qint64 total = end.second - m_start.second;
    if (m_start.second < 0 || end.second < 0 || total <= 0)
        return -1;
    return 100.0 * double(end.first - m_start.first) / double(total);
}

std::pair<qint64, qint64> MachineCpu::sample()
{
    // cpu  user nice system idle iowait irq softirq steal …: idle and iowait are not busy.
    QFile stat(QStringLiteral("/proc/stat"));
    if (!stat.open(QIODevice::ReadOnly))
        return {-1, -1};
    const QList<QByteArray> fields = stat.readLine().simplified().split(' ');
    if (fields.size() < 9 || fields[0] != "cpu")
        return {-1, -1};
    qint64 total = 0, idle = 0;
    for (int i = 1; i <= 8; ++i) {
        bool ok = false;
        const qint64 v = fields[i].toLongLong(&ok);
        if (!ok)
            return {-1, -1};
        total += v;
        if (i == 4 || i == 5)
            idle += v;
    }
    return {total - idle, total};
}

} // namespace interlock::ctl
