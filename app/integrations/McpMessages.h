#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>

// The few JSON-RPC 2.0 / MCP messages the gateway writes itself, each one line.
namespace interlock::integrations::mcp {

enum ErrorCode { ParseError = -32700, InvalidRequest = -32600, InvalidParams = -32602 };

QByteArray line(const QJsonObject &message);
// A JSON-RPC error, for malformed requests only.
QByteArray error(const QJsonValue &id, int code, const QString &message);
// A tools/call result the MCP client shows to its model: {"content":[text],"isError":true}.
QByteArray toolError(const QJsonValue &id, const QString &text);
QByteArray progress(const QJsonValue &token, int progress, const QString &message);
// A stable map key for a request id (string and number ids never collide).
QString idKey(const QJsonValue &id);
bool isValidId(const QJsonValue &id);

} // namespace interlock::integrations::mcp
