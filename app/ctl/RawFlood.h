#pragma once

#include <QByteArray>
#include <QStringList>
#include <vector>

namespace interlock::ctl {

// Plain POSIX sockets for the flood benchmark and for a self-flooding agent: thousands of
// connections cost one file descriptor each here, nothing more.
class RawConnections
{
public:
    RawConnections() = default;
    ~RawConnections();
    RawConnections(const RawConnections &) = delete;
    RawConnections &operator=(const RawConnections &) = delete;

    // Opens `count` connections to 127.0.0.1:port, each sending `greeting` (may be empty: idle).
    // Returns how many are open.
    int open(quint16 port, int count, const QByteArray &greeting = {});
    // Re-opens every connection the server has closed (an attacker that does not give up).
    // Returns how many were re-opened.
    int reopenClosed(quint16 port, const QByteArray &greeting = {});
    int size() const { return int(m_fds.size()); }
    void closeAll();

private:
    std::vector<int> m_fds;
};

// Raises this process's soft open-file limit to the hard one.
void raiseOwnFileLimit();

// `interlockctl bench hold --connections N [--reopen] [--server URL]`: the hostile agent of
// `bench flood` and of the tests: holds N idle connections to the server (with --reopen, opens a
// new one for each that the server closes) until it is killed. Prints "holding N" once open.
int holdCommand(const QStringList &args);

} // namespace interlock::ctl
