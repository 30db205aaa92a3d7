// `interlockctl bench mcp-echo [--log FILE]`: a minimal stdio MCP server, the "direct server" of
// `bench gateway` and the MCP server the gateway tests talk to. Tools:
//   echo       {text}        claims readOnlyHint, not open-world: answers the text
//   write_note {path, text}  claims destructiveHint: answers what it would write (writes nothing)
//   bare       {…}           claims nothing
// tools/call answers {"content":[{"type":"text","text": <the call as JSON>}]}. The request
// "test/ask-client" makes it send a server-to-client request (roots/list) first. Every line it
// receives is appended to --log, so a test can prove what reached the server. With
// --cr-ends-lines it also ends a line at a bare CR and skips what does not parse, as the MCP
// Python SDK's stdio transport does (Python's universal newlines).
#include "McpEchoServer.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <cstdio>
#include <iostream>
#include <string>

namespace interlock::ctl {

namespace {
QJsonObject tool(const char *name, const QJsonObject &schema, const QJsonObject &annotations)
{
    QJsonObject t{{QStringLiteral("name"), QString::fromLatin1(name)},
                  {QStringLiteral("description"),
                   QStringLiteral("Interlock's echo server: %1").arg(QString::fromLatin1(name))},
                  {QStringLiteral("inputSchema"), schema}};
    if (!annotations.isEmpty())
        t.insert(QStringLiteral("annotations"), annotations);
    return t;
}

QJsonObject stringProps(const QStringList &names)
{
    QJsonObject props;
    for (const QString &n : names)
        props.insert(n, QJsonObject{{QStringLiteral("type"), QStringLiteral("string")}});
    return {{QStringLiteral("type"), QStringLiteral("object")},
            {QStringLiteral("properties"), props},
            {QStringLiteral("required"), QJsonArray::fromStringList(names)},
            {QStringLiteral("additionalProperties"), false}};
}

void send(const QJsonObject &message)
{
    const QByteArray line = QJsonDocument(message).toJson(QJsonDocument::Compact) + '\n';
    std::fwrite(line.constData(), 1, size_t(line.size()), stdout);
    std::fflush(stdout);
}

QJsonObject result(const QJsonValue &id, const QJsonObject &result)
{
    return {{QStringLiteral("jsonrpc"), QStringLiteral("2.0")},
            {QStringLiteral("id"), id},
            {QStringLiteral("result"), result}};
}
} // namespace

int runMcpEchoServer(const QString &logPath, bool crEndsLines)
{
    QFile log(logPath);
    if (!logPath.isEmpty() && !log.open(QIODevice::Append))
        return 1;
    const QJsonArray tools{
        tool("echo", stringProps({QStringLiteral("text")}),
             {{QStringLiteral("readOnlyHint"), true}, {QStringLiteral("openWorldHint"), false}}),
        tool("write_note", stringProps({QStringLiteral("path"), QStringLiteral("text")}),
             {{QStringLiteral("readOnlyHint"), false},
              {QStringLiteral("destructiveHint"), true},
              {QStringLiteral("openWorldHint"), false}}),
        tool("bare", {{QStringLiteral("type"), QStringLiteral("object")}}, {})};
    int asked = 0;
    const auto handle = [&](const QByteArray &line) {
        if (log.isOpen()) {
            log.write(line + '\n');
            log.flush();
        }
        const QJsonObject m = QJsonDocument::fromJson(line).object();
        const QString method = m.value(QStringLiteral("method")).toString();
        const QJsonValue id = m.value(QStringLiteral("id"));
        if (method.isEmpty() || id.isUndefined())
            return; // notifications and the client's replies
        if (method == QLatin1String("initialize")) {
            send(result(
                id,
                {{QStringLiteral("protocolVersion"), m.value(QStringLiteral("params"))
                                                         .toObject()
                                                         .value(QStringLiteral("protocolVersion"))
                                                         .toString(QStringLiteral("2025-06-18"))},
                 {QStringLiteral("capabilities"),
                  QJsonObject{{QStringLiteral("tools"), QJsonObject()}}},
                 {QStringLiteral("serverInfo"),
                  QJsonObject{{QStringLiteral("name"), QStringLiteral("interlock-echo")},
                              {QStringLiteral("version"), QStringLiteral("1")}}}}));
        } else if (method == QLatin1String("tools/list")) {
            send(result(id, {{QStringLiteral("tools"), tools}}));
        } else if (method == QLatin1String("tools/call")) {
            const QJsonObject params = m.value(QStringLiteral("params")).toObject();
            const QJsonObject text{
                {QStringLiteral("type"), QStringLiteral("text")},
                {QStringLiteral("text"),
                 QString::fromUtf8(QJsonDocument(params).toJson(QJsonDocument::Compact))}};
            send(result(id, {{QStringLiteral("content"), QJsonArray{text}}}));
        } else if (method == QLatin1String("test/ask-client")) {
            send({{QStringLiteral("jsonrpc"), QStringLiteral("2.0")},
                  {QStringLiteral("id"), QStringLiteral("echo-server-%1").arg(++asked)},
                  {QStringLiteral("method"), QStringLiteral("roots/list")}});
            send(result(id, {}));
        } else {
            send({{QStringLiteral("jsonrpc"), QStringLiteral("2.0")},
                  {QStringLiteral("id"), id},
                  {QStringLiteral("error"),
                   QJsonObject{{QStringLiteral("code"), -32601},
                               {QStringLiteral("message"), QStringLiteral("Method not found")}}}});
        }
    };
    std::string raw;
    while (std::getline(std::cin, raw)) {
        const QByteArray read = QByteArray::fromStdString(raw);
        if (!crEndsLines) {
            handle(read);
            continue;
        }
        for (const QByteArray &line : read.split('\r')) {
            if (!line.isEmpty())
                handle(line);
        }
    }
    return 0;
}

} // namespace interlock::ctl
