#include "Labels.h"

namespace interlock::ui {

QString Labels::level(const QString &level)
{
    if (level == QLatin1String("low"))
        return tr("low");
    if (level == QLatin1String("medium"))
        return tr("medium");
    if (level == QLatin1String("high"))
        return tr("high");
    if (level == QLatin1String("critical"))
        return tr("critical");
    return level;
}

QString Labels::status(const QString &status)
{
    if (status == QLatin1String("pending"))
        return tr("pending");
    if (status == QLatin1String("approved"))
        return tr("approved");
    if (status == QLatin1String("rejected"))
        return tr("rejected");
    if (status == QLatin1String("expired"))
        return tr("expired");
    if (status == QLatin1String("cancelled"))
        return tr("cancelled");
    if (status == QLatin1String("edited"))
        return tr("edited");
    return status;
}

QColor Labels::levelColor(const QString &level)
{
    if (level == QLatin1String("critical"))
        return QColor(0xb9, 0x1c, 0x1c);
    if (level == QLatin1String("high"))
        return QColor(0xea, 0x58, 0x0c);
    if (level == QLatin1String("medium"))
        return QColor(0xca, 0x8a, 0x04);
    if (level == QLatin1String("low"))
        return QColor(0x15, 0x80, 0x3d);
    return QColor(0x6b, 0x72, 0x80); // unknown: grey
}

} // namespace interlock::ui
