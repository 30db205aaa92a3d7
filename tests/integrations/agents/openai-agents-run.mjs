// An application written against the OpenAI Agents SDK, offline: its model is the scripted fake
// (chat completions on loopback), its tools manage a fake mailbox. The only Interlock line is the
// call to runWithInterlock instead of run. Used by tests/tst_e2e_openaiagents.cpp.
//
//   node openai-agents-run.mjs --model-port N --mail-log FILE [--mode interlock|bypass|mcp|astool] [--agent NAME]
//
// Each tool execution appends one JSON line to --mail-log. The final output and the tool outputs
// the model saw are printed as one JSON object on stdout.
// --mode bypass runs the gated agent with plain run() and approves every interruption by hand: the
// gate must still refuse to run the tools (they were not approved through Interlock).
// --mode mcp adds an MCP server (the SDK's MCPServer interface, in process, as MCPServerStdio
// wraps one) whose tool purge_mailbox the SDK lists anew on each turn.
// --mode astool gives the agent only a sub-agent used as a tool (ask_mail_helper = mail-helper,
// which has delete_emails): the sub-agent's own calls must be decided in Interlock too.

import fs from 'node:fs';
import OpenAI from 'openai';
import * as sdk from '@openai/agents';
import { z } from 'zod';
import { gateAllTools, runWithInterlock } from '../../../app/integrations/openai-agents/index.mjs';

const args = new Map();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i], process.argv[i + 1]);
const mailLog = args.get('--mail-log');
const mode = args.get('--mode') || 'interlock';

sdk.setTracingDisabled(true);
sdk.setDefaultOpenAIClient(new OpenAI({ baseURL: `http://127.0.0.1:${args.get('--model-port')}/v1`, apiKey: 'sk-fake-offline' }));
sdk.setOpenAIAPI('chat_completions');

const record = (entry) => fs.appendFileSync(mailLog, `${JSON.stringify(entry)}\n`);

const deleteEmails = sdk.tool({
  name: 'delete_emails',
  description: 'Delete e-mails from a mailbox for good.',
  parameters: z.object({ mailbox: z.string(), message_ids: z.array(z.string()) }),
  execute: async ({ mailbox, message_ids: ids }) => {
    record({ tool: 'delete_emails', mailbox, message_ids: ids });
    return `deleted ${ids.length} messages from ${mailbox}`;
  },
});
const archiveEmails = sdk.tool({
  name: 'archive_emails',
  description: 'Move e-mails to the archive.',
  parameters: z.object({ message_ids: z.array(z.string()) }),
  execute: async ({ message_ids: ids }) => {
    record({ tool: 'archive_emails', message_ids: ids });
    return `archived ${ids.length} messages`;
  },
});

const agent = new sdk.Agent({
  name: 'inbox-cleaner',
  instructions: 'You keep the inbox clean.',
  model: 'fake-model',
  tools: [deleteEmails, archiveEmails],
});

const mailStore = {
  name: 'mailstore', cacheToolsList: false,
  async connect() {}, async close() {}, async invalidateToolsCache() {},
  async listTools() {
    return [{ name: 'purge_mailbox', description: 'Delete every message of a mailbox.',
              inputSchema: { type: 'object', properties: { mailbox: { type: 'string' } }, required: ['mailbox'], additionalProperties: false } }];
  },
  async callTool(name, toolArgs) {
    record({ tool: name, ...toolArgs });
    return [{ type: 'text', text: `purged ${toolArgs.mailbox}` }];
  },
};
if (mode === 'mcp') agent.mcpServers = [mailStore];
// --mode localshell adds the SDK's shellTool with a local shell and passes allowHostedTools: the
// adapter must refuse to run (it runs on this machine, not at the vendor); the error is printed.
if (mode === 'localshell')
  agent.tools = [...agent.tools, sdk.shellTool({ shell: { run: async (action) => { record({ tool: 'shell', action }); return { output: [] }; } } })];
if (mode === 'astool') {
  const helper = new sdk.Agent({ name: 'mail-helper', instructions: 'You help with mail.', model: 'fake-model', tools: [deleteEmails] });
  agent.tools = [helper.asTool({ toolName: 'ask_mail_helper', toolDescription: 'Ask the mail helper.' })];
}

let result;
if (mode === 'bypass') {
  gateAllTools(agent);
  result = await sdk.run(agent, 'Clean up my inbox.');
  for (let round = 0; result.interruptions && result.interruptions.length && round < 10; ++round) {
    for (const item of result.interruptions) result.state.approve(item);
    result = await sdk.run(agent, result.state);
  }
} else {
  try {
    result = await runWithInterlock(agent, 'Clean up my inbox.', { sdk, agent: args.get('--agent') || 'inbox-cleaner',
                                    kinds: { delete_emails: 'email.delete' }, allowHostedTools: mode === 'localshell' });
  } catch (error) {
    process.stdout.write(`${JSON.stringify({ error: String(error && error.message) })}\n`);
    process.exit(0);
  }
}
const outputs = (result.newItems || [])
  .filter((i) => i.type === 'tool_call_output_item')
  .map((i) => (typeof i.output === 'string' ? i.output : JSON.stringify(i.output)));
process.stdout.write(`${JSON.stringify({ final: result.finalOutput ?? null, outputs })}\n`);
