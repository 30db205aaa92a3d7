#include "JsonBounds.h"

#include <QJsonArray>
#include <QJsonObject>

namespace interlock {

namespace {
struct Walk {
    const JsonBounds &bounds;
    qint64 nodes = 0;
    int deepest = 0;
    bool stopAtBounds = true;

    // false once a bound is passed (when stopping at bounds)
    bool visit(const QJsonValue &v, int depth)
    {
        ++nodes;
        if (stopAtBounds && nodes > bounds.maxNodes)
            return false;
        if (!v.isObject() && !v.isArray())
            return true;
        const int level = depth + 1;
        deepest = qMax(deepest, level);
        if (stopAtBounds && level > bounds.maxDepth)
            return false;
        if (v.isObject()) {
            const QJsonObject o = v.toObject();
            for (auto it = o.constBegin(); it != o.constEnd(); ++it) {
                if (!visit(it.value(), level))
                    return false;
            }
        } else {
            const QJsonArray a = v.toArray();
            for (const QJsonValue &item : a) {
                if (!visit(item, level))
                    return false;
            }
        }
        return true;
    }
};
} // namespace

QString checkJsonBounds(const QJsonValue &value, const JsonBounds &bounds)
{
    Walk walk{bounds};
    if (walk.visit(value, 0))
        return {};
    if (walk.deepest > bounds.maxDepth)
        return QStringLiteral("is nested more than %1 levels deep (objects and arrays, counting "
                              "its own); send a flatter structure")
            .arg(bounds.maxDepth);
    return QStringLiteral("has more than %1 values (counting every object, array, string, "
                          "number, boolean and null in it)")
        .arg(bounds.maxNodes);
}

JsonShape measureJson(const QJsonValue &value)
{
    const JsonBounds unbounded;
    Walk walk{unbounded};
    walk.stopAtBounds = false;
    walk.visit(value, 0);
    return {walk.deepest, walk.nodes};
}

} // namespace interlock
