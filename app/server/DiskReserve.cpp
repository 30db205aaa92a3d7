#include "DiskReserve.h"

#include <QFile>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace interlock {

namespace {
constexpr qint64 kStep = 1024 * 1024;
constexpr qint64 kSmallestStep = 4096;
constexpr int kTopUpMs = 1000;
} // namespace

DiskReserve::DiskReserve(QString path, qint64 target, QObject *parent)
    : QObject(parent)
    , m_path(std::move(path))
    , m_target(std::max<qint64>(0, target))
{
    m_topUp.setInterval(kTopUpMs);
    connect(&m_topUp, &QTimer::timeout, this, &DiskReserve::replenish);
}

qint64 DiskReserve::replenish()
{
    if (m_target == 0) {
        m_topUp.stop();
        return 0;
    }
    const QByteArray native = QFile::encodeName(m_path);
    const int fd = ::open(native.constData(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        qWarning("interlock: cannot open the disk reserve %s: %s", native.constData(),
                 std::strerror(errno));
        m_topUp.start();
        return m_size;
    }
    // Step by step, smaller and smaller near the end, so that a nearly full disk gives all it has
    // (down to a page). Allocating a range that is already allocated costs nothing.
    qint64 held = 0;
    int failure = 0;
    for (qint64 step = kStep; held < m_target && step >= kSmallestStep;) {
        const qint64 piece = std::min(step, m_target - held);
        const int result = ::posix_fallocate(fd, held, piece);
        if (result == 0) {
            held += piece;
            continue;
        }
        failure = result;
        step /= 2;
    }
    // Drop whatever a failed step may have left, and anything beyond the target.
    if (::ftruncate(fd, held) != 0)
        qWarning("interlock: cannot resize the disk reserve %s", native.constData());
    ::close(fd);
    const qint64 before = m_size;
    m_size = held;
    if (m_size < m_target) {
        if (before != m_size)
            qWarning("interlock: the disk reserve %s holds %lld of %lld bytes (%s); topping it "
                     "up every %d ms",
                     native.constData(), m_size, m_target, failure ? std::strerror(failure) : "?",
                     kTopUpMs);
        m_topUp.start();
    } else {
        if (before < m_target && m_topUp.isActive())
            qInfo("interlock: the disk reserve %s is whole again (%lld bytes)", native.constData(),
                  m_size);
        m_topUp.stop();
    }
    return m_size;
}

qint64 DiskReserve::release()
{
    const QByteArray native = QFile::encodeName(m_path);
    const qint64 freed = QFile(m_path).size();
    if (::truncate(native.constData(), 0) != 0 && errno != ENOENT)
        qWarning("interlock: cannot release the disk reserve %s: %s", native.constData(),
                 std::strerror(errno));
    m_size = 0;
    if (m_target > 0)
        m_topUp.start();
    return freed;
}

} // namespace interlock
