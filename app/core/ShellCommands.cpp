#include "ShellCommands.h"

#include <algorithm>

namespace interlock {

namespace {
constexpr int kMaxDepth = 3;

struct Token {
    enum class Kind { Word, Operator, Redirection };
    Kind kind = Kind::Word;
    QString text;
    bool substitutes = false; // a word with $( ) or ` ` inside double quotes: it runs a command
    ShellCommand::Span span;  // a word's place in the line
};

bool isOctal(QChar c)
{
    return c >= u'0' && c <= u'7';
}

int digitValue(QChar c)
{
    const char16_t u = c.unicode();
    if (u >= u'0' && u <= u'9')
        return u - u'0';
    if (u >= u'a' && u <= u'f')
        return u - u'a' + 10;
    if (u >= u'A' && u <= u'F')
        return u - u'A' + 10;
    return -1;
}

// The body of $'…' from `i` (after the opening quote) to its closing quote, decoded as bash
// decodes it; `i` ends on the closing quote (or the end).
QString ansiC(const QString &s, qsizetype &i)
{
    QString out;
    const qsizetype n = s.size();
    for (; i < n; ++i) {
        const QChar c = s[i];
        if (c == u'\'')
            return out;
        if (c != u'\\' || i + 1 >= n) {
            out += c;
            continue;
        }
        const QChar e = s[++i];
        const auto number = [&](int base, int maxDigits) {
            char32_t value = 0;
            int digits = 0;
            for (; digits < maxDigits && i + 1 < n; ++digits) {
                const int d = digitValue(s[i + 1]);
                if (d < 0 || d >= base)
                    break;
                value = value * char32_t(base) + char32_t(d);
                ++i;
            }
            return digits > 0 && value <= 0x10FFFF ? QString::fromUcs4(&value, 1) : QString();
        };
        switch (e.unicode()) {
        case u'n':
            out += u'\n';
            break;
        case u't':
            out += u'\t';
            break;
        case u'r':
            out += u'\r';
            break;
        case u'a':
            out += QChar(7);
            break;
        case u'b':
            out += QChar(8);
            break;
        case u'e':
        case u'E':
            out += QChar(27);
            break;
        case u'f':
            out += QChar(12);
            break;
        case u'v':
            out += QChar(11);
            break;
        case u'x':
            out += number(16, 2);
            break;
        case u'u':
            out += number(16, 4);
            break;
        case u'U':
            out += number(16, 8);
            break;
        default:
            if (isOctal(e)) {
                --i;
                out += number(8, 3);
            } else {
                out += e; // \\ \' \" \? and unknown escapes
            }
        }
    }
    return out;
}

// The line as tokens: words with quotes removed, operators, redirections. Never refuses.
QList<Token> lex(const QString &s)
{
    QList<Token> out;
    QString word;
    bool inWord = false, substitutes = false, quoted = false;
    qsizetype i = 0, begin = 0; // a word ends where the character that ends it is: at i
    const auto flush = [&] {
        if (inWord)
            out.append({Token::Kind::Word, word, substitutes, {begin, i, quoted, substitutes}});
        word.clear();
        inWord = substitutes = quoted = false;
    };
    const auto op = [&](const QString &text, Token::Kind kind = Token::Kind::Operator) {
        flush();
        out.append({kind, text, false, {}});
    };
    const qsizetype n = s.size();
    for (; i < n; ++i) {
        const QChar c = s[i];
        const QChar next = i + 1 < n ? s[i + 1] : QChar();
        if (!inWord)
            begin = i; // where the word starts if this character is part of one
        if (c == u' ' || c == u'\t') {
            flush();
        } else if (c == u'\n' || c == u'\r') {
            op(QStringLiteral(";"));
        } else if (c == u'\\') {
            if (next == u'\n') {
                ++i; // a line continuation
                continue;
            }
            if (i + 1 < n)
                word += s[++i];
            inWord = quoted = true;
        } else if (c == u'\'') {
            const qsizetype close = s.indexOf(u'\'', i + 1);
            const qsizetype to = close < 0 ? n : close;
            word += QStringView(s).mid(i + 1, to - i - 1);
            i = to;
            inWord = quoted = true;
        } else if (c == u'"' || (c == u'$' && next == u'"')) {
            if (c == u'$')
                ++i;
            for (++i; i < n && s[i] != u'"'; ++i) {
                if (s[i] == u'\\' && i + 1 < n && QStringView(u"$`\"\\\n").contains(s[i + 1])) {
                    if (s[++i] != u'\n')
                        word += s[i];
                } else {
                    substitutes = substitutes || s[i] == u'`' ||
                                  (s[i] == u'$' && i + 1 < n && s[i + 1] == u'(');
                    word += s[i];
                }
            }
            inWord = quoted = true;
        } else if (c == u'$' && next == u'\'') {
            i += 2;
            word += ansiC(s, i);
            inWord = quoted = true;
        } else if (c == u'$' && next == u'(') {
            op(QStringLiteral("$("));
            ++i;
        } else if (c == u'`') {
            op(QStringLiteral("`"));
        } else if (c == u'&' && next == u'>') {
            flush(); // &> file: both outputs to the file
            out.append({Token::Kind::Redirection, QStringLiteral("&>"), false, {}});
            ++i;
        } else if (c == u';' || c == u'&' || c == u'|' || c == u'(' || c == u')') {
            flush(); // before i moves past a second character
            QString text(c);
            if ((c != u'(' && c != u')' && next == c) || (c == u'|' && next == u'&'))
                text += s[++i];
            op(text);
        } else if (c == u'<' || c == u'>') {
            // "2>", "2>&1", ">>", "<<<": a descriptor written right before belongs to it
            QString text;
            bool digits = inWord && !word.isEmpty();
            for (const QChar d : std::as_const(word))
                digits = digits && d.isDigit();
            if (digits) {
                text = word;
                word.clear();
                inWord = quoted = false;
            }
            flush();
            text += c;
            while (i + 1 < n && QStringView(u"<>&|-").contains(s[i + 1]) && text.size() < 6)
                text += s[++i];
            while (text.endsWith(u'&') && i + 1 < n && (s[i + 1].isDigit() || s[i + 1] == u'-'))
                text += s[++i]; // 2>&1, >&-: a descriptor, no file
            out.append({Token::Kind::Redirection, text, false, {}});
        } else if (c == u'#' && !inWord) {
            while (i + 1 < n && s[i + 1] != u'\n')
                ++i;
        } else {
            word += c;
            inWord = true;
        }
    }
    i = n; // (an unclosed quote leaves i past the end)
    flush();
    return out;
}

bool isAssignment(const QString &w)
{
    const qsizetype eq = w.indexOf(u'=');
    if (eq <= 0 || !(w[0].isLetter() || w[0] == u'_'))
        return false;
    for (qsizetype i = 0; i < eq; ++i) {
        if (!(w[i].isLetterOrNumber() || w[i] == u'_'))
            return false;
    }
    return true;
}

struct Wrapper {
    const char16_t *name;
    const char16_t *argumentLetters; // its short options that take the next word
    int positional;                  // words it takes before the program (timeout's duration)
};
// Programs that run the program named after them, with their own options first.
const Wrapper kWrappers[] = {
    {u"sudo", u"ugCDhpRrTtU", 0}, {u"doas", u"uC", 0},          {u"env", u"uCS", 0},
    {u"nohup", u"", 0},           {u"command", u"", 0},         {u"builtin", u"", 0},
    {u"exec", u"a", 0},           {u"nice", u"n", 0},           {u"ionice", u"cnpt", 0},
    {u"timeout", u"ks", 1},       {u"stdbuf", u"ioe", 0},       {u"setsid", u"", 0},
    {u"time", u"fo", 0},          {u"xargs", u"IdEeLlnPsa", 0}, {u"chroot", u"", 1},
    {u"flock", u"wEn", 1},        {u"unbuffer", u"", 0},        {u"busybox", u"", 0},
    {u"runuser", u"ugl", 0},      {u"caffeinate", u"tw", 0},
};
const Wrapper *wrapperNamed(QStringView name)
{
    for (const Wrapper &w : kWrappers) {
        if (name == QStringView(w.name))
            return &w;
    }
    return nullptr;
}

// Shells and tools whose operands are command lines: their operands are read as commands too.
bool runsItsOperands(QStringView name)
{
    static const char16_t *const names[] = {u"sh",   u"bash",  u"dash",   u"zsh",  u"ksh",
                                            u"mksh", u"ash",   u"fish",   u"eval", u"su",
                                            u"ssh",  u"watch", u"script", u"csh",  u"tcsh"};
    for (const char16_t *n : names) {
        if (name == QStringView(n))
            return true;
    }
    return false;
}

QString baseName(const QString &w)
{
    const qsizetype slash = w.lastIndexOf(u'/');
    return slash < 0 || slash + 1 == w.size() ? w : w.mid(slash + 1);
}

// --force and --recursive as the letters the rules know; chmod's recursive option is -R.
QChar letterOfLong(QStringView option, QStringView program)
{
    if (option == u"--force")
        return u'f';
    if (option == u"--recursive")
        return program == u"chmod" || program == u"chown" || program == u"chgrp" ? u'R' : u'r';
    return {};
}

void addFlag(QString *flags, QChar letter)
{
    if (!flags->contains(letter))
        flags->append(letter);
}

ShellCommand command(const QString &before, QStringList words)
{
    ShellCommand c;
    c.before = before;
    static const QStringList keywords{
        QStringLiteral("{"),    QStringLiteral("!"),     QStringLiteral("if"),
        QStringLiteral("then"), QStringLiteral("else"),  QStringLiteral("elif"),
        QStringLiteral("do"),   QStringLiteral("while"), QStringLiteral("until")};
    qsizetype i = 0;
    const qsizetype n = words.size();
    while (i < n) {
        if (isAssignment(words[i]) || keywords.contains(words[i])) {
            ++i;
            continue;
        }
        const Wrapper *w = wrapperNamed(baseName(words[i]));
        if (!w || i + 1 >= n)
            break;
        for (++i; i < n && words[i].size() > 1 && words[i].startsWith(u'-'); ++i) {
            const QString &o = words[i];
            if (o == QLatin1String("--")) {
                ++i;
                break;
            }
            if (o.size() == 2 && QStringView(w->argumentLetters).contains(o[1]))
                ++i;
        }
        for (int p = 0; p < w->positional && i < n && !isAssignment(words[i]); ++p)
            ++i;
    }
    c.program = qMin(i, n);
    if (c.program < n)
        c.name = baseName(words[c.program]);
    QStringList named; // name=value operands
    bool options = true;
    for (qsizetype j = c.program + 1; j < n; ++j) {
        const QString &w = words[j];
        if (options && w == QLatin1String("--")) {
            options = false;
            c.arguments.append(w);
        } else if (options && w.startsWith(QLatin1String("--")) && w.size() > 2) {
            const QChar letter = letterOfLong(w, c.name);
            if (letter.isNull()) {
                c.options.append(w);
                c.arguments.append(w);
            } else {
                addFlag(&c.flags, letter);
            }
        } else if (options && w.startsWith(u'-') && w.size() > 1) {
            bool letters = true;
            for (qsizetype k = 1; k < w.size() && letters; ++k)
                letters = w[k].isLetter() && w[k].unicode() < 0x80;
            if (!letters) {
                c.options.append(w);
                c.arguments.append(w);
                continue;
            }
            for (qsizetype k = 1; k < w.size(); ++k)
                addFlag(&c.flags, w[k]);
        } else if (isAssignment(w)) {
            named.append(w);
        } else {
            c.operands.append(w);
            c.arguments.append(w);
        }
    }
    std::stable_sort(named.begin(), named.end(), [](const QString &a, const QString &b) {
        return QStringView(a).left(a.indexOf(u'=')) < QStringView(b).left(b.indexOf(u'='));
    });
    c.operands += named;
    c.arguments += named;
    c.words = std::move(words);
    return c;
}

void readInto(const QString &line, const QString &before, int depth, QList<ShellCommand> *out);

// The commands a word runs: the operands of sh -c, ssh…, and `substituting` words (with $( )
// or ` ` inside double quotes).
void readNested(const ShellCommand &c, const QStringList &substituting, int depth,
                QList<ShellCommand> *out)
{
    if (depth >= kMaxDepth)
        return;
    if (runsItsOperands(c.name)) {
        for (const QString &w : c.words.mid(c.program + 1)) {
            if (w.contains(u' '))
                readInto(w, QStringLiteral(";"), depth + 1, out);
        }
    }
    for (const QString &w : substituting) {
        // From the first substitution: --data=$(cat f) runs cat f, not a program --data=.
        qsizetype from = w.indexOf(QLatin1String("$("));
        const qsizetype tick = w.indexOf(u'`');
        if (from < 0 || (tick >= 0 && tick < from))
            from = tick;
        readInto(w.mid(qMax<qsizetype>(0, from)), QStringLiteral(";"), depth + 1, out);
    }
}

void readInto(const QString &line, const QString &before, int depth, QList<ShellCommand> *out)
{
    // One pass: where ShellWords reads a line exactly, lex() gives the same words
    // (tst_shellwords::leniently); parsing with ShellWords first was a third of commandForms()
    // in perf.
    const QList<Token> tokens = lex(line);
    QString op = before;
    QStringList words, redirections, substituting;
    QList<ShellCommand::Span> spans;
    const auto finish = [&](const QString &next) {
        if (!words.isEmpty() || !redirections.isEmpty()) {
            out->append(command(op, words));
            out->last().redirections = redirections;
            out->last().spans = spans;
            readNested(out->last(), substituting, depth, out);
            op = next;
        } else if (!next.isEmpty()) {
            // ") `", "| $(": two operators are kept; a longer run of them (;;;; …) is not
            // joined, which would be quadratic in its length.
            op = op.isEmpty() || op.contains(u' ') ? next : op + QLatin1Char(' ') + next;
        } else if (!op.isEmpty() && op != before) {
            out->append(command(op, {})); // a closing ) or ` at the end
        }
        words.clear();
        redirections.clear();
        substituting.clear();
        spans.clear();
    };
    for (qsizetype i = 0; i < tokens.size(); ++i) {
        const Token &t = tokens[i];
        if (t.kind == Token::Kind::Word) {
            words.append(t.text);
            if (depth == 0)
                spans.append(t.span);
            if (t.substitutes)
                substituting.append(t.text);
        } else if (t.kind == Token::Kind::Redirection) {
            const bool target = !t.text.back().isDigit() && !t.text.endsWith(u'-') &&
                                i + 1 < tokens.size() && tokens[i + 1].kind == Token::Kind::Word;
            if (target && tokens[i + 1].substitutes) // <<< "$(cat f)"
                substituting.append(tokens[i + 1].text);
            redirections.append(target ? t.text + QLatin1Char(' ') + tokens[++i].text : t.text);
        } else {
            finish(t.text);
        }
    }
    finish(QString());
}
} // namespace

QList<ShellCommand> ShellCommands::read(const QString &commandLine)
{
    QList<ShellCommand> out;
    readInto(commandLine, QString(), 0, &out);
    return out;
}

} // namespace interlock
