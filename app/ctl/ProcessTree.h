#pragma once

#include <QProcessEnvironment>
#include <QStringList>
#include <sys/types.h>

namespace interlock::ctl {

// The agent's process tree (Linux). The supervisor that owns it must be a child subreaper
// (becomeSubreaper()), so that orphaned descendants, double-forked or setsid() ones included,
// are re-parented to it and stay findable. The agent starts in its own process group and, where
// the system lets us create one, its own cgroup (v2, cgroup.kill).
class ProcessTree
{
public:
    ProcessTree() = default;
    ~ProcessTree();
    ProcessTree(const ProcessTree &) = delete;
    ProcessTree &operator=(const ProcessTree &) = delete;

    static bool becomeSubreaper();

    bool start(const QStringList &command, const QProcessEnvironment &environment, QString *error);
    pid_t pid() const { return m_pid; }
    bool inCgroup() const { return !m_cgroup.isEmpty(); }
    // The agent's own cgroup (empty: none), and whether the agent is listed in it now.
    QString cgroup() const { return m_cgroup; }
    bool agentInCgroup() const;

    // Reaps whatever has exited, without blocking. True once the agent itself has exited.
    bool reap();
    bool agentExited() const { return m_exited; }
    int exitCode() const { return m_exitCode; }     // -1 when it died of a signal
    int exitSignal() const { return m_exitSignal; } // 0 when it exited

    // Every live descendant of this process (found through /proc), plus cgroup members.
    QList<pid_t> descendants() const;

    // SIGTERM to everything and up to graceMs for it to go (0: none), then SIGKILL to every
    // descendant until none is left, reaping each. Returns how many processes were reaped.
    int killAll(int graceMs);
    // Whether a child of this process (the subreaper) is still alive: every process of the tree
    // ends up as one, whatever /proc and the cgroup showed (a root agent can hide from both).
    static bool childrenLeft();

private:
    void signalAll(int signal) const;
    void waitForChild(int timeoutMs);

    pid_t m_pid = 0;
    QString m_cgroup;
    bool m_exited = false;
    int m_exitCode = -1;
    int m_exitSignal = 0;
    int m_reaped = 0;
};

} // namespace interlock::ctl
