#pragma once

#include <QHash>
#include <optional>

namespace interlock {

// Rows as last read, each valid while a stamp (a count of the writes since) is unchanged; for the
// rows a request reads again and again. Bounded: emptied when full.
template <typename Key, typename Value> class StampedCache
{
public:
    std::optional<Value> find(const Key &key, qint64 stamp) const
    {
        const auto hit = m_entries.constFind(key);
        if (hit == m_entries.cend() || hit->stamp != stamp)
            return std::nullopt;
        return hit->value;
    }
    void insert(const Key &key, qint64 stamp, const Value &value)
    {
        if (m_entries.size() >= kMaxEntries)
            m_entries.clear();
        m_entries.insert(key, Entry{stamp, value});
    }
    void clear() { m_entries.clear(); }

private:
    static constexpr qsizetype kMaxEntries = 256;
    struct Entry {
        qint64 stamp;
        Value value;
    };
    QHash<Key, Entry> m_entries;
};

} // namespace interlock
