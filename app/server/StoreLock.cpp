#include "StoreLock.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace interlock {

namespace {
QString programName()
{
    const QString path = QCoreApplication::applicationFilePath();
    return path.isEmpty() ? QStringLiteral("a program") : QFileInfo(path).fileName();
}

// What the holder wrote: "PID NAME".
QString describeHolder(int fd)
{
    char buffer[256] = {};
    const ssize_t n = pread(fd, buffer, sizeof buffer - 1, 0);
    const QString text = n > 0 ? QString::fromUtf8(buffer, int(n)).trimmed() : QString();
    const qsizetype space = text.indexOf(QLatin1Char(' '));
    bool ok = false;
    const qint64 pid = text.left(space).toLongLong(&ok);
    if (!ok || pid <= 0)
        return QStringLiteral("another process");
    const QString name = space > 0 ? text.mid(space + 1) : QStringLiteral("a process");
    return QStringLiteral("%1 (pid %2)").arg(name).arg(pid);
}
} // namespace

QString StoreLock::lockPath(const QString &databasePath)
{
    return databasePath + QStringLiteral(".lock");
}

StoreLock::StoreLock(int fd)
    : m_fd(fd)
{}

StoreLock::~StoreLock()
{
    // Closing the descriptor releases the lock; the file stays (removing it would race with a
    // process that is opening it right now).
    ::close(m_fd);
}

std::unique_ptr<StoreLock> StoreLock::acquire(const QString &databasePath, QString *error)
{
    const QString path = lockPath(databasePath);
    const QByteArray native = QFile::encodeName(path);
    const int fd = ::open(native.constData(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        *error = QStringLiteral("cannot create the lock file %1: %2")
                     .arg(path, QString::fromLocal8Bit(std::strerror(errno)));
        return nullptr;
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        const int code = errno;
        if (code == EWOULDBLOCK) {
            *error = QStringLiteral("%1 is in use by %2, which holds %3; only one program may "
                                    "write to a database at a time")
                         .arg(databasePath, describeHolder(fd), path);
        } else {
            *error = QStringLiteral("cannot lock %1: %2")
                         .arg(path, QString::fromLocal8Bit(std::strerror(code)));
        }
        ::close(fd);
        return nullptr;
    }
    const QByteArray holder =
        QByteArray::number(qint64(::getpid())) + ' ' + programName().toUtf8() + '\n';
    if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, holder.constData(), holder.size(), 0) < 0)
        qWarning("interlock: cannot write the holder into %s", qPrintable(path));
    return std::unique_ptr<StoreLock>(new StoreLock(fd));
}

} // namespace interlock
