#!/usr/bin/env node
// A scripted fake model for Interlock's end-to-end tests: no network, no keys.
//
//   node fake-model.mjs --scenario FILE [--log FILE] [--port-file FILE]
//
// Listens on 127.0.0.1 (a free port, printed as {"port":N} on stdout and written to --port-file)
// and answers the Anthropic Messages API (POST /v1/messages, streaming SSE or not; HEAD / for
// Claude Code's connectivity check). Every request is appended to --log as one JSON line
// {"at","method","path","body"}, so a test can assert what the model was told (the reviewer's
// reason in a tool result, the edited command…).
//
// The scenario decides each answer from how many tool results the conversation already holds
// (never from the last message alone: agents append their own context messages after results):
//   {"steps": [ {"text"?: "…", "tools": [{"name": "Bash", "input": {"command": "…"}}]},
//               {"text": "Done."} ]}
// Step N answers a conversation with N tool results; past the last step the model says "Done.".
// A conversation that offers a tool named in "by_tool" ({"delete_emails": {"steps": […], "final":
// "…"}}) is answered from that script instead: a sub-agent's own conversation (an agent used as a
// tool by another) gets its own steps.
// A request without tools (titles, summaries, safety checks the agent runs on a small model) is
// answered with plain text: "side" in the scenario, or "none".
//
// Protocol adapters: the Anthropic Messages API (Claude Code) and the OpenAI-compatible
// /v1/chat/completions (OpenClaw's "openai-completions" providers, the OpenAI Agents SDK in its
// chat-completions mode; streaming SSE or not), both on the same step logic. GET /v1/models lists
// one model for clients that ask.

import http from 'node:http';
import fs from 'node:fs';

const args = new Map();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i], process.argv[i + 1]);
const scenarioFile = args.get('--scenario');
if (!scenarioFile) {
  console.error('usage: fake-model.mjs --scenario FILE [--log FILE] [--port-file FILE]');
  process.exit(2);
}
const scenario = JSON.parse(fs.readFileSync(scenarioFile, 'utf8'));
const logFile = args.get('--log');
let toolUseCounter = 0;

function log(entry) {
  if (logFile) fs.appendFileSync(logFile, JSON.stringify({ at: new Date().toISOString(), ...entry }) + '\n');
}

// The scripted step for a conversation that already holds `results` tool results and offers `tools`.
function stepFor(results, tools) {
  const names = (tools || []).map((t) => (t && (t.name || (t.function && t.function.name))) || '');
  const byTool = scenario.by_tool || {};
  const script = names.map((n) => Object.prototype.hasOwnProperty.call(byTool, n) && byTool[n]).find(Boolean) || scenario;
  const steps = script.steps || [];
  return results < steps.length ? steps[results] : { text: script.final || scenario.final || 'Done.' };
}

// ---- Anthropic Messages API -------------------------------------------------------------
function countToolResults(messages) {
  let n = 0;
  for (const m of messages || []) {
    if (m.role !== 'user' || !Array.isArray(m.content)) continue;
    for (const block of m.content) if (block && block.type === 'tool_result') n += 1;
  }
  return n;
}

function anthropicContent(body) {
  const hasTools = Array.isArray(body.tools) && body.tools.length > 0;
  if (!hasTools) return { content: [{ type: 'text', text: scenario.side || 'none' }], stop: 'end_turn' };
  const step = stepFor(countToolResults(body.messages), body.tools);
  const content = [];
  if (step.text) content.push({ type: 'text', text: step.text });
  for (const tool of step.tools || []) {
    toolUseCounter += 1;
    content.push({ type: 'tool_use', id: `toolu_fake${String(toolUseCounter).padStart(6, '0')}`,
                   name: tool.name, input: tool.input || {} });
  }
  if (content.length === 0) content.push({ type: 'text', text: 'Done.' });
  return { content, stop: (step.tools || []).length ? 'tool_use' : 'end_turn' };
}

function sse(res, event, data) {
  res.write(`event: ${event}\ndata: ${JSON.stringify({ type: event, ...data })}\n\n`);
}

function anthropicMessages(body, res) {
  const { content, stop } = anthropicContent(body);
  const id = `msg_fake${Date.now()}`;
  const model = body.model || 'claude-fake';
  const usage = { input_tokens: 10, output_tokens: 10, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
  if (!body.stream) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id, type: 'message', role: 'assistant', model, content,
                             stop_reason: stop, stop_sequence: null, usage }));
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  sse(res, 'message_start', { message: { id, type: 'message', role: 'assistant', model, content: [],
                                         stop_reason: null, stop_sequence: null, usage } });
  content.forEach((block, index) => {
    if (block.type === 'text') {
      sse(res, 'content_block_start', { index, content_block: { type: 'text', text: '' } });
      sse(res, 'content_block_delta', { index, delta: { type: 'text_delta', text: block.text } });
    } else {
      sse(res, 'content_block_start', { index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } });
      sse(res, 'content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(block.input) } });
    }
    sse(res, 'content_block_stop', { index });
  });
  sse(res, 'message_delta', { delta: { stop_reason: stop, stop_sequence: null }, usage: { output_tokens: 10 } });
  sse(res, 'message_stop', {});
  res.end();
}

// ---- OpenAI-compatible Chat Completions --------------------------------------------------
// Tool results are messages with role "tool"; OpenClaw adds its own user messages after them.
function countChatToolResults(messages) {
  return (messages || []).filter((m) => m && m.role === 'tool').length;
}

function chatChoice(body) {
  const hasTools = Array.isArray(body.tools) && body.tools.length > 0;
  if (!hasTools) return { message: { role: 'assistant', content: scenario.side || 'none' }, finish: 'stop' };
  const step = stepFor(countChatToolResults(body.messages), body.tools);
  const calls = (step.tools || []).map((tool) => {
    toolUseCounter += 1;
    return { id: `call_fake${String(toolUseCounter).padStart(6, '0')}`, type: 'function',
             function: { name: tool.name, arguments: JSON.stringify(tool.input || {}) } };
  });
  const message = { role: 'assistant', content: step.text || (calls.length ? null : 'Done.') };
  if (calls.length) message.tool_calls = calls;
  return { message, finish: calls.length ? 'tool_calls' : 'stop' };
}

function chatCompletions(body, res) {
  const { message, finish } = chatChoice(body);
  const id = `chatcmpl-fake${Date.now()}`;
  const model = body.model || 'fake-model';
  const created = Math.floor(Date.now() / 1000);
  const usage = { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 };
  if (!body.stream) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id, object: 'chat.completion', created, model,
                             choices: [{ index: 0, message, finish_reason: finish }], usage }));
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const chunk = (delta, finishReason = null, extra = {}) =>
    res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model,
                                        choices: [{ index: 0, delta, finish_reason: finishReason }], ...extra })}\n\n`);
  chunk({ role: 'assistant', content: '' });
  if (message.content) chunk({ content: message.content });
  (message.tool_calls || []).forEach((call, index) =>
    chunk({ tool_calls: [{ index, id: call.id, type: 'function',
                           function: { name: call.function.name, arguments: call.function.arguments } }] }));
  chunk({}, finish);
  if (body.stream_options && body.stream_options.include_usage)
    res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [], usage })}\n\n`);
  res.write('data: [DONE]\n\n');
  res.end();
}

// ---- HTTP -------------------------------------------------------------------------------
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const raw = Buffer.concat(chunks).toString('utf8');
    let body = null;
    try { body = raw ? JSON.parse(raw) : null; } catch { body = { unparsed: raw.slice(0, 2000) }; }
    const path = req.url.split('?')[0];
    log({ method: req.method, path, body });
    if (req.method === 'HEAD' || (req.method === 'GET' && path === '/')) {
      res.writeHead(200);
      res.end();
    } else if (req.method === 'POST' && path === '/v1/messages/count_tokens') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ input_tokens: 10 }));
    } else if (req.method === 'POST' && path === '/v1/messages' && body) {
      anthropicMessages(body, res);
    } else if (req.method === 'POST' && path === '/v1/chat/completions' && body) {
      chatCompletions(body, res);
    } else if (req.method === 'GET' && path === '/v1/models') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: [{ id: scenario.model || 'fake-model', object: 'model', owned_by: 'interlock-tests' }] }));
    } else {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ type: 'error', error: { type: 'not_found_error', message: `no ${req.method} ${path} here` } }));
    }
  });
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  if (args.get('--port-file')) fs.writeFileSync(args.get('--port-file'), String(port));
  process.stdout.write(JSON.stringify({ port }) + '\n');
});
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => server.close(() => process.exit(0)));
