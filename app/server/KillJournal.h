#pragma once

#include <QJsonArray>
#include <QString>
#include <optional>

namespace interlock {

// The kills the database has not taken yet, kept in a file beside it (`<db>.kills`): a server
// stopped or killed before the database took them refuses their sessions again when it starts,
// and records them then. The list is written whole to `<db>.kills.new`, synced and renamed over
// the file (a crash leaves the old list or the new one, never half of one); the file is removed
// once every kill is recorded.
class KillJournal
{
public:
    explicit KillJournal(QString path);

    // The kills left by the last run (empty: none). nullopt with *error when the file is there
    // but cannot be read: a server must not start without them.
    std::optional<QJsonArray> read(QString *error) const;
    // Replaces the list (empty: removes the file).
    bool write(const QJsonArray &kills, QString *error);

    QString path() const { return m_path; }

private:
    QString m_path;
};

} // namespace interlock
