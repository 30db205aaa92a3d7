#pragma once

#include <QJsonValue>
#include <QString>

namespace interlock {

// How big a structured value an agent (or a reviewer's edit) may send in one field. Every
// response that embeds such a field adds a few levels around it (the list route: the top object,
// the "actions" array, the action), so a bound far below Qt's parser limit of 1,024 levels keeps
// every response readable by every client, with room to spare.
struct JsonBounds {
    int maxDepth = 64;       // objects and arrays; the field's own object or array is level 1
    qint64 maxNodes = 20000; // every value counted once: objects, arrays, strings, numbers…
};

// Empty when `value` fits in `bounds`; otherwise what is wrong, as the end of a sentence that
// starts with the field's name ("is nested more than 64 levels deep…"). Stops walking as soon
// as a bound is passed, so it costs at most maxNodes steps and maxDepth stack frames.
QString checkJsonBounds(const QJsonValue &value, const JsonBounds &bounds);

struct JsonShape {
    int depth = 0;
    qint64 nodes = 0;
};
// The exact depth and node count (for tests and diagnostics; unbounded walk).
JsonShape measureJson(const QJsonValue &value);

} // namespace interlock
