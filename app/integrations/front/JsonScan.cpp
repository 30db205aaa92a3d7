#include "JsonScan.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <unordered_set>

namespace interlock::integrations {

namespace {

class Scanner
{
public:
    Scanner(std::string_view text, const JsonScanLimits &limits, bool collect)
        : m_text(text)
        , m_limits(limits)
        , m_collect(collect)
    {}

    JsonScan run()
    {
        skipSpace();
        if (m_pos < m_text.size()) {
            const char c = m_text[m_pos];
            m_out.root = c == '{' || c == '[' || c == '"'   ? c
                         : c == 't' || c == 'f' || c == 'n' ? 't'
                                                            : 'n';
        }
        if (value(0, true)) {
            skipSpace();
            if (m_pos != m_text.size())
                fail("unexpected text after the JSON value");
        }
        m_out.ok = m_error.empty();
        m_out.error = m_error;
        m_out.offset = m_pos;
        return std::move(m_out);
    }

private:
    bool fail(const char *what)
    {
        if (m_error.empty())
            m_error = what;
        return false;
    }

    void skipSpace()
    {
        while (m_pos < m_text.size()) {
            const char c = m_text[m_pos];
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
                break;
            ++m_pos;
        }
    }

    bool literal(std::string_view word)
    {
        if (m_text.substr(m_pos, word.size()) != word)
            return fail("invalid literal");
        m_pos += word.size();
        return true;
    }

    bool number()
    {
        const std::size_t start = m_pos;
        bool integer = true;
        const auto digit = [this] {
            return m_pos < m_text.size() && m_text[m_pos] >= '0' && m_text[m_pos] <= '9';
        };
        if (m_pos < m_text.size() && m_text[m_pos] == '-')
            ++m_pos;
        if (!digit())
            return fail("invalid number");
        if (m_text[m_pos] == '0') {
            ++m_pos;
        } else {
            while (digit())
                ++m_pos;
        }
        if (m_pos < m_text.size() && m_text[m_pos] == '.') {
            integer = false;
            ++m_pos;
            if (!digit())
                return fail("invalid number");
            while (digit())
                ++m_pos;
        }
        if (m_pos < m_text.size() && (m_text[m_pos] == 'e' || m_text[m_pos] == 'E')) {
            integer = false;
            ++m_pos;
            if (m_pos < m_text.size() && (m_text[m_pos] == '+' || m_text[m_pos] == '-'))
                ++m_pos;
            if (!digit())
                return fail("invalid number");
            while (digit())
                ++m_pos;
        }
        if (integer && (m_limits.exactIntegers || m_limits.safeIntegers)) {
            std::int64_t value = 0;
            const char *first = m_text.data() + start;
            const char *last = m_text.data() + m_pos;
            if (std::from_chars(first, last, value).ec != std::errc())
                return fail(
                    "an integer outside the 64-bit range (it would not be carried exactly)");
            constexpr std::int64_t kMaxSafe = (std::int64_t(1) << 53) - 1;
            if (m_limits.safeIntegers && (value > kMaxSafe || value < -kMaxSafe))
                return fail("an integer beyond +/-(2^53 - 1), which JavaScript reads rounded to "
                            "another number (send it as a string)");
        }
        return true;
    }

    static void appendUtf8(std::string &out, std::uint32_t cp)
    {
        if (cp < 0x80) {
            out += char(cp);
        } else if (cp < 0x800) {
            out += char(0xC0 | (cp >> 6));
            out += char(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out += char(0xE0 | (cp >> 12));
            out += char(0x80 | ((cp >> 6) & 0x3F));
            out += char(0x80 | (cp & 0x3F));
        } else {
            out += char(0xF0 | (cp >> 18));
            out += char(0x80 | ((cp >> 12) & 0x3F));
            out += char(0x80 | ((cp >> 6) & 0x3F));
            out += char(0x80 | (cp & 0x3F));
        }
    }

    bool hex4(std::uint32_t *out)
    {
        if (m_pos + 4 > m_text.size())
            return fail("invalid \\u escape");
        std::uint32_t v = 0;
        for (int i = 0; i < 4; ++i) {
            const char c = m_text[m_pos++];
            v <<= 4;
            if (c >= '0' && c <= '9')
                v |= std::uint32_t(c - '0');
            else if (c >= 'a' && c <= 'f')
                v |= std::uint32_t(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F')
                v |= std::uint32_t(c - 'A' + 10);
            else
                return fail("invalid \\u escape");
        }
        *out = v;
        return true;
    }

    // One UTF-8 sequence starting at m_pos (already known to be >= 0x80), strictly: no overlong
    // forms, no surrogates, nothing above U+10FFFF.
    bool utf8Sequence(std::string *out)
    {
        const auto byte = [this](std::size_t i) { return std::uint8_t(m_text[i]); };
        const std::uint8_t b0 = byte(m_pos);
        int length = 0;
        std::uint32_t cp = 0;
        if (b0 >= 0xC2 && b0 <= 0xDF) {
            length = 2;
            cp = b0 & 0x1F;
        } else if (b0 >= 0xE0 && b0 <= 0xEF) {
            length = 3;
            cp = b0 & 0x0F;
        } else if (b0 >= 0xF0 && b0 <= 0xF4) {
            length = 4;
            cp = b0 & 0x07;
        } else {
            return fail("invalid UTF-8");
        }
        if (m_pos + std::size_t(length) > m_text.size())
            return fail("invalid UTF-8");
        for (int i = 1; i < length; ++i) {
            const std::uint8_t b = byte(m_pos + std::size_t(i));
            if ((b & 0xC0) != 0x80)
                return fail("invalid UTF-8");
            cp = (cp << 6) | (b & 0x3F);
        }
        if ((length == 3 && cp < 0x800) || (length == 4 && cp < 0x10000) || cp > 0x10FFFF ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return fail("invalid UTF-8");
        if (out)
            out->append(m_text.substr(m_pos, std::size_t(length)));
        m_pos += std::size_t(length);
        return true;
    }

    // A string at m_pos (on the opening quote); unescaped into *out when out is set.
    bool string(std::string *out)
    {
        ++m_pos;
        while (m_pos < m_text.size()) {
            const std::uint8_t c = std::uint8_t(m_text[m_pos]);
            if (c == '"') {
                ++m_pos;
                return true;
            }
            if (c < 0x20)
                return fail("control character in a string");
            if (c >= 0x80) {
                if (!utf8Sequence(out))
                    return false;
                continue;
            }
            if (c != '\\') {
                if (out)
                    *out += char(c);
                ++m_pos;
                continue;
            }
            if (++m_pos >= m_text.size())
                break;
            const char e = m_text[m_pos++];
            char plain = 0;
            switch (e) {
            case '"':
                plain = '"';
                break;
            case '\\':
                plain = '\\';
                break;
            case '/':
                plain = '/';
                break;
            case 'b':
                plain = '\b';
                break;
            case 'f':
                plain = '\f';
                break;
            case 'n':
                plain = '\n';
                break;
            case 'r':
                plain = '\r';
                break;
            case 't':
                plain = '\t';
                break;
            case 'u': {
                std::uint32_t cp = 0;
                if (!hex4(&cp))
                    return false;
                if (cp >= 0xDC00 && cp <= 0xDFFF)
                    return fail("lone surrogate in a string");
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    std::uint32_t low = 0;
                    if (m_text.substr(m_pos, 2) != "\\u")
                        return fail("lone surrogate in a string");
                    m_pos += 2;
                    if (!hex4(&low))
                        return false;
                    if (low < 0xDC00 || low > 0xDFFF)
                        return fail("lone surrogate in a string");
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                }
                if (out)
                    appendUtf8(*out, cp);
                continue;
            }
            default:
                return fail("invalid escape in a string");
            }
            if (out)
                *out += plain;
        }
        return fail("unterminated string");
    }

    bool object(int depth, bool isRoot)
    {
        ++m_pos;
        std::vector<std::string> keys;
        std::unordered_set<std::string> many;
        skipSpace();
        if (m_pos < m_text.size() && m_text[m_pos] == '}') {
            ++m_pos;
            return true;
        }
        for (;;) {
            skipSpace();
            if (m_pos >= m_text.size() || m_text[m_pos] != '"')
                return fail("expected a member name");
            std::string key;
            if (!string(&key))
                return false;
            // Duplicate names are refused: parsers disagree on which one counts.
            if (many.empty() && keys.size() < 16) {
                if (std::find(keys.begin(), keys.end(), key) != keys.end())
                    return fail("duplicate member name");
                keys.push_back(key);
            } else {
                if (many.empty())
                    many.insert(keys.begin(), keys.end());
                if (!many.insert(key).second)
                    return fail("duplicate member name");
            }
            skipSpace();
            if (m_pos >= m_text.size() || m_text[m_pos] != ':')
                return fail("expected ':'");
            ++m_pos;
            skipSpace();
            if (isRoot && m_collect && m_pos < m_text.size() && m_text[m_pos] == '"') {
                std::string text;
                if (!string(&text))
                    return false;
                m_out.topStrings.emplace_back(std::move(key), std::move(text));
            } else if (!value(depth + 1, false)) {
                return false;
            }
            skipSpace();
            if (m_pos < m_text.size() && m_text[m_pos] == ',') {
                ++m_pos;
                continue;
            }
            if (m_pos < m_text.size() && m_text[m_pos] == '}') {
                ++m_pos;
                return true;
            }
            return fail("expected ',' or '}'");
        }
    }

    bool array(int depth)
    {
        ++m_pos;
        skipSpace();
        if (m_pos < m_text.size() && m_text[m_pos] == ']') {
            ++m_pos;
            return true;
        }
        for (;;) {
            if (!value(depth + 1, false))
                return false;
            skipSpace();
            if (m_pos < m_text.size() && m_text[m_pos] == ',') {
                ++m_pos;
                continue;
            }
            if (m_pos < m_text.size() && m_text[m_pos] == ']') {
                ++m_pos;
                return true;
            }
            return fail("expected ',' or ']'");
        }
    }

    bool value(int depth, bool isRoot)
    {
        skipSpace();
        if (m_pos >= m_text.size())
            return fail("unexpected end of the text");
        const char c = m_text[m_pos];
        if ((c == '{' || c == '[') && depth >= m_limits.maxDepth)
            return fail("nested too deeply");
        switch (c) {
        case '{':
            return object(depth, isRoot);
        case '[':
            return array(depth);
        case '"':
            return string(nullptr);
        case 't':
            return literal("true");
        case 'f':
            return literal("false");
        case 'n':
            return literal("null");
        default:
            if (c == '-' || (c >= '0' && c <= '9'))
                return number();
            return fail("unexpected character");
        }
    }

    std::string_view m_text;
    JsonScanLimits m_limits;
    bool m_collect;
    std::size_t m_pos = 0;
    std::string m_error;
    JsonScan m_out;
};

} // namespace

const std::string *JsonScan::topString(std::string_view key) const
{
    for (const auto &[k, v] : topStrings) {
        if (k == key)
            return &v;
    }
    return nullptr;
}

JsonScan scanJson(std::string_view text, const JsonScanLimits &limits, bool collectTopStrings)
{
    return Scanner(text, limits, collectTopStrings).run();
}

std::string jsonQuote(std::string_view text)
{
    std::string out;
    out.reserve(text.size() + 2);
    out += '"';
    for (const char ch : text) {
        const auto c = std::uint8_t(ch);
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (c < 0x20 || c == 0x7F) {
                char buffer[8];
                std::snprintf(buffer, sizeof buffer, "\\u%04x", unsigned(c));
                out += buffer;
            } else {
                out += char(c);
            }
        }
    }
    out += '"';
    return out;
}

} // namespace interlock::integrations
