#include "Timestamp.h"

#include <QDate>

#include <QDateTime>
#include <QTimeZone>

namespace interlock {

QString toRfc3339(qint64 msSinceEpoch)
{
    return QDateTime::fromMSecsSinceEpoch(msSinceEpoch, QTimeZone::utc())
        .toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzzZ"));
}

namespace {
// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
qint64 daysFromCivil(int y, int m, int d)
{
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const int yoe = y - era * 400;
    const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return qint64(era) * 146097 + doe - 719468;
}

// The exact form this server writes, "2026-11-24T02:35:18.123Z", without QDateTime: the
// console parses two of these per action, 100,000 actions at a time.
std::optional<qint64> fastParse(const QString &t)
{
    if (t.size() != 24 || t[4] != u'-' || t[7] != u'-' || t[10] != u'T' || t[13] != u':' ||
        t[16] != u':' || t[19] != u'.' || t[23] != u'Z')
        return std::nullopt;
    const auto num = [&t](int from, int len, int *out) {
        int v = 0;
        for (int i = from; i < from + len; ++i) {
            const char16_t c = t[i].unicode();
            if (c < u'0' || c > u'9')
                return false;
            v = v * 10 + (c - u'0');
        }
        *out = v;
        return true;
    };
    int y, mo, d, h, mi, se, ms;
    if (!num(0, 4, &y) || !num(5, 2, &mo) || !num(8, 2, &d) || !num(11, 2, &h) ||
        !num(14, 2, &mi) || !num(17, 2, &se) || !num(20, 3, &ms))
        return std::nullopt;
    if (!QDate::isValid(y, mo, d) || h > 23 || mi > 59 || se > 59)
        return std::nullopt;
    return ((daysFromCivil(y, mo, d) * 24 + h) * 60 + mi) * 60000LL + se * 1000LL + ms;
}
} // namespace

std::optional<qint64> fromRfc3339(const QString &text)
{
    if (const auto fast = fastParse(text))
        return fast;
    const QDateTime parsed = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!parsed.isValid())
        return std::nullopt;
    return parsed.toMSecsSinceEpoch();
}

} // namespace interlock
