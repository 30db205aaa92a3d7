#include "ClaudeSkills.h"

#include "FileEdit.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>

namespace interlock::integrations {

namespace {
constexpr qint64 kMaxSkillBytes = 1024 * 1024;

// NAME's parts as folders: "frontend:test" -> "frontend/test"; empty when NAME is not a name.
QString relativePath(QString name)
{
    if (name.startsWith(QLatin1Char('/')))
        name.remove(0, 1);
    static const QRegularExpression part(QStringLiteral("^[A-Za-z0-9_][A-Za-z0-9_.\\-]*$"));
    const QStringList parts = name.split(QLatin1Char(':'));
    for (const QString &p : parts) {
        if (!part.match(p).hasMatch() || p.size() > 200)
            return {};
    }
    return parts.join(QLatin1Char('/'));
}

// The folders holding skills/ and commands/, the user's and managed ones first.
QStringList claudeFolders(const QString &cwd)
{
    QStringList out;
    const QString config = qEnvironmentVariable("CLAUDE_CONFIG_DIR");
    out.append(config.isEmpty() ? QDir::homePath() + QStringLiteral("/.claude") : config);
    out.append(QStringLiteral("/etc/claude-code/.claude"));
    QDir dir(cwd.isEmpty() ? QDir::currentPath() : cwd);
    for (int depth = 0; depth < 128; ++depth) {
        out.append(dir.absoluteFilePath(QStringLiteral(".claude")));
        if (!dir.cdUp())
            break;
    }
    out.removeDuplicates();
    return out;
}
} // namespace

QString shellProblem(const QString &text)
{
    if (text.contains(QStringLiteral("```!")))
        return QStringLiteral("a ```! block, which Claude Code runs as a shell command");
    if (text.contains(QStringLiteral("!`")))
        return QStringLiteral("an inline !`…`, which Claude Code runs as a shell command");
    static const QRegularExpression frontMatter(QStringLiteral("\\A\\s*---\\s*\\n(.*?)\\n---"),
                                                QRegularExpression::DotMatchesEverythingOption);
    static const QRegularExpression hooks(QStringLiteral("^\\s*['\"]?hooks['\"]?\\s*:"),
                                          QRegularExpression::MultilineOption);
    const QRegularExpressionMatch m = frontMatter.match(text);
    if (m.hasMatch() && hooks.match(m.captured(1)).hasMatch())
        return QStringLiteral("hooks in its front matter, which Claude Code runs as commands");
    return {};
}

SkillLookup findSkillFiles(const QString &name, const QString &cwd)
{
    SkillLookup out;
    const QString relative = relativePath(name);
    if (relative.isEmpty()) {
        out.error = QStringLiteral("'%1' is not a skill name Interlock can look up").arg(name);
        return out;
    }
    for (const QString &folder : claudeFolders(cwd)) {
        const QStringList candidates{
            folder + QStringLiteral("/skills/") + relative + QStringLiteral("/SKILL.md"),
            folder + QStringLiteral("/commands/") + relative + QStringLiteral(".md"),
            folder + QStringLiteral("/commands/") + relative + QStringLiteral("/SKILL.md")};
        for (const QString &candidate : candidates) {
            if (!QFileInfo::exists(candidate))
                continue;
            const FileSnapshot file = readTextFile(candidate, kMaxSkillBytes);
            if (!file.problem.isEmpty()) {
                out.error = QStringLiteral("the skill file %1 %2, so it cannot be shown to a "
                                           "reviewer")
                                .arg(candidate, file.problem);
                return out;
            }
            if (const QString why = shellProblem(file.text); !why.isEmpty()) {
                out.error = QStringLiteral("the skill file %1 holds %2 without a hook call or a "
                                           "review; Interlock does not allow such skills")
                                .arg(candidate, why);
                return out;
            }
            out.files.append({candidate, file.text});
        }
    }
    if (out.files.isEmpty())
        out.error = QStringLiteral("Interlock found no file for the skill '%1' (it looks in "
                                   ".claude/skills and .claude/commands of this folder and the "
                                   "ones above it, of the user and of the managed settings), so "
                                   "what it would do cannot be shown to a reviewer; plugin and "
                                   "built-in skills are not allowed")
                        .arg(name);
    return out;
}

} // namespace interlock::integrations
