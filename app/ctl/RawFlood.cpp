#include "RawFlood.h"

#include "CtlCommon.h"

#include <QThread>
#include <arpa/inet.h>
#include <cerrno>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

namespace interlock::ctl {

namespace {
int connectTo(quint16 port, const QByteArray &greeting)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0) {
        ::close(fd);
        return -1;
    }
    if (!greeting.isEmpty())
        (void)!::send(fd, greeting.constData(), size_t(greeting.size()), MSG_NOSIGNAL);
    return fd;
}
} // namespace

RawConnections::~RawConnections()
{
    closeAll();
}

int RawConnections::open(quint16 port, int count, const QByteArray &greeting)
{
    for (int i = 0; i < count; ++i) {
        const int fd = connectTo(port, greeting);
        if (fd < 0)
            break;
        m_fds.push_back(fd);
    }
    return int(m_fds.size());
}

int RawConnections::reopenClosed(quint16 port, const QByteArray &greeting)
{
    std::vector<pollfd> polls;
    polls.reserve(m_fds.size());
    for (int fd : m_fds)
        polls.push_back({fd, POLLIN | POLLRDHUP, 0});
    if (::poll(polls.data(), nfds_t(polls.size()), 0) <= 0)
        return 0;
    int reopened = 0;
    for (size_t i = 0; i < polls.size(); ++i) {
        if (!(polls[i].revents & (POLLIN | POLLRDHUP | POLLHUP | POLLERR)))
            continue;
        char drain[4096];
        if (::recv(m_fds[i], drain, sizeof drain, MSG_DONTWAIT) > 0)
            continue; // an answer, not a close
        ::close(m_fds[i]);
        m_fds[i] = connectTo(port, greeting);
        if (m_fds[i] >= 0)
            ++reopened;
    }
    std::erase(m_fds, -1);
    return reopened;
}

void RawConnections::closeAll()
{
    for (int fd : m_fds)
        ::close(fd);
    m_fds.clear();
}

void raiseOwnFileLimit()
{
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &limit);
    }
}

int holdCommand(const QStringList &args)
{
    QCommandLineParser parser;
    addConnectionOptions(parser);
    parser.addOption({QStringLiteral("connections"),
                      QStringLiteral("Connections to hold (default 3000)."), QStringLiteral("N"),
                      QStringLiteral("3000")});
    parser.addOption({QStringLiteral("reopen"),
                      QStringLiteral("Open a new connection for each one the server closes.")});
    int code = Ok;
    if (!parseArguments(parser, args,
                        QStringLiteral("Holds N idle connections to the server (with --reopen, "
                                       "re-opens each one it closes) until killed: the "
                                       "self-flooding agent of 'bench flood' and of the tests."),
                        &code))
        return code;
    bool ok = false;
    const int count = parser.value(QStringLiteral("connections")).toInt(&ok);
    const QUrl url = serverUrl(parser);
    if (!ok || count < 1 || url.port() <= 0)
        return fail(QStringLiteral("usage: interlockctl bench hold --connections N --server URL"),
                    Usage);
    raiseOwnFileLimit();
    RawConnections held;
    const int open = held.open(quint16(url.port()), count);
    std::printf("holding %d\n", open);
    std::fflush(stdout);
    const bool reopen = parser.isSet(QStringLiteral("reopen"));
    for (;;) {
        if (reopen)
            held.reopenClosed(quint16(url.port()));
        QThread::msleep(20);
    }
}

} // namespace interlock::ctl
