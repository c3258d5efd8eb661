/**
 * Errors at the API edge: an unexpected failure never shows internals to the client (generic 500 with an error
 * id, the full error logged under it); a caller's bad argument is BAD_USER_INPUT naming the argument, in every
 * mode — never "Unexpected error.".
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createMemoryStore, createSqliteDeadLetters, type SqliteGraphStore } from '../../src/adapters/sqlite/index.ts';
import { createMarksExtension } from '../../src/api/marks/index.ts';
import { createApi, type Api } from '../../src/api/server.ts';
import { createEmbeddedPublisher } from '../../src/app/publish/embedded-publisher.ts';
import { createIngestor } from '../../src/app/ingest/ingest.ts';
import { startMarks, type MarksRuntime } from '../../src/app/marks/marks-runtime.ts';
import type { GraphStore } from '../../src/ports/graph-store.ts';
import { clinicOntology } from '../fixtures/clinic-ontology.ts';

const ontology = clinicOntology();

/** The real SQLite store, except that applying a batch fails with an unexpected (untyped) error. */
function failingApply(store: SqliteGraphStore): GraphStore {
  return new Proxy(store, {
    get(target, key, receiver) {
      if (key === 'applyBatch') return () => Promise.reject(new TypeError('boom: internal detail at /secret/path.ts:12'));
      const v = Reflect.get(target, key, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

void describe('API edge errors', () => {
  let store: SqliteGraphStore;
  let marks: MarksRuntime;
  const logged: string[] = [];
  const apis: Record<'development' | 'production', Api> = {} as never;
  let broken: Api;

  before(async () => {
    store = createMemoryStore({ ontology });
    await store.init(ontology);
    const deadLetters = createSqliteDeadLetters({ db: store.db });
    const publisher = createEmbeddedPublisher({ ingestor: createIngestor({ ontology, store, deadLetters }) });
    marks = await startMarks({ store, ontology, sweepMs: 60_000 });
    for (const mode of ['development', 'production'] as const) {
      apis[mode] = createApi({ mode, services: { store, ontology, publisher }, extensions: [createMarksExtension({ feed: marks.feed })] });
    }
    const brokenPublisher = createEmbeddedPublisher({ ingestor: createIngestor({ ontology, store: failingApply(store), deadLetters }) });
    broken = createApi({ mode: 'production', services: { store, ontology, publisher: brokenPublisher }, log: (l) => logged.push(l) });
    const res = await apis.development.fetch('http://yoga/events', {
      method: 'POST',
      headers: { 'content-type': 'application/cloudevents+json' },
      body: JSON.stringify({ specversion: '1.0', id: 'e-p1', source: 'agent://t', type: 'PatientRegistered', data: { '@type': 'Patient', id: 'p-1', name: 'Ann' } }),
    });
    assert.equal(res.status, 201, await res.text());
  });
  after(async () => {
    await marks.close();
    await store.close();
  });

  void test('an unexpected error on POST /events: generic 500 with an error id, no stack; the full error is logged under that id', async () => {
    const res = await broken.fetch('http://yoga/events', {
      method: 'POST',
      headers: { 'content-type': 'application/cloudevents+json' },
      body: JSON.stringify({ specversion: '1.0', id: 'e-x', source: 'agent://t', type: 'PatientRegistered', data: { '@type': 'Patient', id: 'p-9', name: 'Zed' } }),
    });
    assert.equal(res.status, 500);
    const text = await res.text();
    assert.doesNotMatch(text, /boom|secret|TypeError|\.ts:\d|at /, 'no internals in the body');
    const body = JSON.parse(text) as { error: { code: string; errorId: string } };
    assert.equal(body.error.code, 'INTERNAL_ERROR');
    assert.match(body.error.errorId, /^[0-9a-f-]{36}$/);
    const line = logged.find((l) => l.includes(body.error.errorId));
    assert.ok(line, 'the error id is in the log');
    assert.match(line, /TypeError: boom/);
  });

  const gql = async (api: Api, query: string): Promise<{ data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] }> => {
    const res = await api.fetch('http://yoga/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-trailgraph-agent': 'agent://t' },
      body: JSON.stringify({ query }),
    });
    return (await res.json()) as never;
  };

  const cases: [string, string, string][] = [
    ['claim ttlMs 0', 'mutation { claim(node: "p-1", purpose: "x", ttlMs: 0) { granted } }', 'ttlMs'],
    ['claim ttlMs -1', 'mutation { claim(node: "p-1", purpose: "x", ttlMs: -1) { granted } }', 'ttlMs'],
    ['leaveMark without lifetime', 'mutation { leaveMark(on: "p-1", kind: "k") { seq } }', 'halfLifeMs'],
    ['leaveMark strength 0', 'mutation { leaveMark(on: "p-1", kind: "k", strength: 0, ttlMs: 1000) { seq } }', 'strength'],
    ['leaveMark strength -2', 'mutation { leaveMark(on: "p-1", kind: "k", strength: -2, ttlMs: 1000) { seq } }', 'strength'],
    ['leaveMark halfLifeMs 0', 'mutation { leaveMark(on: "p-1", kind: "k", halfLifeMs: 0) { seq } }', 'halfLifeMs'],
    ['leaveMark strength 1e308', 'mutation { leaveMark(on: "p-1", kind: "k", strength: 1e308, halfLifeMs: 1000) { seq } }', 'strength'],
    ['leaveMark kind of 100k characters', `mutation { leaveMark(on: "p-1", kind: "${'k'.repeat(100_000)}", ttlMs: 1000) { seq } }`, 'kind'],
    ['leaveMark note of 200k characters', `mutation { leaveMark(on: "p-1", kind: "k", ttlMs: 1000, note: "${'n'.repeat(200_000)}") { seq } }`, 'note'],
    ['claim purpose of 100k characters', `mutation { claim(node: "p-1", purpose: "${'p'.repeat(100_000)}", ttlMs: 1000) { granted } }`, 'purpose'],
    ['malformed cursor', '{ patients(after: "!!!") { edges { node { id } } } }', 'after'],
    ['negative hops', '{ neighbourhood(id: "p-1", hops: -1) { truncated } }', 'hops'],
    ['negative limit', '{ neighbourhood(id: "p-1", limit: -5) { truncated } }', 'limit'],
    ['negative maxHops', '{ paths(from: "p-1", to: "p-1", maxHops: -1) { length } }', 'maxHops'],
    ['negative paths limit', '{ paths(from: "p-1", to: "p-1", limit: -1) { length } }', 'limit'],
  ];
  for (const mode of ['development', 'production'] as const) {
    for (const [name, query, argument] of cases) {
      void test(`${mode}: ${name} → BAD_USER_INPUT naming ${argument}`, async () => {
        const r = await gql(apis[mode], query);
        const e = r.errors?.[0];
        assert.ok(e, `an error: ${JSON.stringify(r).slice(0, 300)}`);
        assert.equal(e.extensions?.code, 'BAD_USER_INPUT', JSON.stringify(e).slice(0, 300));
        assert.equal(e.extensions?.argument, argument);
        assert.ok(e.message.startsWith(argument), e.message.slice(0, 200));
        assert.ok(e.message.length < 500, 'the message does not echo the whole input');
      });
    }
  }
});
