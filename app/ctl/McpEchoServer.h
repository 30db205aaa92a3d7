#pragma once

#include <QString>

namespace interlock::ctl {

// A minimal stdio MCP server (see McpEchoServer.cpp); returns at the end of its input.
int runMcpEchoServer(const QString &logPath, bool crEndsLines = false);

} // namespace interlock::ctl
