#include "PayloadView.h"

#include "CanonicalJson.h"

#include <QJsonDocument>
#include <QRegularExpression>

#include <algorithm>

namespace interlock {

namespace {
const QString kPath = QStringLiteral("path");
const QString kAfter = QStringLiteral("after");
const QString kBefore = QStringLiteral("before");
const QString kLanguage = QStringLiteral("language");

QString text(const QJsonObject &o, const QString &key)
{
    return o.value(key).toString();
}

QString recipients(const QJsonValue &v)
{
    if (v.isString())
        return v.toString();
    QStringList out;
    for (const QJsonValue &item : v.toArray())
        out.append(item.toString());
    return out.join(QStringLiteral(", "));
}

QString grantLines(const QJsonValue &grants)
{
    QString out;
    for (const QJsonValue &g : grants.toArray()) {
        const QJsonObject grant = g.toObject();
        out += text(grant, QStringLiteral("principal")) + QLatin1Char(' ') +
               text(grant, QStringLiteral("access")) + QLatin1Char('\n');
    }
    return out;
}

// A setting as one line: a plain string as written; anything else, or a string holding a line
// break or another control character, as JSON (so one setting can never look like two).
QString settingText(const QJsonValue &v)
{
    if (v.isString()) {
        const QString s = v.toString();
        const bool plain = std::none_of(s.begin(), s.end(), [](QChar c) {
            return c.unicode() < 0x20 || c.unicode() == 0x7f || c == QChar::LineSeparator ||
                   c == QChar::ParagraphSeparator;
        });
        if (plain && !s.isEmpty() && s.trimmed() == s)
            return s;
    }
    return QString::fromUtf8(QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact))
        .mid(1)
        .chopped(1);
}

// "a/src/x.py", "./src/x.py" and "src/x.py" name the same file; a relative path names the
// absolute one it ends.
QString cleanPath(QString path)
{
    path = path.trimmed();
    if (path.startsWith(QLatin1String("./")))
        path.remove(0, 2);
    return path;
}

bool samePath(const QString &shown, const QString &written)
{
    const QString a = cleanPath(shown);
    const QString b = cleanPath(written);
    if (a.isEmpty() || b.isEmpty())
        return false;
    return a == b || (!a.startsWith(QLatin1Char('/')) && b.endsWith(QLatin1Char('/') + a));
}

bool sameContent(const QString &shown, const QString &written)
{
    if (shown == written)
        return true;
    // A missing final newline hides nothing.
    return shown + QLatin1Char('\n') == written || shown == written + QLatin1Char('\n');
}

QStringList lines(const QString &content)
{
    QStringList out = content.split(QLatin1Char('\n'));
    if (!out.isEmpty() && out.last().isEmpty())
        out.removeLast();
    return out;
}

// One file of a unified diff: its new path and the new side of each hunk.
struct DiffFile {
    QString path;
    bool deleted = false;
    QList<std::pair<qsizetype, QStringList>> hunks; // (first new line, 1-based; new-side lines)
};

// Reads a unified diff; nullopt if it has no hunk at all (not a unified diff).
std::optional<QList<DiffFile>> parseDiff(const QString &diff)
{
    static const QRegularExpression hunkHeader(
        QStringLiteral("^@@ -\\d+(?:,\\d+)? \\+(\\d+)(?:,(\\d+))? @@"));
    QList<DiffFile> files;
    bool anyHunk = false;
    const QStringList all = diff.split(QLatin1Char('\n'));
    for (qsizetype i = 0; i < all.size(); ++i) {
        const QString &line = all[i];
        if (line.startsWith(QLatin1String("+++ "))) {
            QString path = line.mid(4).section(QLatin1Char('\t'), 0, 0).trimmed();
            DiffFile file;
            file.deleted = path == QLatin1String("/dev/null");
            if (path.startsWith(QLatin1String("b/")))
                path.remove(0, 2);
            file.path = path;
            files.append(file);
            continue;
        }
        const QRegularExpressionMatch m = hunkHeader.match(line);
        if (!m.hasMatch())
            continue;
        anyHunk = true;
        if (files.isEmpty())
            files.append(DiffFile{}); // a bare hunk: the payload's own file
        const qsizetype start = m.captured(1).toLongLong();
        const qsizetype count = m.capturedLength(2) ? m.captured(2).toLongLong() : 1;
        QStringList newSide;
        for (++i; i < all.size(); ++i) {
            const QString &h = all[i];
            if (h.startsWith(QLatin1String("@@")) || h.startsWith(QLatin1String("--- ")) ||
                h.startsWith(QLatin1String("+++ ")) || h.startsWith(QLatin1String("diff ")))
                break;
            if (h.startsWith(QLatin1Char('+')) || h.startsWith(QLatin1Char(' ')))
                newSide.append(h.mid(1));
            else if (h.isEmpty() && newSide.size() < count)
                newSide.append(QString()); // an empty context line whose space was stripped
        }
        --i;
        files.last().hunks.append({start, newSide});
    }
    if (!anyHunk)
        return std::nullopt;
    return files;
}

// Whether each hunk's new side is the content at its place; *shown marks the written lines the
// hunks show (a diff can agree with every line it shows and still leave most of the file out).
bool hunksMatch(const DiffFile &file, const QStringList &content, QList<bool> *shown)
{
    for (const auto &[start, newSide] : file.hunks) {
        const qsizetype first = qMax<qsizetype>(start, 1) - 1;
        if (first + newSide.size() > content.size())
            return false;
        for (qsizetype k = 0; k < newSide.size(); ++k) {
            if (newSide[k] != content[first + k])
                return false;
            (*shown)[first + k] = true;
        }
    }
    return true;
}

ViewCheck checkFileWrite(const QJsonObject &payload, const QJsonArray &changes,
                         const std::optional<QString> &diff)
{
    const QString written = text(payload, kPath);
    const QString content = text(payload, QStringLiteral("content"));
    ViewCheck out;
    bool covered = false;
    QList<bool> shownLines;
    if (diff) {
        const auto files = parseDiff(*diff);
        if (!files) {
            out.status = ViewCheck::Status::Derived;
            out.message = QStringLiteral("The agent's diff is not a unified diff: the view is "
                                         "derived from the payload.");
            return out;
        }
        const QStringList contentLines = lines(content);
        shownLines = QList<bool>(contentLines.size(), false);
        for (const DiffFile &f : *files) {
            const QString shown = f.path.isEmpty() ? written : f.path;
            const bool same = samePath(shown, written);
            covered = covered || same;
            if (!same || f.deleted || !hunksMatch(f, contentLines, &shownLines))
                out.paths.append(shown);
        }
        out.totalLines = shownLines.size();
        out.shownLines = shownLines.count(true);
    } else {
        for (const QJsonValue &c : changes) {
            const QJsonObject change = c.toObject();
            const QString shown = text(change, kPath);
            const bool same = samePath(shown, written);
            covered = covered || same;
            if (!same || !sameContent(text(change, kAfter), content))
                out.paths.append(shown);
        }
    }
    if (!covered && !out.paths.contains(written))
        out.paths.append(written);
    out.paths.removeDuplicates();
    if (out.paths.isEmpty() && out.shownLines < out.totalLines) {
        out.status = ViewCheck::Status::Partial;
        out.message = QStringLiteral("The agent's diff shows %1 of the %2 lines that will be "
                                     "written; the rest is not in it. Where it shows the file, "
                                     "its new side matches the content; its old side is the "
                                     "agent's claim.")
                          .arg(out.shownLines)
                          .arg(out.totalLines);
    } else if (out.paths.isEmpty()) {
        out.status = ViewCheck::Status::Matches;
        // Only the new side is checked: nothing here knows what the file holds now.
        out.message = diff ? QStringLiteral("The new side of the agent's diff matches the content "
                                            "that will be written; its old side is the agent's "
                                            "claim.")
                           : QStringLiteral("The agent's changes match the content that will be "
                                            "written; their \"before\" is the agent's claim.");
    } else {
        out.status = ViewCheck::Status::Mismatch;
        out.shownLines = out.totalLines = -1; // a hunk that disagrees stops the count
        out.message = QStringLiteral("What the agent shows (its %1) does not match what will be "
                                     "written to %2.")
                          .arg(diff ? QStringLiteral("diff") : QStringLiteral("changes"), written);
    }
    return out;
}
} // namespace

QString ViewCheck::statusName(Status status)
{
    switch (status) {
    case Status::Derived:
        return QStringLiteral("derived");
    case Status::Matches:
        return QStringLiteral("matches");
    case Status::Mismatch:
        return QStringLiteral("mismatch");
    case Status::Partial:
        return QStringLiteral("partial");
    case Status::Unchecked:
        return QStringLiteral("unchecked");
    }
    return {};
}

QJsonObject ViewCheck::toJson() const
{
    QJsonObject o{{QStringLiteral("status"), statusName(status)},
                  {QStringLiteral("paths"), QJsonArray::fromStringList(paths)},
                  {QStringLiteral("message"), message}};
    if (!claimed.isEmpty())
        o.insert(QStringLiteral("claimed"), QJsonArray::fromStringList(claimed));
    if (!runsWith.isEmpty())
        o.insert(QStringLiteral("runs_with"), QJsonArray::fromStringList(runsWith));
    if (shownLines >= 0) {
        o.insert(QStringLiteral("shown_lines"), shownLines);
        o.insert(QStringLiteral("total_lines"), totalLines);
    }
    return o;
}

bool PayloadView::isDerivable(const QString &kind)
{
    static const QStringList kinds{QStringLiteral("fs.write"),     QStringLiteral("acl.change"),
                                   QStringLiteral("message.post"), QStringLiteral("email.send"),
                                   QStringLiteral("sql.exec"),     QStringLiteral("shell.exec")};
    return kinds.contains(kind);
}

QJsonArray PayloadView::derivedChanges(const QString &kind, const QJsonObject &p)
{
    const auto one = [](const QString &path, const QString &after, const QString &language = {}) {
        QJsonObject c{{kPath, path}, {kAfter, after}};
        if (!language.isEmpty())
            c.insert(kLanguage, language);
        return QJsonArray{c};
    };
    if (kind == QLatin1String("fs.write"))
        return one(text(p, kPath), text(p, QStringLiteral("content")));
    if (kind == QLatin1String("acl.change"))
        return QJsonArray{
            QJsonObject{{kPath, text(p, QStringLiteral("resource"))},
                        {kBefore, grantLines(p.value(QStringLiteral("grants_before")))},
                        {kAfter, grantLines(p.value(QStringLiteral("grants_after")))}}};
    if (kind == QLatin1String("message.post"))
        return one(text(p, QStringLiteral("channel")), text(p, QStringLiteral("text")));
    if (kind == QLatin1String("email.send")) {
        QString mail =
            QStringLiteral("To: ") + recipients(p.value(QStringLiteral("to"))) + QLatin1Char('\n');
        for (const QString &header : {QStringLiteral("cc"), QStringLiteral("bcc")}) {
            if (p.contains(header))
                mail += header.left(1).toUpper() + header.mid(1) + QStringLiteral(": ") +
                        recipients(p.value(header)) + QLatin1Char('\n');
        }
        mail += QStringLiteral("Subject: ") + text(p, QStringLiteral("subject")) +
                QStringLiteral("\n\n") + text(p, QStringLiteral("body"));
        return one(QStringLiteral("email"), mail);
    }
    if (kind == QLatin1String("sql.exec")) {
        const QString database = text(p, QStringLiteral("database"));
        return one(database.isEmpty() ? QStringLiteral("sql") : database,
                   text(p, QStringLiteral("statement")), QStringLiteral("SQL"));
    }
    if (kind == QLatin1String("shell.exec")) {
        QString where = text(p, QStringLiteral("host"));
        if (where.isEmpty())
            where = text(p, QStringLiteral("cwd"));
        QJsonArray view = one(where.isEmpty() ? QStringLiteral("shell") : where,
                              text(p, QStringLiteral("command")), QStringLiteral("Bash"));
        const QStringList settings = runsWith(kind, p);
        if (!settings.isEmpty())
            view.append(QJsonObject{{kPath, QStringLiteral("runs with")},
                                    {kAfter, QString(settings.join(QLatin1Char('\n')) + u'\n')}});
        return view;
    }
    return {};
}

QStringList PayloadView::runsWith(const QString &kind, const QJsonObject &p)
{
    if (kind != QLatin1String("shell.exec"))
        return {};
    const QString command = QStringLiteral("command");
    const QString cwd = QStringLiteral("cwd");
    const QString env = QStringLiteral("env");
    const bool onHost = p.contains(QStringLiteral("host"));
    QStringList keys{QStringLiteral("host"), cwd, QStringLiteral("elevated"),
                     QStringLiteral("sandbox_disabled"), env};
    for (const QString &k : p.keys()) { // the rest in key order
        if (!keys.contains(k))
            keys.append(k);
    }
    QStringList out;
    for (const QString &k : std::as_const(keys)) {
        if (!p.contains(k))
            continue;
        const QJsonValue v = p.value(k);
        if ((k == command || k == cwd) && v.isString() && (k == command || !onHost))
            continue;
        if (k == env && v.isObject() && !v.toObject().isEmpty()) {
            const QJsonObject vars = v.toObject();
            for (auto it = vars.begin(); it != vars.end(); ++it)
                out.append(QStringLiteral("env ") + settingText(it.key()) + QLatin1Char('=') +
                           settingText(it.value()));
            continue;
        }
        out.append(settingText(k) + QStringLiteral(": ") + settingText(v));
    }
    return out;
}

ViewCheck PayloadView::check(const QString &kind, const QJsonObject &payload,
                             const QJsonArray &changes, const std::optional<QString> &diff)
{
    const bool agentView = diff || !changes.isEmpty();
    ViewCheck out;
    if (kind == QLatin1String("acl.change"))
        out.claimed = QStringList{QStringLiteral("payload.grants_before")};
    if (!isDerivable(kind)) {
        out.status = ViewCheck::Status::Unchecked;
        out.message =
            agentView ? QStringLiteral("The agent's %1 is its own description: "
                                       "nothing in a %2 payload can check it.")
                            .arg(diff ? QStringLiteral("diff") : QStringLiteral("changes"), kind)
                      : QStringLiteral("No view was supplied; review the payload.");
        return out;
    }
    if (agentView && kind == QLatin1String("fs.write")) {
        ViewCheck fileCheck = checkFileWrite(payload, changes, diff);
        fileCheck.claimed = out.claimed;
        return fileCheck;
    }
    out.status = ViewCheck::Status::Derived;
    out.message = QStringLiteral("The view is derived from the payload.");
    out.runsWith = runsWith(kind, payload);
    if (agentView && !out.runsWith.isEmpty()) {
        // Its changes show a command; what it runs with is not in them, whatever they say.
        out.message = QStringLiteral("The view is derived from the payload: the command runs with "
                                     "%1 setting(s) the agent's %2 does not show (runs_with).")
                          .arg(out.runsWith.size())
                          .arg(diff ? QStringLiteral("diff") : QStringLiteral("changes"));
        return out;
    }
    if (agentView && !diff) {
        const QJsonArray derived = derivedChanges(kind, payload);
        const QString runs = derived.at(0).toObject().value(kAfter).toString();
        bool all = true;
        for (const QJsonValue &c : changes)
            all = all && sameContent(c.toObject().value(kAfter).toString(), runs);
        if (all) {
            out.status = ViewCheck::Status::Matches;
            out.message = QStringLiteral("The agent's changes match the payload.");
            return out;
        }
    }
    if (agentView)
        out.message = QStringLiteral("The view is derived from the payload; the agent's %1 is "
                                     "shown second, as supplied by the agent.")
                          .arg(diff ? QStringLiteral("diff") : QStringLiteral("changes"));
    return out;
}

QString PayloadView::viewSha256(const QJsonArray &changes)
{
    return QString::fromLatin1(sha256Hex(canonicalJson(changes)));
}

QString PayloadView::viewSha256(const QString &diff)
{
    return QString::fromLatin1(sha256Hex(diff.toUtf8()));
}

} // namespace interlock
