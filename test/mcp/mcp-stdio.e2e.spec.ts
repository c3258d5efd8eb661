/**
 * `trailgraph mcp` as a desktop host runs it: a real process on stdio, driven by the SDK's Client over its stdio
 * transport — once on its own store, once relaying to a running service with a bearer token from the
 * environment (the service's policy decides, as for GraphQL). Also: the HTTP endpoint refuses callers without a
 * token and applies the same policy to tool calls.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { loadOntology } from '../../src/app/ontology/ontology-loader.ts';
import { tokenFor } from '../support/auth.ts';
import { type McpTestService, eventually, fails, ok, patientData, startMcpService } from './support.ts';

/** The environment of the spawned CLI, without settings of the developer's shell that would change its mode. */
function cliEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('TRAILGRAPH_')) env[k] = v;
  return { ...env, NODE_NO_WARNINGS: '1', ...extra };
}

async function stdioClient(args: readonly string[], env: Record<string, string>): Promise<Client> {
  const client = new Client({ name: 'desktop-host', version: '1.0.0' });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: ['bin/trailgraph.js', 'mcp', ...args], env: cliEnv(env), stderr: 'inherit' }));
  return client;
}

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

void describe('trailgraph mcp (stdio)', () => {
  void it('serves its own store: tools from the ontology, calls, located errors, node notifications', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tg-mcp-stdio-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const client = await stdioClient(['--store', join(dir, 'graph.db'), '--ontology', 'ontology/referral', '--agent', 'agent://desk'], {});
    cleanups.push(() => client.close());
    const ontology = await loadOntology('ontology/referral');
    const { tools } = await client.listTools();
    assert.equal(tools.filter((x) => x.name.startsWith('publish_')).length, ontology.eventTypes.size);

    assert.equal((await ok(client, 'publish_PatientRegistered', { data: patientData('p-1', 1) })).status, 'applied');
    const updated: string[] = [];
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => void updated.push(n.params.uri));
    await client.subscribeResource({ uri: 'trailgraph://node/p-1' });
    const change = await ok(client, 'publish_PatientUpdated', { data: { '@type': 'Patient', id: 'p-1', name: 'Ann Lee' } });
    await eventually('node p-1 updated notification', () => updated.includes('trailgraph://node/p-1'));
    const got = await ok(client, 'get_node', { id: 'p-1', atLeastSeq: change.seq });
    assert.equal(got.node.properties.name, 'Ann Lee');
    assert.equal(got.node.lastChange.source, 'agent://desk', 'the agent from --agent publishes');
    assert.equal((await fails(client, 'publish_PatientUpdated', { data: { '@type': 'Patient', id: 'p-1', sex: 'robot' } })).pointer, '/data/sex');
  });
});

void describe('with auth: the bearer token decides, on every path', () => {
  let t: McpTestService;

  void it('trailgraph mcp --url relays to the service with TRAILGRAPH_TOKEN; the policy applies; notifications come through', async () => {
    t = await startMcpService({ auth: true });
    cleanups.push(() => t.close());
    const client = await stdioClient(['--url', t.service.url], { TRAILGRAPH_TOKEN: await tokenFor('agent://intake', ['intake']) });
    cleanups.push(() => client.close());
    const { tools } = await client.listTools();
    assert.ok(!('agent' in ((tools.find((x) => x.name === 'claim')?.inputSchema.properties) ?? {})), 'with auth the token says who acts: no agent argument');

    const published = await ok(client, 'publish_PatientRegistered', { data: patientData('p-7', 7) });
    assert.equal(published.status, 'applied');
    assert.equal((await ok(client, 'get_node', { id: 'p-7' })).node.lastChange.source, 'agent://intake', 'the event source is the token\'s agent');
    const refused = await fails(client, 'publish_LabResulted', { data: { '@type': 'LabResult', id: 'lr-1' } });
    assert.equal(refused.code, 'FORBIDDEN');
    assert.equal((await fails(client, 'claim', { node: 'p-7', purpose: 'insurance', ttlMs: 1000 })).code, 'FORBIDDEN', 'intake may not claim');

    const updated: string[] = [];
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => void updated.push(n.params.uri));
    await client.subscribeResource({ uri: 'trailgraph://marks' });
    const [outcome] = await t.service.runtime.publisher.publish([{ payload: {
      specversion: '1.0', id: 'upd-p-7', source: 'agent://intake', type: 'PatientUpdated', subject: 'Patient/p-7', data: { '@type': 'Patient', id: 'p-7', name: 'Renamed' },
    } }]);
    assert.equal(outcome?.status, 'applied');
    await eventually('marks notification through the relay', () => updated.includes('trailgraph://marks'));
  });

  void it('the HTTP endpoint answers 401 without a token and keeps a session to the agent that opened it', async () => {
    assert.ok(t, 'the service of the previous test runs');
    await assert.rejects(t.connect(), /401|Unauthorized|authentication required/i);
    const intake = await tokenFor('agent://intake', ['intake']);
    const init = await fetch(`${t.service.url}/mcp`, {
      method: 'POST',
      headers: { authorization: `Bearer ${intake}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } }),
    });
    assert.equal(init.status, 200);
    const session = init.headers.get('mcp-session-id');
    assert.ok(session);
    await init.body?.cancel();
    const other = await tokenFor('agent://lab', ['lab']);
    const hijack = await fetch(`${t.service.url}/mcp`, {
      method: 'POST',
      headers: { authorization: `Bearer ${other}`, 'mcp-session-id': session, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }),
    });
    assert.equal(hijack.status, 403, 'another agent cannot use the session');
    await hijack.body?.cancel();
  });
});
