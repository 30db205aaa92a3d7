#pragma once

#include <QSet>
#include <QString>
#include <QVarLengthArray>

namespace interlock {

// A set of strings for removing duplicates while reading one action: a search through a few
// (most lists hold one to three hosts or addresses, and a QSet allocated on its first insert
// and freed on return was a tenth of the scoring time in perf), a hash set from the ninth on
// (80,000 recipients stay linear).
class SmallStringSet
{
public:
    // Whether `s` was not in the set yet; it is now.
    bool insert(const QString &s)
    {
        if (!m_isMany) {
            for (const QString &f : m_few) {
                if (f == s)
                    return false;
            }
            if (m_few.size() < kFew) {
                m_few.append(s);
                return true;
            }
            for (const QString &f : m_few)
                m_many.insert(f);
            m_few.clear();
            m_isMany = true;
        }
        const qsizetype before = m_many.size();
        m_many.insert(s);
        return m_many.size() > before;
    }
    bool contains(const QString &s) const
    {
        if (m_isMany)
            return m_many.contains(s);
        for (const QString &f : m_few) {
            if (f == s)
                return true;
        }
        return false;
    }
    qsizetype size() const { return m_isMany ? m_many.size() : m_few.size(); }
    void remove(const QString &s)
    {
        if (m_isMany) {
            m_many.remove(s);
            return;
        }
        for (qsizetype i = 0; i < m_few.size(); ++i) {
            if (m_few[i] == s) {
                m_few.remove(i);
                return;
            }
        }
    }

private:
    static constexpr qsizetype kFew = 8;
    QVarLengthArray<QString, kFew> m_few;
    QSet<QString> m_many;
    bool m_isMany = false;
};

} // namespace interlock
