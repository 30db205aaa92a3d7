#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QMap>
#include <QMutex>
#include <QString>
#include <optional>

namespace interlock {

// The kills the database has not taken yet, kept in a file beside it (`<db>.kills`): a server
// stopped or killed before the database took them refuses their sessions again when it starts,
// and records them then. The list is written whole to `<db>.kills.new`, synced and renamed over
// the file (a crash leaves the old list or the new one, never half of one); the file is removed
// once every kill is recorded.
//
// Two threads keep kills in it, and the file holds both lists (thread-safe):
// - the KillRecorder (API thread): the kills it could not write yet;
// - the ControlPath (I/O thread): the kills it answered ("recorded": false) before the API thread
//   had them, kept until the API thread answers them (written, or handed to the KillRecorder).
class KillJournal
{
public:
    explicit KillJournal(QString path);

    // The kills left by the last run (empty: none). nullopt with *error when the file is there
    // but cannot be read: a server must not start without them. They stay in the file as the
    // KillRecorder's list until it replaces that list (keepWaiting), which it does once it has
    // them (KillRecorder::restore()).
    std::optional<QJsonArray> read(QString *error);
    // Replaces the KillRecorder's list (empty: it has none).
    bool keepWaiting(const QJsonArray &kills, QString *error);
    // Adds a kill answered before the API thread had it; nullopt with *error if it could not be
    // written.
    std::optional<quint64> keepAnswered(const QJsonObject &kill, QString *error);
    // The API thread has it now.
    bool forgetAnswered(quint64 id, QString *error);

    QString path() const { return m_path; }

private:
    bool write(QString *error); // both lists; removes the file when both are empty

    const QString m_path;
    QMutex m_mutex;
    QJsonArray m_waiting;
    QMap<quint64, QJsonObject> m_answered;
    quint64 m_lastAnswered = 0;
};

} // namespace interlock
