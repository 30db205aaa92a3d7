#include "FastRegex.h"

#define PCRE2_CODE_UNIT_WIDTH 16
#include <pcre2.h>

namespace interlock {

struct FastRegex::Code {
    pcre2_code_16 *code = nullptr;
    bool jit = false;
    ~Code() { pcre2_code_free_16(code); }
};

namespace {
// One match data block per thread, large enough for group 0 and the groups Match reports
// (a pattern with more groups still matches: PCRE2 then fills only what fits).
pcre2_match_data_16 *threadMatchData()
{
    struct Holder {
        pcre2_match_data_16 *data = pcre2_match_data_create_16(5, nullptr);
        ~Holder() { pcre2_match_data_free_16(data); }
    };
    thread_local Holder holder;
    return holder.data;
}

// One JIT stack per thread, growing from 32 KiB up to 1 MiB: PCRE2's default (32 KiB on the
// machine stack) gave up on ordinary long commands (`git checkout --` with 6,000 files), which
// the risk engine would then rate high for nothing.
pcre2_match_context_16 *threadMatchContext()
{
    struct Holder {
        pcre2_jit_stack_16 *stack = pcre2_jit_stack_create_16(32 * 1024, 1024 * 1024, nullptr);
        pcre2_match_context_16 *context = pcre2_match_context_create_16(nullptr);
        Holder() { pcre2_jit_stack_assign_16(context, nullptr, stack); }
        ~Holder()
        {
            pcre2_match_context_free_16(context);
            pcre2_jit_stack_free_16(stack);
        }
    };
    thread_local Holder holder;
    return holder.context;
}

thread_local quint64 t_gaveUp = 0;
} // namespace

FastRegex::FastRegex(const QString &pattern, int options)
    : m_pattern(pattern)
{
    uint32_t flags = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
    if (options & CaseInsensitive)
        flags |= PCRE2_CASELESS;
    if (options & UnicodeProperties)
        flags |= PCRE2_UCP;
    int error = 0;
    PCRE2_SIZE offset = 0;
    pcre2_code_16 *code =
        pcre2_compile_16(reinterpret_cast<PCRE2_SPTR16>(pattern.utf16()),
                         PCRE2_SIZE(pattern.size()), flags, &error, &offset, nullptr);
    if (!code) {
        PCRE2_UCHAR16 buffer[256];
        const int n = pcre2_get_error_message_16(error, buffer, 256);
        m_error = QStringLiteral("%1 at offset %2")
                      .arg(n > 0 ? QString::fromUtf16(reinterpret_cast<const char16_t *>(buffer), n)
                                 : QStringLiteral("error %1").arg(error))
                      .arg(offset);
        return;
    }
    auto compiled = std::make_shared<Code>();
    compiled->code = code;
    compiled->jit = pcre2_jit_compile_16(code, PCRE2_JIT_COMPLETE) == 0;
    m_code = std::move(compiled);
}

quint64 FastRegex::searchesGivenUp()
{
    return t_gaveUp;
}

FastRegex::Match FastRegex::search(QStringView subject, qsizetype from) const
{
    Match m;
    if (!m_code || from > subject.size())
        return m;
    pcre2_match_data_16 *data = threadMatchData();
    const auto text = reinterpret_cast<PCRE2_SPTR16>(subject.utf16());
    const int rc = m_code->jit ? pcre2_jit_match_16(m_code->code, text, PCRE2_SIZE(subject.size()),
                                                    PCRE2_SIZE(from), 0, data, threadMatchContext())
                               : pcre2_match_16(m_code->code, text, PCRE2_SIZE(subject.size()),
                                                PCRE2_SIZE(from), 0, data, nullptr);
    if (rc < 0) {
        // Anything but "no match" is a search that gave up (PCRE2's match, depth or heap limit,
        // the JIT's stack): nobody knows whether the pattern is there. Counted, so the risk
        // engine can fail closed (RiskEngine::assess).
        if (rc != PCRE2_ERROR_NOMATCH && rc != PCRE2_ERROR_PARTIAL)
            ++t_gaveUp;
        return m;
    }
    const PCRE2_SIZE *ovector = pcre2_get_ovector_pointer_16(data);
    m.start = qsizetype(ovector[0]);
    m.length = qsizetype(ovector[1] - ovector[0]);
    const int groups = rc == 0 ? 4 : qMin(rc - 1, 4);
    for (int g = 0; g < groups; ++g) {
        if (ovector[2 * (g + 1)] != PCRE2_UNSET) {
            m.groupStart[g] = qsizetype(ovector[2 * (g + 1)]);
            m.groupLength[g] = qsizetype(ovector[2 * (g + 1) + 1] - ovector[2 * (g + 1)]);
        }
    }
    return m;
}

} // namespace interlock
