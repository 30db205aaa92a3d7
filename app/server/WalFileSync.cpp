#include "WalFileSync.h"

#include <QFileInfo>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace interlock {

namespace {
QString errorText(const char *what, const QString &path)
{
    return QStringLiteral("%1 %2: %3")
        .arg(QLatin1String(what), path, QString::fromLocal8Bit(std::strerror(errno)));
}
} // namespace

WalFileSync::WalFileSync(QString walPath)
    : m_path(std::move(walPath))
{}

WalFileSync::~WalFileSync()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

bool WalFileSync::openOnce()
{
    const QByteArray path = QFile::encodeName(m_path);
    m_fd = ::open(path.constData(), O_RDONLY | O_CLOEXEC);
    if (m_fd < 0) {
        m_failure = errorText("open", m_path);
        return false;
    }
    // The log's name must survive a power cut too.
    const QString folder = QFileInfo(m_path).absolutePath();
    const int dir =
        ::open(QFile::encodeName(folder).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    const bool synced = dir >= 0 && ::fsync(dir) == 0;
    if (!synced)
        m_failure = errorText("fsync", folder);
    if (dir >= 0)
        ::close(dir);
    return synced;
}

bool WalFileSync::sameFile()
{
    struct stat onDisk {
    };
    struct stat held {
    };
    if (::stat(QFile::encodeName(m_path).constData(), &onDisk) != 0) {
        m_failure = errorText("stat", m_path);
        return false;
    }
    if (::fstat(m_fd, &held) != 0) {
        m_failure = errorText("fstat", m_path);
        return false;
    }
    if (held.st_ino != onDisk.st_ino || held.st_dev != onDisk.st_dev) {
        m_failure = QStringLiteral("%1 was replaced while the server writes to it").arg(m_path);
        return false;
    }
    return true;
}

bool WalFileSync::sync(QString *why)
{
    std::lock_guard lock(m_mutex);
    const bool ok = m_failure.isEmpty() && (m_fd >= 0 || openOnce()) && sameFile();
    if (ok && ::fdatasync(m_fd) == 0)
        return true;
    if (ok)
        m_failure = errorText("fdatasync", m_path);
    if (why)
        *why = m_failure;
    return false;
}

} // namespace interlock
