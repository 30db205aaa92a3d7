#pragma once

#include "ActionWaiter.h"
#include "ClaudeToolMapping.h"

#include <QByteArray>
#include <QUrl>

namespace interlock::integrations {

// The full Claude Code PreToolUse hook: one tool call in, one answer out. Every path that is
// not an approval answers `deny` (fail closed): bad input, no session, Interlock unreachable or
// refusing, the session killed, rejection, expiry, the hook's own deadline.
class ClaudeCodeHook
{
public:
    struct Options {
        QUrl server;
        QString agent = QStringLiteral("claude-code");
        QString owner;
        QString readOnlyTools; // comma-separated
        int deadlineSeconds = 3500;
    };

    // The JSON answer for Claude Code (always valid JSON, one line).
    static QByteArray answer(const QByteArray &input, const Options &options);

    // The answer for a decision on `draft` (exposed for tests).
    static QByteArray answerFor(const HookInput &input, const ActionDraft &draft,
                                const Decision &decision);
    // The Idempotency-Key for a tool call: the same call always maps to the same action.
    static QString idempotencyKey(const HookInput &input);
};

} // namespace interlock::integrations
