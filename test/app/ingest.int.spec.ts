import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { createSqliteDeadLetters, createSqliteStore, type SqliteGraphStore } from '../../src/adapters/sqlite/index.ts';
import { createIngestor, type IngestResult, type Ingestor, type RawEvent } from '../../src/app/ingest/ingest.ts';
import { IdempotencyConflictError, InvalidEventError, ProjectionConflictError, StoreUnavailableError } from '../../src/core/errors.ts';
import type { CloudEvent } from '../../src/core/events/cloud-event.ts';
import type { DeadLetterStore } from '../../src/ports/dead-letters.ts';
import { clinicOntology } from '../fixtures/clinic-ontology.ts';

const ontology = clinicOntology();
const NOW = new Date('2026-11-21T12:00:00.000Z');

function raw(id: string, type: string, data: unknown, extra: Record<string, unknown> = {}): RawEvent {
  return { payload: JSON.stringify({ specversion: '1.0', id, source: 'agent://intake', type, data, ...extra }), subject: `tg.events.clinic.${type}` };
}
const patient = (id: string, eventId = `e-${id}`): RawEvent => raw(eventId, 'PatientRegistered', { '@type': 'Patient', id, name: `Patient ${id}` });

void describe('ingest (SQLite store)', () => {
  let dir: string;
  let store: SqliteGraphStore;
  let deadLetters: DeadLetterStore;
  let ingestor: Ingestor;
  let n = 0;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tg-ingest-'));
  });
  beforeEach(async () => {
    await store?.close();
    store = createSqliteStore({ path: join(dir, `graph-${n++}.db`), ontology });
    await store.init(ontology);
    deadLetters = createSqliteDeadLetters({ db: store.db });
    ingestor = createIngestor({ ontology, store, deadLetters, now: () => NOW });
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const applied = (r: IngestResult | undefined): Extract<IngestResult, { status: 'applied' | 'duplicate' }> => {
    assert.ok(r && r.status !== 'rejected', `expected applied, got ${JSON.stringify(r)}`);
    return r;
  };

  void it('applies a batch in order, with gap-free seqs and the checkpoint in the same commit', async () => {
    const results = await ingestor.ingest([
      patient('p-1'),
      raw('e-r1', 'ReferralRequested', {
        '@type': 'Referral', id: 'r-1', reason: 'Chest pain', priority: 'urgent', forPatient: 'p-1',
        referredBy: { '@type': 'GeneralPractitioner', id: 'gp-7', name: 'Dr Ada Moss' },
      }),
    ], { checkpoint: { name: 'test', position: 7 } });
    assert.deepEqual(results.map((r) => [r.status, r.eventId]), [['applied', 'e-p-1'], ['applied', 'e-r1']]);
    assert.equal(applied(results[1]).seq, applied(results[0]).seq + 1);
    assert.equal(await store.getCheckpoint('test'), 7);
    const referral = await store.getNode('r-1');
    assert.equal(referral?.properties.priority, 'urgent');
    assert.equal(referral?.provenance.time, NOW.toISOString(), 'no event time: provenance is the receive time');
    assert.equal((await store.getNode('gp-7'))?.class, 'GeneralPractitioner');
    assert.ok(applied(results[1]).changes.some((c) => c.kind === 'relationship' && c.type === 'forPatient'));
  });

  void it('dead-letters an invalid event with its reason and the payload as received; the rest still apply', async () => {
    const bad = raw('e-bad', 'ReferralRequested', { '@type': 'Referral', id: 'r-2', reason: 'x', priority: 'high', forPatient: 'p-1' });
    const results = await ingestor.ingest([patient('p-1'), { ...bad, deliveries: 2 }, patient('p-2')], { checkpoint: { name: 'test', position: 3 } });
    assert.deepEqual(results.map((r) => r.status), ['applied', 'rejected', 'applied']);
    const rejected = results[1];
    assert.ok(rejected?.status === 'rejected');
    assert.ok(rejected.error instanceof InvalidEventError);
    assert.equal(rejected.eventId, 'e-bad');
    const letter = await deadLetters.get(rejected.deadLetterId);
    assert.equal(letter?.reason, 'invalid');
    assert.equal(letter?.eventId, 'e-bad');
    assert.equal(letter?.payload, bad.payload);
    assert.equal(letter?.subject, 'tg.events.clinic.ReferralRequested');
    assert.equal(letter?.deliveries, 2);
    assert.deepEqual(letter?.issues, [{ pointer: '/data/priority', message: 'expected one of routine, urgent, emergency, got "high"' }]);
    assert.equal(await store.getNode('r-2'), undefined);
    assert.equal(await store.getCheckpoint('test'), 3);
  });

  void it('dead-letters text that is not even JSON, without an event id', async () => {
    const [r] = await ingestor.ingest([{ payload: '{oops' }]);
    assert.ok(r?.status === 'rejected' && r.eventId === undefined);
    assert.equal((await deadLetters.get(r.deadLetterId))?.payload, '{oops');
  });

  void it('reports a redelivered event as a duplicate with its original seq and changes nothing', async () => {
    const [first] = await ingestor.ingest([patient('p-1')]);
    const head = await store.headSeq();
    const [again] = await ingestor.ingest([patient('p-1')]);
    assert.equal(applied(again).status, 'duplicate');
    assert.equal(applied(again).seq, applied(first).seq);
    assert.equal(await store.headSeq(), head);
  });

  void it('the same key twice in one batch: a repeat is a duplicate of the first, other content a conflict (dead-lettered)', async () => {
    const results = await ingestor.ingest([patient('p-1', 'e-same'), patient('p-1', 'e-same'), patient('p-9', 'e-same')]);
    assert.deepEqual(results.map((r) => r.status), ['applied', 'duplicate', 'rejected']);
    assert.equal(applied(results[1]).seq, applied(results[0]).seq);
    const r = results[2];
    assert.ok(r?.status === 'rejected' && r.error.code === 'IDEMPOTENCY_CONFLICT');
    assert.equal((await deadLetters.get(r.deadLetterId))?.reason, 'conflict');
    assert.equal(await store.getNode('p-9'), undefined);
  });

  void it('a key reused twice with other contents in one batch: each content is dead-lettered as a conflict with the original', async () => {
    const [original] = await ingestor.ingest([patient('p-1', 'e-reused')]);
    const results = await ingestor.ingest([patient('p-2', 'e-reused'), patient('p-3', 'e-reused'), patient('p-2', 'e-reused')]);
    assert.deepEqual(results.map((r) => r.status), ['rejected', 'rejected', 'rejected']);
    const [bob, bud, bobAgain] = results.map((r) => (r?.status === 'rejected' ? r : assert.fail('rejected')));
    assert.ok(bob && bud && bobAgain);
    assert.ok(bud.error instanceof IdempotencyConflictError);
    assert.equal(bud.error.originalSeq, applied(original).seq);
    assert.notEqual(bud.deadLetterId, bob.deadLetterId);
    assert.equal(bobAgain.deadLetterId, bob.deadLetterId, 'the same content twice: one letter');
    const payloads = await Promise.all([bob, bud].map(async (r) => (JSON.parse((await deadLetters.get(r.deadLetterId))?.payload ?? '{}') as { data: { id: string } }).data.id));
    assert.deepEqual(payloads, ['p-2', 'p-3']);
    assert.equal(await deadLetters.count(), 2);
  });

  void it('isolates a conflicting event: only it is dead-lettered, the others apply, the checkpoint commits', async () => {
    await ingestor.ingest([patient('p-1')]);
    const conflicting = raw('e-conflict', 'PractitionerRegistered', { '@type': 'GeneralPractitioner', id: 'p-1' });
    const results = await ingestor.ingest([patient('p-2'), conflicting, patient('p-3')], { checkpoint: { name: 'test', position: 12 } });
    assert.deepEqual(results.map((r) => r.status), ['applied', 'rejected', 'applied']);
    const r = results[1];
    assert.ok(r?.status === 'rejected' && r.error instanceof ProjectionConflictError);
    const letter = await deadLetters.get(r.deadLetterId);
    assert.equal(letter?.reason, 'conflict');
    assert.match(letter?.message ?? '', /e-conflict/);
    assert.equal((await store.getNode('p-1'))?.class, 'Patient');
    assert.ok(await store.getNode('p-3'));
    assert.equal(await store.getCheckpoint('test'), 12);
  });

  void it('commits the checkpoint even when every event of the batch is invalid', async () => {
    const results = await ingestor.ingest([{ payload: '[]' }, { payload: '{}' }], { checkpoint: { name: 'test', position: 5 } });
    assert.deepEqual(results.map((r) => r.status), ['rejected', 'rejected']);
    assert.equal(await store.getCheckpoint('test'), 5);
    assert.equal(await deadLetters.count(), 2);
  });

  void it('runs the upcast hook before payload validation', async () => {
    const upcasting = createIngestor({
      ontology, store, deadLetters,
      upcast: (e: CloudEvent) => {
        if (e.type !== 'PatientSignedUp') return e;
        const { fullName, ...rest } = e.data as Record<string, unknown>;
        return { ...e, type: 'PatientRegistered', data: { ...rest, name: fullName } };
      },
    });
    const [r] = await upcasting.ingest([raw('e-old', 'PatientSignedUp', { '@type': 'Patient', id: 'p-5', fullName: 'Old Format' }, { time: '2025-01-01T00:00:00Z' })]);
    assert.equal(applied(r).status, 'applied');
    assert.equal((await store.getNode('p-5'))?.properties.name, 'Old Format');
    assert.equal((await store.findEvent('e-old'))?.type, 'PatientRegistered');
  });

  void it('dead-letters an event whose upcast throws, naming the cause', async () => {
    const broken = createIngestor({ ontology, store, deadLetters, upcast: () => { throw new Error('no migration for 0.9'); } });
    const [r] = await broken.ingest([patient('p-6')]);
    assert.ok(r?.status === 'rejected');
    assert.match(r.error.message, /upcasting failed: no migration for 0\.9/);
  });

  void it('prepare validates and plans without touching the store', async () => {
    const cs = ingestor.prepare(patient('p-7'));
    assert.equal(cs.eventId, 'e-p-7');
    assert.equal(cs.time, NOW.toISOString());
    assert.equal(cs.subject, 'Patient/p-7');
    assert.throws(() => ingestor.prepare(raw('e-x', 'PatientRegistered', { '@type': 'Patient', id: 'p-8' })), (err: unknown) =>
      err instanceof InvalidEventError && err.pointer === '/data/name');
    assert.equal(await store.headSeq(), 0);
  });

  void it('follows an ontology getter (hot reload)', () => {
    let current = ontology;
    const swapping = createIngestor({ ontology: () => current, store, deadLetters });
    assert.equal(swapping.ontology, ontology);
    current = clinicOntology();
    assert.equal(swapping.ontology, current);
  });

  void it('lets a retryable store failure propagate and dead-letters nothing', async () => {
    const busyStore = createSqliteStore({ path: join(dir, 'busy.db'), ontology, busyTimeoutMs: 50 });
    await busyStore.init(ontology);
    const busyLetters = createSqliteDeadLetters({ db: busyStore.db });
    const blocker = new Database(join(dir, 'busy.db'));
    try {
      blocker.exec('BEGIN EXCLUSIVE');
      const busy = createIngestor({ ontology, store: busyStore, deadLetters: busyLetters });
      await assert.rejects(busy.ingest([patient('p-1')]), StoreUnavailableError);
      blocker.exec('ROLLBACK');
      assert.equal(await busyLetters.count(), 0);
      assert.equal(applied((await busy.ingest([patient('p-1')]))[0]).status, 'applied');
    } finally {
      blocker.close();
      await busyStore.close();
    }
  });
});
