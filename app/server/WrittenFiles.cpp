#include "WrittenFiles.h"

#include "core/ShellCommands.h"

namespace interlock {

namespace {
// The target of a redirection ("> /etc/passwd", ">> ~/.bashrc", "2> log"); empty when it
// writes no file (< in, 2>&1, >&-).
QString redirectionTarget(const QString &r)
{
    const qsizetype space = r.indexOf(u' ');
    if (space < 0 || !r.left(space).contains(u'>'))
        return {};
    const QString target = r.mid(space + 1);
    if (target == QLatin1String("/dev/null") || target == QLatin1String("/dev/stdout") ||
        target == QLatin1String("/dev/stderr") || target == QLatin1String("/dev/tty"))
        return {};
    return target;
}

// A value of an option of the command (-t DIR, -tDIR, --target-directory=DIR), or empty.
QString optionValue(const ShellCommand &c, QChar shortName, QLatin1String longName)
{
    for (qsizetype i = c.program + 1; i < c.words.size(); ++i) {
        const QString &w = c.words[i];
        if (w == QLatin1String("--"))
            break;
        if (w.startsWith(longName + QLatin1Char('=')))
            return w.mid(longName.size() + 1);
        if ((w == longName || w == QStringLiteral("-%1").arg(shortName)) && i + 1 < c.words.size())
            return c.words[i + 1];
        if (w.size() > 2 && w.startsWith(u'-') && w[1] == shortName && !w.startsWith(u"--"))
            return w.mid(2);
    }
    return {};
}

bool inPlace(const ShellCommand &c)
{
    return c.flags.contains(u'i') ||
           std::any_of(c.options.begin(), c.options.end(), [](const QString &o) {
               return o.startsWith(QLatin1String("-i")) ||
                      o.startsWith(QLatin1String("--in-place"));
           });
}
} // namespace

QList<SentFile> WrittenFiles::inCommand(const QString &commandLine)
{
    QList<SentFile> out;
    for (const ShellCommand &c : ShellCommands::read(commandLine)) {
        for (const QString &r : c.redirections) {
            if (const QString target = redirectionTarget(r); !target.isEmpty())
                out.append(
                    {target, QStringLiteral("a redirection (%1)").arg(r.section(u' ', 0, 0))});
        }
        if (!c.hasProgram())
            continue;
        const QString &name = c.name;
        if (c.nameIsOneOf({u"tee", u"chmod", u"chown", u"chgrp", u"chattr", u"setfacl", u"truncate",
                           u"touch", u"shred"}) ||
            (c.nameIsOneOf({u"sed", u"perl", u"ruby"}) && inPlace(c))) {
            for (const QString &o : c.operands)
                out.append({o, name});
        } else if (c.nameIsOneOf({u"cp", u"mv", u"install", u"ln", u"rsync"})) {
            QString target = optionValue(c, u't', QLatin1String("--target-directory"));
            if (target.isEmpty() && c.operands.size() > 1)
                target = c.operands.last();
            const bool remote = target.contains(u':') && !target.startsWith(u'/') &&
                                target.indexOf(u':') < qMax(0, target.indexOf(u'/'));
            if (!target.isEmpty() && !remote && !target.contains(QLatin1String("://")))
                out.append({target, name});
        } else if (name == QLatin1String("dd")) {
            for (const QString &o : c.operands) {
                if (o.startsWith(QLatin1String("of=")))
                    out.append({o.mid(3), name});
            }
        } else if (name == QLatin1String("crontab") && !c.flags.contains(u'l')) {
            out.append({QStringLiteral("/var/spool/cron/crontabs/"), name});
        }
    }
    return out;
}

} // namespace interlock
