#pragma once

#include <QObject>
#include <QTimer>

namespace interlock {

// Room kept on the database's disk so that a kill can be recorded when the disk is full.
// A file beside the database (`<db>.reserve`) holds `target` bytes, allocated with
// posix_fallocate so that the blocks are really taken (a sparse file would free nothing).
// When a kill's write finds the disk full, KillRecorder releases the reserve and writes the kill
// into the space it frees; then the reserve takes back at once whatever is left, and tops itself
// up every second until it is whole again (the disk had room once more).
class DiskReserve : public QObject
{
    Q_OBJECT
public:
    DiskReserve(QString path, qint64 target, QObject *parent = nullptr);

    // Allocates the reserve up to its target, as far as the disk allows; returns the size held.
    qint64 replenish();
    // Frees all of it for a kill; returns the bytes freed.
    qint64 release();

    qint64 size() const { return m_size; }
    qint64 target() const { return m_target; }
    QString path() const { return m_path; }

private:
    QString m_path;
    qint64 m_target;
    qint64 m_size = 0;
    QTimer m_topUp;
};

} // namespace interlock
