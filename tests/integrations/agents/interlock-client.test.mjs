// The JavaScript integrations' REST client (app/integrations/js/interlock-client.mjs) against a
// real interlockd on loopback (node --test; ctest: interlock_client_js). INTERLOCKD and
// INTERLOCKCTL name the built programs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InterlockClient } from '../../../app/integrations/js/interlock-client.mjs';

let dir;
let daemon;
let url;
const tokens = {};

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'il-js-'));
  const db = path.join(dir, 'i.db');
  for (const role of ['agent', 'reviewer', 'oncall'])
    tokens[role] = execFileSync(process.env.INTERLOCKCTL, ['token', 'create', '--db', db, '--role', role, '--name', `${role}-1`]).toString().trim();
  daemon = spawn(process.env.INTERLOCKD, ['--db', db, '--listen', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  url = await new Promise((resolve, reject) => {
    let out = '';
    const seen = (chunk) => {
      out += chunk;
      const m = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) resolve(m[1]);
    };
    daemon.stdout.on('data', seen);
    daemon.stderr.on('data', seen);
    daemon.on('exit', (code) => reject(new Error(`interlockd exited (${code}): ${out}`)));
  });
});

after(() => {
  daemon.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

async function call(token, method, p, body) {
  const r = await fetch(url + p, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
                                   body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: r.status, body: await r.json().catch(() => null) };
}

// The one pending action of the session `sessionId`, once it is there.
async function pendingOf(sessionId) {
  for (let tries = 0; tries < 1000; ++tries) {
    const r = await call(tokens.reviewer, 'GET', '/v1/actions?status=pending');
    const a = (r.body.actions || []).find((x) => x.session_id === sessionId);
    if (a) return a;
    await new Promise((r) => setTimeout(r, 10)); // polling a real server, not waiting for time
  }
  throw new Error(`no pending action of ${sessionId}`);
}

const action = { kind: 'shell.exec', title: 'Append to the deploy log', target: 'deploys.log',
                 payload: { command: 'echo deployed >> deploys.log' } };
const approve = (id) => call(tokens.reviewer, 'POST', `/v1/actions/${id}/decision`, { decision: 'approve' });

test('an approval runs one call: a repeat of the same call id is not run (attack report F03)', async () => {
  const client = new InterlockClient({ url, token: tokens.agent, agent: 'repeater', log: () => {} });
  const first = client.gate(action, { idempotencyKey: 'call-1' });
  await client.session();
  const pending = await pendingOf(client.sessionId);
  assert.equal((await approve(pending.id)).status, 200);
  assert.equal((await first).allow, true);
  for (let i = 0; i < 2; ++i) {
    const again = await client.gate(action, { idempotencyKey: 'call-1' });
    assert.equal(again.allow, false);
    assert.match(again.reason, /already given to an earlier attempt/);
  }
  // A rejection is given again as it was.
  const rejected = client.gate(action, { idempotencyKey: 'call-2' });
  const second = await pendingOf(client.sessionId);
  await call(tokens.reviewer, 'POST', `/v1/actions/${second.id}/decision`, { decision: 'reject', comment: 'not today' });
  assert.match((await rejected).reason, /not today/);
  assert.match((await client.gate(action, { idempotencyKey: 'call-2' })).reason, /not today/);
});

test('the same call sent twice at once: one approval, one run', async () => {
  let submitted = 0;
  let bothSubmitted;
  const both = new Promise((r) => { bothSubmitted = r; });
  const log = (line) => { if (/waits for a reviewer/.test(line) && ++submitted === 2) bothSubmitted(); };
  const client = new InterlockClient({ url, token: tokens.agent, agent: 'twice', log });
  const a = client.gate(action, { idempotencyKey: 'call-1' });
  const b = client.gate(action, { idempotencyKey: 'call-1' });
  await both; // both submissions answered (one action), neither decided yet
  const pending = await pendingOf(client.sessionId);
  assert.equal((await approve(pending.id)).status, 200);
  const results = [await a, await b].map((x) => x.allow).sort();
  assert.deepEqual(results, [false, true]);
});

test('a kill that cancels the waiting call is remembered: nothing runs after it (attack report F13)', async () => {
  const client = new InterlockClient({ url, token: tokens.agent, agent: 'stopped', log: () => {} });
  const waiting = client.gate(action, { idempotencyKey: 'call-1' });
  await client.session();
  await pendingOf(client.sessionId);
  assert.equal((await call(tokens.oncall, 'POST', `/v1/sessions/${client.sessionId}/kill`, { reason: 'stop' })).status, 200);
  const out = await waiting;
  assert.equal(out.allow, false);
  assert.match(out.reason, /killed/);
  assert.equal(client.killed, true, 'read-only tools check this before they run');
});

test('after a kill, read-only OpenClaw tools stop too, with no reviewed call waiting (review finding 3)', async () => {
  const { createHandler } = await import('../../../app/integrations/openclaw/index.js');
  const env = { INTERLOCK_URL: url, INTERLOCK_TOKEN: tokens.agent };
  const { handler } = createHandler({ env, agent: 'reader', log: () => {}, aliveCacheMs: 0 });
  const read = { toolName: 'read', params: { path: '/root/.ssh/id_rsa' }, toolCallId: 'r1', runId: 'run' };
  assert.equal(await handler(read, { sessionId: 's' }), undefined, 'a read needs no review');
  // A reviewed call opens the session; then the on-call person stops it while nothing waits.
  const exec = { toolName: 'exec', params: { command: 'ls' }, toolCallId: 'c1', runId: 'run' };
  const first = handler(exec, { sessionId: 's' });
  const session = await (async () => {
    for (let i = 0; i < 500; ++i) {
      const s = (await call(tokens.oncall, 'GET', '/v1/sessions?status=active')).body.sessions.find((x) => x.agent === 'reader');
      if (s) return s;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('no session of reader');
  })();
  const pending = await pendingOf(session.id);
  assert.equal((await approve(pending.id)).status, 200);
  assert.equal((await first).block, undefined);
  assert.equal((await call(tokens.oncall, 'POST', `/v1/sessions/${session.id}/kill`, { reason: 'stop' })).status, 200);
  const after = await handler({ ...read, toolCallId: 'r2' }, { sessionId: 's' });
  assert.equal(after.block, true);
  assert.match(after.blockReason, /killed/);
});
