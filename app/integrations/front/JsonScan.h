#pragma once

// A strict, validating JSON scanner with no Qt: used where Qt must not be loaded (the hook's
// fast path, which answers in a few milliseconds) and in front of every parse of text an agent
// or an MCP server wrote. It refuses what parsers disagree about, so that what Interlock checks
// is what the receiver will read: duplicate keys (one parser keeps the first, another the last),
// lone surrogates, invalid UTF-8, nesting deeper than a limit, anything after the value.

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace interlock::integrations {

struct JsonScanLimits {
    int maxDepth = 64;
    // Refuse integers outside the 64-bit range: Qt's parser (and so what a reviewer is shown)
    // would round them, while the receiver may read every digit.
    bool exactIntegers = false;
    // Refuse integers beyond ±(2^53 - 1) as well: JavaScript (most MCP servers, Claude Code)
    // reads every number as a double and would act on a rounded value the reviewer never saw.
    bool safeIntegers = false;
};

struct JsonScan {
    bool ok = false;
    std::string error; // what is wrong, for a person
    std::size_t offset = 0;
    char root = 0; // '{', '[', '"', 'n'umber, 't'rue/false/null: the root value's kind
    // The root object's members whose values are strings, unescaped (only when collected).
    std::vector<std::pair<std::string, std::string>> topStrings;

    // The root object's string member `key`, or nullptr.
    const std::string *topString(std::string_view key) const;
};

JsonScan scanJson(std::string_view text, const JsonScanLimits &limits = {},
                  bool collectTopStrings = false);

// `text` as a JSON string literal (quotes included), escaping what JSON requires.
std::string jsonQuote(std::string_view text);

} // namespace interlock::integrations
