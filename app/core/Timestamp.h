#pragma once

#include <QString>
#include <optional>

namespace interlock {

// RFC 3339 UTC with milliseconds, e.g. 2026-11-24T02:35:18.123Z
QString toRfc3339(qint64 msSinceEpoch);
std::optional<qint64> fromRfc3339(const QString &text);

} // namespace interlock
