#include "ProcessTree.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QHash>
#include <QSet>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace interlock::ctl {

namespace {
const char kCgroupRoot[] = "/sys/fs/cgroup/unified";

// Creates a cgroup v2 for the agent if the system lets us; empty when it does not.
QString createCgroup()
{
    for (const QString &root :
         {QString::fromLatin1(kCgroupRoot), QStringLiteral("/sys/fs/cgroup")}) {
        if (!QFile::exists(root + QStringLiteral("/cgroup.procs")) ||
            QFile::exists(root + QStringLiteral("/tasks")))
            continue; // not a v2 hierarchy
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

// ppid of every process, from /proc/<pid>/stat ("pid (comm) state ppid …"; comm may hold spaces).
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
        QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
        if (!stat.open(QIODevice::ReadOnly))
            continue;
        const QByteArray line = stat.readAll();
        const qsizetype close = line.lastIndexOf(')');
        if (close < 0)
            continue;
        const QList<QByteArray> fields = line.mid(close + 2).split(' ');
        if (fields.size() > 1 && fields[0] != "Z")
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
    const pid_t pid = fork();
    if (pid < 0) {
        *error = QString::fromLocal8Bit(strerror(errno));
        return false;
    }
    if (pid == 0) {
        // Child: own process group, own cgroup if any, then the agent. Only async-signal-safe
        // calls.
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
    const QHash<pid_t, pid_t> parents = parentMap();
    QHash<pid_t, QList<pid_t>> children;
    for (auto it = parents.cbegin(); it != parents.cend(); ++it)
        children[it.value()].append(it.key());
    QSet<pid_t> found;
    QList<pid_t> queue{getpid()};
    while (!queue.isEmpty()) {
        for (pid_t child : children.value(queue.takeFirst())) {
            if (!found.contains(child)) {
                found.insert(child);
                queue.append(child);
            }
        }
    }
    if (!m_cgroup.isEmpty()) {
        QFile procs(m_cgroup + QStringLiteral("/cgroup.procs"));
        if (procs.open(QIODevice::ReadOnly)) {
            for (const QByteArray &line : procs.readAll().split('\n')) {
                if (!line.isEmpty() && parents.contains(pid_t(line.toInt())))
                    found.insert(pid_t(line.toInt()));
            }
        }
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
    for (;;) {
        signalAll(SIGKILL);
        reap();
        if (descendants().isEmpty())
            break;
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
