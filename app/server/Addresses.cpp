#include "Addresses.h"

#include "FastRegex.h"
#include "SmallStringSet.h"

#include <QHostAddress>
#include <QRegularExpression>
#include <QSet>
#include <QUrl>

namespace interlock {

namespace {
QString stripComments(const QString &item)
{
    QString out;
    int depth = 0;
    for (const QChar c : item) {
        if (c == u'(')
            ++depth;
        else if (c == u')' && depth > 0)
            --depth;
        else if (depth == 0)
            out += c;
    }
    return out;
}

// One list item: the angle address if there is one, else every word holding an '@' (a client
// would send to each), else the item itself.
void addItem(const QString &item, const QString &angle, bool hadAngle, QStringList *out)
{
    if (hadAngle) {
        out->append(angle.trimmed());
        return;
    }
    const QString plain = stripComments(item).trimmed();
    if (plain.isEmpty())
        return;
    const QStringList words = plain.simplified().split(u' ', Qt::SkipEmptyParts);
    bool any = false;
    for (const QString &w : words) {
        if (w.contains(u'@')) {
            out->append(w);
            any = true;
        }
    }
    if (!any)
        out->append(plain);
}

QString decodeHost(QString host)
{
    host = host.trimmed().toLower();
    while (host.endsWith(u'.'))
        host.chop(1);
    if (host.contains(QLatin1String("xn--")))
        host = QUrl::fromAce(host.toLatin1());
    if (!host.isEmpty() && (host[0].isDigit() || host.contains(u':'))) {
        const QString ip = Addresses::numericIpv4(host);
        if (!ip.isEmpty())
            return ip;
    }
    return host;
}

// One part of a numeric host as inet_aton reads it: 0x… hexadecimal, 0… octal, else decimal.
bool ipv4Part(QStringView part, quint64 *value)
{
    int base = 10;
    if (part.size() > 1 && part[0] == u'0' && (part[1] == u'x' || part[1] == u'X')) {
        base = 16;
        part = part.mid(2);
    } else if (part.size() > 1 && part[0] == u'0') {
        base = 8;
        part = part.mid(1);
    }
    if (part.isEmpty() && base != 16)
        return false;
    quint64 v = 0;
    for (const QChar c : part) {
        const int d = c.isDigit()                ? c.unicode() - u'0'
                      : (c >= u'a' && c <= u'f') ? c.unicode() - u'a' + 10
                      : (c >= u'A' && c <= u'F') ? c.unicode() - u'A' + 10
                                                 : 99;
        if (d >= base)
            return false;
        v = v * quint64(base) + quint64(d);
        if (v > 0xFFFFFFFFu)
            return false;
    }
    *value = v;
    return true;
}

// Where the authority of a URL is ("scheme://" or "//" before it, or none), up to the path,
// query or fragment; a backslash ends it too, as browsers read http URLs.
void authorityOf(const QString &s, qsizetype *start, qsizetype *end)
{
    *start = 0;
    const qsizetype scheme = s.indexOf(QLatin1String("://"));
    bool schemeLike = scheme > 0;
    for (qsizetype i = 0; schemeLike && i < scheme; ++i) {
        const QChar c = s[i];
        schemeLike = c.isLetterOrNumber() || c == u'+' || c == u'.' || c == u'-';
    }
    if (schemeLike && s[0].isLetter())
        *start = scheme + 3;
    else if (s.startsWith(QLatin1String("//")))
        *start = 2;
    *end = *start;
    while (*end < s.size() && s[*end] != u'/' && s[*end] != u'?' && s[*end] != u'#' &&
           s[*end] != u'\\')
        ++*end;
}

bool inV4(quint32 a, quint32 net, int bits)
{
    const quint32 mask = bits == 0 ? 0 : ~quint32(0) << (32 - bits);
    return (a & mask) == (net & mask);
}
} // namespace

QStringList Addresses::mailboxes(const QString &list)
{
    QStringList out;
    qsizetype start = 0;
    bool quoted = false, hadAngle = false, inAngle = false;
    int comment = 0;
    QString angle;
    for (qsizetype i = 0; i < list.size(); ++i) {
        const QChar c = list[i];
        if (quoted) {
            if (c == u'\\')
                ++i;
            else if (c == u'"')
                quoted = false;
            continue;
        }
        if (comment > 0) {
            if (c == u'(')
                ++comment;
            else if (c == u')')
                --comment;
            continue;
        }
        if (inAngle) {
            if (c == u'>')
                inAngle = false;
            else
                angle += c;
            continue;
        }
        if (c == u'"') {
            quoted = true;
        } else if (c == u'(') {
            comment = 1;
        } else if (c == u'<') {
            inAngle = hadAngle = true;
            angle.clear();
        } else if (c == u':' && !hadAngle) {
            // "group: a@x, b@y;" – the group's name is no address. (A colon inside a bare
            // address cannot appear; after "mailto" it is the scheme.)
            const QString name = list.mid(start, i - start).trimmed();
            if (!name.contains(u'@'))
                start = i + 1;
        } else if (c == u',' || c == u';') {
            addItem(list.mid(start, i - start), angle, hadAngle, &out);
            start = i + 1;
            hadAngle = false;
            angle.clear();
        }
    }
    // The last item, also when a quote, comment or angle bracket was never closed.
    if (inAngle)
        addItem(list.mid(start), QString(), false, &out);
    else
        addItem(list.mid(start), angle, hadAngle, &out);
    return out;
}

QStringList Addresses::recipients(const QString &list)
{
    QStringList out = mailboxes(list);
    SmallStringSet seen; // not out.contains(): quadratic in the list
    for (const QString &m : std::as_const(out))
        seen.insert(m);
    static const FastRegex word(QStringLiteral("[^\\s,;<>\"()]+@[^\\s,;<>\"()]+"));
    for (qsizetype from = 0;;) {
        const FastRegex::Match m = word.search(list, from);
        if (!m)
            break;
        const QString w = m.text(list);
        if (seen.insert(w))
            out.append(w);
        from = m.end();
    }
    return out;
}

QString Addresses::domainOf(const QString &address)
{
    const qsizetype at = address.lastIndexOf(u'@');
    return at < 0 ? QString() : decodeHost(address.mid(at + 1));
}

QString Addresses::urlHost(const QString &url)
{
    QString s = url.trimmed();
    if (s.isEmpty())
        return {};
    // The authority: after "scheme://" (or "//"), else from the start (no scheme).
    qsizetype start = 0, end = 0;
    authorityOf(s, &start, &end);
    QStringView authority = QStringView(s).mid(start, end - start);
    const qsizetype at = authority.lastIndexOf(u'@');
    if (at >= 0)
        authority = authority.mid(at + 1);
    if (authority.contains(u'%')) { // percent-encoded host: let QUrl decode it
        const QUrl parsed(QStringLiteral("http://") + authority.toString(), QUrl::TolerantMode);
        return decodeHost(parsed.host(QUrl::FullyDecoded));
    }
    QStringView host = authority;
    if (host.startsWith(u'[')) {
        const qsizetype close = host.indexOf(u']');
        host = close > 0 ? host.mid(1, close - 1) : host.mid(1);
    } else {
        const qsizetype colon = host.indexOf(u':');
        if (colon >= 0)
            host = host.left(colon);
    }
    return decodeHost(host.toString());
}

QString Addresses::canonicalUrl(const QString &url)
{
    const QString s = url.trimmed();
    const QString host = urlHost(s);
    if (host.isEmpty())
        return s;
    qsizetype start = 0, end = 0;
    authorityOf(s, &start, &end);
    QStringView hostPort = QStringView(s).mid(start, end - start);
    hostPort = hostPort.mid(hostPort.lastIndexOf(u'@') + 1); // no user info
    // The port, if any, after the host (and after an IPv6 literal's bracket).
    const qsizetype bracket = hostPort.lastIndexOf(u']');
    const qsizetype colon = hostPort.lastIndexOf(u':');
    QString port;
    if (colon > bracket && !(bracket < 0 && hostPort.count(u':') > 1))
        port = hostPort.mid(colon).toString();
    const QString shown = host.contains(u':') ? u'[' + host + u']' : host;
    return s.left(start).toLower() + shown + port + s.mid(end);
}

QString Addresses::numericIpv4(const QString &host)
{
    if (host.contains(u':')) { // ::ffff:a.b.c.d and other IPv6 spellings of an IPv4 address
        const QHostAddress a(host);
        bool v4 = false;
        const quint32 ip = a.isNull() ? 0 : a.toIPv4Address(&v4);
        return v4 ? QHostAddress(ip).toString() : QString();
    }
    const QList<QStringView> parts = QStringView(host).split(u'.');
    if (parts.size() > 4)
        return {};
    quint64 ip = 0;
    for (qsizetype i = 0; i < parts.size(); ++i) {
        quint64 v = 0;
        if (!ipv4Part(parts[i], &v))
            return {};
        const bool last = i + 1 == parts.size();
        // The last part fills the bytes left: 169.254.43518 is 169.254.169.254.
        const int bits = last ? 8 * int(4 - i) : 8;
        if (bits < 32 && v >> bits)
            return {};
        ip = last ? (ip << bits) | v : (ip << 8) | v;
    }
    return QHostAddress(quint32(ip)).toString();
}

bool Addresses::isIpLiteral(const QString &host)
{
    // Only digits and dots (IPv4) or a colon (IPv6) can be an address: most hosts are names.
    bool v4 = !host.isEmpty();
    for (const QChar c : host)
        v4 = v4 && (c.isDigit() || c == u'.');
    if (!v4 && !host.contains(u':'))
        return false;
    return !QHostAddress(host).isNull();
}

bool Addresses::isPrivateAddress(const QString &host)
{
    if (!isIpLiteral(host))
        return false;
    const QHostAddress a(host);
    if (a.isNull())
        return false;
    bool v4 = false;
    const quint32 ip = a.toIPv4Address(&v4); // also the IPv4 in ::ffff:a.b.c.d
    if (v4) {
        return inV4(ip, 0x0A000000, 8) || inV4(ip, 0xAC100000, 12) || inV4(ip, 0xC0A80000, 16) ||
               inV4(ip, 0x7F000000, 8) || inV4(ip, 0xA9FE0000, 16) || inV4(ip, 0x64400000, 10) ||
               inV4(ip, 0, 8);
    }
    return a.isLoopback() || a.isLinkLocal() || a.isUniqueLocalUnicast();
}

bool Addresses::isInternalHost(const QString &host, const QStringList &internal)
{
    const QString numeric = host.isEmpty() || !host[0].isDigit() ? QString() : numericIpv4(host);
    const QString h = numeric.isEmpty() ? host.toLower() : numeric;
    if (h.isEmpty() || h == QLatin1String("localhost") || h.endsWith(QLatin1String(".local")) ||
        h.endsWith(QLatin1String(".localhost")))
        return true;
    if (isIpLiteral(h))
        return isPrivateAddress(h);
    for (const QString &domain : internal) {
        if (h == domain || (h.endsWith(domain) && h.size() > domain.size() &&
                            h[h.size() - domain.size() - 1] == u'.'))
            return true;
    }
    return false;
}

QStringList Addresses::hostsInCommand(const QString &command)
{
    static const FastRegex url(QStringLiteral("\\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\\s'\"<>|;&)`]+"));
    static const FastRegex scpTarget(
        QStringLiteral("(?:^|[\\s'\"])[\\w.+-]+@([\\w.-]+|\\[[0-9a-fA-F:]+\\]):"));
    static const FastRegex sshTarget(
        QStringLiteral("\\b(?:ssh|sftp|telnet|nc|ncat|netcat)\\s+(?:-\\w+\\s+(?:\\S+\\s+)?)*?"
                       "(?:[\\w.+-]+@)?([A-Za-z0-9][\\w.-]*\\.[A-Za-z0-9-]+|[A-Za-z0-9][\\w-]*)"
                       "(?=[\\s'\":]|$)"));
    static const FastRegex bareIp(
        QStringLiteral("(?<![\\w.])(\\d{1,3}(?:\\.\\d{1,3}){3})(?![\\w.])"));
    QStringList out;
    SmallStringSet seen;
    const auto add = [&out, &seen](const QString &host) {
        const QString h = decodeHost(host);
        if (!h.isEmpty() && seen.insert(h))
            out.append(h);
    };
    const auto each = [&command](const FastRegex &re, const auto &found) {
        for (qsizetype from = 0;;) {
            const FastRegex::Match m = re.search(command, from);
            if (!m)
                return;
            found(m);
            from = m.end() > from ? m.end() : from + 1;
        }
    };
    // Each expression runs only when what it needs is in the command at all.
    if (command.contains(QLatin1String("://")))
        each(url, [&](const FastRegex::Match &m) { add(urlHost(m.text(command))); });
    if (command.contains(u'@'))
        each(scpTarget, [&](const FastRegex::Match &m) { add(m.group(command, 1)); });
    static const FastRegex remoteTool(QStringLiteral("\\b(?:ssh|sftp|telnet|nc|ncat|netcat)\\b"));
    if (remoteTool.matches(command))
        each(sshTarget, [&](const FastRegex::Match &m) { add(m.group(command, 1)); });
    // scp f host.example:, rsync -a d/ host.example:/x: a dotted name before ':' (no user@)
    static const FastRegex copyTool(QStringLiteral("\\b(?:scp|rsync)\\b"));
    static const FastRegex copyTarget(QStringLiteral(
        "(?:^|[\\s'\"])([A-Za-z0-9][\\w-]*(?:\\.[\\w-]+)+|\\[[0-9a-fA-F:]+\\]):(?!//)"));
    if (command.contains(u':') && copyTool.matches(command))
        each(copyTarget, [&](const FastRegex::Match &m) { add(m.group(command, 1)); });
    if (command.contains(u'.')) {
        each(bareIp, [&](const FastRegex::Match &m) {
            const QString ip = m.group(command, 1);
            if (isIpLiteral(ip))
                add(ip);
        });
    }
    return out;
}

} // namespace interlock
