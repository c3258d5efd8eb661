/**
 * The node:http path for `POST /graphql` answers exactly as yoga does. Every request below goes twice to the same
 * API: over a real socket (the listener `serve` mounts, which answers JSON POSTs itself and hands the rest to yoga)
 * and in-process through `api.fetch` (yoga alone). Status, the headers a client acts on and the JSON body must
 * match — for plain queries, every kind of error, the Accept variants, persisted operations (also in
 * persisted-only mode), authentication, CORS, the body limit and the requests the node path hands back to yoga.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { listen, type RunningServer } from '../../src/api/http/node-server.ts';
import { loadPersistedOperations } from '../../src/api/persisted-operations.ts';
import type { ApiOptions } from '../../src/api/server.ts';
import type { AccessControl } from '../../src/app/auth/access-control.ts';
import { acceptedJsonType } from '../../src/api/http/graphql-node-path.ts';
import { testAccess, tokenFor } from '../support/auth.ts';
import { referralOntology } from '../support/auth-server.ts';
import { type Harness, createHarness } from './harness.ts';

interface Case {
  readonly name: string;
  readonly body: string;
  readonly headers?: Record<string, string>;
}

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | null>;
  readonly body: unknown;
}

/** The headers compared (a client or browser acts on them); the rest (date, keep-alive) is the transport's. */
const COMPARED = ['content-type', 'www-authenticate', 'access-control-allow-origin', 'access-control-allow-credentials', 'vary', 'accept'];

/** Error ids and stack-free randomness aside, the body as JSON (or text when it is not JSON). */
function parsed(text: string): unknown {
  const normalised = text.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>');
  try {
    return JSON.parse(normalised) as unknown;
  } catch {
    return normalised;
  }
}

function overSocket(url: string, c: Case): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers = { 'content-type': 'application/json', ...c.headers, 'content-length': String(Buffer.byteLength(c.body)) };
    const req = request(`${url}/graphql`, { method: 'POST', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => {
        const picked = Object.fromEntries(COMPARED.map((h) => [h, (res.headers[h] as string | undefined) ?? null]));
        resolve({ status: res.statusCode ?? 0, headers: picked, body: parsed(text) });
      });
    });
    req.on('error', reject);
    req.end(c.body);
  });
}

async function inProcess(h: Harness, c: Case): Promise<Answer> {
  const res = await h.api.fetch('http://yoga/graphql', { method: 'POST', headers: { 'content-type': 'application/json', ...c.headers }, body: c.body });
  const picked = Object.fromEntries(COMPARED.map((name) => [name, res.headers.get(name)]));
  return { status: res.status, headers: picked, body: parsed(await res.text()) };
}

const q = (query: string, extra: Record<string, unknown> = {}): string => JSON.stringify({ query, ...extra });
const referralDetail = loadPersistedOperations('queries').find((op) => op.name === 'referral-detail')!;

/** Requests every configuration answers. */
const COMMON: Case[] = [
  { name: 'trivial', body: q('{ __typename }') },
  { name: 'variables and operation name', body: q('query A($id: ID!) { referral(id: $id) { id } } query B { __typename }', { variables: { id: 'r-1' }, operationName: 'A' }) },
  { name: 'charset in Content-Type', body: q('{ headSeq }'), headers: { 'content-type': 'application/json; charset=utf-8' } },
  { name: 'syntax error', body: q('{ headSeq') },
  { name: 'unknown field (suggestions off in production)', body: q('{ headSeqq }') },
  { name: 'graphql-response+json', body: q('{ headSeq }'), headers: { accept: 'application/graphql-response+json' } },
  { name: 'validation error, graphql-response+json', body: q('{ headSeqq }'), headers: { accept: 'application/graphql-response+json' } },
  { name: 'validation error, both JSON types', body: q('{ headSeqq }'), headers: { accept: 'application/graphql-response+json, application/json;q=0.9' } },
  { name: 'Accept */*', body: q('{ headSeq }'), headers: { accept: '*/*' } },
  { name: 'Accept a type yoga cannot answer', body: q('{ headSeq }'), headers: { accept: 'text/html' } },
  { name: 'Accept SSE for a query', body: q('{ headSeq }'), headers: { accept: 'text/event-stream' } },
  { name: 'too many aliases (armor)', body: q('{ a: headSeq b: headSeq c: headSeq d: headSeq e: headSeq }') },
  { name: 'introspection in production', body: q('{ __schema { queryType { name } } }') },
  { name: 'missing variable', body: q('query($id: ID!) { referral(id: $id) { id } }') },
  { name: 'variables not an object', body: JSON.stringify({ query: '{ headSeq }', variables: 3 }) },
  { name: 'query not a string', body: JSON.stringify({ query: 7 }) },
  { name: 'unknown parameter', body: JSON.stringify({ query: '{ headSeq }', bogus: 1 }) },
  { name: 'typed error from a mutation', body: q('mutation($e: JSON!) { publishEvent(event: $e) { seq } }', { variables: { e: { specversion: '1.0' } } }) },
  { name: 'subscription asking for JSON', body: q('subscription { marks { seq } }'), headers: { accept: 'application/json' } },
  { name: 'invalid JSON', body: '{"query": ' },
  { name: 'JSON null', body: 'null' },
  { name: 'JSON string', body: '"{ headSeq }"' },
  { name: 'a batch (batching is off)', body: JSON.stringify([{ query: '{ headSeq }' }, { query: '{ __typename }' }]) },
  { name: 'empty body', body: '' },
  { name: 'GraphQL string body', body: '{ headSeq }', headers: { 'content-type': 'application/graphql' } },
  { name: 'text/plain body', body: q('{ headSeq }'), headers: { 'content-type': 'text/plain' } },
  { name: 'body over the limit', body: q('{ headSeq }', { variables: { pad: 'x'.repeat(5000) } }) },
  { name: 'allowed Origin (CORS)', body: q('{ headSeq }'), headers: { origin: 'https://app.example' } },
  { name: 'other Origin', body: q('{ headSeq }'), headers: { origin: 'https://evil.example' } },
  { name: 'persisted operation by name', body: JSON.stringify({ documentId: 'referral-detail', variables: { id: 'r-1' } }) },
  { name: 'persisted operation by sha256', body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: referralDetail.sha256 } }, variables: { id: 'r-1' } }) },
  { name: 'unknown persisted operation', body: JSON.stringify({ documentId: 'nope' }) },
];

async function compare(h: Harness, server: RunningServer, cases: readonly Case[]): Promise<void> {
  for (const c of cases) {
    const [socket, yoga] = [await overSocket(server.url, c), await inProcess(h, c)];
    assert.deepEqual(socket, yoga, `${c.name}: the node path answered differently from yoga`);
  }
}

function suite(name: string, options: Omit<ApiOptions, 'services'> & { access?: AccessControl }, cases: (tokens: { valid: string }) => Case[]): void {
  void describe(`POST /graphql over node:http answers as yoga does: ${name}`, () => {
    let h: Harness;
    let server: RunningServer;
    let valid = '';
    before(async () => {
      h = await createHarness(referralOntology, {
        mode: 'production',
        corsOrigins: ['https://app.example'],
        persistedOperations: loadPersistedOperations('queries'),
        limits: { maxBodyBytes: 4096, maxAliases: 3 },
        log: () => undefined,
        ...options,
      });
      server = await listen(h.api, { host: '127.0.0.1', port: 0 });
      valid = await tokenFor('agent://tester', ['admin']);
    });
    after(async () => {
      await server.stop(1000);
      await h.close();
    });
    void it('every request', async () => compare(h, server, cases({ valid })));
  });
}

suite('arbitrary and persisted operations', {}, () => COMMON);
suite('persisted-only mode', { persistedOnly: true }, () => COMMON);
suite('access control', { access: testAccess(referralOntology) }, ({ valid }) => [
  { name: 'no token', body: q('{ headSeq }') },
  { name: 'malformed token', body: q('{ headSeq }'), headers: { authorization: 'Bearer nope' } },
  ...COMMON.map((c) => ({ ...c, headers: { ...c.headers, authorization: `Bearer ${valid}` } })),
]);

void describe('the Accept header decides the JSON type as yoga does', () => {
  void it('names the type yoga would answer with, and nothing for other types', () => {
    assert.equal(acceptedJsonType(undefined), 'application/json');
    assert.equal(acceptedJsonType('*/*'), 'application/json');
    assert.equal(acceptedJsonType('application/graphql-response+json'), 'application/graphql-response+json');
    assert.equal(acceptedJsonType('application/graphql-response+json, application/json'), 'application/graphql-response+json');
    assert.equal(acceptedJsonType('application/json, application/graphql-response+json'), 'application/json');
    assert.equal(acceptedJsonType('application/json; charset=latin1, application/graphql-response+json'), 'application/graphql-response+json');
    assert.equal(acceptedJsonType('text/event-stream, application/json'), undefined);
    assert.equal(acceptedJsonType('multipart/mixed'), undefined);
  });
});
