#include "WrittenFiles.h"

#include "core/ShellCommands.h"

#include <QRegularExpression>

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

// A chmod mode that only takes rights away from group and others, leaving the owner able to read:
// 600, 0400, 700, go-rwx, g-w,o-rwx, go=.
bool tightensOnly(const QString &mode)
{
    static const QRegularExpression numeric(QStringLiteral("^0?[4-7]00$"));
    static const QRegularExpression symbolic(
        QStringLiteral("^(?:[go]+-[rwxXst]+|[go]+=)(?:,(?:[go]+-[rwxXst]+|[go]+=))*$"));
    return numeric.match(mode).hasMatch() || symbolic.match(mode).hasMatch();
}

// A path inside a home folder (~, $HOME, /home/NAME/, /root/, /Users/NAME/) or relative, and
// not climbing out of it with "..".
bool inHomeFolder(const QString &path)
{
    static const QRegularExpression home(QStringLiteral(
        "^(?:~/|\\$HOME/|\\$\\{HOME\\}/|/home/[^/]+/|/root/|/Users/[^/]+/|(?![/~$]))"));
    static const QRegularExpression climb(QStringLiteral("(?:^|/)\\.\\.(?:/|$)"));
    return home.match(path).hasMatch() && !climb.match(path).hasMatch();
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
    return inCommand(ShellCommands::read(commandLine));
}

QList<SentFile> WrittenFiles::inCommand(const QList<ShellCommand> &commands)
{
    QList<SentFile> out;
    for (const ShellCommand &c : commands) {
        for (const QString &r : c.redirections) {
            if (const QString target = redirectionTarget(r); !target.isEmpty())
                out.append(
                    {target, QStringLiteral("a redirection (%1)").arg(r.section(u' ', 0, 0))});
        }
        if (!c.hasProgram())
            continue;
        const QString &name = c.name;
        if (name == QLatin1String("chmod") && c.operands.size() > 1 &&
            tightensOnly(c.operands.first()) && c.options.isEmpty() &&
            (c.flags.isEmpty() || c.flags == QLatin1String("R")) &&
            std::all_of(c.operands.begin() + 1, c.operands.end(), inHomeFolder))
            continue; // chmod 600 ~/.ssh/id_rsa: only takes rights away
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

namespace {
// The file standard output goes to ("> f", ">> f", "&> f"), empty when none or a device.
QString outputFile(const ShellCommand &c)
{
    QString out;
    for (const QString &r : c.redirections) {
        const QString op = r.section(u' ', 0, 0);
        if (op == u">" || op == u">>" || op == u">|" || op == u"1>" || op == u"1>>" ||
            op == u"&>" || op == u"&>>")
            out = redirectionTarget(r);
    }
    return out;
}

void inputFiles(const ShellCommand &c, QStringList *out)
{
    for (const QString &r : c.redirections) {
        if (r.startsWith(QLatin1String("< ")) || r.startsWith(QLatin1String("0< ")))
            out->append(r.section(u' ', 1));
    }
}

// tar's archive file (-f FILE, -cf FILE, cf FILE, --file=FILE), whether it creates or adds to
// one, and the files it is given.
struct TarWords {
    bool creates = false;
    QString archive;
    QStringList files;
};
TarWords readTar(const ShellCommand &c)
{
    static const QString valueLetters = QStringLiteral("fCTXbgKLNV");
    TarWords t;
    const QStringList &w = c.words;
    const auto letters = [&](QStringView bundle, qsizetype *i) {
        const bool dashed = w[*i].startsWith(u'-');
        for (qsizetype k = 0; k < bundle.size(); ++k) {
            const QChar l = bundle[k];
            t.creates = t.creates || l == u'c' || l == u'r' || l == u'u';
            if (!valueLetters.contains(l))
                continue;
            QString value; // -fFILE in a dashed bundle, otherwise the next word
            const bool attached = dashed && k + 1 < bundle.size();
            if (attached)
                value = bundle.mid(k + 1).toString();
            else if (*i + 1 < w.size())
                value = w[++*i];
            if (l == u'f')
                t.archive = value;
            if (attached)
                return;
        }
    };
    for (qsizetype i = c.program + 1; i < w.size(); ++i) {
        const QString &word = w[i];
        if (i == c.program + 1 && !word.startsWith(u'-') &&
            std::all_of(word.begin(), word.end(), [](QChar ch) { return ch.isLetter(); })) {
            letters(word, &i); // tar czf x.tgz dir
        } else if (word.startsWith(QLatin1String("--"))) {
            const QString name = word.section(u'=', 0, 0);
            const bool hasValue = word.contains(u'=');
            t.creates = t.creates || name == u"--create" || name == u"--append";
            if (name == u"--file")
                t.archive = hasValue ? word.section(u'=', 1) : w.value(++i);
            else if (!hasValue && (name == u"--directory" || name == u"--files-from"))
                ++i;
        } else if (word.size() > 1 && word.startsWith(u'-')) {
            letters(QStringView(word).mid(1), &i);
        } else {
            t.files.append(word);
        }
    }
    return t;
}

// Programs whose output is the content of the files they read (or a copy of it).
bool passesContent(const ShellCommand &c)
{
    return c.nameIsOneOf({u"cat",    u"tac",  u"head",  u"tail",    u"base64",  u"base32",
                          u"basenc", u"xxd",  u"od",    u"hexdump", u"strings", u"gzip",
                          u"bzip2",  u"xz",   u"zstd",  u"lz4",     u"sort",    u"uniq",
                          u"cut",    u"grep", u"egrep", u"fgrep",   u"awk",     u"gawk",
                          u"jq",     u"yq",   u"tr",    u"tee",     u"gpg",     u"openssl"}) ||
           (c.name == QLatin1String("sed") && !inPlace(c));
}

bool isRemotePath(const QString &p)
{
    const qsizetype colon = p.indexOf(u':');
    return p.contains(QLatin1String("://")) ||
           (colon > 0 && !p.startsWith(u'/') && (p.indexOf(u'/') < 0 || colon < p.indexOf(u'/')));
}
} // namespace

QList<WrittenFiles::Copy> WrittenFiles::copies(const QString &commandLine)
{
    return copies(ShellCommands::read(commandLine));
}

QList<WrittenFiles::Copy> WrittenFiles::copies(const QList<ShellCommand> &commands)
{
    QList<Copy> out;
    QStringList piped; // the files whose content flows into this command through a pipe
    QString pipedTool;
    const auto copyAll = [&out](const QStringList &from, const QString &to, const QString &tool) {
        for (const QString &f : from) {
            if (!f.isEmpty() && f != QLatin1String("-") && !isRemotePath(f))
                out.append({f, to, tool});
        }
    };
    for (const ShellCommand &c : commands) {
        if (c.before != QLatin1String("|") && c.before != QLatin1String("|&")) {
            piped.clear();
            pipedTool.clear();
        }
        if (!c.hasProgram()) {
            piped.clear();
            continue;
        }
        const QString &name = c.name;
        QStringList flowing; // what this command's output carries on
        if (c.nameIsOneOf({u"cp", u"mv", u"install", u"ln", u"rsync"})) {
            QString target = optionValue(c, u't', QLatin1String("--target-directory"));
            if (target.isEmpty() && c.operands.size() > 1)
                target = c.operands.last();
            if (!target.isEmpty() && !isRemotePath(target)) {
                QStringList sources = c.operands;
                sources.removeOne(target);
                copyAll(sources, target, name);
            }
        } else if (name == QLatin1String("dd")) {
            QString from, to;
            for (const QString &o : c.operands) {
                if (o.startsWith(QLatin1String("if=")))
                    from = o.mid(3);
                else if (o.startsWith(QLatin1String("of=")))
                    to = o.mid(3);
            }
            if (!to.isEmpty())
                copyAll({from}, to, name);
            else
                flowing.append(from);
        } else if (name == QLatin1String("tar")) {
            const TarWords t = readTar(c);
            if (t.creates && !t.archive.isEmpty() && t.archive != QLatin1String("-"))
                copyAll(t.files, t.archive, name);
            else if (t.creates)
                flowing = t.files;
        } else if (c.nameIsOneOf({u"zip", u"7z", u"7za", u"7zz"})) {
            QStringList operands = c.operands;
            if (name != QLatin1String("zip") && operands.value(0) != QLatin1String("a"))
                operands.clear();
            else if (name != QLatin1String("zip"))
                operands.removeFirst();
            if (operands.size() > 1 && operands.first() != QLatin1String("-"))
                copyAll(operands.mid(1), operands.first(), name);
            else if (operands.size() > 1)
                flowing = operands.mid(1);
        } else if (passesContent(c)) {
            flowing = piped + c.operands;
            inputFiles(c, &flowing);
            if (name == QLatin1String("openssl")) {
                const QString in = optionValue(c, QChar(), QLatin1String("-in"));
                const QString to = optionValue(c, QChar(), QLatin1String("-out"));
                if (!in.isEmpty())
                    flowing.append(in);
                if (!to.isEmpty())
                    copyAll(flowing, to, name);
            }
            if (name == QLatin1String("tee")) {
                for (const QString &f : c.operands)
                    copyAll(piped, f, QStringLiteral("tee"));
                flowing = piped;
            }
        }
        const QString tool = pipedTool.isEmpty() ? name : pipedTool;
        if (const QString to = outputFile(c); !to.isEmpty()) {
            copyAll(flowing, to, QStringLiteral("%1, then a redirection (>)").arg(tool));
            flowing.clear();
        }
        piped = flowing;
        pipedTool = flowing.isEmpty() ? QString() : tool;
    }
    return out;
}

} // namespace interlock
