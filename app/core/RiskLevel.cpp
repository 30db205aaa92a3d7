#include "RiskLevel.h"

namespace interlock {

RiskLevel levelForScore(int score)
{
    if (score >= 75)
        return RiskLevel::Critical;
    if (score >= 50)
        return RiskLevel::High;
    if (score >= 25)
        return RiskLevel::Medium;
    return RiskLevel::Low;
}

QString levelName(RiskLevel level)
{
    switch (level) {
    case RiskLevel::Low:
        return QStringLiteral("low");
    case RiskLevel::Medium:
        return QStringLiteral("medium");
    case RiskLevel::High:
        return QStringLiteral("high");
    case RiskLevel::Critical:
        return QStringLiteral("critical");
    }
    return {};
}

} // namespace interlock
