#include "ClaudeCodeHook.h"

#include "HookSession.h"
#include "core/CanonicalJson.h"
#include "front/HookProtocol.h"
#include "front/JsonScan.h"

#include <QEventLoop>
#include <QJsonDocument>
#include <QTimer>
#include <optional>

namespace interlock::integrations {

namespace {
QByteArray toLine(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n';
}

// An updatedInput, when given, is always sent, even when it is empty: an MCP tool's arguments
// edited to {} are an input too, and leaving it out would run the original call.
QByteArray decide(const QString &decision, const QString &reason,
                  const std::optional<QJsonObject> &updatedInput = std::nullopt,
                  const QString &context = {})
{
    QJsonObject specific{{QStringLiteral("hookEventName"), QStringLiteral("PreToolUse")},
                         {QStringLiteral("permissionDecision"), decision},
                         {QStringLiteral("permissionDecisionReason"), reason}};
    if (updatedInput)
        specific.insert(QStringLiteral("updatedInput"), *updatedInput);
    if (!context.isEmpty())
        specific.insert(QStringLiteral("additionalContext"), context);
    return toLine({{QStringLiteral("hookSpecificOutput"), specific}});
}

QByteArray deny(const QString &reason)
{
    return decide(QStringLiteral("deny"), QStringLiteral("Interlock: ") + reason);
}

QString ref(const Decision &d)
{
    return d.actionId.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(d.actionId);
}
} // namespace

QString ClaudeCodeHook::idempotencyKey(const HookInput &input)
{
    QString key = QStringLiteral("claude-code:%1:%2").arg(input.sessionId, input.toolUseId);
    if (input.toolUseId.isEmpty() || key.size() > 200 || singleLine(key, 255) != key)
        key = QStringLiteral("claude-code:") +
              QString::fromLatin1(
                  sha256Hex((input.sessionId + QLatin1Char('\n') + input.toolUseId).toUtf8()));
    return key;
}

QByteArray ClaudeCodeHook::answerFor(const HookInput &input, const ActionDraft &draft,
                                     const Decision &d)
{
    using O = Decision::Outcome;
    switch (d.outcome) {
    case O::Approved: {
        const ToolRewrite rw = ClaudeToolMapping::rewrite(input, draft, d.payload);
        if (!rw.error.isEmpty())
            return deny(QStringLiteral("a reviewer approved a changed version%1, but %2; the "
                                       "call was not run")
                            .arg(ref(d), rw.error));
        const QString who = d.autoApproved ? QStringLiteral("by the server's policy")
                                           : QStringLiteral("by a reviewer");
        if (rw.unchanged && rw.pinned)
            return decide(QStringLiteral("allow"),
                          QStringLiteral("Interlock: approved %1%2").arg(who, ref(d)), rw.toolInput,
                          QStringLiteral("Interlock: this %1 runs as one edit that writes the "
                                         "whole file as the reviewer approved it%2.")
                              .arg(input.toolName, ref(d)));
        if (rw.unchanged)
            return decide(QStringLiteral("allow"),
                          QStringLiteral("Interlock: approved %1%2").arg(who, ref(d)));
        QString context = QStringLiteral("Interlock: a reviewer edited this %1 call before "
                                         "approving it%2; it runs with the reviewer's version, "
                                         "not the one you proposed. What changed: %3.")
                              .arg(input.toolName, ref(d),
                                   rw.changed.isEmpty() ? QStringLiteral("the input")
                                                        : rw.changed.join(QStringLiteral("; ")));
        if (!d.comment.isEmpty())
            context += QStringLiteral(" The reviewer's comment: ") + d.comment;
        return decide(QStringLiteral("allow"),
                      QStringLiteral("Interlock: approved with changes %1%2").arg(who, ref(d)),
                      rw.toolInput, context);
    }
    case O::Rejected:
        return deny(
            QStringLiteral("a reviewer rejected this call%1. Reason: %2")
                .arg(ref(d), d.comment.isEmpty() ? QStringLiteral("none given") : d.comment));
    case O::Expired:
        return deny(QStringLiteral("no reviewer decided before the action expired%1").arg(ref(d)));
    case O::Cancelled:
        return deny(QStringLiteral("the action was cancelled%1").arg(ref(d)));
    case O::Killed:
        return deny(QStringLiteral("this agent's Interlock session was killed; no tool call "
                                   "will be allowed any more"));
    case O::Refused:
        return deny(d.message);
    case O::Unreachable:
        return deny(QStringLiteral("Interlock cannot be reached (%1); tool calls are denied "
                                   "until it is back")
                        .arg(d.message));
    case O::TimedOut:
        return deny(QStringLiteral("no decision within the hook's deadline%1; the action was "
                                   "withdrawn")
                        .arg(ref(d)));
    }
    return deny(QStringLiteral("unexpected state"));
}

namespace {
QByteArray allowReadOnly(const HookInput &input)
{
    return decide(QStringLiteral("allow"),
                  QStringLiteral("Interlock: %1 is on the read-only list, allowed without review")
                      .arg(input.toolName));
}

// A read-only tool of a Claude session with a session of its own runs while that session is
// alive: a kill made while no reviewed call waited stops reads too, and an Interlock that cannot
// say denies them (it could before). Under `interlockctl run` the supervisor's kill ends Claude
// itself; before any session there is nothing to kill.
QByteArray readOnlyIfAlive(const HookInput &input, const ClaudeCodeHook::Options &o)
{
    const QString token = HookSession::savedToken(o.server, input.sessionId);
    if (token.isEmpty())
        return allowReadOnly(input);
    ApiClient client(o.server, token);
    const ApiResult me = client.call("GET", QStringLiteral("/v1/me"), std::nullopt, {}, 5000);
    if (me.ok()) {
        HookSession::markAlive(input.sessionId);
        return allowReadOnly(input);
    }
    if (me.status == 403 && me.error().code == QLatin1String("session_killed")) {
        HookSession::markKilled(input.sessionId);
        return deny(QStringLiteral("this agent's Interlock session was killed; no tool call "
                                   "will be allowed any more"));
    }
    return deny(QStringLiteral("Interlock could not confirm that this agent's session is alive "
                               "(%1); read-only tools are denied until it can")
                    .arg(me.describe()));
}
} // namespace

QByteArray ClaudeCodeHook::answer(const QByteArray &raw, const Options &o)
{
    QString error;
    const std::optional<HookInput> input = HookInput::parse(raw, &error);
    if (!input)
        return deny(error);
    const bool supervised = qEnvironmentVariableIsSet("INTERLOCK_SESSION_TOKEN");
    const bool killed = !supervised && HookSession::isMarkedKilled(input->sessionId);
    if (killed)
        return deny(QStringLiteral("this agent's Interlock session was killed; no tool call "
                                   "will be allowed any more"));
    if (hook::listContains(o.readOnlyTools.toStdString(), input->toolName.toStdString()))
        return supervised ? allowReadOnly(*input) : readOnlyIfAlive(*input, o);
    // Claude Code and most MCP servers read numbers as doubles: an integer beyond 2^53 would be
    // shown exactly and acted on rounded (or the other way round). Refused, like the gateway.
    JsonScanLimits exact;
    exact.safeIntegers = true;
    if (const JsonScan scan =
            scanJson(std::string_view(raw.constData(), size_t(raw.size())), exact);
        !scan.ok)
        return deny(QStringLiteral("the tool input was not put to a reviewer: %1")
                        .arg(QString::fromStdString(scan.error)));
    if (!o.server.isValid() || o.server.scheme().isEmpty() || o.server.host().isEmpty())
        return deny(QStringLiteral("the Interlock server address '%1' is not a URL")
                        .arg(o.server.toString()));
    const ActionDraft draft = ClaudeToolMapping::map(*input);
    if (!draft.refusal.isEmpty())
        return deny(draft.refusal);

    const HookSession::Result session =
        HookSession::obtain({o.server, o.agent, o.owner}, input->sessionId, input->cwd);
    if (!session.error.isEmpty())
        return deny(session.error);

    ApiClient client(o.server, session.token);
    client.setKeepAlive(true); // no HTTP thread: the hook is a short process per tool call
    ActionWaiter::Options waitOptions;
    waitOptions.deadlineMs = qint64(o.deadlineSeconds) * 1000;
    waitOptions.unreachableGraceMs = qMin<qint64>(30000, waitOptions.deadlineMs);
    ActionWaiter waiter(client, waitOptions);
    QEventLoop loop;
    Decision decision;
    QObject::connect(&waiter, &ActionWaiter::finished, &loop, [&](const Decision &d) {
        decision = d;
        loop.quit();
    });
    // The hook withdraws the action when its deadline passes; expiry a little later is the
    // safety net should the hook die first.
    waiter.start(draft.submission(o.deadlineSeconds + 30), idempotencyKey(*input));
    loop.exec();
    if (decision.outcome == Decision::Outcome::TimedOut) {
        // Nobody will collect a later decision: take the action off the queue.
        QTimer guard;
        QObject::connect(&guard, &QTimer::timeout, &loop, &QEventLoop::quit);
        guard.start(5000);
        waiter.withdraw(QStringLiteral("the Claude Code hook's deadline passed"),
                        [&loop] { loop.quit(); });
        loop.exec();
    }
    if (decision.outcome == Decision::Outcome::Killed && !supervised)
        HookSession::markKilled(input->sessionId);
    return answerFor(*input, draft, decision);
}

} // namespace interlock::integrations
