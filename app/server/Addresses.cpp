#include "Addresses.h"

#include <QHostAddress>
#include <QRegularExpression>
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
    const QStringList words =
        plain.split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts);
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
    return host;
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
    static const QRegularExpression word(QStringLiteral("[^\\s,;<>\"()]+@[^\\s,;<>\"()]+"));
    for (auto it = word.globalMatch(list); it.hasNext();) {
        const QString w = it.next().captured(0);
        if (!out.contains(w))
            out.append(w);
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
    static const QRegularExpression scheme(QStringLiteral("^[a-zA-Z][a-zA-Z0-9+.-]*://"));
    if (s.isEmpty())
        return {};
    if (s.startsWith(QLatin1String("//")))
        s.prepend(QLatin1String("http:"));
    else if (!scheme.match(s).hasMatch())
        s.prepend(QLatin1String("http://"));
    const QUrl parsed(s, QUrl::TolerantMode);
    QString host = parsed.host(QUrl::FullyEncoded);
    if (host.isEmpty()) // an unparsable authority: take it by hand
        host = s.section(QLatin1String("://"), 1)
                   .section(u'/', 0, 0)
                   .section(u'@', -1)
                   .section(u':', 0, 0);
    return decodeHost(host);
}

bool Addresses::isIpLiteral(const QString &host)
{
    return !QHostAddress(host).isNull();
}

bool Addresses::isPrivateAddress(const QString &host)
{
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
    const QString h = host.toLower();
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
    static const QRegularExpression url(
        QStringLiteral("\\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\\s'\"<>|;&)`]+"));
    static const QRegularExpression scpTarget(
        QStringLiteral("(?:^|[\\s'\"])[\\w.+-]+@([\\w.-]+|\\[[0-9a-fA-F:]+\\]):"),
        QRegularExpression::UseUnicodePropertiesOption);
    static const QRegularExpression sshTarget(
        QStringLiteral("\\b(?:ssh|sftp|telnet|nc|ncat|netcat)\\s+(?:-\\w+\\s+(?:\\S+\\s+)?)*?"
                       "(?:[\\w.+-]+@)?([A-Za-z0-9][\\w.-]*\\.[A-Za-z0-9-]+|[A-Za-z0-9][\\w-]*)"
                       "(?=[\\s'\":]|$)"));
    static const QRegularExpression bareIp(
        QStringLiteral("(?<![\\w.])(\\d{1,3}(?:\\.\\d{1,3}){3})(?![\\w.])"));
    QStringList out;
    const auto add = [&out](const QString &host) {
        const QString h = decodeHost(host);
        if (!h.isEmpty() && !out.contains(h))
            out.append(h);
    };
    // Each expression runs only when what it needs is in the command at all.
    if (command.contains(QLatin1String("://"))) {
        for (auto it = url.globalMatch(command); it.hasNext();)
            add(urlHost(it.next().captured(0)));
    }
    if (command.contains(u'@') && command.contains(u':')) {
        for (auto it = scpTarget.globalMatch(command); it.hasNext();)
            add(it.next().captured(1));
    }
    if (command.contains(QLatin1String("ssh")) || command.contains(QLatin1String("sftp")) ||
        command.contains(QLatin1String("telnet")) || command.contains(QLatin1String("nc"))) {
        for (auto it = sshTarget.globalMatch(command); it.hasNext();)
            add(it.next().captured(1));
    }
    if (command.contains(u'.')) {
        for (auto it = bareIp.globalMatch(command); it.hasNext();) {
            const QString ip = it.next().captured(1);
            if (isIpLiteral(ip))
                add(ip);
        }
    }
    return out;
}

} // namespace interlock
