/**
 * The idempotency key is (source, id) at every edge: a retry is a duplicate with the original seq; a reused key
 * with other content is a 409 conflict with the original seq, dead-lettered with the reason and counted — never a
 * silent "duplicate" that drops the content (also within one batch). The SQLite ledger of an older file is
 * migrated to the new key.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { createSqliteDeadLetters, createSqliteStore, type SqliteGraphStore } from '../../src/adapters/sqlite/index.ts';
import { MIGRATIONS } from '../../src/adapters/sqlite/schema.ts';
import { createApi, type Api } from '../../src/api/server.ts';
import { createEmbeddedPublisher } from '../../src/app/publish/embedded-publisher.ts';
import { createIngestor } from '../../src/app/ingest/ingest.ts';
import { createMetrics, type Metrics } from '../../src/observability/metrics.ts';
import type { DeadLetterStore } from '../../src/ports/dead-letters.ts';
import { clinicOntology } from '../fixtures/clinic-ontology.ts';

const ontology = clinicOntology();
const patient = (id: string, name: string, source = 'agent://a', eid = 'dup-1') =>
  ({ specversion: '1.0', id: eid, source, type: 'PatientRegistered', subject: `Patient/${id}`, data: { '@type': 'Patient', id, name } });

void describe('idempotency key (source, id)', () => {
  let dir: string;
  let store: SqliteGraphStore;
  let api: Api;
  let metrics: Metrics;
  let letters: DeadLetterStore;
  const post = async (body: unknown, batch = false) => {
    const res = await api.fetch('http://yoga/events', {
      method: 'POST',
      headers: { 'content-type': batch ? 'application/cloudevents-batch+json' : 'application/cloudevents+json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> & { error?: Record<string, unknown> } };
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tg-idem-'));
    store = createSqliteStore({ path: join(dir, 'g.db'), ontology });
    await store.init(ontology);
    letters = createSqliteDeadLetters({ db: store.db });
    metrics = createMetrics({ eventTypes: () => ontology.eventTypes, processMetrics: false });
    const publisher = createEmbeddedPublisher({ ingestor: createIngestor({ ontology, store, deadLetters: letters, metrics }) });
    api = createApi({ services: { store, ontology, publisher } });
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  void test('HTTP: another source may reuse an id; a retry is 200 duplicate; other content under the same key is 409 with the original seq, dead-lettered and counted', async () => {
    const first = await post(patient('p-1', 'Ann'));
    assert.equal(first.status, 201);
    const seq = first.body.seq as number;
    const other = await post(patient('p-2', 'Bob', 'agent://b'));
    assert.equal(other.status, 201, 'same id, another producer: its own event');
    assert.equal((await store.getNode('p-2'))?.properties.name, 'Bob');
    const retry = await post({ ...patient('p-1', 'Ann'), time: '2030-01-01T00:00:00Z' });
    assert.deepEqual([retry.status, retry.body.status, retry.body.seq], [200, 'duplicate', seq]);
    const reused = await post(patient('p-3', 'Cy'));
    assert.equal(reused.status, 409);
    assert.equal(reused.body.status, 'rejected');
    assert.equal(reused.body.seq, seq, 'the original seq');
    assert.equal(reused.body.error?.code, 'IDEMPOTENCY_CONFLICT');
    assert.equal(reused.body.error?.pointer, '/id');
    assert.equal(reused.body.error?.originalSeq, seq);
    assert.equal(await store.getNode('p-3'), undefined, 'nothing applied');
    const letter = await letters.get(String(reused.body.deadLetterId));
    assert.equal(letter?.reason, 'conflict');
    assert.match(letter?.message ?? '', /already used id dup-1 for an event with other content \(seq \d+\)/);
    assert.equal(JSON.parse(letter?.payload ?? '{}').data.name, 'Cy', 'the content is kept, not dropped');
    assert.match(await metrics.render(), /trailgraph_events_rejected_total\{type="PatientRegistered",reason="idempotency-conflict"\} 1/);
  });

  void test('one batch: the second use of a key with other content is a conflict, a repeat of it a duplicate', async () => {
    const res = await post([patient('p-4', 'Di', 'agent://c', 'b-1'), patient('p-5', 'Ed', 'agent://c', 'b-1'), patient('p-4', 'Di', 'agent://c', 'b-1')], true);
    const rows = res.body as unknown as { status: string; seq: number | null; error?: { code: string } }[];
    assert.deepEqual(rows.map((r) => r.status), ['applied', 'rejected', 'duplicate']);
    assert.equal(rows[1]?.error?.code, 'IDEMPOTENCY_CONFLICT');
    assert.equal(rows[1]?.seq, rows[0]?.seq);
    assert.equal(rows[2]?.seq, rows[0]?.seq);
    assert.equal(await store.getNode('p-5'), undefined);
  });

  void test('GraphQL publishEvent: a reused key is IDEMPOTENCY_CONFLICT with the original seq', async () => {
    const res = await api.fetch('http://yoga/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'mutation($e: JSON!) { publishEvent(event: $e) { seq status } }', variables: { e: patient('p-6', 'Flo') } }),
    });
    const body = (await res.json()) as { errors?: { extensions?: Record<string, unknown> }[] };
    assert.equal(body.errors?.[0]?.extensions?.code, 'IDEMPOTENCY_CONFLICT');
    assert.ok(typeof body.errors?.[0]?.extensions?.originalSeq === 'number');
  });

  void test('an older SQLite file (event_id unique) is migrated to the (event_id, source) key, its rows kept', async () => {
    const path = join(dir, 'old.db');
    const db = new Database(path);
    for (const m of MIGRATIONS.slice(0, 2)) db.exec(m);
    db.pragma('user_version = 2');
    db.prepare(`INSERT INTO ledger (seq, event_id, kind, type, source, time, committed_at, changes, event) VALUES (1, 'x-1', 'event', 'PatientRegistered', 'agent://a', 't', 't', '[]', ?)`)
      .run(JSON.stringify(patient('p-7', 'Gus', 'agent://a', 'x-1')));
    db.close();
    const old = createSqliteStore({ path, ontology });
    await old.init(ontology);
    try {
      assert.equal((await old.findEvent('x-1'))?.seq, 1);
      const ix = old.db.prepare("SELECT sql FROM sqlite_master WHERE tbl_name = 'ledger' AND type = 'table'").pluck().get() as string;
      assert.match(ix, /UNIQUE \(event_id, source\)/);
      const ingestor = createIngestor({ ontology, store: old, deadLetters: createSqliteDeadLetters({ db: old.db }) });
      const r = await ingestor.ingest([{ payload: patient('p-8', 'Hal', 'agent://b', 'x-1') }, { payload: patient('p-7', 'Gus', 'agent://a', 'x-1') }]);
      assert.deepEqual(r.map((x) => [x.status, x.status === 'rejected' ? null : x.seq]), [['applied', 2], ['duplicate', 1]]);
    } finally {
      await old.close();
    }
  });
});
