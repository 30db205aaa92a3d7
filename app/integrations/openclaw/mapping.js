// How an OpenClaw tool call becomes an Interlock action, and how the approved payload (as shown or
// as a reviewer edited it) becomes the parameters OpenClaw runs. Pure functions (tested without OpenClaw).

// Tools answered without a reviewer by default: they only read OpenClaw's own state or files.
// Everything else, unknown tools included, goes to a reviewer.
export const DEFAULT_READ_ONLY_TOOLS = Object.freeze([
  'read', 'memory_search', 'memory_get', 'session_status', 'sessions_list', 'sessions_history',
  'agents_list',
]);

const MAX_TEXT = 200;
const clip = (text) => {
  const s = String(text ?? '');
  return s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT)}…` : s;
};
const str = (v) => (typeof v === 'string' ? v : undefined);
const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const has = (o, k) => Object.prototype.hasOwnProperty.call(o, k);

// Every parameter of OpenClaw's exec tool (2026.9.6, bash-tools.schemas `execSchema`), with its
// type. All of them change what runs or where (`node` picks the machine, `timeoutSeconds: 0` lifts
// the time limit, `elevated` the privileges), so all of them are shown. A call with any other
// parameter is blocked before it is submitted: OpenClaw's exec would ignore it (a `cwd` is not its
// folder: `workdir` is) or a later OpenClaw would read it, and the reviewer could not tell which.
const isStr = (v) => typeof v === 'string';
const isNum = (v) => typeof v === 'number' && Number.isFinite(v);
const isBool = (v) => typeof v === 'boolean';
const isEnv = (v) => isObject(v) && Object.values(v).every(isStr);
const EXEC_HOSTS = ['auto', 'sandbox', 'gateway', 'node'];
export const EXEC_PARAMS = Object.freeze({
  command: isStr, workdir: isStr, env: isEnv, yieldMs: isNum, background: isBool, timeoutSeconds: isNum,
  pty: isBool, elevated: isBool, host: (v) => EXEC_HOSTS.includes(v), ask: isStr, node: isStr, title: isStr,
});
// The exec payload: Interlock's shell.exec fields `command` and `cwd` (the folder the command
// really runs in: OpenClaw's `workdir`), then the other exec parameters under their own names.
const EXEC_TO_PAYLOAD = { workdir: 'cwd' };
const PAYLOAD_TO_EXEC = { cwd: 'workdir' };
const EXEC_ORDER = ['command', 'workdir', 'host', 'node', 'elevated', 'env', 'timeoutSeconds', 'background',
                    'yieldMs', 'pty', 'ask', 'title'];
// OpenClaw's write tool reads `path` and `content` (tools `write`: execute(id, {path, content})).
const WRITE_PARAMS = Object.freeze({ path: isStr, file_path: isStr, content: isStr });

const unknownKeys = (params, known) => Object.keys(params).filter((k) => !has(known, k));
const badTypes = (params, known) => Object.keys(params).filter((k) => has(known, k) && !known[k](params[k]));
const names = (keys) => keys.map((k) => `\`${k}\``).join(', ');

// Where a message goes and what it says, as shown in `channel` and `text`, and the parameters they
// are read from (OpenClaw's message tool: `channel` + `target`; sessions_send: `sessionKey`).
const CHANNEL_KEYS = ['channel', 'target', 'to', 'sessionKey'];
const TEXT_KEYS = ['message', 'text', 'content'];
function messageFields(p) {
  const channelKeys = CHANNEL_KEYS.filter((k) => str(p[k]));
  const textKey = TEXT_KEYS.find((k) => str(p[k]));
  return { channel: channelKeys.map((k) => p[k]).join(' '), channelKeys,
           text: textKey ? p[textKey] : '', textKey };
}

// {kind, title, summary?, target?, payload} for one call, or {refusal} when the call cannot be
// shown faithfully (then it is blocked without asking anyone). The payload holds everything that
// runs: for `exec` every parameter, for `write` path and content, for every other tool OpenClaw's
// own parameters in full.
export function toAction(toolName, params, context = {}) {
  const tool = String(toolName || '');
  const p = isObject(params) ? params : {};
  const who = context.agentId ? ` (OpenClaw agent ${context.agentId})` : '';
  if (tool === 'exec' || tool === 'bash') {
    const unknown = unknownKeys(p, EXEC_PARAMS);
    if (unknown.length) {
      return { refusal: `the ${tool} call has ${names(unknown)}, which OpenClaw's exec does not take` +
                        `${unknown.includes('cwd') ? ' (its folder is `workdir`)' : ''}; a reviewer could not see ` +
                        'what applies, so it is not run. ' +
                        `Known parameters: ${names(Object.keys(EXEC_PARAMS))}` };
    }
    const bad = badTypes(p, EXEC_PARAMS);
    if (bad.length) return { refusal: `the ${tool} call has ${names(bad)} of the wrong type: not run` };
    const payload = { command: p.command ?? '' };
    for (const k of EXEC_ORDER.slice(1)) {
      // An empty workdir is OpenClaw's default folder, the same as none.
      if (!has(p, k) || (k === 'workdir' && p[k] === '')) continue;
      payload[EXEC_TO_PAYLOAD[k] || k] = p[k];
    }
    const where = payload.cwd ? '' : `; no workdir: OpenClaw's default folder${
      context.workspaceDir ? ` (the agent workspace ${context.workspaceDir})` : ''}`;
    const on = payload.host === 'node' || payload.node ? `; on node ${payload.node || '(default node)'}` : '';
    return { kind: 'shell.exec', title: `OpenClaw runs: ${clip(payload.command)}`,
             summary: `exec tool call${who}${where}${on}`, payload };
  }
  if (tool === 'write') {
    const unknown = unknownKeys(p, WRITE_PARAMS);
    if (unknown.length) return { refusal: `the write call has ${names(unknown)}, which Interlock cannot show: not run` };
    const bad = badTypes(p, WRITE_PARAMS);
    if (bad.length) return { refusal: `the write call has ${names(bad)} of the wrong type: not run` };
    const payload = { path: String(p.path ?? p.file_path ?? ''), content: String(p.content ?? '') };
    return { kind: 'fs.write', title: `OpenClaw writes ${clip(payload.path)}`, target: payload.path,
             summary: `write tool call${who}`, payload };
  }
  if (tool === 'message' || tool === 'sessions_send') {
    const { channel, text } = messageFields(p);
    return { kind: 'message.post', title: `OpenClaw sends a message${channel ? ` to ${clip(channel)}` : ''}`,
             summary: `${tool} tool call${who}: \`text\` and \`channel\` are read from \`params\`; an edit of either ` +
                      'is written back there (or the call is blocked)',
             payload: { channel, text, tool, params: p } };
  }
  return { kind: 'openclaw.tool_call', title: `OpenClaw calls ${clip(tool)}`,
           summary: `${tool} tool call${who}: edit \`params\` to change what runs (the tool cannot be changed)`,
           payload: { tool, params: p } };
}

// OpenClaw merges a hook's params over the original ones ({...original, ...returned}, 2026.9.6
// `mergeParamsWithApprovalOverrides`), so a parameter left out would still apply: every original
// parameter the approved payload does not hold is returned as undefined.
function replacing(originalParams, params) {
  const out = { ...params };
  for (const k of Object.keys(originalParams)) if (!has(out, k)) out[k] = undefined;
  return out;
}

// The parameters OpenClaw runs for an approved payload (as shown, or as the reviewer edited it):
// {params} built from that payload alone, or {refusal} when it cannot be run faithfully (then the
// call is blocked: never run something nobody approved).
export function paramsFromPayload(toolName, originalParams, action, approved) {
  const p = isObject(originalParams) ? originalParams : {};
  if (!isObject(approved)) return { refusal: 'the approved payload is not an object' };
  if (action.kind === 'shell.exec') {
    const out = {};
    for (const [k, v] of Object.entries(approved)) {
      const param = PAYLOAD_TO_EXEC[k] || k;
      if (EXEC_TO_PAYLOAD[k] || !has(EXEC_PARAMS, param))
        return { refusal: `the approved payload has \`${k}\`, which OpenClaw's exec does not take` };
      if (!EXEC_PARAMS[param](v)) return { refusal: `the approved payload's \`${k}\` has the wrong type` };
      out[param] = v;
    }
    if (!out.command) return { refusal: 'the approved payload has no command' };
    return { params: replacing(p, out) };
  }
  if (action.kind === 'fs.write') {
    const extra = Object.keys(approved).filter((k) => k !== 'path' && k !== 'content');
    if (extra.length) return { refusal: `the approved payload has ${names(extra)}, which the write tool does not take` };
    if (!isStr(approved.path) || !approved.path || !isStr(approved.content))
      return { refusal: 'the approved payload needs a `path` and a `content` string' };
    const out = { content: approved.content };
    if (has(p, 'file_path') && !has(p, 'path')) out.file_path = approved.path;
    else out.path = approved.path;
    return { params: replacing(p, out) };
  }
  if (approved.tool !== action.payload.tool)
    return { refusal: `the reviewer changed the tool from \`${action.payload.tool}\` to \`${approved.tool}\`; ` +
                      'a tool call cannot become another tool: not run' };
  if (!isObject(approved.params)) return { refusal: 'the approved payload has no `params` object' };
  if (action.kind === 'message.post') {
    const extra = Object.keys(approved).filter((k) => !['channel', 'text', 'tool', 'params'].includes(k));
    if (extra.length) return { refusal: `the approved payload has ${names(extra)}, which cannot be sent` };
    const shown = action.payload;
    const out = { ...approved.params };
    // `text` and `channel` are read from parameters (messageFields). A reviewer's edit of them
    // that the edited params do not already say is written back to the one parameter it was read
    // from; when that parameter was edited to something else too, or there is no single one, the
    // call is blocked.
    const from = messageFields(p);
    if (approved.text !== shown.text && messageFields(out).text !== approved.text) {
      if (!isStr(approved.text)) return { refusal: 'the approved `text` is not a string' };
      const key = from.textKey || 'message';
      if (out[key] !== p[key])
        return { refusal: `the reviewer edited both \`text\` and \`params.${key}\` differently: not sent` };
      out[key] = approved.text;
    }
    if (approved.channel !== shown.channel && messageFields(out).channel !== approved.channel) {
      if (from.channelKeys.length !== 1) {
        const read = from.channelKeys.length ? names(from.channelKeys.map((k) => `params.${k}`)) : 'no parameter';
        return { refusal: `the reviewer edited \`channel\`, which is read from ${read}; edit those in \`params\` instead: not sent` };
      }
      const key = from.channelKeys[0];
      if (out[key] !== p[key])
        return { refusal: `the reviewer edited both \`channel\` and \`params.${key}\` differently: not sent` };
      out[key] = approved.channel;
    }
    // What runs must read back as what was approved.
    const runs = messageFields(out);
    if (runs.text !== approved.text || runs.channel !== approved.channel)
      return { refusal: 'the approved `text`/`channel` do not match the approved `params`; edit `params`: not sent' };
    return { params: replacing(p, out) };
  }
  const extra = Object.keys(approved).filter((k) => k !== 'tool' && k !== 'params');
  if (extra.length) return { refusal: `the approved payload has ${names(extra)}, which the tool call cannot take` };
  return { params: replacing(p, approved.params) };
}
