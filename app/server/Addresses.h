#pragma once

#include <QStringList>

namespace interlock {

// Recipients, URLs and hosts read the way mail and HTTP clients read them (issue #15): an agent
// must not get "internal" by packing an outside address into a display name, a list in one
// string, a URL without a scheme or a bare IP.
class Addresses
{
public:
    // The addresses of an RFC 5322 address list: `a@x, "Doe, J" <j@y>; Name <k@z> (comment)`,
    // groups (`team: a@x, b@y;`) included. Items without an '@' are returned as they are.
    static QStringList mailboxes(const QString &list);
    // mailboxes(), plus every other word that looks like an address (in a display name, a
    // comment or an unclosed quote): some clients and tools send to those too.
    static QStringList recipients(const QString &list);
    // The lower-case domain of an address (after the last '@', no trailing dot; IDNA decoded).
    static QString domainOf(const QString &address);
    // The host of a URL as an HTTP client reads it, with or without a scheme
    // ("203.0.113.7:8080/upload" is 203.0.113.7); IDNA decoded, lower case.
    // Numeric IPv4 spellings are read as inet_aton and HTTP clients read them: 2852039166,
    // 0xA9FEA9FE, 0251.0376.0251.0376, 169.254.43518 and ::ffff:169.254.169.254 are all
    // 169.254.169.254.
    static QString urlHost(const QString &url);
    // The URL with its scheme and host as urlHost() reads them (user info dropped, port, path,
    // query and fragment kept): HTTP://2852039166:80/x is http://169.254.169.254:80/x.
    static QString canonicalUrl(const QString &url);
    // A host written as numbers (one to four parts, each decimal, 0-octal or 0x-hexadecimal, or
    // IPv6 holding an IPv4 address) as a dotted quad; empty when it is not one.
    static QString numericIpv4(const QString &host);
    static bool isIpLiteral(const QString &host);
    // Loopback, RFC 1918, link-local, CGNAT, unique local IPv6: not reachable from outside.
    static bool isPrivateAddress(const QString &host);
    // Empty, localhost, *.local, a private address, or one of `internal` (or a subdomain).
    static bool isInternalHost(const QString &host, const QStringList &internal);
    // Hosts a command line talks to: URLs, user@host:path, ssh/scp targets, bare IPs
    // (with or without a port). Lower case, IDNA decoded, duplicates removed.
    static QStringList hostsInCommand(const QString &command);
};

} // namespace interlock
