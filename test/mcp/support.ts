/**
 * MCP test support: a real service (startService: SQLite in a temp dir, the referral ontology) with its /mcp
 * endpoint, SDK clients over Streamable HTTP, and small helpers to call tools and read their JSON answers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { loadConfig } from '../../src/service/config.ts';
import { startService, type Service } from '../../src/service/start-service.ts';
import { AUDIENCE, ISSUER, SECRET } from '../support/auth.ts';

export interface McpTestService {
  readonly service: Service;
  readonly dir: string;
  /** An SDK client connected to `<url>/mcp` with these headers. */
  connect(headers?: Record<string, string>): Promise<Client>;
  close(): Promise<void>;
}

/** Starts the service; `auth: true` requires tokens made with test/support/auth.ts. */
export async function startMcpService(options: { auth?: boolean } = {}): Promise<McpTestService> {
  const dir = mkdtempSync(join(tmpdir(), 'tg-mcp-'));
  const env = options.auth ? { TRAILGRAPH_AUTH_SECRET: SECRET, TRAILGRAPH_AUTH_ISSUER: ISSUER, TRAILGRAPH_AUTH_AUDIENCE: AUDIENCE } : {};
  const service = await startService(loadConfig({ store: join(dir, 'graph.db'), ontology: 'ontology/referral', port: 0, queries: join(dir, 'no-queries') }, env), { sweepMs: 100, stopGraceMs: 200 });
  const clients: Client[] = [];
  return {
    service,
    dir,
    async connect(headers = {}) {
      const client = new Client({ name: 'trailgraph-test', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(`${service.url}/mcp`), { requestInit: { headers } }));
      clients.push(client);
      return client;
    },
    async close() {
      await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
      await service.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The JSON answer of a tool call (its text content), and whether it was an error. */
export function answer(result: unknown): { isError: boolean; body: Record<string, any> } { // eslint-disable-line @typescript-eslint/no-explicit-any
  const r = result as CallToolResult;
  const first = r.content[0];
  if (first?.type !== 'text') throw new Error(`no text content: ${JSON.stringify(r)}`);
  return { isError: r.isError === true, body: JSON.parse(first.text) as Record<string, unknown> };
}

/** Calls a tool that must succeed; returns its JSON answer. */
export async function ok(client: Client, name: string, args: Record<string, unknown>): Promise<Record<string, any>> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const { isError, body } = answer(await client.callTool({ name, arguments: args }));
  if (isError) throw new Error(`${name} failed: ${JSON.stringify(body)}`);
  return body;
}

/** Calls a tool that must fail; returns its `error` object. */
export async function fails(client: Client, name: string, args: Record<string, unknown>): Promise<Record<string, any>> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const { isError, body } = answer(await client.callTool({ name, arguments: args }));
  if (!isError) throw new Error(`${name} succeeded but should have failed: ${JSON.stringify(body)}`);
  return body.error as Record<string, unknown>;
}

export const patientData = (id: string, n: number): Record<string, unknown> => ({ '@type': 'Patient', id, name: `Patient ${n}`, birthDate: '1970-02-03', mrn: `MRN-${String(n).padStart(6, '0')}` });

export function referralData(id: string, patientId: string): Record<string, unknown> {
  return {
    '@type': 'Referral', id, reason: 'Chest pain on exertion', triageLevel: 'urgent', status: 'requested', requestedAt: '2026-11-21T09:00:00Z', forPatient: patientId,
    referredBy: { '@type': 'GeneralPractitioner', id: 'gp-7', name: 'Dr Ada Moss' },
    requestedSpecialty: { '@type': 'Specialty', id: 'sp-card', code: 'CARD', name: 'Cardiology' },
  };
}

/** Resolves when `check()` holds, polling every 20 ms; rejects after `timeoutMs` with `what`. */
export async function eventually(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The text of a resource read (its first content). */
export function resourceText(result: { contents: readonly ({ text: string } | { blob: string })[] }): string {
  const first = result.contents[0];
  if (!first || !('text' in first)) throw new Error(`no text content: ${JSON.stringify(result)}`);
  return first.text;
}
