// Interlock for the OpenAI Agents SDK (@openai/agents, Node >= 22).
//
// The one-line change at the call site:
//     const result = await run(agent, input);               // before
//     const result = await runWithInterlock(agent, input);  // after
//
// What it does:
//   1. gateAllTools(agent) sets `needsApproval` on every function tool of the agent (and of the
//      agents it hands off to), so each tool call stops the run as an interruption, and wraps each
//      tool's `invoke` so that it runs only a call Interlock approved, with exactly the approved
//      arguments (the reviewer's, after an edit). A call that reaches `invoke` without an Interlock
//      approval (someone approved the interruption by hand, or ran `run()` without this module)
//      is refused, not run. Inside runWithInterlock the same gate is applied to every tool the SDK
//      lists for any agent on each turn (Agent.getAllTools): MCP tools (agent.mcpServers) and the
//      tools of agents used as tools (agent.asTool), whose calls come back as interruptions.
//   2. runWithInterlock(agent, input, options) runs the agent; for every interruption it submits
//      the tool call to Interlock and waits: approve → state.approve; edit → state.approve, and
//      `invoke` substitutes the edited arguments (the SDK refuses a rewritten rawItem) and tells
//      the model what the reviewer changed; an edit of anything else (the tool) cannot be applied
//      and blocks the call; reject, kill, timeout, any error → state.reject with the reason as the
//      message the model sees. Then it resumes with run(agent, state) until the run has no
//      interruption left.
//   3. Tracing is switched off (setTracingDisabled(true)) unless options.tracing is true: the SDK
//      otherwise exports traces, tool arguments included, to the vendor.
//
// Limits (docs/integrations-openai-agents.md): hosted tools that run on the vendor's side
// (web search, file search, code interpreter) are not function tools and cannot be gated here;
// they are refused unless options.allowHostedTools is true. Tools that run on this machine without
// being function tools (shell, apply_patch, computer) and a tool search are always refused.

import { AsyncLocalStorage } from 'node:async_hooks';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { InterlockClient } from '../js/interlock-client.mjs';

// The application's own @openai/agents: this file lives with Interlock, not in the application,
// so a bare import would not find it. options.sdk (the imported module) wins; otherwise it is
// resolved from the working directory, as the application itself would resolve it.
async function loadSdk(options) {
  if (options.sdk) return options.sdk;
  const require = createRequire(pathToFileURL(`${process.cwd()}/`).href);
  return import(pathToFileURL(require.resolve('@openai/agents')).href);
}

const GATED = Symbol.for('interlock.gated');
const PATCHED = Symbol.for('interlock.getAllTools');

// The Interlock run a piece of code belongs to ({approvals, allowHostedTools}). The SDK calls a
// tool's invoke, an MCP server's tool list and a sub-agent's run (agent.asTool) inside the run()
// that runWithInterlock started, so they all see it; outside of it there is none.
const scope = new AsyncLocalStorage();

// Decisions Interlock made, by tool call id, waiting for `invoke`. `used` keeps the calls that
// already ran, so that an approved sub-agent call (asTool) can be resumed after the run stopped
// on its own tools' calls: the SDK invokes it again with details.resumeState.
class Approvals {
  constructor() { this.byCall = new Map(); this.used = new Map(); }
  set(callId, entry) { this.byCall.set(callId, entry); }
  take(callId, details) {
    const e = this.byCall.get(callId);
    this.byCall.delete(callId);
    if (e) this.used.set(callId, e);
    else if (details && details.resumeState) return this.used.get(callId);
    return e;
  }
}

function callIdOf(details) {
  const call = details && details.toolCall;
  return call ? call.callId || call.id || '' : '';
}

// An Interlock action for one call. `kinds` maps tool names to Interlock kinds whose payload is
// the tool's arguments as they are (e.g. {delete_emails: 'email.delete'} when the tool takes
// {mailbox, message_ids}), so the risk rules see a known kind; other tools become
// `agent.tool_call {tool, arguments}`. The edited payload maps back the same way.
function toAction(toolName, argumentsText, agentName, kinds = {}) {
  let args;
  try { args = argumentsText ? JSON.parse(argumentsText) : {}; } catch { args = { unparsed: String(argumentsText) }; }
  const kind = Object.prototype.hasOwnProperty.call(kinds, toolName) ? String(kinds[toolName]) : '';
  if (kind && args && typeof args === 'object' && !Array.isArray(args))
    return { kind, title: `${agentName || 'Agent'} calls ${String(toolName).slice(0, 120)}`,
             summary: `OpenAI Agents SDK function tool ${toolName}; the payload is its arguments`,
             payload: args, direct: true };
  return {
    kind: 'agent.tool_call',
    title: `${agentName || 'Agent'} calls ${String(toolName).slice(0, 120)}`,
    summary: 'OpenAI Agents SDK function tool; edit `arguments` to change what runs',
    payload: { tool: String(toolName), arguments: args },
  };
}

// What an edit of `agent.tool_call {tool, arguments}` changed besides `arguments`: only the
// arguments can be applied to the call the model made; a changed tool (or any other field) would
// otherwise run the original tool, so such an edit blocks the call.
function notApplicable(payload, toolName) {
  if (payload.tool !== String(toolName)) return `the tool (${String(payload.tool).slice(0, 120)} instead of ${toolName})`;
  const other = Object.keys(payload).filter((k) => k !== 'tool' && k !== 'arguments');
  return other.length ? `fields other than arguments (${other.join(', ').slice(0, 200)})` : '';
}

function wrapTool(tool) {
  if (tool[GATED]) return;
  const invoke = tool.invoke.bind(tool);
  tool.needsApproval = async () => true;
  tool.invoke = async (runContext, input, details) => {
    const callId = callIdOf(details);
    const run = scope.getStore();
    const decision = callId && run ? run.approvals.take(callId, details) : undefined;
    if (!decision) return `Interlock: this call of ${tool.name} was not approved through Interlock, so it did not run.`;
    if (decision.input !== input) return `Interlock: the arguments of ${tool.name} changed after the approval, so it did not run.`;
    if (!decision.edited) return invoke(runContext, input, details);
    const result = await invoke(runContext, JSON.stringify(decision.arguments), details);
    const note = `[Interlock: a reviewer edited this ${tool.name} call before it ran; it ran with ` +
                 `${JSON.stringify(decision.arguments)}${decision.comment ? `. Reviewer's note: ${decision.comment}` : ''}]`;
    return typeof result === 'string' ? `${note}\n${result}` : result;
  };
  tool[GATED] = true;
}

// Gates the tools the SDK is about to offer the model: every function tool (MCP tools and
// sub-agents used as tools are function tools too) waits for Interlock. Tools that run on this
// machine outside of a function tool (shell, apply_patch, computer) and a tool search (it loads
// tools past this list) are refused; other hosted tools run on the vendor's side and are refused
// unless allowHostedTools is true.
function gateTools(tools, agentName, allowHostedTools) {
  for (const tool of tools || []) {
    if (tool.type === 'function') { wrapTool(tool); continue; }
    const name = tool.name || tool.type;
    const search = tool.providerData && tool.providerData.type === 'tool_search';
    if (tool.type === 'hosted_tool' && !search && allowHostedTools) continue;
    throw new Error(tool.type === 'hosted_tool' && !search
      ? `Interlock cannot gate the hosted tool "${name}" of agent ${agentName}; remove it or pass allowHostedTools: true`
      : `Interlock cannot gate the tool "${name}" (${search ? 'tool search' : tool.type}) of agent ${agentName}; remove it`);
  }
  return tools;
}

// Every agent run inside runWithInterlock has its tools gated when the SDK lists them
// (Agent.getAllTools, called each turn): MCP tools, which the SDK builds anew on each turn, and
// the tools of an agent used as a tool, which the SDK runs with its own run().
function gateAgentClass(Agent) {
  const proto = Agent && Agent.prototype;
  if (!proto || typeof proto.getAllTools !== 'function')
    throw new Error('Interlock: this @openai/agents has no Agent.getAllTools; its tools cannot be gated');
  if (proto[PATCHED]) return;
  const getAllTools = proto.getAllTools;
  proto.getAllTools = async function (...args) {
    const tools = await getAllTools.apply(this, args);
    const run = scope.getStore();
    return run ? gateTools(tools, this.name, run.allowHostedTools) : tools;
  };
  Object.defineProperty(proto, PATCHED, { value: true });
}

// Gates every function tool of `agent` and of the agents reachable through its handoffs, and
// refuses tools that cannot be gated. An agent whose own getAllTools replaces the SDK's is
// refused: its MCP tools would not pass through the gate.
export function gateAllTools(agent, options = {}) {
  const seen = new Set();
  const visit = (a) => {
    if (!a || seen.has(a)) return;
    seen.add(a);
    if (options.sdk && a.getAllTools !== options.sdk.Agent.prototype.getAllTools)
      throw new Error(`Interlock: agent ${a.name} has its own getAllTools; its tools cannot be gated`);
    gateTools(a.tools, a.name, options.allowHostedTools);
    if (!a[GATED]) Object.defineProperty(a, GATED, { value: true, enumerable: false });
    for (const h of a.handoffs || []) visit(h.agent || h);
  };
  visit(agent);
}

// run() with every tool call decided in Interlock. options: {client | url, token, sessionToken,
// agent (name), deadlineMs}, runOptions (passed to run()), tracing (default false),
// maxRounds (default 100), kinds (tool name → Interlock kind, see toAction), sdk (the application's `import * as sdk from '@openai/agents'`).
export async function runWithInterlock(agent, input, options = {}) {
  const sdk = await loadSdk(options);
  const { run, setTracingDisabled } = sdk;
  if (!options.tracing) setTracingDisabled(true);
  gateAgentClass(sdk.Agent);
  gateAllTools(agent, { ...options, sdk });
  const approvals = new Approvals();
  return scope.run({ approvals, allowHostedTools: Boolean(options.allowHostedTools) },
                   () => decideAll(run, agent, input, approvals, options));
}

async function decideAll(run, agent, input, approvals, options) {
  const client = options.client || new InterlockClient({
    url: options.url, token: options.token, sessionToken: options.sessionToken,
    agent: options.agent || agent.name || 'openai-agents', deadlineMs: options.deadlineMs,
  });
  let result = await run(agent, input, options.runOptions);
  for (let round = 0; result.interruptions && result.interruptions.length; ++round) {
    if (round >= (options.maxRounds || 100)) throw new Error('Interlock: too many approval rounds');
    for (const item of result.interruptions) {
      const raw = item.rawItem || {};
      const toolName = item.toolName || raw.name || '';
      const argumentsText = typeof raw.arguments === 'string' ? raw.arguments : JSON.stringify(raw.arguments ?? {});
      const callId = raw.callId || raw.id || '';
      const { direct, ...action } = toAction(toolName, argumentsText, item.agent && item.agent.name, options.kinds);
      const verdict = await client.gate(action, { idempotencyKey: callId ? `openai-agents:${callId}` : undefined });
      if (verdict.allow && callId) {
        const edited = !verdict.edited ? undefined : direct ? verdict.payload : verdict.payload && verdict.payload.arguments;
        const unapplied = verdict.edited && !direct && notApplicable(verdict.payload, toolName);
        if (unapplied) {
          result.state.reject(item, { message: `Interlock: the reviewer's edit changed ${unapplied}, which this adapter cannot apply; ` +
                                               `the call did not run.${verdict.comment ? ` Reviewer's note: ${verdict.comment}` : ''}` });
          continue;
        }
        if (verdict.edited && (!edited || typeof edited !== 'object' || Array.isArray(edited))) {
          result.state.reject(item, { message: 'Interlock: the reviewer\'s edit has no arguments object; the call did not run.' });
          continue;
        }
        approvals.set(callId, { input: argumentsText, edited: Boolean(verdict.edited), arguments: edited, comment: verdict.comment });
        result.state.approve(item);
      } else {
        result.state.reject(item, { message: verdict.allow ? 'Interlock: the call has no id; it did not run.' : `Interlock: ${verdict.reason}` });
      }
    }
    result = await run(agent, result.state, options.runOptions);
  }
  return result;
}

export { InterlockClient };
