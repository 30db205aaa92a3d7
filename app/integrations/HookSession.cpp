#include "HookSession.h"

#include "ClaudeToolMapping.h"
#include "client/ApiClient.h"
#include "core/CanonicalJson.h"
#include "front/HookProtocol.h"

#include <QJsonDocument>
#include <cerrno>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace interlock::integrations {

namespace {
// A folder that is ours alone: a directory (not a symlink), owned by us, no group or other access.
bool privateFolder(const QByteArray &path, bool create, QString *error)
{
    struct stat st {
    };
    if (::lstat(path.constData(), &st) != 0) {
        if (!create || errno != ENOENT || ::mkdir(path.constData(), 0700) != 0 ||
            ::lstat(path.constData(), &st) != 0) {
            *error =
                QStringLiteral("cannot create %1: %2")
                    .arg(QString::fromLocal8Bit(path), QString::fromLocal8Bit(strerror(errno)));
            return false;
        }
    }
    if (!S_ISDIR(st.st_mode) || st.st_uid != ::getuid() || (st.st_mode & 077) != 0) {
        *error = QStringLiteral("%1 is not a private folder of this user (mode 0700 expected)")
                     .arg(QString::fromLocal8Bit(path));
        return false;
    }
    return true;
}

QByteArray readPrivateFile(const QByteArray &path)
{
    QByteArray out;
    const int fd = ::open(path.constData(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return out;
    struct stat st {
    };
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == ::getuid() &&
        (st.st_mode & 077) == 0) {
        char buffer[4096];
        ssize_t n;
        while ((n = ::read(fd, buffer, sizeof buffer)) > 0 && out.size() < 65536)
            out.append(buffer, n);
    }
    ::close(fd);
    return out;
}

bool writePrivateFile(const QByteArray &path, const QByteArray &data)
{
    const QByteArray tmp = path + ".tmp" + QByteArray::number(::getpid());
    const int fd =
        ::open(tmp.constData(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return false;
    const bool ok = ::write(fd, data.constData(), size_t(data.size())) == data.size();
    ::close(fd);
    if (!ok || ::rename(tmp.constData(), path.constData()) != 0) {
        ::unlink(tmp.constData());
        return false;
    }
    return true;
}

// Holds an exclusive lock on a file for its lifetime.
class FileLock
{
public:
    explicit FileLock(const QByteArray &path)
        : m_fd(::open(path.constData(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600))
    {
        if (m_fd >= 0 && ::flock(m_fd, LOCK_EX) != 0) {
            ::close(m_fd);
            m_fd = -1;
        }
    }
    ~FileLock()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    FileLock(const FileLock &) = delete;
    FileLock &operator=(const FileLock &) = delete;
    bool locked() const { return m_fd >= 0; }

private:
    int m_fd;
};
} // namespace

QString HookSession::fileKey(const QString &claudeSessionId)
{
    const std::string plain = hook::plainSessionKey(claudeSessionId.toStdString());
    if (!plain.empty())
        return QString::fromStdString(plain);
    return QStringLiteral("h") + QString::fromLatin1(sha256Hex(claudeSessionId.toUtf8()).left(40));
}

QString HookSession::stateFolder(bool create, QString *error)
{
    const QByteArray folder = QByteArray::fromStdString(hook::stateDir());
    const QByteArray parent = folder.left(folder.lastIndexOf('/'));
    if (!privateFolder(parent, create, error) || !privateFolder(folder, create, error))
        return {};
    return QString::fromLocal8Bit(folder);
}

namespace {
// Creates `<key><suffix>` in the state folder if need be, and gives it the time now.
void touchMarker(const QString &claudeSessionId, const QString &suffix)
{
    QString error;
    const QString folder = HookSession::stateFolder(true, &error);
    if (folder.isEmpty())
        return;
    const QByteArray path =
        (folder + QLatin1Char('/') + HookSession::fileKey(claudeSessionId) + suffix).toLocal8Bit();
    const int fd = ::open(path.constData(), O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd >= 0) {
        ::futimens(fd, nullptr);
        ::close(fd);
    }
}
} // namespace

void HookSession::markKilled(const QString &claudeSessionId)
{
    touchMarker(claudeSessionId, QStringLiteral(".killed"));
}

void HookSession::markAlive(const QString &claudeSessionId)
{
    touchMarker(claudeSessionId, QStringLiteral(".alive"));
}

QString HookSession::savedToken(const QUrl &server, const QString &claudeSessionId)
{
    QString error;
    const QString folder = stateFolder(false, &error);
    if (folder.isEmpty())
        return {};
    const QJsonObject saved =
        QJsonDocument::fromJson(readPrivateFile((folder + QLatin1Char('/') +
                                                 fileKey(claudeSessionId) + QStringLiteral(".json"))
                                                    .toLocal8Bit()))
            .object();
    if (saved.value(QStringLiteral("server")).toString() != server.toString())
        return {};
    return saved.value(QStringLiteral("token")).toString();
}

bool HookSession::isMarkedKilled(const QString &claudeSessionId)
{
    QString error;
    const QString folder = stateFolder(false, &error);
    return !folder.isEmpty() && ::access((folder + QLatin1Char('/') + fileKey(claudeSessionId) +
                                          QStringLiteral(".killed"))
                                             .toLocal8Bit()
                                             .constData(),
                                         F_OK) == 0;
}

HookSession::Result HookSession::obtain(const Config &config, const QString &claudeSessionId,
                                        const QString &cwd)
{
    Result r;
    const QString inherited = qEnvironmentVariable("INTERLOCK_SESSION_TOKEN");
    if (!inherited.isEmpty()) {
        r.token = inherited;
        r.sessionId = qEnvironmentVariable("INTERLOCK_SESSION_ID");
        r.supervised = true;
        return r;
    }
    const QString folder = stateFolder(true, &r.error);
    if (folder.isEmpty())
        return r;
    const QString stem = folder + QLatin1Char('/') + fileKey(claudeSessionId);
    FileLock lock((stem + QStringLiteral(".lock")).toLocal8Bit());
    if (!lock.locked()) {
        r.error = QStringLiteral("cannot lock %1.lock").arg(stem);
        return r;
    }
    if (isMarkedKilled(claudeSessionId)) {
        r.killed = true;
        r.error = QStringLiteral("the Interlock session of this Claude session was killed");
        return r;
    }
    const QByteArray tokenPath = (stem + QStringLiteral(".json")).toLocal8Bit();
    const QJsonObject saved = QJsonDocument::fromJson(readPrivateFile(tokenPath)).object();
    if (saved.value(QStringLiteral("server")).toString() == config.server.toString() &&
        !saved.value(QStringLiteral("token")).toString().isEmpty()) {
        r.token = saved.value(QStringLiteral("token")).toString();
        r.sessionId = saved.value(QStringLiteral("session_id")).toString();
        return r;
    }
    const QString enrollment = qEnvironmentVariable("INTERLOCK_TOKEN");
    if (enrollment.isEmpty()) {
        r.error = QStringLiteral("no Interlock session: set INTERLOCK_TOKEN (an agent enrollment "
                                 "token) for Claude Code, or start it under 'interlockctl run'");
        return r;
    }
    QJsonObject body{
        {QStringLiteral("agent"), config.agent},
        {QStringLiteral("description"),
         singleLine(QStringLiteral("Claude Code session %1 in %2").arg(claudeSessionId, cwd),
                    500)}};
    if (!config.owner.isEmpty())
        body.insert(QStringLiteral("owner"), config.owner);
    ApiClient client(config.server, enrollment);
    const ApiResult opened = client.call("POST", QStringLiteral("/v1/sessions"), body, {}, 15000);
    if (!opened.ok()) {
        r.error = QStringLiteral("cannot open an Interlock session: ") + opened.describe();
        return r;
    }
    r.token = opened.body.value(QStringLiteral("token")).toString();
    r.sessionId = opened.body.value(QStringLiteral("session"))
                      .toObject()
                      .value(QStringLiteral("id"))
                      .toString();
    const QJsonObject record{{QStringLiteral("server"), config.server.toString()},
                             {QStringLiteral("session_id"), r.sessionId},
                             {QStringLiteral("claude_session_id"), claudeSessionId},
                             {QStringLiteral("token"), r.token}};
    if (!writePrivateFile(tokenPath, QJsonDocument(record).toJson(QJsonDocument::Compact)))
        r.error = QStringLiteral("cannot keep the session token in %1")
                      .arg(QString::fromLocal8Bit(tokenPath));
    return r;
}

} // namespace interlock::integrations
