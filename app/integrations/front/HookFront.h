#pragma once

#include <string>

namespace interlock::integrations::hook {

// `interlockctl hook claude-code` as Claude Code runs it, before any Qt library is loaded:
// - reads the hook input (at most kMaxInputBytes) and checks it is one valid JSON object;
// - answers a tool on the read-only list with `allow` at once (unless this Claude session was
//   killed);
// - runs everything else through the full hook (`fullProgram hook claude-code …`, the same
//   arguments, the input on its stdin) and passes on its answer only when it is a JSON object
//   and the full hook exited 0; a crash, a non-zero exit, other output or the backstop deadline
//   becomes `deny`.
// Prints exactly one JSON answer and returns 0 in every case. Returns -1 without reading
// anything when the arguments ask for something else (--install, --help): run fullProgram.
int runFront(int argc, char **argv, const std::string &fullProgram);

} // namespace interlock::integrations::hook
