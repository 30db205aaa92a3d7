#include "KillJournal.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace interlock {

namespace {
constexpr qint64 kMaxBytes = 16 * 1024 * 1024;

bool syncFolderOf(const QString &path)
{
    const int fd = ::open(QFile::encodeName(QFileInfo(path).absolutePath()).constData(),
                          O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return false;
    const bool ok = ::fsync(fd) == 0;
    ::close(fd);
    return ok;
}
} // namespace

KillJournal::KillJournal(QString path)
    : m_path(std::move(path))
{}

std::optional<QJsonArray> KillJournal::read(QString *error)
{
    QFile file(m_path);
    if (!file.exists())
        return QJsonArray{};
    if (!file.open(QIODevice::ReadOnly) || file.size() > kMaxBytes) {
        *error = QStringLiteral("cannot read the kills not yet recorded in %1: %2")
                     .arg(m_path, file.size() > kMaxBytes ? QStringLiteral("larger than 16 MiB")
                                                          : file.errorString());
        return std::nullopt;
    }
    QJsonParseError parse{};
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parse);
    if (parse.error != QJsonParseError::NoError || !doc.isArray()) {
        *error = QStringLiteral("the kills not yet recorded in %1 cannot be read (%2); a server "
                                "must not start without them: look at the file, then move it "
                                "away to start without them")
                     .arg(m_path, parse.error != QJsonParseError::NoError
                                      ? parse.errorString()
                                      : QStringLiteral("not a JSON array"));
        return std::nullopt;
    }
    QMutexLocker lock(&m_mutex);
    m_waiting = doc.array();
    return m_waiting;
}

bool KillJournal::keepWaiting(const QJsonArray &kills, QString *error)
{
    QMutexLocker lock(&m_mutex);
    m_waiting = kills;
    return write(error);
}

std::optional<quint64> KillJournal::keepAnswered(const QJsonObject &kill, QString *error)
{
    QMutexLocker lock(&m_mutex);
    const quint64 id = ++m_lastAnswered;
    m_answered.insert(id, kill);
    if (write(error))
        return id;
    m_answered.remove(id);
    return std::nullopt;
}

bool KillJournal::forgetAnswered(quint64 id, QString *error)
{
    QMutexLocker lock(&m_mutex);
    if (!m_answered.remove(id))
        return true;
    return write(error);
}

bool KillJournal::write(QString *error)
{
    QJsonArray kills = m_waiting;
    for (const QJsonObject &kill : std::as_const(m_answered))
        kills.append(kill);
    if (kills.isEmpty()) {
        if (QFile::exists(m_path) && !QFile::remove(m_path)) {
            *error = QStringLiteral("cannot remove %1").arg(m_path);
            return false;
        }
        syncFolderOf(m_path);
        return true;
    }
    const QString next = m_path + QStringLiteral(".new");
    QFile file(next);
    const QByteArray bytes = QJsonDocument(kills).toJson(QJsonDocument::Compact);
    if (bytes.size() > kMaxBytes) { // read() would refuse it
        *error = QStringLiteral("the list for %1 would exceed 16 MiB").arg(m_path);
        return false;
    }
    bool ok = file.open(QIODevice::WriteOnly | QIODevice::Truncate) &&
              file.write(bytes) == bytes.size() && file.flush();
    QString why = ok ? QString() : file.errorString();
    if (ok && ::fdatasync(file.handle()) != 0) {
        ok = false;
        why = QString::fromLocal8Bit(std::strerror(errno));
    }
    file.close();
    if (ok &&
        ::rename(QFile::encodeName(next).constData(), QFile::encodeName(m_path).constData()) != 0) {
        ok = false;
        why = QString::fromLocal8Bit(std::strerror(errno));
    }
    if (!ok) {
        *error = QStringLiteral("cannot write %1: %2").arg(m_path, why);
        QFile::remove(next);
        return false;
    }
    if (!syncFolderOf(m_path)) {
        *error = QStringLiteral("cannot sync the folder of %1").arg(m_path);
        return false;
    }
    return true;
}

} // namespace interlock
