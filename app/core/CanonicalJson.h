#pragma once

#include <QByteArray>
#include <QJsonValue>

namespace interlock {

// Compact JSON with object keys sorted and UTF-8 left unescaped: the form whose SHA-256 is
// `payload_sha256`. Equivalent to Python's
// json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=False) for integral numbers.
QByteArray canonicalJson(const QJsonValue &value);
QByteArray sha256Hex(const QByteArray &bytes);

} // namespace interlock
