#pragma once

#include <QHostAddress>
#include <optional>

namespace interlock {

// "127.0.0.1:7878", "[::1]:7878", "localhost:0" → address and port.
std::optional<std::pair<QHostAddress, quint16>> parseListenAddress(const QString &text);

} // namespace interlock
