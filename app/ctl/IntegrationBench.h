#pragma once

#include <QString>

namespace interlock::ctl {

// Start-to-answer of `interlockctl hook claude-code` for a read-only tool, against /bin/cat.
int runHookBench(int runs);
// tools/call round trips direct to an MCP server and through the gateway (auto-approved by a
// server in this process; and with --allow-read-only), interleaved in one run.
int runGatewayBench(int calls, const QString &dir);

} // namespace interlock::ctl
