#pragma once

#include <QList>
#include <QString>

namespace interlock::integrations {

// A file Claude Code may load when the model calls Skill {skill: NAME} (or a custom slash
// command): its text becomes the model's instructions, and Claude Code itself runs the shell
// commands written in it (!`cmd` and ```! blocks), with no PreToolUse hook for them.
struct SkillFile {
    QString path;
    QString text;
};

struct SkillLookup {
    QList<SkillFile> files; // every file that may be the skill, all of them shown
    QString error;          // why the skill cannot be put to a reviewer (the hook denies)
};

// Looks NAME ("tidy", "frontend:test") up where Claude Code (2.1.x) loads skills and commands
// from: .claude/skills/NAME/SKILL.md, .claude/commands/NAME.md and .claude/commands/NAME/SKILL.md
// in `cwd` and every folder above it, in the user's Claude folder ($CLAUDE_CONFIG_DIR or
// ~/.claude: skills/, commands/) and in the managed one (/etc/claude-code/.claude). Every file
// found is returned; none found, an unreadable one, or a name that is not a plain name is an
// error, as are files holding shell commands or hooks (shellProblem).
SkillLookup findSkillFiles(const QString &name, const QString &cwd);

// Why `text` (a skill file, or a skill's arguments, which Claude Code puts into it) makes Claude
// Code run a command itself: an inline !`…`, a ```! block, or hooks in the front matter; empty
// when it does none of these.
QString shellProblem(const QString &text);

} // namespace interlock::integrations
