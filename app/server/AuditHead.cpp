#include "AuditHead.h"

#include <QFile>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace interlock {

std::optional<AuditAnchor> AuditAnchor::parse(const QByteArray &text, const QString &source)
{
    const QByteArray trimmed = text.trimmed();
    const qsizetype colon = trimmed.indexOf(':');
    if (colon <= 0)
        return std::nullopt;
    bool ok = false;
    const qint64 seq = trimmed.left(colon).toLongLong(&ok);
    const QByteArray hash = trimmed.mid(colon + 1).toLower();
    if (!ok || seq < 1 || hash.size() != 64)
        return std::nullopt;
    for (const char c : hash) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return std::nullopt;
    }
    return AuditAnchor{seq, hash, source};
}

QByteArray AuditAnchor::text() const
{
    return QByteArray::number(seq) + ':' + hash;
}

AuditHead::AuditHead(QString file)
    : m_file(std::move(file))
{}

QString AuditHead::defaultFile(const QString &databasePath)
{
    return databasePath + QStringLiteral(".audit-head");
}

std::optional<AuditAnchor> AuditHead::anchor(bool *missing, QString *problem) const
{
    *missing = false;
    if (m_file.isEmpty()) {
        std::lock_guard lock(m_mutex);
        return m_published;
    }
    QFile file(m_file);
    if (!file.open(QIODevice::ReadOnly)) {
        if (!file.exists())
            *missing = true;
        else
            *problem = QStringLiteral("cannot read the head anchor %1: %2")
                           .arg(m_file, file.errorString());
        return std::nullopt;
    }
    auto anchor = AuditAnchor::parse(file.read(200), m_file);
    if (!anchor)
        *problem = QStringLiteral("the head anchor %1 does not hold SEQ:HASH").arg(m_file);
    return anchor;
}

bool AuditHead::load(QString *problem)
{
    bool missing = false;
    const auto anchor = this->anchor(&missing, problem);
    std::lock_guard lock(m_mutex);
    m_committed = m_published = anchor;
    return anchor || missing;
}

void AuditHead::stop(const QString &why)
{
    std::lock_guard lock(m_mutex);
    if (!m_stopped)
        qCritical("interlock: the audit head anchor%s%s is no longer moved: %s",
                  m_file.isEmpty() ? "" : " ", qPrintable(m_file), qPrintable(why));
    m_stopped = true;
}

bool AuditHead::continuesFrom(qint64 seq, const QByteArray &hash)
{
    std::optional<AuditAnchor> anchored;
    {
        std::lock_guard lock(m_mutex);
        if (!m_committed || seq > m_committed->seq ||
            (seq == m_committed->seq && (hash.isEmpty() || hash == m_committed->hash)))
            return true;
        anchored = m_committed;
    }
    if (seq < anchored->seq)
        stop(QStringLiteral("the audit chain ends at entry %1, before entry %2 the anchor names: "
                            "entries were cut off the end")
                 .arg(seq)
                 .arg(anchored->seq));
    else
        stop(QStringLiteral("entry %1 is not the one the anchor names: rewritten").arg(seq));
    return false;
}

void AuditHead::committed(qint64 seq, const QByteArray &hash)
{
    std::lock_guard lock(m_mutex);
    if (m_stopped || (m_committed && m_committed->seq >= seq))
        return;
    m_committed = AuditAnchor{seq, hash, m_file.isEmpty() ? QStringLiteral("this server") : m_file};
}

std::optional<AuditAnchor> AuditHead::pending() const
{
    std::lock_guard lock(m_mutex);
    return m_committed;
}

void AuditHead::publish(const std::optional<AuditAnchor> &head)
{
    std::lock_guard lock(m_mutex);
    if (m_stopped || !head || (m_published && m_published->seq >= head->seq))
        return;
    if (m_file.isEmpty() || write(*head))
        m_published = head;
}

bool AuditHead::write(const AuditAnchor &head)
{
    // Atomic: a reader sees the old anchor or the new one. Not synced (it would double the
    // syncs of every commit): after a power cut the anchor may be older than the database, never
    // newer, since it is written only once what it names is durable.
    const QString temporary = m_file + QStringLiteral(".new");
    const QByteArray name = QFile::encodeName(temporary);
    const int fd = ::open(name.constData(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return false;
    const QByteArray text = head.text() + '\n';
    const bool ok = ::write(fd, text.constData(), size_t(text.size())) == text.size();
    ::close(fd);
    if (!ok || ::rename(name.constData(), QFile::encodeName(m_file).constData()) != 0) {
        ::unlink(name.constData());
        return false;
    }
    return true;
}

} // namespace interlock
