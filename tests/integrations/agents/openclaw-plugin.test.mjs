// The OpenClaw plugin's hook handler against a scripted Interlock on loopback (node --test):
// every way of failing blocks, decisions map to OpenClaw's answers. ctest: openclaw_plugin.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createHandler } from '../../../app/integrations/openclaw/index.js';
import { paramsFromPayload, toAction } from '../../../app/integrations/openclaw/mapping.js';

// A fake Interlock: `decide(action)` returns the decision body (or null: stay pending).
async function fakeInterlock({ decide = () => null, sessionStatus = 201, submitStatus = 201, submitBody } = {}) {
  const requests = [];
  let n = 0;
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => { raw += c; });
    req.on('end', () => {
      const body = raw ? JSON.parse(raw) : null;
      requests.push({ method: req.method, url: req.url, auth: req.headers.authorization, body });
      const send = (status, json) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(typeof json === 'string' ? json : JSON.stringify(json)); };
      if (req.url === '/v1/sessions') {
        if (sessionStatus !== 201) return send(sessionStatus, { error: { code: 'unauthenticated', message: 'bad token' } });
        return send(201, { session: { id: 'ses_1' }, token: 'ilk_session' });
      }
      if (req.url === '/v1/actions') {
        if (submitBody !== undefined) return send(submitStatus, submitBody);
        n += 1;
        return send(201, { id: `act_${n}`, status: 'pending', ...body });
      }
      const m = req.url.match(/^\/v1\/actions\/(act_\d+)\/decision/);
      if (m) {
        const action = requests.filter((r) => r.url === '/v1/actions' && r.body)[Number(m[1].slice(4)) - 1].body;
        const d = decide(action, m[1]);
        if (d === null) { setTimeout(() => send(200, { status: 'pending' }), 200); return undefined; }
        return typeof d === 'object' && d.httpStatus ? send(d.httpStatus, d.body) : send(200, d);
      }
      if (/\/withdraw$/.test(req.url)) return send(200, { status: 'cancelled' });
      return send(404, { error: { code: 'not_found', message: 'no' } });
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}`, requests, close: () => new Promise((r) => server.close(r)) };
}

const env = (url, extra = {}) => ({ INTERLOCK_URL: url, INTERLOCK_TOKEN: 'ilk_agent', ...extra });
const exec = (command) => ({ toolName: 'exec', params: { command, workdir: '/tmp', timeoutSeconds: 30 }, toolCallId: 'c1', runId: 'r1' });
const quiet = () => {};

test('approve runs exactly the parameters the reviewer saw', async () => {
  const srv = await fakeInterlock({ decide: () => ({ status: 'approved', decision: { kind: 'approve' } }) });
  const { handler } = createHandler({ env: env(srv.url), log: quiet });
  const out = await handler(exec('gog gmail trash m1'), { sessionId: 's' });
  assert.deepEqual(out, { params: { command: 'gog gmail trash m1', workdir: '/tmp', timeoutSeconds: 30 } });
  const submit = srv.requests.find((r) => r.url === '/v1/actions');
  assert.equal(submit.body.kind, 'shell.exec');
  assert.deepEqual(submit.body.payload, { command: 'gog gmail trash m1', cwd: '/tmp', timeoutSeconds: 30 });
  assert.equal(submit.auth, 'Bearer ilk_session');
  await srv.close();
});

test('edit runs the reviewer\'s command; reject blocks with the reason', async () => {
  let verdict = { status: 'approved', decision: { kind: 'edit' }, payload: { command: 'gog gmail batch modify m1 --add ARCHIVE', cwd: '/tmp' }, comment: 'archive' };
  const srv = await fakeInterlock({ decide: () => verdict });
  const { handler, persist } = createHandler({ env: env(srv.url), log: quiet });
  assert.deepEqual(await handler(exec('gog gmail batch delete m1')),
                   { params: { command: 'gog gmail batch modify m1 --add ARCHIVE', workdir: '/tmp', timeoutSeconds: undefined } });
  // The model is told about the edit in front of the tool result, once.
  const persisted = persist({ toolCallId: 'c1', message: { role: 'toolResult', content: [{ type: 'text', text: 'ok' }] } });
  assert.match(persisted.message.content[0].text, /a reviewer edited this exec call.*gog gmail batch modify m1 --add ARCHIVE.*archive/);
  assert.equal(persisted.message.content[1].text, 'ok');
  assert.equal(persist({ toolCallId: 'c1', message: { role: 'toolResult', content: 'ok' } }), undefined);
  verdict = { status: 'rejected', decision: { kind: 'reject' }, comment: 'stop (R-1)' };
  const out = await handler(exec('gog gmail batch delete m2'));
  assert.equal(out.block, true);
  assert.match(out.blockReason, /Rejected by the Interlock reviewer: stop \(R-1\)/);
  verdict = { status: 'approved', decision: { kind: 'edit' }, payload: { nothing: 1 } };
  assert.equal((await handler(exec('x'))).block, true, 'an edit that cannot be mapped back blocks');
  await srv.close();
});

test('unreachable, no credential, bad token, garbage and an unknown status all block', async () => {
  const cases = [];
  cases.push(createHandler({ env: env('http://127.0.0.1:9'), log: quiet }).handler);
  cases.push(createHandler({ env: { INTERLOCK_URL: 'http://127.0.0.1:9' }, log: quiet }).handler);
  const badToken = await fakeInterlock({ sessionStatus: 401 });
  cases.push(createHandler({ env: env(badToken.url), log: quiet }).handler);
  const garbage = await fakeInterlock({ submitStatus: 201, submitBody: 'not json' });
  cases.push(createHandler({ env: env(garbage.url), log: quiet }).handler);
  const odd = await fakeInterlock({ decide: () => ({ status: 'expired' }) });
  cases.push(createHandler({ env: env(odd.url), log: quiet }).handler);
  const error = await fakeInterlock({ decide: () => ({ httpStatus: 500, body: { error: { code: 'internal' } } }) });
  cases.push(createHandler({ env: env(error.url), log: quiet }).handler);
  for (const handler of cases) {
    const out = await handler(exec('gog gmail trash m1'));
    assert.equal(out && out.block, true, JSON.stringify(out));
    assert.match(out.blockReason, /^Interlock: /);
  }
  for (const s of [badToken, garbage, odd, error]) await s.close();
});

test('a killed session blocks this call and every later one without asking again', async () => {
  const srv = await fakeInterlock({ decide: () => ({ httpStatus: 403, body: { error: { code: 'session_killed', message: 'killed' } } }) });
  const { handler } = createHandler({ env: env(srv.url), log: quiet });
  const first = await handler(exec('gog gmail trash m1'));
  assert.equal(first.block, true);
  assert.match(first.blockReason, /killed/);
  const count = srv.requests.length;
  const later = await handler({ toolName: 'read', params: { path: '/etc/hosts' } });
  assert.equal(later.block, true, 'even read-only tools are blocked after a kill');
  assert.equal(srv.requests.length, count);
  await srv.close();
});

test('read-only tools pass without a round trip; the list is configurable', async () => {
  const srv = await fakeInterlock();
  const { handler } = createHandler({ env: env(srv.url), log: quiet });
  assert.equal(await handler({ toolName: 'read', params: { path: 'a' } }), undefined);
  assert.equal(srv.requests.length, 0);
  const strict = createHandler({ env: env('http://127.0.0.1:9'), log: quiet, readOnlyTools: [] }).handler;
  assert.equal((await strict({ toolName: 'read', params: { path: 'a' } })).block, true);
  await srv.close();
});

test('the deadline blocks and withdraws; so does a cancelled tool call', async () => {
  const srv = await fakeInterlock({ decide: () => null });
  const { handler } = createHandler({ env: env(srv.url), log: quiet, deadlineMs: 1500 });
  const out = await handler(exec('sleep 1'));
  assert.equal(out.block, true);
  assert.match(out.blockReason, /no decision/);
  assert.ok(srv.requests.some((r) => /\/withdraw$/.test(r.url)));
  const abort = new AbortController();
  setTimeout(() => abort.abort(), 300);
  const cancelled = await createHandler({ env: env(srv.url), log: quiet }).handler(exec('sleep 2'), { abortSignal: abort.signal });
  assert.equal(cancelled.block, true);
  assert.match(cancelled.blockReason, /cancelled/);
  assert.equal(srv.requests.filter((r) => /\/withdraw$/.test(r.url)).length, 2);
  await srv.close();
});

test('mapping: exec, write, messages and unknown tools; edits map back or refuse', () => {
  assert.equal(toAction('exec', { command: 'ls' }).kind, 'shell.exec');
  assert.deepEqual(toAction('write', { path: 'a', content: 'b' }).payload, { path: 'a', content: 'b' });
  const msg = toAction('message', { channel: '#ops', message: 'hi' });
  assert.equal(msg.kind, 'message.post');
  assert.equal(msg.payload.text, 'hi');
  const other = toAction('browser', { url: 'x' });
  assert.equal(other.kind, 'openclaw.tool_call');
  assert.deepEqual(paramsFromPayload('browser', { url: 'x' }, other, { tool: 'browser', params: { url: 'y' } }).params, { url: 'y' });
  assert.ok(paramsFromPayload('browser', {}, other, { tool: 'browser' }).refusal);
  const ls = toAction('exec', { command: 'a' });
  assert.ok(paramsFromPayload('exec', { command: 'a' }, ls, { command: '' }).refusal);
});

// F06: the reviewer saw `cwd` (which OpenClaw's exec ignores) while the command ran in the
// workspace; `node`, `timeoutSeconds`, `pty` were never shown but applied.
test('exec: every parameter is shown and what runs is built from the payload; a parameter exec does not take blocks', async () => {
  const srv = await fakeInterlock({ decide: () => ({ status: 'approved', decision: { kind: 'approve' } }) });
  const { handler } = createHandler({ env: env(srv.url), log: quiet });
  const blocked = await handler({ toolName: 'exec', toolCallId: 'c1', params: { command: 'rm -f ./*.txt', cwd: '/tmp/scratch' } });
  assert.equal(blocked.block, true, 'a cwd OpenClaw ignores must not be shown as the folder');
  assert.match(blocked.blockReason, /`cwd`.*workdir/);
  assert.equal(srv.requests.length, 0, 'blocked before anyone is asked');
  const hidden = { command: 'df -h', host: 'node', node: 'prod-db-1', timeoutSeconds: 0, pty: true, workdir: '' };
  const out = await handler({ toolName: 'exec', toolCallId: 'c2', params: hidden }, { workspaceDir: '/home/a/ws' });
  const submit = srv.requests.find((r) => r.url === '/v1/actions');
  assert.deepEqual(submit.body.payload, { command: 'df -h', host: 'node', node: 'prod-db-1', timeoutSeconds: 0, pty: true });
  assert.match(submit.body.summary, /default folder \(the agent workspace \/home\/a\/ws\).*on node prod-db-1/);
  assert.deepEqual(out, { params: { command: 'df -h', host: 'node', node: 'prod-db-1', timeoutSeconds: 0, pty: true, workdir: undefined } });
  assert.equal((await handler({ toolName: 'exec', toolCallId: 'c3', params: { command: 'ls', pty: 'yes' } })).block, true);
  assert.equal((await handler({ toolName: 'write', toolCallId: 'c4', params: { path: 'a', content: 'b', append: true } })).block, true);
  await srv.close();
});

test('exec: an edit that removes a parameter removes it (OpenClaw merges returned params over its own); an unknown field blocks', async () => {
  let payload;
  const srv = await fakeInterlock({ decide: () => ({ status: 'approved', decision: { kind: 'edit' }, payload }) });
  const { handler } = createHandler({ env: env(srv.url), log: quiet });
  const call = { toolName: 'exec', toolCallId: 'c1', params: { command: 'ls', workdir: '/srv', node: 'prod-db-1', elevated: true } };
  payload = { command: 'ls -l', cwd: '/tmp' };
  assert.deepEqual(await handler(call), { params: { command: 'ls -l', workdir: '/tmp', node: undefined, elevated: undefined } });
  payload = { command: 'ls', cwd: '/tmp', workdir: '/srv' };
  assert.equal((await handler(call)).block, true, 'workdir beside cwd: which one applies is not what was shown');
  payload = { command: 'ls', shell: 'zsh' };
  assert.match((await handler(call)).blockReason, /reviewer's edit cannot be run.*`shell`/);
  payload = { command: 'ls', timeoutSeconds: 'never' };
  assert.equal((await handler(call)).block, true);
  await srv.close();
});

// F11: the reviewer corrected the message's `text`; the plugin sent the original.
test('message: an edit of text or channel is what is sent; an edit that cannot be written back blocks', async () => {
  let edit;
  const srv = await fakeInterlock({ decide: (action) => ({ status: 'approved', decision: { kind: 'edit' }, payload: edit(action.payload), comment: 'fixed' }) });
  const { handler, persist } = createHandler({ env: env(srv.url), log: quiet });
  const wrong = 'Fix: grant read on payments-data to all-engineering.';
  const fixed = 'CORRECTION: do NOT widen the permissions; ask security first.';
  const call = { toolName: 'message', toolCallId: 'm1', params: { action: 'send', channel: 'slack', target: '#eng-all', message: wrong } };
  edit = (p) => ({ ...p, text: fixed });
  const out = await handler(call);
  assert.deepEqual(out, { params: { action: 'send', channel: 'slack', target: '#eng-all', message: fixed } });
  const submit = srv.requests.find((r) => r.url === '/v1/actions');
  assert.equal(submit.body.payload.channel, 'slack #eng-all', 'the recipient is shown, not only the channel kind');
  assert.match(persist({ toolCallId: 'm1', message: { content: 'sent' } }).message.content[0].text, /CORRECTION/);
  // The same edit made in text and params runs; made in params alone, `text` still shows the
  // wrong message (what was scored and approved), so it blocks; both made differently block.
  edit = (p) => ({ ...p, text: fixed, params: { ...p.params, message: fixed } });
  assert.equal((await handler({ ...call, toolCallId: 'm2' })).params.message, fixed);
  edit = (p) => ({ ...p, params: { ...p.params, message: fixed } });
  assert.match((await handler({ ...call, toolCallId: 'm2b' })).blockReason, /do not match the approved `params`/);
  edit = (p) => ({ ...p, text: fixed, params: { ...p.params, message: 'something else' } });
  assert.match((await handler({ ...call, toolCallId: 'm3' })).blockReason, /both `text` and `params.message`/);
  // `channel` here is read from channel and target: the reviewer is told to edit params.
  edit = (p) => ({ ...p, channel: 'slack #security' });
  assert.match((await handler({ ...call, toolCallId: 'm4' })).blockReason, /edit those in `params`/);
  edit = (p) => ({ ...p, params: { ...p.params, target: '#security' }, channel: 'slack #security' });
  assert.equal((await handler({ ...call, toolCallId: 'm5' })).params.target, '#security');
  edit = (p) => ({ ...p, params: { ...p.params, target: '#security' } });
  assert.equal((await handler({ ...call, toolCallId: 'm6' })).block, true, 'shown channel and params disagree');
  // sessions_send: the channel is the session key alone, so its edit is written back.
  edit = (p) => ({ ...p, channel: 'agent:main:other', text: 'hello' });
  assert.deepEqual(await handler({ toolName: 'sessions_send', toolCallId: 'm7', params: { sessionKey: 'agent:main:x', message: 'hi' } }),
                   { params: { sessionKey: 'agent:main:other', message: 'hello' } });
  edit = (p) => ({ ...p, tool: 'message' });
  assert.match((await handler({ toolName: 'sessions_send', toolCallId: 'm8', params: { sessionKey: 'k', message: 'hi' } })).blockReason,
               /changed the tool/);
  // A parameter the reviewer removes from params does not apply.
  edit = (p) => ({ ...p, params: { action: 'send', channel: 'slack', target: '#eng-all', message: wrong } });
  assert.deepEqual(await handler({ ...call, toolCallId: 'm9', params: { ...call.params, media: '/etc/passwd' } }),
                   { params: { action: 'send', channel: 'slack', target: '#eng-all', message: wrong, media: undefined } });
  await srv.close();
});

// F12 (OpenClaw variant): an edit of `tool` ran the original tool with the edited params.
test('any other tool: an edit that changes the tool or adds a field blocks; params run as edited', async () => {
  let edit;
  const srv = await fakeInterlock({ decide: (action) => ({ status: 'approved', decision: { kind: 'edit' }, payload: edit(action.payload) }) });
  const { handler } = createHandler({ env: env(srv.url), log: quiet });
  const call = { toolName: 'delete_emails', toolCallId: 't1', params: { ids: ['m1', 'm2', 'm3'] } };
  edit = (p) => ({ ...p, tool: 'archive_emails' });
  const out = await handler(call);
  assert.equal(out.block, true, 'the original tool must not run');
  assert.match(out.blockReason, /changed the tool from `delete_emails` to `archive_emails`/);
  edit = (p) => ({ ...p, note: 'x' });
  assert.equal((await handler({ ...call, toolCallId: 't2' })).block, true);
  edit = (p) => ({ ...p, params: { ids: ['m1'] } });
  assert.deepEqual(await handler({ ...call, toolCallId: 't3' }), { params: { ids: ['m1'] } });
  await srv.close();
});
