// Interlock's REST client for the JavaScript integrations (the OpenClaw plugin, the OpenAI Agents
// SDK adapter). Plain ES module, Node >= 22, no dependencies (global fetch).
//
// One rule everywhere: fail closed. gate() never throws and never answers "allow" unless the
// server said approved; every error, timeout, unexpected answer or killed session is a denial
// with a reason a person can read.
//
// Credentials, from the options or the environment:
//   - under `interlockctl run`: INTERLOCK_URL + INTERLOCK_SESSION_TOKEN (the supervisor's session;
//     an emergency stop also kills the agent's whole process tree);
//   - otherwise INTERLOCK_URL + INTERLOCK_TOKEN (an agent enrollment token): one Interlock session
//     is opened per client on first use.

const DEFAULT_URL = 'http://127.0.0.1:7878';
const POLL_WAIT_S = 55; // the server allows up to 60 s per long-poll
const KILLED = 'the Interlock session was killed (emergency stop): nothing runs any more';
const USED_ONCE = "Interlock's approval of this call was already given to an earlier attempt of it " +
  '(the same call id and input); an approval runs one call, so this repeat is not run: ask again as a new call';

// A single-line text the server accepts: control and line-separator characters become spaces, at
// most `max` UTF-16 units, never cutting a surrogate pair. Titles are for the reviewer's list;
// the payload keeps everything.
export function oneLine(text, max) {
  const flat = String(text ?? '').replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ');
  if (flat.length <= max) return flat;
  let out = '';
  for (const ch of flat) {
    if (out.length + ch.length > max - 1) break;
    out += ch;
  }
  return `${out}…`;
}

export class InterlockClient {
  constructor(options = {}) {
    const env = options.env || process.env;
    this.url = String(options.url || env.INTERLOCK_URL || DEFAULT_URL).replace(/\/+$/, '');
    this.sessionToken = options.sessionToken || env.INTERLOCK_SESSION_TOKEN || '';
    this.supervised = Boolean(this.sessionToken);
    this.enrollmentToken = options.token || env.INTERLOCK_TOKEN || '';
    this.agent = options.agent || env.INTERLOCK_AGENT || 'agent';
    this.owner = options.owner || env.INTERLOCK_OWNER || undefined;
    this.description = options.description || undefined;
    // How long one call may wait for a reviewer before it is denied and withdrawn.
    this.deadlineMs = Number(options.deadlineMs) > 0 ? Number(options.deadlineMs) : 3_600_000;
    this.requestTimeoutMs = Number(options.requestTimeoutMs) > 0 ? Number(options.requestTimeoutMs) : 15_000;
    this.killed = false; // once killed, every later call is denied without asking
    // How long alive() trusts its last answer (read-only tools ask at most this often).
    this.aliveCacheMs = Number(options.aliveCacheMs) >= 0 ? Number(options.aliveCacheMs) : 1000;
    this.sessionPromise = null;
    this.log = typeof options.log === 'function' ? options.log : () => {};
  }

  async request(method, path, { token, body, headers = {}, timeoutMs, signal } = {}) {
    const timeout = AbortSignal.timeout(timeoutMs || this.requestTimeoutMs);
    const response = await fetch(this.url + path, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
    });
    const text = await response.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { json = null; }
    return { status: response.status, body: json, replayed: response.headers.get('idempotent-replayed') === 'true' };
  }

  static errorCode(result) {
    return result && result.body && result.body.error ? String(result.body.error.code || '') : '';
  }

  // The session token to submit with: the supervisor's, or one opened with the enrollment token.
  async session() {
    if (this.sessionToken) return this.sessionToken;
    if (!this.enrollmentToken)
      throw new Error('no Interlock credential: set INTERLOCK_SESSION_TOKEN (interlockctl run) or INTERLOCK_TOKEN');
    if (!this.sessionPromise) {
      this.sessionPromise = (async () => {
        const r = await this.request('POST', '/v1/sessions', {
          token: this.enrollmentToken,
          body: { agent: this.agent, ...(this.owner ? { owner: this.owner } : {}),
                  ...(this.description ? { description: this.description } : {}) },
        });
        if (r.status !== 201 || !r.body || typeof r.body.token !== 'string')
          throw new Error(`Interlock refused to open a session (HTTP ${r.status} ${InterlockClient.errorCode(r)})`);
        this.sessionToken = r.body.token;
        this.sessionId = r.body.session && r.body.session.id;
        return this.sessionToken;
      })();
      this.sessionPromise.catch(() => { this.sessionPromise = null; }); // retry on the next call
    }
    return this.sessionPromise;
  }

  // Submits `action` and waits for the reviewer. Resolves to one of
  //   {allow: true, edited: false}
  //   {allow: true, edited: true, payload, comment}
  //   {allow: false, reason}
  // and never rejects.
  // `signal` (optional): the tool call was cancelled; the action is withdrawn and denied.
  async gate(action, { idempotencyKey, deadlineMs, signal } = {}) {
    const started = Date.now();
    const deadline = started + (deadlineMs || this.deadlineMs);
    if (this.killed) return { allow: false, reason: KILLED };
    let token;
    let actionId = null;
    try {
      token = await this.session();
      const body = { ...action, title: oneLine(action.title, 200) || String(action.kind),
                     expires_in: Math.ceil((deadline - Date.now()) / 1000) + 30 };
      if (body.target !== undefined) body.target = oneLine(body.target, 2048);
      const submit = await this.request('POST', '/v1/actions', {
        token,
        body,
        headers: idempotencyKey ? { 'idempotency-key': idempotencyKey } : {},
      });
      if (submit.status === 403 && InterlockClient.errorCode(submit) === 'session_killed') {
        this.killed = true;
        return { allow: false, reason: KILLED };
      }
      if (submit.status !== 201 && submit.status !== 200)
        return { allow: false, reason: `Interlock refused the action (HTTP ${submit.status} ${InterlockClient.errorCode(submit)})` };
      actionId = submit.body && submit.body.id;
      if (typeof actionId !== 'string' || !actionId) return { allow: false, reason: 'Interlock answered without an action id' };
      // The same call (same id, same input) approved for an earlier attempt, which had its answer:
      // one approval runs one call. A rejection is given again as it was.
      if (submit.replayed && submit.body.status === 'approved') return { allow: false, reason: USED_ONCE, actionId };
      this.log(`interlock: action ${actionId} (${action.kind}) waits for a reviewer`);
      for (;;) {
        if (signal && signal.aborted) {
          await this.withdraw(token, actionId, 'the tool call was cancelled');
          return { allow: false, reason: 'the tool call was cancelled while it waited for a reviewer' };
        }
        const left = deadline - Date.now();
        if (left <= 0) {
          await this.withdraw(token, actionId, 'the agent stopped waiting (deadline)');
          return { allow: false, reason: `no decision from an Interlock reviewer within ${Math.round((deadlineMs || this.deadlineMs) / 1000)} s: not run` };
        }
        const wait = Math.max(1, Math.min(POLL_WAIT_S, Math.floor(left / 1000)));
        let d;
        try {
          d = await this.request('GET', `/v1/actions/${encodeURIComponent(actionId)}/decision?wait=${wait}`,
                                 { token, timeoutMs: (wait + 15) * 1000, signal });
        } catch (error) {
          if (signal && signal.aborted) continue;
          // A dropped long-poll is retried until the deadline; a dead server ends in a denial.
          if (Date.now() + 1000 >= deadline) throw error;
          await new Promise((r) => setTimeout(r, 1000));
          continue;
        }
        if (d.status === 403 && InterlockClient.errorCode(d) === 'session_killed') {
          this.killed = true;
          return { allow: false, reason: KILLED };
        }
        if (d.status !== 200 || !d.body) return { allow: false, reason: `Interlock answered HTTP ${d.status} ${InterlockClient.errorCode(d)}: not run` };
        const status = d.body.status;
        if (status === 'pending') continue;
        const comment = typeof d.body.comment === 'string' ? d.body.comment : '';
        if (status === 'approved') {
          // Another wait on the same action (the same call sent twice at once) had it first.
          if (d.body.delivered_before === true) return { allow: false, reason: USED_ONCE, actionId };
          const kind = d.body.decision && typeof d.body.decision === 'object' ? d.body.decision.kind : d.body.decision;
          if (kind === 'edit') {
            if (!d.body.payload || typeof d.body.payload !== 'object')
              return { allow: false, reason: 'Interlock approved an edit without a payload: not run' };
            return { allow: true, edited: true, payload: d.body.payload, comment, actionId };
          }
          return { allow: true, edited: false, comment, actionId };
        }
        if (status === 'rejected')
          return { allow: false, reason: `Rejected by the Interlock reviewer: ${comment || 'no reason given'}`, actionId };
        // A kill cancels the session's pending actions, and the long-poll may say "cancelled"
        // before the token is refused: the session's token says which it was, and a killed
        // session runs nothing any more, read-only tools included.
        if (status === 'cancelled' && await this.wasKilled(token))
          return { allow: false, reason: KILLED, actionId };
        return { allow: false, reason: `the Interlock action was ${status || 'not approved'}${comment ? `: ${comment}` : ''}: not run`, actionId };
      }
    } catch (error) {
      if (token && actionId) await this.withdraw(token, actionId, 'the agent side failed').catch(() => {});
      return { allow: false, reason: `Interlock could not be asked (${error && error.message ? error.message : error}): not run (fail closed)` };
    }
  }

  // For calls that need no review (read-only tools): false once the session was killed, or when
  // Interlock cannot say (a session exists, so it could before: fail closed). Asked at most once
  // per aliveCacheMs (1 s); before any session there is nothing to kill.
  async alive() {
    if (this.killed) return false;
    if (!this.sessionToken) return true;
    const now = Date.now();
    if (this.aliveUntil && now < this.aliveUntil) return true;
    try {
      const me = await this.request('GET', '/v1/me', { token: this.sessionToken, timeoutMs: 5000 });
      if (me.status === 403 && InterlockClient.errorCode(me) === 'session_killed') this.killed = true;
      if (me.status !== 200) return false;
    } catch { return false; }
    this.aliveUntil = now + this.aliveCacheMs;
    return true;
  }

  // Whether the session was killed (GET /v1/me answers 403 session_killed); remembered.
  async wasKilled(token) {
    try {
      const me = await this.request('GET', '/v1/me', { token, timeoutMs: 5000 });
      if (me.status === 403 && InterlockClient.errorCode(me) === 'session_killed') this.killed = true;
    } catch { /* unknown: the call is denied anyway */ }
    return this.killed;
  }

  async withdraw(token, actionId, reason) {
    try {
      await this.request('POST', `/v1/actions/${encodeURIComponent(actionId)}/withdraw`, { token, body: { reason } });
    } catch { /* the action expires by itself, never approved */ }
  }
}
