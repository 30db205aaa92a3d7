#include "McpCatalog.h"

#include <QJsonArray>

namespace interlock::integrations {

int McpCatalog::add(const QJsonObject &listResult)
{
    int added = 0;
    for (const QJsonValue &v : listResult.value(QStringLiteral("tools")).toArray()) {
        const QJsonObject t = v.toObject();
        const QString name = t.value(QStringLiteral("name")).toString();
        if (name.isEmpty() || name.size() > 256 ||
            (m_tools.size() >= kMaxTools && !m_tools.contains(name)))
            continue;
        Tool tool;
        const QJsonObject claimed = t.value(QStringLiteral("annotations")).toObject();
        for (const QString &hint :
             {QStringLiteral("readOnlyHint"), QStringLiteral("destructiveHint"),
              QStringLiteral("idempotentHint"), QStringLiteral("openWorldHint")}) {
            if (claimed.value(hint).isBool())
                tool.annotations.insert(hint, claimed.value(hint));
        }
        tool.inputSchema = t.value(QStringLiteral("inputSchema")).toObject();
        tool.description = t.value(QStringLiteral("description")).toString().left(2000);
        m_tools.insert(name, tool);
        ++added;
    }
    return added;
}

std::optional<McpCatalog::Tool> McpCatalog::tool(const QString &name) const
{
    const auto it = m_tools.constFind(name);
    if (it == m_tools.constEnd())
        return std::nullopt;
    return *it;
}

bool McpCatalog::claimsReadOnly(const QString &name) const
{
    const auto it = m_tools.constFind(name);
    return it != m_tools.constEnd() &&
           it->annotations.value(QStringLiteral("readOnlyHint")).toBool(false);
}

} // namespace interlock::integrations
