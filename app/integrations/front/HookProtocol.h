#pragma once

// What the Claude Code hook's two halves share: the Qt-free front (`interlockctl`, which answers
// read-only tools in a few milliseconds and guards the rest) and the full hook in
// `interlockctl-full`, which talks to Interlock. No Qt here.

#include <string>
#include <string_view>

namespace interlock::integrations::hook {

// Tools Claude Code may run without a round-trip to Interlock unless --read-only-tools says
// otherwise: they read, search or keep Claude's own to-do list, and change nothing outside it.
inline constexpr std::string_view kDefaultReadOnlyTools =
    "Read,Glob,Grep,LS,NotebookRead,TodoRead,TodoWrite,TaskCreate,TaskGet,TaskList,TaskUpdate,"
    "TaskOutput,BashOutput,ListMcpResourcesTool,ReadMcpResourceTool,ToolSearch,AskUserQuestion,"
    "ExitPlanMode,WaitForMcpServers";

// The most hook input the hook reads; more is refused (deny), never truncated.
inline constexpr std::size_t kMaxInputBytes = 8 * 1024 * 1024;
// The most output the full hook may print.
inline constexpr std::size_t kMaxOutputBytes = 4 * 1024 * 1024;
// The hook's own deadline when --deadline is not given: below the 3600 s the installer declares
// as Claude Code's timeout, so the hook always answers (deny) before Claude gives up on it.
inline constexpr int kDefaultDeadlineSeconds = 3500;
// The front kills the full hook this long after the deadline and denies (a backstop).
inline constexpr int kBackstopSeconds = 10;

// Once a Claude session has an Interlock session of its own (a token file in stateDir()), a
// read-only tool is allowed only while that session is known to be alive: the full hook asks
// GET /v1/me and marks the answer in `<key>.alive` (its time); the front trusts a mark this
// young and sends the call to the full hook otherwise. A kill made while no reviewed call was
// waiting then stops reads within this long too.
inline constexpr long long kAliveTrustMs = 1000;

// Where per-Claude-session state lives: $XDG_RUNTIME_DIR/interlock/claude-code, or
// /tmp/interlock-UID/claude-code when XDG_RUNTIME_DIR is not set.
std::string stateDir();
// The file name stem for a Claude session id: the id itself when it is a plain token
// ([A-Za-z0-9_-], at most 64), else empty (the full hook then uses a hash of it).
std::string plainSessionKey(std::string_view claudeSessionId);

// Is `tool` in the comma-separated `list`?
bool listContains(std::string_view list, std::string_view tool);

// The hook's answers, as Claude Code reads them (exit status 0 in every case).
std::string allowJson(std::string_view reason);
std::string denyJson(std::string_view reason);

} // namespace interlock::integrations::hook
