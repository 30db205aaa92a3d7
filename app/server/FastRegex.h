#pragma once

#include <QString>
#include <QStringView>
#include <memory>

namespace interlock {

// A regular expression compiled once with PCRE2's JIT and matched without allocating anything:
// the risk engine runs dozens per action (QRegularExpression allocates its match data, its
// result and its offsets on every match). Same PCRE2 syntax as QRegularExpression, on UTF-16;
// invalid UTF-16 in a subject never matches instead of being an error. Thread-safe: the
// compiled code is shared read-only, match data is per thread.
class FastRegex
{
public:
    enum Option { None = 0, CaseInsensitive = 1, UnicodeProperties = 2 };

    FastRegex() = default;
    explicit FastRegex(const QString &pattern, int options = None);

    bool isValid() const { return m_code != nullptr; }
    QString errorString() const { return m_error; }
    QString pattern() const { return m_pattern; }

    struct Match {
        qsizetype start = -1;
        qsizetype length = 0;
        qsizetype groupStart[4] = {-1, -1, -1, -1}; // groups 1 to 4
        qsizetype groupLength[4] = {0, 0, 0, 0};

        explicit operator bool() const { return start >= 0; }
        QString text(QStringView subject) const { return subject.mid(start, length).toString(); }
        QString group(QStringView subject, int n) const
        {
            return groupStart[n - 1] < 0
                       ? QString()
                       : subject.mid(groupStart[n - 1], groupLength[n - 1]).toString();
        }
        qsizetype end() const { return start + length; }
    };
    // The first match at or after `from`.
    Match search(QStringView subject, qsizetype from = 0) const;
    bool matches(QStringView subject) const { return bool(search(subject)); }
    // How many searches on this thread gave up so far (PCRE2's match, depth or heap limit, or
    // the JIT's stack, reached on hostile text): such a search reports no match, so a caller for
    // whom "no match" means "safe" compares this before and after.
    static quint64 searchesGivenUp();

private:
    struct Code;
    std::shared_ptr<const Code> m_code;
    QString m_pattern;
    QString m_error;
};

} // namespace interlock
