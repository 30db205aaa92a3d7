// Interlock for OpenClaw: a native plugin on the `before_tool_call` hook.
//
// Every tool call that is not on the read-only list becomes an Interlock action and waits for a
// reviewer: approve → the call runs; edit → it runs with the reviewer's parameters; reject →
// blocked with the reviewer's reason. Anything else blocks: Interlock unreachable, a bad token,
// a killed session (then every later call too), the plugin's own deadline, a crash in here.
//
// OpenClaw's default budget for this hook is 15 s and a timeout blocks; the plugin registers with
// 600 000 ms (OpenClaw's maximum) and waits at most `deadlineMs` (default 590 s). Operators set
// `plugins.entries.interlock.hooks.timeouts.before_tool_call: 600000` as well, which wins over
// the plugin's own value. Docs: docs/integrations-openclaw.md.

import { InterlockClient } from '../js/interlock-client.mjs';
import { DEFAULT_READ_ONLY_TOOLS, paramsFromPayload, toAction } from './mapping.js';

export const HOOK_TIMEOUT_MS = 600_000; // OpenClaw's upper limit for a hook budget
export const DEFAULT_DEADLINE_MS = 590_000; // leaves the plugin 10 s to answer before that

function block(reason) {
  return { block: true, blockReason: `Interlock: ${reason}` };
}

export function createHandler(options = {}) {
  const log = options.log || ((line) => process.stderr.write(`${line}\n`));
  const deadlineMs = Math.min(Number(options.deadlineMs) > 0 ? Number(options.deadlineMs) : DEFAULT_DEADLINE_MS,
                              DEFAULT_DEADLINE_MS);
  const readOnly = new Set(Array.isArray(options.readOnlyTools) ? options.readOnlyTools.map(String)
                                                                   : DEFAULT_READ_ONLY_TOOLS);
  // Notes about reviewer edits, by tool call id, until OpenClaw persists the tool result
  // (tool_result_persist). That hook rewrites the session transcript, which later turns replay;
  // the model's current turn keeps the unmodified result (OpenClaw 2026.9.6 has no hook for it).
  const editNotes = new Map();
  const client = new InterlockClient({ url: options.url, agent: options.agent || 'openclaw',
                                       owner: options.owner, deadlineMs, log, env: options.env,
                                       aliveCacheMs: options.aliveCacheMs });
  const handler = async (event, ctx = {}) => {
    try {
      const toolName = String(event && event.toolName ? event.toolName : '');
      if (client.killed)
        return block('the Interlock session was killed (emergency stop): nothing runs any more');
      if (toolName && readOnly.has(toolName)) {
        // No review, but not after a kill: an emergency stop ends reads too (an SSH key read
        // after the stop), whether or not a reviewed call was waiting when it came.
        if (await client.alive()) return undefined;
        return block(client.killed ? 'the Interlock session was killed (emergency stop): nothing runs any more'
                                   : 'Interlock cannot say whether this session is still alive: not run (fail closed)');
      }
      const params = event && event.params && typeof event.params === 'object' ? event.params : {};
      const action = toAction(toolName, params, ctx);
      if (action.refusal) return block(action.refusal);
      const runId = (event && event.runId) || ctx.runId || '';
      const callId = (event && event.toolCallId) || '';
      const key = callId ? `openclaw:${ctx.sessionId || ''}:${runId}:${callId}`.slice(0, 200) : undefined;
      const verdict = await client.gate(action, { idempotencyKey: key, deadlineMs, signal: ctx.abortSignal });
      if (!verdict.allow) return block(verdict.reason);
      // What runs is built from the approved payload alone: the one shown, or the reviewer's edit.
      // The plugin runs last (lowest priority) and OpenClaw keeps the last returned params, so no
      // other plugin's rewrite can slip in after the approval; parameters the payload does not
      // hold are returned as undefined, since OpenClaw merges the returned params over its own.
      const approved = paramsFromPayload(toolName, params, action, verdict.edited ? verdict.payload : action.payload);
      if (approved.refusal) {
        return block(verdict.edited ? `the reviewer's edit cannot be run as approved (${approved.refusal}): not run`
                                    : `${approved.refusal}: not run`);
      }
      if (!verdict.edited) return { params: approved.params };
      const edited = approved.params;
      log(`interlock: ${toolName} runs with the reviewer's edit${verdict.comment ? ` (${verdict.comment})` : ''}`);
      if (callId) {
        if (editNotes.size >= 1000) editNotes.delete(editNotes.keys().next().value);
        const shown = action.kind === 'shell.exec' ? verdict.payload.command : JSON.stringify(verdict.payload);
        editNotes.set(callId, `[Interlock: a reviewer edited this ${toolName} call before it ran; it ran as: ` +
                              `${String(shown).slice(0, 2000)}${verdict.comment ? `. Reviewer's note: ${verdict.comment}` : ''}]`);
      }
      return { params: edited };
    } catch (error) {
      return block(`the Interlock plugin failed (${error && error.message ? error.message : error}): not run (fail closed)`);
    }
  };
  // Synchronous (OpenClaw ignores a promise here): puts the note in front of the tool result.
  const persist = (event) => {
    try {
      const note = event && event.toolCallId ? editNotes.get(event.toolCallId) : undefined;
      if (!note || !event.message) return undefined;
      editNotes.delete(event.toolCallId);
      const content = event.message.content;
      const parts = Array.isArray(content) ? content
        : typeof content === 'string' ? [{ type: 'text', text: content }] : [];
      return { message: { ...event.message, content: [{ type: 'text', text: note }, ...parts] } };
    } catch {
      return undefined;
    }
  };
  return { handler, persist, client, deadlineMs };
}

export default {
  id: 'interlock',
  name: 'Interlock',
  description: 'Holds every consequential tool call until an Interlock reviewer decides; fail closed.',
  register(api) {
    const config = (api && api.pluginConfig) || {};
    const log = (line) => {
      if (api && api.logger && typeof api.logger.info === 'function') api.logger.info(line);
      else process.stderr.write(`${line}\n`);
    };
    const { handler, persist, deadlineMs } = createHandler({ ...config, log });
    api.on('before_tool_call', handler, { timeoutMs: HOOK_TIMEOUT_MS, priority: -1000 });
    api.on('tool_result_persist', persist);
    log(`interlock: before_tool_call gated (hook timeout ${HOOK_TIMEOUT_MS} ms, OpenClaw's maximum; ` +
        `a reviewer has ${Math.round(deadlineMs / 1000)} s per call, then it is blocked). Set ` +
        `plugins.entries.interlock.hooks.timeouts.before_tool_call to ${HOOK_TIMEOUT_MS} so no operator default cuts it shorter.`);
  },
};
