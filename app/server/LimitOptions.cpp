#include "LimitOptions.h"

#include <QStringList>
#include <sys/resource.h>
#include <utility>

namespace interlock {

namespace {
struct Named {
    const char *name;
    int Limits::*field;
    int min;
    const char *help;
};

const Named kLimits[] = {
    {"max-line", &Limits::maxRequestLineBytes, 256, "longest request or header line, bytes"},
    {"max-header-bytes", &Limits::maxHeaderBytes, 1024, "all header lines of a request, bytes"},
    {"max-headers", &Limits::maxHeaderCount, 8, "header lines per request"},
    {"header-timeout-ms", &Limits::headerTimeoutMs, 10, "time for a request's head"},
    {"body-min-rate", &Limits::bodyMinBytesPerSecond, 1, "slowest accepted body, bytes/s"},
    {"idle-timeout-ms", &Limits::idleTimeoutMs, 10, "kept-alive connection with no request"},
    {"write-timeout-ms", &Limits::writeTimeoutMs, 10, "client reading nothing of its answer"},
    {"linger-ms", &Limits::lingerMs, 0, "input read and dropped after an error answer"},
    {"max-connections", &Limits::maxConnections, 0,
     "open connections (0: from the open-file limit)"},
    {"max-connections-per-peer", &Limits::maxConnectionsPerPeer, 1,
     "connections per remote address (loopback excepted)"},
    {"max-waits-per-token", &Limits::maxWaitsPerToken, 1, "long-polls parked at once per caller"},
    {"kill-record-wait-ms", &Limits::killRecordWaitMs, 10,
     "a kill answers \"recorded\": false after this"},
    {"liveness-interval-ms", &Limits::livenessIntervalMs, 10,
     "a session.ping to each supervisor this long after its last answer"},
    {"liveness-deadline-ms", &Limits::livenessDeadlineMs, 10,
     "time a supervisor has to answer a session.ping"},
    {"agent-mib-per-10min", &Limits::agentMiBPer10Min, 0,
     "MiB of submissions one agent may send in any 10 minutes; a token that opens sessions, "
     "four times that over all of them (0: no budget)"},
};
} // namespace

bool applyLimitOption(Limits &limits, const QString &assignment, QString *error)
{
    const qsizetype eq = assignment.indexOf(QLatin1Char('='));
    const QString name = assignment.left(eq);
    for (const Named &n : kLimits) {
        if (name != QLatin1String(n.name))
            continue;
        bool ok = false;
        const int value = assignment.mid(eq + 1).toInt(&ok);
        if (eq < 0 || !ok || value < n.min) {
            *error = QStringLiteral("--limit %1 must be a whole number of at least %2")
                         .arg(name)
                         .arg(n.min);
            return false;
        }
        limits.*(n.field) = value;
        return true;
    }
    *error = QStringLiteral("unknown --limit '%1'; known: %2").arg(name, limitOptionHelp());
    return false;
}

QString limitOptionHelp()
{
    QStringList out;
    const Limits defaults;
    for (const Named &n : kLimits)
        out.append(QStringLiteral("%1 (%2, default %3)")
                       .arg(QLatin1String(n.name), QLatin1String(n.help))
                       .arg(defaults.*(n.field)));
    return out.join(QStringLiteral("; "));
}

qint64 raiseOpenFileLimit()
{
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0)
        return -1;
    if (limit.rlim_cur < limit.rlim_max) {
        rlimit raised = limit;
        raised.rlim_cur = limit.rlim_max;
        if (::setrlimit(RLIMIT_NOFILE, &raised) == 0)
            limit = raised;
    }
    return limit.rlim_cur == RLIM_INFINITY ? -1 : qint64(limit.rlim_cur);
}

} // namespace interlock
