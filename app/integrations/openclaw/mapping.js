// How an OpenClaw tool call becomes an Interlock action, and how a reviewer's edited payload
// becomes the parameters OpenClaw runs. Pure functions (tested without OpenClaw).

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

// {kind, title, summary?, target?, payload} for one call. The payload always holds what will run:
// for `exec` the command (and its folder), for every other tool OpenClaw's own parameters.
export function toAction(toolName, params, context = {}) {
  const tool = String(toolName || '');
  const p = params && typeof params === 'object' && !Array.isArray(params) ? params : {};
  const who = context.agentId ? ` (OpenClaw agent ${context.agentId})` : '';
  if (tool === 'exec' || tool === 'bash') {
    const payload = { command: String(p.command ?? '') };
    const cwd = str(p.workdir) || str(p.cwd);
    if (cwd) payload.cwd = cwd;
    for (const k of ['host', 'elevated', 'background', 'env']) if (p[k] !== undefined) payload[k] = p[k];
    return { kind: 'shell.exec', title: `OpenClaw runs: ${clip(payload.command)}`,
             summary: `exec tool call${who}`, payload };
  }
  if (tool === 'write') {
    const payload = { path: String(p.path ?? p.file_path ?? ''), content: String(p.content ?? '') };
    return { kind: 'fs.write', title: `OpenClaw writes ${clip(payload.path)}`, target: payload.path,
             summary: `write tool call${who}`, payload };
  }
  if (tool === 'message' || tool === 'sessions_send') {
    const channel = str(p.channel) || str(p.target) || str(p.to) || str(p.sessionKey) || '';
    const text = str(p.message) || str(p.text) || str(p.content) || '';
    return { kind: 'message.post', title: `OpenClaw sends a message${channel ? ` to ${clip(channel)}` : ''}`,
             summary: `${tool} tool call${who}: edit \`params\` to change what is sent`,
             payload: { channel, text, tool, params: p } };
  }
  return { kind: 'openclaw.tool_call', title: `OpenClaw calls ${clip(tool)}`,
           summary: `${tool} tool call${who}: edit \`params\` to change what runs`,
           payload: { tool, params: p } };
}

// The parameters OpenClaw runs after a reviewer's edit, or null when the edit cannot be mapped
// back (then the call is blocked: never run something nobody approved).
export function paramsFromEdit(toolName, originalParams, action, editedPayload) {
  if (!editedPayload || typeof editedPayload !== 'object') return null;
  const p = originalParams && typeof originalParams === 'object' ? originalParams : {};
  if (action.kind === 'shell.exec') {
    if (typeof editedPayload.command !== 'string' || !editedPayload.command) return null;
    const out = { ...p, command: editedPayload.command };
    if (typeof editedPayload.cwd === 'string') {
      if ('cwd' in p && !('workdir' in p)) out.cwd = editedPayload.cwd;
      else out.workdir = editedPayload.cwd;
    }
    for (const k of ['host', 'elevated', 'background', 'env']) {
      if (k in editedPayload) out[k] = editedPayload[k];
      else delete out[k];
    }
    return out;
  }
  if (action.kind === 'fs.write') {
    if (typeof editedPayload.path !== 'string' || typeof editedPayload.content !== 'string') return null;
    const out = { ...p, content: editedPayload.content };
    if ('file_path' in p && !('path' in p)) out.file_path = editedPayload.path;
    else out.path = editedPayload.path;
    return out;
  }
  const edited = editedPayload.params;
  if (!edited || typeof edited !== 'object' || Array.isArray(edited)) return null;
  return { ...edited };
}
