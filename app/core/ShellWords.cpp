#include "ShellWords.h"

#include <QRegularExpression>

namespace interlock {

namespace {
bool isControl(QChar c)
{
    return (c.unicode() < 0x20 && c != QLatin1Char('\t')) || c.unicode() == 0x7f ||
           c.category() == QChar::Other_Format || c == QChar::LineSeparator ||
           c == QChar::ParagraphSeparator;
}

QString describe(QChar c)
{
    if (c == QLatin1Char('\n') || c == QLatin1Char('\r'))
        return QStringLiteral("a line break (a second command)");
    if (isControl(c))
        return QStringLiteral("a control character (U+%1)")
            .arg(c.unicode(), 4, 16, QLatin1Char('0'));
    return QStringLiteral("'%1'").arg(c);
}
} // namespace

ShellWords ShellWords::parse(const QString &command)
{
    ShellWords out;
    const auto refuse = [&out](const QString &why) {
        out.argv.clear();
        out.refusal = why;
        return out;
    };
    enum class Quote { None, Single, Double } quote = Quote::None;
    QString word;
    bool inWord = false; // '' makes an empty argument: a word can exist with no characters
    const qsizetype n = command.size();
    for (qsizetype i = 0; i < n; ++i) {
        const QChar c = command.at(i);
        if (isControl(c))
            return refuse(QStringLiteral("it contains ") + describe(c));
        if (quote == Quote::Single) {
            if (c == QLatin1Char('\''))
                quote = Quote::None;
            else
                word += c;
            continue;
        }
        if (quote == Quote::Double) {
            if (c == QLatin1Char('"')) {
                quote = Quote::None;
            } else if (c == QLatin1Char('$') || c == QLatin1Char('`')) {
                return refuse(
                    QStringLiteral("it expands %1 inside double quotes").arg(describe(c)));
            } else if (c == QLatin1Char('!')) {
                return refuse(QStringLiteral("'!' inside double quotes is history expansion in "
                                             "an interactive shell"));
            } else if (c == QLatin1Char('\\') && i + 1 < n &&
                       QStringLiteral("$`\"\\").contains(command.at(i + 1))) {
                word += command.at(++i);
            } else {
                word += c;
            }
            continue;
        }
        // Outside quotes.
        if (c == QLatin1Char(' ') || c == QLatin1Char('\t')) {
            if (inWord)
                out.argv.append(word);
            word.clear();
            inWord = false;
            continue;
        }
        if (c == QLatin1Char('\'')) {
            quote = Quote::Single;
            inWord = true;
            continue;
        }
        if (c == QLatin1Char('"')) {
            quote = Quote::Double;
            inWord = true;
            continue;
        }
        if (c == QLatin1Char('\\')) {
            if (i + 1 >= n)
                return refuse(QStringLiteral("it ends with a backslash"));
            const QChar next = command.at(++i);
            if (isControl(next))
                return refuse(QStringLiteral("it contains ") + describe(next));
            word += next;
            inWord = true;
            continue;
        }
        if (QStringLiteral(";&|<>()").contains(c))
            return refuse(
                QStringLiteral("it uses the shell operator %1 outside quotes").arg(describe(c)));
        if (c == QLatin1Char('`'))
            return refuse(QStringLiteral("it uses command substitution (`…`)"));
        if (c == QLatin1Char('$')) {
            if (i + 1 < n && command.at(i + 1) == QLatin1Char('('))
                return refuse(QStringLiteral("it uses command substitution ($(…))"));
            return refuse(QStringLiteral("it expands a variable ('$'), whose value is not in the "
                                         "text"));
        }
        if (QStringLiteral("*?[").contains(c))
            return refuse(QStringLiteral("it uses the glob %1, whose matches depend on the files "
                                         "present")
                              .arg(describe(c)));
        if (c == QLatin1Char('{') || c == QLatin1Char('}'))
            return refuse(
                QStringLiteral("it uses %1 (brace expansion or a command group)").arg(describe(c)));
        if (c == QLatin1Char('!'))
            return refuse(QStringLiteral("it uses '!' (negation or history expansion)"));
        if (!inWord && (c == QLatin1Char('~') || c == QLatin1Char('#')))
            return refuse(c == QLatin1Char('~') ? QStringLiteral("it uses '~' (tilde expansion)")
                                                : QStringLiteral("it contains a comment ('#')"));
        word += c;
        inWord = true;
    }
    if (quote != Quote::None)
        return refuse(QStringLiteral("a quote is never closed"));
    if (inWord)
        out.argv.append(word);
    if (out.argv.isEmpty())
        return refuse(QStringLiteral("it has no command"));
    static const QRegularExpression assignment(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]*="));
    if (assignment.match(out.argv.first()).hasMatch())
        return refuse(QStringLiteral("it sets an environment variable before the command (%1)")
                          .arg(out.argv.first().section(QLatin1Char('='), 0, 0)));
    return out;
}

QString ShellWords::wrapperReason(const QStringList &argv)
{
    if (argv.isEmpty())
        return QStringLiteral("it has no command");
    const QString name = argv.first().section(QLatin1Char('/'), -1);
    // Shells and programs whose arguments are another command.
    static const QStringList runners{
        QStringLiteral("sh"),      QStringLiteral("bash"),        QStringLiteral("dash"),
        QStringLiteral("zsh"),     QStringLiteral("ksh"),         QStringLiteral("mksh"),
        QStringLiteral("ash"),     QStringLiteral("fish"),        QStringLiteral("csh"),
        QStringLiteral("tcsh"),    QStringLiteral("busybox"),     QStringLiteral("env"),
        QStringLiteral("xargs"),   QStringLiteral("eval"),        QStringLiteral("exec"),
        QStringLiteral("sudo"),    QStringLiteral("su"),          QStringLiteral("doas"),
        QStringLiteral("pkexec"),  QStringLiteral("runuser"),     QStringLiteral("nohup"),
        QStringLiteral("setsid"),  QStringLiteral("timeout"),     QStringLiteral("nice"),
        QStringLiteral("ionice"),  QStringLiteral("stdbuf"),      QStringLiteral("chroot"),
        QStringLiteral("command"), QStringLiteral("builtin"),     QStringLiteral("time"),
        QStringLiteral("watch"),   QStringLiteral("flock"),       QStringLiteral("parallel"),
        QStringLiteral("unshare"), QStringLiteral("nsenter"),     QStringLiteral("strace"),
        QStringLiteral("ltrace"),  QStringLiteral("gdb"),         QStringLiteral("script"),
        QStringLiteral("ssh"),     QStringLiteral("expect"),      QStringLiteral("source"),
        QStringLiteral("."),       QStringLiteral("systemd-run"), QStringLiteral("at"),
        QStringLiteral("batch"),   QStringLiteral("crontab"),     QStringLiteral("trap")};
    if (runners.contains(name))
        return QStringLiteral("'%1' runs another command given in its arguments").arg(name);
    // Interpreters: any of their invocations may carry inline code (-c, -e, -r…) or a script.
    static const QRegularExpression interpreter(QStringLiteral(
        "^(python[0-9.]*|pypy[0-9.]*|perl[0-9.]*|ruby[0-9.]*|node|nodejs|deno|bun|php[0-9.]*|"
        "lua[0-9.]*|luajit|tclsh[0-9.]*|wish|awk|gawk|mawk|nawk|Rscript|osascript|pwsh|"
        "powershell)$"));
    if (interpreter.match(name).hasMatch())
        return QStringLiteral("'%1' is an interpreter that runs code given to it").arg(name);
    if (name == QLatin1String("find")) {
        static const QStringList runs{QStringLiteral("-exec"), QStringLiteral("-execdir"),
                                      QStringLiteral("-ok"), QStringLiteral("-okdir"),
                                      QStringLiteral("-delete")};
        for (const QString &arg : argv) {
            if (runs.contains(arg))
                return QStringLiteral("'find %1' runs commands or deletes files").arg(arg);
        }
    }
    return {};
}

} // namespace interlock
