#include "ProcessTree.h"

#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QHash>
#include <QRegularExpression>
#include <QSet>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace interlock::ctl {

namespace {
const char kCgroupRoot[] = "/sys/fs/cgroup/unified";

// A supervisor that was SIGKILLed left its cgroup behind (empty: the agent died with it).
// Removes those of supervisors that are gone, once a minute old (a live supervisor in another
// PID namespace looks gone from here; a minute covers its start). rmdir refuses a cgroup that
// still holds a process, so nothing running is touched. At most kStaleCgroupsPerStart are looked
// at per start: a folder filled with such names (by anyone who may write there) cannot slow the
// supervisor's start; the rest go on later starts.
int removeStaleCgroups(const QString &root)
{
    constexpr int kStaleCgroupsPerStart = 256;
    static const QRegularExpression name(QStringLiteral("^interlock-agent-(\\d+)$"));
    const QDateTime before = QDateTime::currentDateTimeUtc().addSecs(-60);
    int removed = 0;
    int looked = 0;
    QDirIterator it(root, {QStringLiteral("interlock-agent-*")},
                    QDir::Dirs | QDir::NoDotAndDotDot | QDir::NoSymLinks);
    while (it.hasNext() && looked++ < kStaleCgroupsPerStart) {
        const QFileInfo dir(it.next());
        const QRegularExpressionMatch m = name.match(dir.fileName());
        if (!m.hasMatch())
            continue;
        const pid_t pid = pid_t(m.captured(1).toLongLong());
        if (pid <= 0 || pid == getpid() || ::kill(pid, 0) == 0 || errno != ESRCH ||
            dir.lastModified().toUTC() > before)
            continue;
        removed += QDir().rmdir(dir.filePath()) ? 1 : 0;
    }
    return removed;
}

// Creates a cgroup v2 for the agent if the system lets us; empty when it does not.
QString createCgroup()
{
    for (const QString &root :
         {QString::fromLatin1(kCgroupRoot), QStringLiteral("/sys/fs/cgroup")}) {
        if (!QFile::exists(root + QStringLiteral("/cgroup.procs")) ||
            QFile::exists(root + QStringLiteral("/tasks")))
            continue; // not a v2 hierarchy
        removeStaleCgroups(root);
        const QString path = root + QStringLiteral("/interlock-agent-%1").arg(getpid());
        if (QDir().mkdir(path) && QFile::exists(path + QStringLiteral("/cgroup.kill")))
            return path;
        QDir().rmdir(path);
    }
    return {};
}

bool writeFile(const QString &path, const QByteArray &data)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(data) == data.size();
}

// Reads a small /proc or cgroup file with plain syscalls: this runs in the kill loop.
QByteArray readSmallFile(const QByteArray &path)
{
    QByteArray out;
    const int fd = ::open(path.constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return out;
    char buffer[4096];
    ssize_t n;
    while ((n = ::read(fd, buffer, sizeof buffer)) > 0)
        out.append(buffer, n);
    ::close(fd);
    return out;
}

QList<pid_t> parsePids(const QByteArray &text)
{
    QList<pid_t> out;
    for (const QByteArray &token : text.simplified().split(' ')) {
        bool ok = false;
        const pid_t pid = pid_t(token.toInt(&ok));
        if (ok)
            out.append(pid);
    }
    return out;
}

// Children of every thread of pid, from /proc/<pid>/task/<tid>/children (zombies included).
QList<pid_t> childrenOf(pid_t pid)
{
    QList<pid_t> out;
    const QByteArray taskDir = "/proc/" + QByteArray::number(pid) + "/task";
    DIR *dir = ::opendir(taskDir.constData());
    if (!dir)
        return out;
    while (const dirent *entry = ::readdir(dir)) {
        if (entry->d_name[0] < '0' || entry->d_name[0] > '9')
            continue;
        out += parsePids(readSmallFile(taskDir + '/' + entry->d_name + "/children"));
    }
    ::closedir(dir);
    return out;
}

bool haveChildrenFiles()
{
    static const bool have =
        QFile::exists(QStringLiteral("/proc/%1/task/%1/children").arg(getpid()));
    return have;
}

// Fallback without children files: ppid of every process, from /proc/<pid>/stat.
QHash<pid_t, pid_t> parentMap()
{
    QHash<pid_t, pid_t> parents;
    const QStringList entries =
        QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &entry : entries) {
        bool ok = false;
        const pid_t pid = pid_t(entry.toInt(&ok));
        if (!ok)
            continue;
        const QByteArray line = readSmallFile("/proc/" + entry.toLatin1() + "/stat");
        const qsizetype close = line.lastIndexOf(')');
        if (close < 0)
            continue;
        const QList<QByteArray> fields = line.mid(close + 2).split(' ');
        if (fields.size() > 1)
            parents.insert(pid, pid_t(fields[1].toInt()));
    }
    return parents;
}
} // namespace

ProcessTree::~ProcessTree()
{
    if (!m_cgroup.isEmpty())
        QDir().rmdir(m_cgroup);
}

bool ProcessTree::agentInCgroup() const
{
    if (m_cgroup.isEmpty() || m_pid <= 0)
        return false;
    QFile f(m_cgroup + QStringLiteral("/cgroup.procs"));
    return f.open(QIODevice::ReadOnly) &&
           f.readAll().split('\n').contains(QByteArray::number(qint64(m_pid)));
}

bool ProcessTree::becomeSubreaper()
{
    return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0;
}

bool ProcessTree::start(const QStringList &command, const QProcessEnvironment &environment,
                        QString *error)
{
    m_cgroup = createCgroup();
    QList<QByteArray> args;
    for (const QString &a : command)
        args.append(a.toLocal8Bit());
    QList<QByteArray> env;
    for (const QString &e : environment.toStringList())
        env.append(e.toLocal8Bit());
    std::vector<char *> argv, envp;
    for (QByteArray &a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    for (QByteArray &e : env)
        envp.push_back(e.data());
    envp.push_back(nullptr);
    const QByteArray procs = (m_cgroup + QStringLiteral("/cgroup.procs")).toLocal8Bit();

    int failPipe[2];
    if (pipe2(failPipe, O_CLOEXEC) != 0) {
        *error = QString::fromLocal8Bit(strerror(errno));
        return false;
    }
    const pid_t supervisor = getpid();
    const pid_t pid = fork();
    if (pid < 0) {
        *error = QString::fromLocal8Bit(strerror(errno));
        return false;
    }
    if (pid == 0) {
        // Child: own process group, own cgroup if any, then the agent. Only async-signal-safe
        // calls.
        // The agent dies with its supervisor: a SIGKILLed supervisor (by the agent, or by
        // anyone) must not leave it running unguarded. If the supervisor died before this line,
        // the agent is not started at all.
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != supervisor)
            _exit(127);
        setpgid(0, 0);
        if (!m_cgroup.isEmpty()) {
            const int fd = open(procs.constData(), O_WRONLY | O_CLOEXEC);
            if (fd >= 0) {
                const char zero[] = "0";
                (void)!write(fd, zero, 1);
                close(fd);
            }
        }
        signal(SIGPIPE, SIG_DFL);
        execvpe(argv[0], argv.data(), envp.data());
        const int err = errno;
        (void)!write(failPipe[1], &err, sizeof err);
        _exit(127);
    }
    close(failPipe[1]);
    setpgid(pid, pid); // also from here: no race with the first kill
    int err = 0;
    const ssize_t n = read(failPipe[0], &err, sizeof err);
    close(failPipe[0]);
    m_pid = pid;
    if (n == sizeof err) {
        *error = QStringLiteral("cannot run %1: %2")
                     .arg(command.first(), QString::fromLocal8Bit(strerror(err)));
        waitpid(pid, nullptr, 0);
        m_pid = 0;
        return false;
    }
    return true;
}

bool ProcessTree::reap()
{
    for (;;) {
        int status = 0;
        const pid_t pid = waitpid(-1, &status, WNOHANG);
        if (pid <= 0)
            break;
        ++m_reaped;
        if (pid == m_pid) {
            m_exited = true;
            m_exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
            m_exitSignal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
        }
    }
    return m_exited;
}

QList<pid_t> ProcessTree::descendants() const
{
    QSet<pid_t> found;
    QList<pid_t> queue{getpid()};
    QHash<pid_t, QList<pid_t>> children;
    if (!haveChildrenFiles()) {
        const QHash<pid_t, pid_t> parents = parentMap();
        for (auto it = parents.cbegin(); it != parents.cend(); ++it)
            children[it.value()].append(it.key());
    }
    while (!queue.isEmpty()) {
        const pid_t pid = queue.takeFirst();
        for (pid_t child : haveChildrenFiles() ? childrenOf(pid) : children.value(pid)) {
            if (!found.contains(child)) {
                found.insert(child);
                queue.append(child);
            }
        }
    }
    // A descendant that escaped the tree (a root agent can re-parent nothing, but can leave its
    // process group) is still in the cgroup.
    if (!m_cgroup.isEmpty()) {
        for (pid_t pid :
             parsePids(readSmallFile((m_cgroup + QStringLiteral("/cgroup.procs")).toLocal8Bit())))
            found.insert(pid);
    }
    return QList<pid_t>(found.cbegin(), found.cend());
}

void ProcessTree::signalAll(int sig) const
{
    if (sig == SIGKILL && !m_cgroup.isEmpty())
        writeFile(m_cgroup + QStringLiteral("/cgroup.kill"), "1");
    if (m_pid > 0)
        ::kill(-m_pid, sig);
    for (pid_t pid : descendants())
        ::kill(pid, sig);
}

void ProcessTree::waitForChild(int timeoutMs)
{
    // Block until some child changes state or the time is up: a pidfd would be neater, but
    // waitid(WNOWAIT) cannot time out, so poll on nothing for at most a few milliseconds.
    siginfo_t info{};
    if (waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid != 0)
        return;
    poll(nullptr, 0, timeoutMs);
}

bool ProcessTree::childrenLeft()
{
    siginfo_t info{};
    return !(waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) != 0 && errno == ECHILD);
}

int ProcessTree::killAll(int graceMs)
{
    const int before = m_reaped;
    if (graceMs > 0) {
        signalAll(SIGTERM);
        QElapsedTimer grace;
        grace.start();
        while (grace.elapsed() < graceMs) {
            reap();
            if (descendants().isEmpty())
                break;
            waitForChild(2);
        }
    }
    signalAll(SIGKILL);
    for (;;) {
        reap();
        const QList<pid_t> left = descendants();
        if (left.isEmpty())
            break;
        for (pid_t pid : left) // forked meanwhile, or escaped the group: again, one by one
            ::kill(pid, SIGKILL);
        waitForChild(1);
    }
    // Zombies re-parented to us while we reaped their parents: collect them until no child is left.
    for (int i = 0; i < 1000; ++i) {
        reap();
        siginfo_t info{};
        if (waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) != 0 && errno == ECHILD)
            break;
        waitForChild(1);
    }
    return m_reaped - before;
}

} // namespace interlock::ctl
