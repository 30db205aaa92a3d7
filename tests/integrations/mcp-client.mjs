#!/usr/bin/env node
// A real MCP client (the official TypeScript SDK) for Interlock's gateway tests, driven over its
// stdin by the test, one JSON command per line; it reports on stdout, one JSON event per line.
//
//   node mcp-client.mjs -- COMMAND ARGS…      (the MCP server to start: here, the gateway)
//
// Commands:
//   {"cmd":"call","id":"a","tool":"write_file","arguments":{…},
//    "timeout":60000?,"resetTimeoutOnProgress":true?}   starts a tools/call (SDK default timeout
//                                                         60 s unless "timeout" is given)
//   {"cmd":"cancel","id":"a"}                            aborts it (the SDK sends
//                                                         notifications/cancelled)
//   {"cmd":"exit"}                                       closes the client
// Events:
//   {"event":"ready","tools":{name: annotations…}}       after initialize and tools/list
//   {"event":"progress","id":"a","progress":n,"message"}
//   {"event":"result","id":"a","isError":bool,"text":"…"}
//   {"event":"error","id":"a","code":n,"message":"…"}    the SDK gave up (timeout, cancel…)
//   {"event":"closed"}                                   the server (gateway) went away

import readline from 'node:readline';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const dash = process.argv.indexOf('--');
if (dash < 0 || dash === process.argv.length - 1) {
  console.error('usage: mcp-client.mjs -- COMMAND ARGS…');
  process.exit(2);
}
const [command, ...args] = process.argv.slice(dash + 1);
const emit = (event) => process.stdout.write(JSON.stringify(event) + '\n');

const transport = new StdioClientTransport({ command, args, env: process.env, stderr: 'inherit' });
const client = new Client({ name: 'interlock-e2e', version: '1.0.0' });
transport.onclose = () => emit({ event: 'closed' });
const calls = new Map();

await client.connect(transport);
const listed = await client.listTools();
emit({ event: 'ready', tools: Object.fromEntries(listed.tools.map((t) => [t.name, t.annotations || {}])) });

const input = readline.createInterface({ input: process.stdin });
input.on('line', (line) => {
  if (!line.trim()) return;
  const c = JSON.parse(line);
  if (c.cmd === 'call') {
    const abort = new AbortController();
    calls.set(c.id, abort);
    const options = { signal: abort.signal,
                      onprogress: (p) => emit({ event: 'progress', id: c.id, progress: p.progress, message: p.message }) };
    if (c.timeout) options.timeout = c.timeout;
    if (c.resetTimeoutOnProgress) options.resetTimeoutOnProgress = true;
    client.callTool({ name: c.tool, arguments: c.arguments }, undefined, options).then(
      (r) => emit({ event: 'result', id: c.id, isError: !!r.isError,
                    text: (r.content || []).map((x) => x.text || '').join('\n') }),
      (e) => emit({ event: 'error', id: c.id, code: e.code ?? null, message: String(e.message || e) }));
  } else if (c.cmd === 'cancel') {
    calls.get(c.id)?.abort('cancelled by the test');
  } else if (c.cmd === 'exit') {
    client.close().then(() => process.exit(0));
  }
});
input.on('close', () => client.close().then(() => process.exit(0)));
