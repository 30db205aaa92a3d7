#pragma once

#include <QHash>
#include <QJsonObject>
#include <QString>
#include <optional>

namespace interlock::integrations {

// What an MCP server said about its tools in its `tools/list` answers (every page), as the
// gateway passes them through. All of it is the server's claim, never verified: annotations
// are shown to the reviewer as such and used by the risk rules only as hints.
class McpCatalog
{
public:
    struct Tool {
        QJsonObject annotations; // only the boolean hints: readOnlyHint, destructiveHint,
                                 // idempotentHint, openWorldHint
        QJsonObject inputSchema;
        QString description; // at most 2,000 characters
    };

    // Reads one tools/list result ({"tools":[…]}); returns how many tools it added or replaced.
    int add(const QJsonObject &listResult);
    std::optional<Tool> tool(const QString &name) const;
    // True only when the server claims the tool is read-only.
    bool claimsReadOnly(const QString &name) const;
    int size() const { return int(m_tools.size()); }

    static constexpr int kMaxTools = 10000;

private:
    QHash<QString, Tool> m_tools;
};

} // namespace interlock::integrations
