// The hook's front with a chosen full program ($PROBE_FULL), for tst_hookfront: what the front
// does when the full hook crashes, fails, prints garbage or never answers.
#include "front/HookFront.h"

#include <cstdlib>

int main(int argc, char *argv[])
{
    const char *full = std::getenv("PROBE_FULL");
    const int code =
        interlock::integrations::hook::runFront(argc, argv, full ? full : "/nonexistent/full");
    return code < 0 ? 2 : code;
}
