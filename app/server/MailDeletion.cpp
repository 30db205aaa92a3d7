#include "MailDeletion.h"

#include "FastRegex.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

namespace interlock {

namespace {
constexpr qint64 kMaxRange = 1'000'000;

QString shortened(const QString &s)
{
    const QString one = s.simplified();
    return one.size() > 60 ? one.left(59) + QChar(0x2026) : one;
}

// One simple command of a shell line: its words (quotes removed, $(…) kept whole) and
// whether its input comes from a pipe.
struct SimpleCommand {
    QStringList words;
    QString raw;
    bool piped = false;
};

QList<SimpleCommand> splitCommands(const QString &line)
{
    QList<SimpleCommand> out{SimpleCommand{}};
    QString word;
    bool inWord = false;
    QChar quote;
    int substitution = 0; // depth of $( … ) and ` … `
    const auto endWord = [&] {
        if (inWord)
            out.last().words.append(word);
        word.clear();
        inWord = false;
    };
    const auto endCommand = [&](bool nextPiped) {
        endWord();
        out.append(SimpleCommand{});
        out.last().piped = nextPiped;
    };
    for (qsizetype i = 0; i < line.size(); ++i) {
        const QChar c = line[i];
        out.last().raw += c;
        if (substitution > 0) {
            word += c;
            if (c == u'(')
                ++substitution;
            else if (c == u')' || c == u'`')
                --substitution;
            continue;
        }
        if (!quote.isNull()) {
            if (c == quote)
                quote = QChar();
            else if (c == u'\\' && quote == u'"' && i + 1 < line.size())
                word += line[++i];
            else if (c == u'$' && quote == u'"' && i + 1 < line.size() && line[i + 1] == u'(') {
                word += c;
                word += line[++i];
                substitution = 1;
            } else
                word += c;
            continue;
        }
        if (c == u'\'' || c == u'"') {
            quote = c;
            inWord = true;
        } else if (c == u'$' && i + 1 < line.size() && line[i + 1] == u'(') {
            word += QStringLiteral("$(");
            ++i;
            substitution = 1;
            inWord = true;
        } else if (c == u'`') {
            word += c;
            substitution = 1;
            inWord = true;
        } else if (c == u'\\' && i + 1 < line.size()) {
            word += line[++i];
            inWord = true;
        } else if (c == u';' || c == u'\n' || c == u'&') {
            if (c == u'&' && i + 1 < line.size() && line[i + 1] == u'&')
                ++i;
            endCommand(false);
        } else if (c == u'|') {
            const bool orOperator = i + 1 < line.size() && line[i + 1] == u'|';
            if (orOperator)
                ++i;
            endCommand(!orOperator);
        } else if (c.isSpace()) {
            endWord();
        } else {
            word += c;
            inWord = true;
        }
    }
    endWord();
    return out;
}

// Drops wrappers (sudo, env, xargs, nice, timeout, VAR=value, shell keywords) in front of the
// real program. xargs means the arguments come from the input: an unknown selection.
QStringList program(SimpleCommand &cmd)
{
    QStringList w = cmd.words;
    static const QStringList wrappers{QStringLiteral("sudo"),  QStringLiteral("env"),
                                      QStringLiteral("nice"),  QStringLiteral("nohup"),
                                      QStringLiteral("exec"),  QStringLiteral("command"),
                                      QStringLiteral("xargs"), QStringLiteral("timeout")};
    static const QStringList keywords{QStringLiteral("do"),   QStringLiteral("then"),
                                      QStringLiteral("else"), QStringLiteral("time"),
                                      QStringLiteral("!"),    QStringLiteral("{")};
    while (!w.isEmpty()) {
        const QString first = w.first().section(u'/', -1);
        if (keywords.contains(first) || (first.contains(u'=') && !first.startsWith(u'-'))) {
            w.removeFirst();
        } else if (wrappers.contains(first)) {
            if (first == QLatin1String("xargs"))
                cmd.piped = true;
            w.removeFirst();
            while (!w.isEmpty() && (w.first().startsWith(u'-') ||
                                    (first == QLatin1String("timeout") && w.first()[0].isDigit())))
                w.removeFirst();
        } else {
            break;
        }
    }
    if (!w.isEmpty())
        w.first() = w.first().section(u'/', -1);
    return w;
}

bool isUnknownSelection(const QString &token)
{
    return token.contains(QLatin1String("$(")) || token.contains(u'`') || token.startsWith(u'$') ||
           token == QLatin1String("*") || token.endsWith(QLatin1String(":*"));
}

// "17", "1..400", "1-400", "1:400", "3,4,9": how many messages.
qint64 countIds(const QString &token)
{
    if (token.contains(u',')) {
        qint64 n = 0;
        for (const QString &part : token.split(u',', Qt::SkipEmptyParts))
            n += countIds(part);
        return n;
    }
    static const QRegularExpression range(QStringLiteral("^(\\d+)(?:\\.\\.|-|:)(\\d+)$"));
    const QRegularExpressionMatch m = range.match(token);
    if (m.hasMatch()) {
        const qint64 a = m.captured(1).toLongLong();
        const qint64 b = m.captured(2).toLongLong();
        return qBound<qint64>(1, qAbs(b - a) + 1, kMaxRange);
    }
    return 1;
}

void addIds(MailDeletion *d, const QStringList &tokens)
{
    for (const QString &t : tokens) {
        if (isUnknownSelection(t)) {
            d->bySearch = true;
            if (d->selection.isEmpty())
                d->selection = shortened(t);
        } else {
            d->count += countIds(t);
        }
    }
}

// The positional words and the values of options after `from`; options in withValue take one.
void splitArguments(const QStringList &w, qsizetype from, const QStringList &withValue,
                    QStringList *positional, QHash<QString, QStringList> *options)
{
    for (qsizetype i = from; i < w.size(); ++i) {
        const QString &t = w[i];
        if (t.startsWith(u'-') && t.size() > 1) {
            const QString name = t.section(u'=', 0, 0);
            if (t.contains(u'='))
                (*options)[name].append(t.section(u'=', 1));
            else if (withValue.contains(name) && i + 1 < w.size())
                (*options)[name].append(w[++i]);
            else
                (*options)[name];
        } else {
            positional->append(t);
        }
    }
}

void readGog(const QStringList &w, bool piped, MailDeletion *d)
{
    static const QStringList withValue{
        QStringLiteral("--account"),    QStringLiteral("-a"),
        QStringLiteral("--client"),     QStringLiteral("--ids"),
        QStringLiteral("--query"),      QStringLiteral("-q"),
        QStringLiteral("--add"),        QStringLiteral("--remove"),
        QStringLiteral("--add-labels"), QStringLiteral("--remove-labels"),
        QStringLiteral("--max"),        QStringLiteral("--format")};
    QStringList words;
    QHash<QString, QStringList> options;
    splitArguments(w, 1, withValue, &words, &options);
    if (words.value(0) != QLatin1String("gmail"))
        return;
    words.removeFirst();
    static const QStringList groups{QStringLiteral("batch"), QStringLiteral("thread"),
                                    QStringLiteral("threads"), QStringLiteral("messages"),
                                    QStringLiteral("message")};
    QString group;
    if (groups.contains(words.value(0)))
        group = words.takeFirst();
    const QString verb = words.value(0);
    const bool trashLabel =
        verb == QLatin1String("modify") &&
        (options.value(QStringLiteral("--add")) + options.value(QStringLiteral("--add-labels")))
            .join(u',')
            .split(u',')
            .contains(QStringLiteral("TRASH"), Qt::CaseInsensitive);
    if (verb != QLatin1String("trash") && verb != QLatin1String("delete") && !trashLabel)
        return;
    d->found = true;
    if (d->tool.isEmpty())
        d->tool = QStringLiteral("gog gmail ") + (group.isEmpty() ? QString() : group + u' ') +
                  verb + (trashLabel ? QStringLiteral(" --add TRASH") : QString());
    words.removeFirst();
    addIds(d, words);
    for (const QString &ids : options.value(QStringLiteral("--ids")))
        addIds(d, {ids});
    const QStringList query =
        options.value(QStringLiteral("--query")) + options.value(QStringLiteral("-q"));
    if (!query.isEmpty() || piped ||
        (words.isEmpty() && !options.contains(QStringLiteral("--ids")))) {
        d->bySearch = true;
        if (d->selection.isEmpty())
            d->selection =
                query.isEmpty() ? QStringLiteral("the ids piped in") : shortened(query.first());
    }
}

void readHimalaya(const QStringList &w, bool piped, MailDeletion *d)
{
    static const QStringList withValue{QStringLiteral("-f"), QStringLiteral("--folder"),
                                       QStringLiteral("-a"), QStringLiteral("--account"),
                                       QStringLiteral("-c"), QStringLiteral("--config"),
                                       QStringLiteral("-o"), QStringLiteral("--output")};
    QStringList words;
    QHash<QString, QStringList> options;
    splitArguments(w, 1, withValue, &words, &options);
    static const QStringList nouns{QStringLiteral("message"), QStringLiteral("messages"),
                                   QStringLiteral("msg"), QStringLiteral("email")};
    if (nouns.contains(words.value(0)))
        words.removeFirst();
    const QString verb = words.value(0);
    const bool toTrash = (verb == QLatin1String("move") || verb == QLatin1String("mv")) &&
                         words.value(1).contains(QLatin1String("trash"), Qt::CaseInsensitive);
    if (verb != QLatin1String("delete") && verb != QLatin1String("remove") &&
        verb != QLatin1String("rm") && !toTrash)
        return;
    d->found = true;
    if (d->tool.isEmpty())
        d->tool = QStringLiteral("himalaya message ") + verb;
    words.remove(0, toTrash ? 2 : 1);
    addIds(d, words);
    if (piped || words.isEmpty() || options.contains(QStringLiteral("--all"))) {
        d->bySearch = true;
        if (d->selection.isEmpty())
            d->selection = QStringLiteral("every message selected");
    }
}

qint64 countJsonIds(const QString &body, const QString &key, bool *unknown)
{
    const QJsonDocument doc = QJsonDocument::fromJson(body.toUtf8());
    if (doc.isObject())
        return doc.object().value(key).toArray().size();
    if (body.startsWith(u'@')) { // curl -d @file
        *unknown = true;
        return 0;
    }
    // Not JSON (a shell-quoted fragment): count the quoted strings after the key.
    const QString after = body.section(key, 1);
    return after.section(u']', 0, 0).count(u'"') / 2;
}
} // namespace

MailDeletion MailDeletion::fromHttp(const QString &method, const QString &url, const QString &body)
{
    MailDeletion d;
    if (!url.contains(QLatin1String("/gmail/")) &&
        !url.contains(QLatin1String("graph.microsoft")) &&
        !body.contains(QLatin1String("Email/set")))
        return d;
    static const QRegularExpression gmail(
        QStringLiteral("/gmail/v1/users/[^/]+/(messages|threads)/([^/?#]+)(?:/(trash))?"));
    const QRegularExpressionMatch m = gmail.match(url);
    const QString verb = method.toUpper();
    if (m.hasMatch()) {
        const QString target = m.captured(2);
        bool unknown = false;
        if (target == QLatin1String("batchDelete")) {
            d.found = true;
            d.tool = QStringLiteral("Gmail API batchDelete");
            d.count = countJsonIds(body, QStringLiteral("ids"), &unknown);
        } else if (target == QLatin1String("batchModify") &&
                   body.contains(QLatin1String("TRASH"))) {
            d.found = true;
            d.tool = QStringLiteral("Gmail API batchModify (TRASH)");
            d.count = countJsonIds(body, QStringLiteral("ids"), &unknown);
        } else if (m.capturedLength(3) > 0 || verb == QLatin1String("DELETE")) {
            d.found = true;
            d.tool = QStringLiteral("Gmail API ") +
                     (m.capturedLength(3) ? QStringLiteral("trash") : QStringLiteral("DELETE"));
            d.count = 1;
        }
        if (unknown) {
            d.bySearch = true;
            d.selection = QStringLiteral("the ids in ") + shortened(body);
        }
        return d;
    }
    static const QRegularExpression graph(
        QStringLiteral("graph\\.microsoft\\.com/[^?#]*/(?:messages|mailFolders/[^/]+/messages)/"
                       "[^/?#]+$"));
    if (verb == QLatin1String("DELETE") && graph.match(url).hasMatch()) {
        d.found = true;
        d.tool = QStringLiteral("Microsoft Graph DELETE");
        d.count = 1;
    } else if (body.contains(QLatin1String("Email/set")) &&
               body.contains(QLatin1String("\"destroy\""))) {
        bool unknown = false;
        d.found = true;
        d.tool = QStringLiteral("JMAP Email/set destroy");
        d.count = countJsonIds(body, QStringLiteral("\"destroy\""), &unknown);
    }
    return d;
}

MailDeletion MailDeletion::fromCommand(const QString &command)
{
    MailDeletion d;
    // Most commands name no mail tool: one search settles it (seven substring searches, one of
    // them ignoring case, were a twentieth of scoring a command in perf).
    static const FastRegex tools(
        QStringLiteral("(?i:store)|gog|himalaya|mutt|notmuch|googleapis|graph\\.microsoft"));
    if (!tools.matches(command))
        return d;
    for (SimpleCommand &cmd : splitCommands(command)) {
        const QStringList w = program(cmd);
        const QString name = w.value(0);
        if (name == QLatin1String("gog"))
            readGog(w, cmd.piped, &d);
        else if (name == QLatin1String("himalaya"))
            readHimalaya(w, cmd.piped, &d);
    }
    static const FastRegex mutt(
        QStringLiteral("\\b(?:neo)?mutt\\b.*(?:<delete-pattern>\\s*([^<\"']*)|push\\s*[\"']?"
                       "(?:[^\"']*[;\\s])?D\\s*(~[^<\"';]*)|<tag-pattern>\\s*([^<\"']*)<enter>.*"
                       "<tag-prefix>\\s*<delete-message>)"));
    if (command.contains(QLatin1String("mutt"))) {
        if (const FastRegex::Match m = mutt.search(command)) {
            d.found = d.bySearch = true;
            d.tool = d.tool.isEmpty() ? QStringLiteral("mutt") : d.tool;
            const QString pattern = m.group(command, 1) + m.group(command, 2) + m.group(command, 3);
            d.selection = QStringLiteral("the pattern ") + shortened(pattern.trimmed());
        }
    }
    static const FastRegex imap(QStringLiteral(
        "(?i)\\b(?:UID\\s+)?STORE\\s+([0-9:*,]+)\\s+\\+FLAGS(?:\\.SILENT)?\\s*\\(?\\\\+Deleted"));
    if (const FastRegex::Match m = imap.search(command)) {
        d.found = true;
        d.tool = d.tool.isEmpty() ? QStringLiteral("IMAP STORE \\Deleted") : d.tool;
        QString set = m.group(command, 1);
        addIds(&d, {set.replace(u':', u'-')});
    }
    static const FastRegex notmuch(
        QStringLiteral("\\bnotmuch\\s+search\\b([^|]*)\\|\\s*xargs\\s+(?:-\\S+\\s+)*rm\\b"));
    if (command.contains(QLatin1String("notmuch"))) {
        if (const FastRegex::Match m = notmuch.search(command)) {
            d.found = d.bySearch = true;
            d.tool = d.tool.isEmpty() ? QStringLiteral("notmuch search | xargs rm") : d.tool;
            d.selection = QStringLiteral("the search ") + shortened(m.group(command, 1));
        }
    }
    if (command.contains(QLatin1String("googleapis.com")) ||
        command.contains(QLatin1String("graph.microsoft.com"))) {
        // curl against the Gmail or Graph API: method, URL and data from the command line.
        // FastRegex: a search that gives up is counted (the risk engine then fails closed); the
        // double-quoted body is matched possessively (Qt's own regex ran out of stack on a body
        // of 3,000 ids and found no body at all).
        static const FastRegex method(QStringLiteral("(?:-X|--request)\\s*['\"]?(\\w+)"));
        static const FastRegex data(QStringLiteral(
            "(?:-d|--data(?:-raw|-binary|-ascii)?)\\s*+(?:'([^']*+)'|\"((?:[^\"\\\\]++|"
            "\\\\.)*+)\"|(\\S++))"));
        static const FastRegex url(QStringLiteral("https?://[^\\s'\"]++"));
        const FastRegex::Match dm = data.search(command);
        const QString body = dm.group(command, 1) + dm.group(command, 2) + dm.group(command, 3);
        QString verb = method.search(command).group(command, 1);
        if (verb.isEmpty())
            verb = body.isEmpty() ? QStringLiteral("GET") : QStringLiteral("POST");
        for (FastRegex::Match m = url.search(command); m; m = url.search(command, m.end())) {
            const MailDeletion h = fromHttp(verb, m.text(command), body);
            if (h.found) {
                d.found = true;
                d.count += h.count;
                d.bySearch = d.bySearch || h.bySearch;
                if (d.tool.isEmpty())
                    d.tool = h.tool;
                if (d.selection.isEmpty())
                    d.selection = h.selection;
            }
        }
    }
    return d;
}

MailDeletion MailDeletion::fromToolCall(const QString &tool, const QJsonObject &arguments)
{
    MailDeletion d;
    static const QRegularExpression deletes(
        QStringLiteral("(?i)(trash|delete|remove|purge).*(mail|message|inbox)|"
                       "(mail|message|inbox).*(trash|delete|remove|purge)"));
    if (!deletes.match(tool).hasMatch())
        return d;
    d.found = true;
    d.tool = tool;
    for (auto it = arguments.constBegin(); it != arguments.constEnd(); ++it) {
        const QString key = it.key().toLower();
        if (it.value().isArray() && key.contains(QLatin1String("id")))
            d.count += it.value().toArray().size();
        else if (it.value().isString() &&
                 (key == QLatin1String("id") || key.endsWith(QLatin1String("_id")) ||
                  key.endsWith(QLatin1String("messageid"))))
            d.count += 1;
        else if (key == QLatin1String("query") || key == QLatin1String("q") ||
                 key == QLatin1String("search") || key == QLatin1String("filter")) {
            d.bySearch = true;
            d.selection = shortened(it.value().toString());
        }
    }
    return d;
}

MailDeletion MailDeletion::fromAction(const QString &kind, const QJsonObject &payload)
{
    if (kind == QLatin1String("shell.exec"))
        return fromCommand(payload.value(QStringLiteral("command")).toString());
    if (kind == QLatin1String("http.request")) {
        const QJsonValue body = payload.value(QStringLiteral("body"));
        return fromHttp(
            payload.value(QStringLiteral("method")).toString(),
            payload.value(QStringLiteral("url")).toString(),
            body.isString()
                ? body.toString()
                : QString::fromUtf8(QJsonDocument(body.toObject()).toJson(QJsonDocument::Compact)));
    }
    if (kind == QLatin1String("mcp.tool_call"))
        return fromToolCall(payload.value(QStringLiteral("tool")).toString(),
                            payload.value(QStringLiteral("arguments")).toObject());
    return {};
}

} // namespace interlock
