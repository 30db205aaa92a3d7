#pragma once

#include <QHash>
#include <optional>

namespace interlock {

// Rows as last read, each under its SQLite rowid so that a change of that row (reported by
// sqlite3_update_hook) forgets it. Bounded: emptied when full.
template <typename Key, typename Value> class RowCache
{
public:
    std::optional<Value> find(const Key &key) const
    {
        const auto hit = m_entries.constFind(key);
        if (hit == m_entries.cend())
            return std::nullopt;
        return hit->value;
    }
    std::optional<qint64> rowOf(const Key &key) const
    {
        const auto hit = m_entries.constFind(key);
        if (hit == m_entries.cend())
            return std::nullopt;
        return hit->row;
    }
    void insert(const Key &key, qint64 row, const Value &value)
    {
        if (m_entries.size() >= kMaxEntries)
            clear();
        forget(key);
        if (const auto other = m_keys.constFind(row); other != m_keys.cend())
            m_entries.remove(*other); // a row is one key; defensive
        m_entries.insert(key, Entry{row, value});
        m_keys.insert(row, key);
    }
    // Changes a kept row in place, as a write just changed it.
    template <typename Change> void update(const Key &key, Change change)
    {
        const auto hit = m_entries.find(key);
        if (hit != m_entries.end())
            change(hit->value);
    }
    void forgetRow(qint64 row)
    {
        const auto key = m_keys.constFind(row);
        if (key == m_keys.cend())
            return;
        m_entries.remove(*key);
        m_keys.erase(key);
    }
    void forget(const Key &key)
    {
        const auto hit = m_entries.constFind(key);
        if (hit == m_entries.cend())
            return;
        m_keys.remove(hit->row);
        m_entries.erase(hit);
    }
    void clear()
    {
        m_entries.clear();
        m_keys.clear();
    }

private:
    static constexpr qsizetype kMaxEntries = 256;
    struct Entry {
        qint64 row;
        Value value;
    };
    QHash<Key, Entry> m_entries;
    QHash<qint64, Key> m_keys;
};

} // namespace interlock
