#include "McpMessages.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <cmath>

namespace interlock::integrations::mcp {

namespace {
const QString kJsonRpc = QStringLiteral("jsonrpc");
const QString k20 = QStringLiteral("2.0");
} // namespace

QByteArray line(const QJsonObject &message)
{
    return QJsonDocument(message).toJson(QJsonDocument::Compact) + '\n';
}

QByteArray error(const QJsonValue &id, int code, const QString &message)
{
    return line({{kJsonRpc, k20},
                 {QStringLiteral("id"), id.isUndefined() ? QJsonValue(QJsonValue::Null) : id},
                 {QStringLiteral("error"), QJsonObject{{QStringLiteral("code"), code},
                                                       {QStringLiteral("message"), message}}}});
}

QByteArray toolError(const QJsonValue &id, const QString &text)
{
    const QJsonObject content{{QStringLiteral("type"), QStringLiteral("text")},
                              {QStringLiteral("text"), text}};
    return line(
        {{kJsonRpc, k20},
         {QStringLiteral("id"), id},
         {QStringLiteral("result"), QJsonObject{{QStringLiteral("content"), QJsonArray{content}},
                                                {QStringLiteral("isError"), true}}}});
}

QByteArray progress(const QJsonValue &token, int progress, const QString &message)
{
    return line({{kJsonRpc, k20},
                 {QStringLiteral("method"), QStringLiteral("notifications/progress")},
                 {QStringLiteral("params"), QJsonObject{{QStringLiteral("progressToken"), token},
                                                        {QStringLiteral("progress"), progress},
                                                        {QStringLiteral("message"), message}}}});
}

QString idKey(const QJsonValue &id)
{
    if (id.isString())
        return QStringLiteral("s:") + id.toString();
    return QStringLiteral("n:") +
           QString::fromUtf8(QJsonDocument(QJsonArray{id}).toJson(QJsonDocument::Compact));
}

bool isValidId(const QJsonValue &id)
{
    // Numbers only where they survive a round trip through a double unchanged.
    return id.isString() || (id.isDouble() && std::abs(id.toDouble()) <= 9007199254740991.0 &&
                             std::floor(id.toDouble()) == id.toDouble());
}

} // namespace interlock::integrations::mcp
