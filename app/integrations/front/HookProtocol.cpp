#include "HookProtocol.h"

#include "JsonScan.h"

#include <cstdlib>
#include <unistd.h>

namespace interlock::integrations::hook {

std::string stateDir()
{
    const char *runtime = std::getenv("XDG_RUNTIME_DIR");
    if (runtime && runtime[0] == '/')
        return std::string(runtime) + "/interlock/claude-code";
    return "/tmp/interlock-" + std::to_string(::getuid()) + "/claude-code";
}

std::string plainSessionKey(std::string_view id)
{
    if (id.empty() || id.size() > 64)
        return {};
    for (const char c : id) {
        const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                           (c >= '0' && c <= '9') || c == '-' || c == '_';
        if (!plain)
            return {};
    }
    return std::string(id);
}

bool listContains(std::string_view list, std::string_view tool)
{
    if (tool.empty())
        return false;
    while (!list.empty()) {
        const std::size_t comma = list.find(',');
        std::string_view item = list.substr(0, comma);
        while (!item.empty() && item.front() == ' ')
            item.remove_prefix(1);
        while (!item.empty() && item.back() == ' ')
            item.remove_suffix(1);
        if (item == tool)
            return true;
        if (comma == std::string_view::npos)
            break;
        list.remove_prefix(comma + 1);
    }
    return false;
}

static std::string answer(std::string_view decision, std::string_view reason)
{
    return R"({"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":")" +
           std::string(decision) + R"(","permissionDecisionReason":)" + jsonQuote(reason) + "}}\n";
}

std::string allowJson(std::string_view reason)
{
    return answer("allow", reason);
}

std::string denyJson(std::string_view reason)
{
    return answer("deny", reason);
}

} // namespace interlock::integrations::hook
