#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QString>

namespace interlock::integrations {

// Checks a value against the JSON Schema an MCP server gave for a tool's input (`inputSchema`),
// before the gateway sends a reviewer's edited arguments on. The common vocabulary of drafts 7
// to 2020-12: type, enum, const, properties, required, additionalProperties,
// patternProperties, items/prefixItems, min/maxItems, min/maxLength, pattern, minimum, maximum,
// exclusiveMinimum/Maximum, multipleOf, allOf, anyOf, oneOf, not, local $ref (#/…), boolean
// schemas. Other keywords (format, uniqueItems, dependencies, if/then/else…) are not checked:
// the server still validates what it receives.
// Returns an empty string when the value fits, else the first problem, naming where
// ("arguments.path: expected a string").
QString checkJsonSchema(const QJsonValue &schema, const QJsonValue &value,
                        const QString &where = QStringLiteral("arguments"));

} // namespace interlock::integrations
