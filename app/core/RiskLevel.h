#pragma once

#include <QString>

namespace interlock {

enum class RiskLevel { Low, Medium, High, Critical };

// low < 25 <= medium < 50 <= high < 75 <= critical
RiskLevel levelForScore(int score);
QString levelName(RiskLevel level);

} // namespace interlock
