// `interlockctl`: a small program without Qt in front of interlockctl-full (every command).
// Claude Code starts `interlockctl hook claude-code` for every tool call; for the read-only ones
// the answer comes from here in a few milliseconds, without loading any Qt library. Everything
// else is interlockctl-full, run in this same process (exec): `interlockctl run` keeps its pid.
#include "front/HookFront.h"

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <string>
#include <unistd.h>

namespace {
// interlockctl-full next to this program (the build tree), else in ../libexec/interlock.
std::string fullProgram()
{
    char self[PATH_MAX];
    const ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0)
        return "interlockctl-full";
    self[n] = 0;
    std::string dir(self);
    dir.erase(dir.rfind('/'));
    const std::string beside = dir + "/interlockctl-full";
    if (::access(beside.c_str(), X_OK) == 0)
        return beside;
    return dir + "/" INTERLOCKCTL_FULL_FROM_BIN "/interlockctl-full";
}
} // namespace

int main(int argc, char *argv[])
{
    const std::string full = fullProgram();
    if (argc >= 3 && std::strcmp(argv[1], "hook") == 0 &&
        std::strcmp(argv[2], "claude-code") == 0) {
        const int code = interlock::integrations::hook::runFront(argc, argv, full);
        if (code >= 0)
            return code;
    }
    ::execv(full.c_str(), argv);
    std::fprintf(stderr, "interlockctl: cannot run %s: %s\n", full.c_str(), std::strerror(errno));
    return 1;
}
