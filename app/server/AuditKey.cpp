#include "AuditKey.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace interlock {

namespace {
QString g_explicitFile;
constexpr int kBlock = 64; // SHA-256's block size
constexpr int kMaximumBytes = 4096;

std::optional<QByteArray> readKeyFile(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read the audit key %1: %2").arg(path, file.errorString());
        return std::nullopt;
    }
    const QByteArray secret = file.read(kMaximumBytes + 1);
    if (secret.size() < AuditKey::kMinimumBytes || secret.size() > kMaximumBytes) {
        *error = QStringLiteral("the audit key %1 must hold %2 to %3 bytes (it holds %4)")
                     .arg(path)
                     .arg(AuditKey::kMinimumBytes)
                     .arg(kMaximumBytes)
                     .arg(secret.size());
        return std::nullopt;
    }
    if (QFileInfo(path).permissions() & (QFileDevice::ReadOther | QFileDevice::ReadGroup))
        qWarning("interlock: the audit key %s can be read by other users: whoever reads it can "
                 "rewrite the audit log unnoticed (chmod 600 it)",
                 qPrintable(path));
    return secret;
}

// Creates `path` with 32 random bytes, mode 0600, unless it exists (then false, errno EEXIST).
bool createKeyFile(const QString &path, QString *error)
{
    const QByteArray name = QFile::encodeName(path);
    const int fd = ::open(name.constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno != EEXIST)
            *error = QStringLiteral("cannot create the audit key %1: %2")
                         .arg(path, QString::fromLocal8Bit(std::strerror(errno)));
        return false;
    }
    QByteArray secret(32, Qt::Uninitialized);
    QRandomGenerator::system()->generate(reinterpret_cast<quint32 *>(secret.data()),
                                         reinterpret_cast<quint32 *>(secret.data() + 32));
    const bool ok =
        ::write(fd, secret.constData(), size_t(secret.size())) == secret.size() && ::fsync(fd) == 0;
    const int saved = errno;
    ::close(fd);
    if (!ok) {
        ::unlink(name.constData());
        *error = QStringLiteral("cannot write the audit key %1: %2")
                     .arg(path, QString::fromLocal8Bit(std::strerror(saved)));
    }
    return ok;
}
} // namespace

AuditKey::AuditKey(const QByteArray &secret, QString source)
    : m_source(std::move(source))
{
    QByteArray key = secret.size() > kBlock
                         ? QCryptographicHash::hash(secret, QCryptographicHash::Sha256)
                         : secret;
    key.resize(kBlock, '\0');
    m_inner = key;
    m_outer = key;
    for (int i = 0; i < kBlock; ++i) {
        m_inner[i] = char(m_inner[i] ^ 0x36);
        m_outer[i] = char(m_outer[i] ^ 0x5c);
    }
    m_id = QCryptographicHash::hash(QByteArray(QByteArray("interlock audit key id\n") + secret),
                                    QCryptographicHash::Sha256)
               .toHex()
               .left(16);
}

QByteArray AuditKey::mac(const QByteArray &prevHash, const QByteArray &canonical) const
{
    QCryptographicHash inner(QCryptographicHash::Sha256);
    inner.addData(m_inner);
    inner.addData(prevHash);
    inner.addData(canonical);
    QCryptographicHash outer(QCryptographicHash::Sha256);
    outer.addData(m_outer);
    outer.addData(inner.resultView());
    return outer.result().toHex();
}

void AuditKey::setExplicitFile(const QString &path)
{
    g_explicitFile = path;
}

QString AuditKey::defaultFile(const QString &databasePath)
{
    return databasePath + QStringLiteral(".audit-key");
}

std::optional<AuditKey> AuditKey::forDatabase(const QString &location, bool postgres,
                                              bool createDefault, QString *error)
{
    QString path = g_explicitFile;
    if (path.isEmpty())
        path = qEnvironmentVariable("INTERLOCK_AUDIT_KEY");
    if (path.isEmpty()) {
        if (postgres)
            return AuditKey();
        path = defaultFile(location);
        if (!QFileInfo::exists(path)) {
            if (!createDefault)
                return AuditKey();
            QString why;
            if (!createKeyFile(path, &why) && !why.isEmpty()) {
                *error = why;
                return std::nullopt;
            }
        }
    }
    const auto secret = readKeyFile(path, error);
    if (!secret)
        return std::nullopt;
    return AuditKey(*secret, path);
}

} // namespace interlock
