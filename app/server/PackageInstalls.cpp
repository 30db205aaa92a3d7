#include "PackageInstalls.h"

#include "Addresses.h"
#include "core/ShellCommands.h"

#include <QRegularExpression>

namespace interlock {

namespace {
bool isOneOf(QStringView s, std::initializer_list<const char16_t *> names)
{
    return std::any_of(names.begin(), names.end(),
                       [s](const char16_t *n) { return s == QStringView(n); });
}

// How one tool's words are read.
struct Grammar {
    QString ecosystem;
    QString tool;             // as shown in reasons: "npm install"
    QStringList valueLongs;   // --registry URL: options taking the next word as value
    QString valueShorts;      // -w NAME, -i URL
    QStringList indexLongs;   // options whose value is where packages come from
    QString indexShorts;      // -i
    QStringList packageLongs; // options whose value is a package: --package, --editable
    QString packageShorts;    // -p, -e
    bool onlyFirst = false;   // npx pkg args…: the first operand is the package
};

Grammar npmGrammar(const QString &tool)
{
    Grammar g;
    g.ecosystem = QStringLiteral("npm");
    g.tool = tool;
    g.valueLongs = {
        QStringLiteral("--registry"), QStringLiteral("--prefix"),     QStringLiteral("--tag"),
        QStringLiteral("--cache"),    QStringLiteral("--userconfig"), QStringLiteral("--workspace"),
        QStringLiteral("--omit"),     QStringLiteral("--include"),    QStringLiteral("--before"),
        QStringLiteral("--package"),  QStringLiteral("--filter"),     QStringLiteral("--cwd")};
    g.valueShorts = QStringLiteral("wpC");
    g.indexLongs = {QStringLiteral("--registry")};
    g.packageLongs = {QStringLiteral("--package")};
    g.packageShorts = QStringLiteral("p");
    return g;
}

Grammar pipGrammar(const QString &tool)
{
    Grammar g;
    g.ecosystem = QStringLiteral("pypi");
    g.tool = tool;
    g.valueLongs = {QStringLiteral("--requirement"),
                    QStringLiteral("--constraint"),
                    QStringLiteral("--editable"),
                    QStringLiteral("--index-url"),
                    QStringLiteral("--extra-index-url"),
                    QStringLiteral("--find-links"),
                    QStringLiteral("--target"),
                    QStringLiteral("--prefix"),
                    QStringLiteral("--root"),
                    QStringLiteral("--trusted-host"),
                    QStringLiteral("--platform"),
                    QStringLiteral("--python-version"),
                    QStringLiteral("--implementation"),
                    QStringLiteral("--abi"),
                    QStringLiteral("--src"),
                    QStringLiteral("--upgrade-strategy"),
                    QStringLiteral("--progress-bar"),
                    QStringLiteral("--log"),
                    QStringLiteral("--proxy"),
                    QStringLiteral("--retries"),
                    QStringLiteral("--timeout"),
                    QStringLiteral("--exists-action"),
                    QStringLiteral("--cert"),
                    QStringLiteral("--client-cert"),
                    QStringLiteral("--cache-dir"),
                    QStringLiteral("--report"),
                    QStringLiteral("--global-option"),
                    QStringLiteral("--config-settings"),
                    QStringLiteral("--python"),
                    QStringLiteral("--index"),
                    QStringLiteral("--default-index"),
                    QStringLiteral("--only-binary"),
                    QStringLiteral("--no-binary"),
                    QStringLiteral("--from"),
                    QStringLiteral("--with"),
                    QStringLiteral("--source"),
                    QStringLiteral("--group"),
                    QStringLiteral("--spec")};
    g.valueShorts = QStringLiteral("rceiftCp");
    g.indexLongs = {QStringLiteral("--index-url"),     QStringLiteral("--extra-index-url"),
                    QStringLiteral("--find-links"),    QStringLiteral("--index"),
                    QStringLiteral("--default-index"), QStringLiteral("--source")};
    g.indexShorts = QStringLiteral("if");
    g.packageLongs = {QStringLiteral("--editable"), QStringLiteral("--from"),
                      QStringLiteral("--with"), QStringLiteral("--spec")};
    g.packageShorts = QStringLiteral("e");
    return g;
}

// The first operand of `words` from `from` (options skipped), and its index; -1 when none.
qsizetype firstOperand(const QStringList &words, qsizetype from)
{
    for (qsizetype i = from; i < words.size(); ++i) {
        if (!words[i].startsWith(u'-'))
            return i;
    }
    return -1;
}

QString hostOf(const QString &source)
{
    QString s = source;
    const qsizetype at = s.indexOf(QLatin1String(" @ "));
    if (at >= 0)
        s = s.mid(at + 3).trimmed();
    else if (s.contains(QLatin1String("@http")))
        s = s.mid(s.indexOf(QLatin1String("@http")) + 1);
    if (s.startsWith(QLatin1String("git+")))
        s = s.mid(4);
    for (const auto &[prefix, host] :
         {std::pair{QLatin1String("github:"), QLatin1String("github.com")},
          std::pair{QLatin1String("gitlab:"), QLatin1String("gitlab.com")},
          std::pair{QLatin1String("bitbucket:"), QLatin1String("bitbucket.org")},
          std::pair{QLatin1String("gist:"), QLatin1String("gist.github.com")}}) {
        if (s.startsWith(prefix))
            return host;
    }
    if (s.startsWith(QLatin1String("git@"))) // git@host:user/repo
        return s.mid(4).section(u':', 0, 0).toLower();
    if (s.contains(QLatin1String("://")))
        return Addresses::urlHost(s);
    return QStringLiteral("github.com"); // npm's user/repo
}

bool isLocal(const QString &spec, const QString &ecosystem)
{
    if (spec.startsWith(u'.') || spec.startsWith(u'/') || spec.startsWith(u'~') ||
        spec.startsWith(u'$') || spec.startsWith(QLatin1String("file:")) ||
        (ecosystem == QLatin1String("pypi") && spec.contains(u'/')))
        return true;
    for (const char *archive : {".whl", ".tar.gz", ".tgz", ".zip", ".tar.bz2", ".egg"}) {
        if (spec.endsWith(QLatin1String(archive), Qt::CaseInsensitive))
            return true;
    }
    return false;
}

bool isNameLetter(QChar c)
{
    return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9') ||
           c == u'_' || c == u'.' || c == u'-';
}

// npm's user/repo (or user/repo#ref): a GitHub repository.
bool isGitHubShorthand(const QString &spec)
{
    const QStringView s =
        QStringView(spec).left(spec.indexOf(u'#') < 0 ? spec.size() : spec.indexOf(u'#'));
    const qsizetype slash = s.indexOf(u'/');
    if (slash <= 0 || slash + 1 >= s.size() || s.indexOf(u'/', slash + 1) >= 0)
        return false;
    return std::all_of(s.begin(), s.end(), [](QChar c) { return c == u'/' || isNameLetter(c); });
}

bool isSource(const QString &spec, const QString &ecosystem)
{
    if (spec.contains(QLatin1String("://")) || spec.startsWith(QLatin1String("git+")) ||
        spec.startsWith(QLatin1String("git@")))
        return true;
    if (ecosystem != QLatin1String("npm"))
        return false;
    for (const char *p : {"github:", "gitlab:", "bitbucket:", "gist:"}) {
        if (spec.startsWith(QLatin1String(p)))
            return true;
    }
    return isGitHubShorthand(spec);
}

// The registry name of a spec: npm's name@range, PyPI's name[extra]==version; checked to be a
// name and not something else (an option value read as an operand). No regular expressions:
// a line may hold tens of thousands of specs.
QString registryName(const QString &spec, const QString &ecosystem)
{
    qsizetype end = spec.size();
    if (ecosystem == QLatin1String("npm")) {
        const qsizetype at = spec.indexOf(u'@', 1);
        if (at > 0)
            end = at;
    } else {
        for (qsizetype i = 0; i < spec.size(); ++i) {
            if (QStringView(u"[=<>!~;@ (,").contains(spec[i])) {
                end = i;
                break;
            }
        }
    }
    const QString name = PackageInstalls::normalised(spec.left(end), ecosystem);
    // (@scope/)?name, of letters, digits and . _ -, starting with a letter or digit
    qsizetype from = 0;
    if (name.startsWith(u'@')) {
        from = name.indexOf(u'/') + 1;
        if (from < 2 || !std::all_of(name.begin() + 1, name.begin() + from - 1, isNameLetter))
            return {};
    }
    if (from >= name.size() || name[from] == u'.' || name[from] == u'_' || name[from] == u'-' ||
        !std::all_of(name.begin() + from, name.end(), isNameLetter))
        return {};
    return name;
}

// The packages of one command's words from `from`, read with `g`.
void collect(const QStringList &words, qsizetype from, const Grammar &g, QList<PackageInstall> *out)
{
    QStringList specs;
    QString index;
    bool options = true;
    const auto option = [&](const QString &name, const QString &value) {
        if (g.indexLongs.contains(name) ||
            (name.size() == 2 && !name.startsWith(QLatin1String("--")) &&
             g.indexShorts.contains(name[1]))) {
            if (!value.isEmpty() && (value.contains(QLatin1String("://")) || index.isEmpty()))
                index = value;
        } else if (g.packageLongs.contains(name) ||
                   (name.size() == 2 && !name.startsWith(QLatin1String("--")) &&
                    g.packageShorts.contains(name[1]))) {
            if (!value.isEmpty())
                specs.append(value);
        }
    };
    for (qsizetype i = from; i < words.size(); ++i) {
        const QString &w = words[i];
        if (options && w == QLatin1String("--")) {
            options = false;
        } else if (options && w.startsWith(QLatin1String("--"))) {
            const qsizetype eq = w.indexOf(u'=');
            if (eq > 0) {
                option(w.left(eq), w.mid(eq + 1));
            } else if (g.valueLongs.contains(w) && i + 1 < words.size()) {
                option(w, words[++i]);
            }
        } else if (options && w.size() > 1 && w.startsWith(u'-')) {
            const QChar letter = w[1];
            if (g.valueShorts.contains(letter)) {
                const QString value = w.size() > 2           ? w.mid(2)
                                      : i + 1 < words.size() ? words[++i]
                                                             : QString();
                option(w.left(2), value);
            }
        } else {
            specs.append(w);
            if (g.onlyFirst)
                break;
        }
    }
    for (const QString &spec : std::as_const(specs)) {
        PackageInstall p{g.tool, g.ecosystem, spec, {}, {}, {}};
        if (isLocal(spec, g.ecosystem) && !spec.contains(QLatin1String("://"))) {
            continue;
        } else if (isSource(spec, g.ecosystem)) {
            p.source = spec;
            p.sourceHost = hostOf(spec);
        } else {
            p.name = registryName(spec, g.ecosystem);
            if (p.name.isEmpty())
                continue;
            if (!index.isEmpty()) {
                p.source = index;
                p.sourceHost = index.contains(QLatin1String("://")) ? Addresses::urlHost(index)
                                                                    : index.toLower();
            }
        }
        out->append(p);
    }
}

// The packages one simple command installs.
void readCommand(const ShellCommand &c, QList<PackageInstall> *out)
{
    const QStringList &w = c.words;
    const qsizetype first = c.program + 1;
    const QString &name = c.name;
    const auto sub = [&](qsizetype from) {
        const qsizetype i = firstOperand(w, from);
        return std::pair{i < 0 ? QString() : w[i], i < 0 ? w.size() : i + 1};
    };
    static const QRegularExpression pip(QStringLiteral("^pip[0-9.]*$"));
    static const QRegularExpression python(QStringLiteral("^python[0-9.]*$"));
    if (name == QLatin1String("npm")) {
        const auto [s, next] = sub(first);
        if (isOneOf(s, {u"install", u"i", u"in", u"ins", u"inst", u"insta", u"instal", u"isnt",
                        u"isnta", u"isntal", u"isntall", u"add"}))
            collect(w, next, npmGrammar(QStringLiteral("npm install")), out);
        else if (isOneOf(s, {u"exec", u"x"})) {
            Grammar g = npmGrammar(QStringLiteral("npm exec"));
            g.onlyFirst = true;
            collect(w, next, g, out);
        }
    } else if (isOneOf(name, {u"npx", u"pnpx", u"bunx"})) {
        Grammar g = npmGrammar(name);
        g.onlyFirst = true;
        collect(w, first, g, out);
    } else if (isOneOf(name, {u"pnpm", u"yarn", u"bun"})) {
        auto [s, next] = sub(first);
        if (s == QLatin1String("global")) // yarn global add
            std::tie(s, next) = sub(next);
        if (isOneOf(s, {u"add", u"a"}) ||
            (name != QLatin1String("yarn") && isOneOf(s, {u"install", u"i"})))
            collect(w, next, npmGrammar(name + QLatin1String(" add")), out);
        else if (isOneOf(s, {u"dlx", u"x"})) {
            Grammar g = npmGrammar(name + QLatin1Char(' ') + s);
            g.onlyFirst = true;
            collect(w, next, g, out);
        }
    } else if (pip.match(name).hasMatch()) {
        const auto [s, next] = sub(first);
        if (s == QLatin1String("install"))
            collect(w, next, pipGrammar(name + QLatin1String(" install")), out);
    } else if (python.match(name).hasMatch()) {
        for (qsizetype i = first; i < w.size(); ++i) {
            const bool dashM = w[i] == QLatin1String("-m") && i + 1 < w.size();
            const QString module = dashM                                  ? w[i + 1]
                                   : w[i].startsWith(QLatin1String("-m")) ? w[i].mid(2)
                                                                          : QString();
            if (module.isEmpty())
                continue;
            if (module == QLatin1String("pip")) {
                const auto [s, next] = sub(i + (dashM ? 2 : 1));
                if (s == QLatin1String("install"))
                    collect(w, next, pipGrammar(QStringLiteral("python -m pip install")), out);
            }
            break;
        }
    } else if (name == QLatin1String("uv")) {
        const auto [s, next] = sub(first);
        const auto [s2, next2] = sub(next);
        if (s == QLatin1String("pip") && s2 == QLatin1String("install"))
            collect(w, next2, pipGrammar(QStringLiteral("uv pip install")), out);
        else if (s == QLatin1String("add"))
            collect(w, next, pipGrammar(QStringLiteral("uv add")), out);
        else if (s == QLatin1String("tool") && isOneOf(s2, {u"install", u"run"})) {
            Grammar g = pipGrammar(QStringLiteral("uv tool ") + s2);
            g.onlyFirst = s2 == QLatin1String("run");
            collect(w, next2, g, out);
        }
    } else if (name == QLatin1String("uvx")) {
        Grammar g = pipGrammar(name);
        g.onlyFirst = true;
        collect(w, first, g, out);
    } else if (isOneOf(name, {u"pipx", u"poetry", u"pipenv"})) {
        const auto [s, next] = sub(first);
        if ((name == QLatin1String("pipx") && isOneOf(s, {u"install", u"run"})) ||
            (name == QLatin1String("poetry") && s == QLatin1String("add")) ||
            (name == QLatin1String("pipenv") && s == QLatin1String("install"))) {
            Grammar g = pipGrammar(name + QLatin1Char(' ') + s);
            g.onlyFirst = s == QLatin1String("run");
            collect(w, next, g, out);
        }
    } else if (name == QLatin1String("easy_install")) {
        collect(w, first, pipGrammar(name), out);
    }
}
} // namespace

QString PackageInstalls::normalised(const QString &name, const QString &ecosystem)
{
    QString n = name.toLower();
    if (ecosystem != QLatin1String("pypi"))
        return n;
    QString out; // PEP 503: runs of -, _ and . are one -
    out.reserve(n.size());
    for (const QChar c : std::as_const(n)) {
        const bool separator = c == u'-' || c == u'_' || c == u'.';
        if (!separator)
            out += c;
        else if (!out.endsWith(u'-'))
            out += u'-';
    }
    return out;
}

QList<PackageInstall> PackageInstalls::inCommand(const QString &commandLine)
{
    return inCommand(ShellCommands::read(commandLine));
}

QList<PackageInstall> PackageInstalls::inCommand(const QList<ShellCommand> &commands)
{
    QList<PackageInstall> out;
    for (const ShellCommand &c : commands) {
        if (c.hasProgram())
            readCommand(c, &out);
    }
    return out;
}

} // namespace interlock
