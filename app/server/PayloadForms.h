#pragma once

#include <QJsonValue>
#include <QStringList>

namespace interlock {

// How the values of a payload read once an agent's spelling is undone (docs/risk-rules.md
// "Normalised forms"). A rule sees these forms as well as the value as it was sent, and the
// highest score wins: a form can add a reason, never take one away. Each is linear in the
// length of the value.
class PayloadForms
{
public:
    // The other spellings of `value`, a string of the top-level payload field `key`, that rules
    // should also see (none equals `value`):
    // - command: commandForms()
    // - statement, query, sql: sqlForms()
    // - path, file, directory: lexicalPath(); paths, files: each item of the list (items())
    //   and its lexicalPath()
    // - url, uri, endpoint, webhook, host, remote: Addresses::canonicalUrl()
    static QStringList of(QStringView key, const QString &value);

    // A shell command as it runs (ShellCommands), in two texts: the words with quotes and
    // escapes removed; and each program without the wrappers and assignments before it
    // (sudo -E bash: bash), its short options merged right after it (-f -r, -r … -f,
    // --force --recursive: -fr), the other words in order but name=value operands last,
    // sorted (dd of=… if=…: dd if=… of=…), braces expanded (braceExpansions()). URLs are
    // canonicalUrl(); a third text has SQL
    // comments and quote concatenation removed (withoutSqlSpelling()). Texts equal to the
    // command are left out: "rm -rf /" has none.
    static QStringList commandForms(const QString &command);
    // SQL with comments removed (/* */ as a space, MySQL's executed /*! */ kept as code, -- to
    // the end of the line) and quoted strings joined ('DR''OP', 'DR' || 'OP': DROP).
    // `dashComments`: "--" starts a comment anywhere (SQL); else only before white space (a
    // command line, where --force is an option).
    static QString withoutSqlSpelling(const QString &text, bool dashComments = true);
    static QStringList sqlForms(const QString &statement);
    // The words bash's brace expansion makes of `word` (/{home,etc} is /home and /etc,
    // /e{t,x}c is /etc and /exc; ${x}, {} and {a} stay text), in order; empty when there
    // is nothing to expand or when the expansion is not small: groups inside groups, more than
    // 8 groups or 64 words, or more work than 3 times the length of `word` (each word's text, a
    // space after it and a step per group: linear; /{home,etc,usr,var} and /home/{alice,bob}
    // are small, {,}{,}{,}{,} is not). Sequences ({1..9}) are not expanded.
    static QStringList braceExpansions(const QString &word);
    // /tmp/../etc/x, //etc/x, /./etc/x and /etc/x/ are /etc/x; a relative path keeps leading
    // "..". Lexical only: symbolic links are not followed.
    static QString lexicalPath(const QString &path);

    // The items of a list field however it is written: a JSON array (nested arrays and
    // objects counted item by item), an object (each member one item, or the items of its
    // value), or one string listing them separated by commas, semicolons or white space.
    static qint64 itemCount(const QJsonValue &list);
    static QStringList items(const QJsonValue &list);
};

} // namespace interlock
