/**
 * NATS mode's publish path end to end (the real wiring: JetStream bus, dead-letter stream, projector, publisher)
 * on a real nats-server: the idempotency key (source, id) holds as in embedded mode — a true retry is a duplicate
 * with the original seq, a reused key with other content a conflict with the original seq that is dead-lettered
 * with the reason, never applied — with and without a wait for the commit.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createMemoryStore, type SqliteGraphStore } from '../../src/adapters/sqlite/index.ts';
import { IdempotencyConflictError } from '../../src/core/errors.ts';
import type { DeadLetter } from '../../src/ports/dead-letters.ts';
import { startNatsMode, type NatsMode } from '../../src/service/nats-mode.ts';
import { clinicOntology } from '../fixtures/clinic-ontology.ts';
import { startNatsServer, type NatsServer } from '../support/nats-server.ts';

const ontology = clinicOntology();
const patient = (id: string, name: string, source = 'agent://a', eventId = `ev-${id}`) =>
  ({ specversion: '1.0', id: eventId, source, type: 'PatientRegistered', subject: `Patient/${id}`, data: { '@type': 'Patient', id, name } });
const WAIT = { waitMs: 20_000 };

void describe('NATS-mode publishing: the idempotency key (source, id)', () => {
  let server: NatsServer;
  let store: SqliteGraphStore;
  let mode: NatsMode;

  /** The dead letters of `eventId` once `n` are filed (the projector files them asynchronously). */
  const lettersOf = async (eventId: string, n: number): Promise<DeadLetter[]> => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const letters = (await mode.deadLetters.list()).filter((l) => l.eventId === eventId);
      if (letters.length >= n) return letters;
      if (Date.now() > deadline) throw new Error(`${letters.length} of ${n} dead letters for ${eventId} after 20 s`);
      await sleep(50);
    }
  };

  before(async () => {
    server = await startNatsServer({ jetstream: true });
    store = createMemoryStore({ ontology });
    await store.init(ontology);
    mode = await startNatsMode({ url: server.url, ontology, store, ontologyDir: 'ontology/clinic' });
  });
  after(async () => {
    await mode?.close();
    await store?.close();
    await server?.stop();
  });

  void it('a true retry answers duplicate with the original seq, waiting or not, and is applied once', async () => {
    const [first] = await mode.publisher.publish([{ payload: patient('p-1', 'Ann') }], WAIT);
    assert.equal(first?.status, 'applied');
    const seq = first?.seq;
    assert.ok(typeof seq === 'number' && seq > 0);
    const [waited] = await mode.publisher.publish([{ payload: JSON.stringify(patient('p-1', 'Ann')) }], WAIT);
    assert.deepEqual([waited?.status, waited?.seq], ['duplicate', seq]);
    const [unwaited] = await mode.publisher.publish([{ payload: patient('p-1', 'Ann') }]);
    assert.deepEqual([unwaited?.status, unwaited?.seq], ['duplicate', seq]);
    const ledger = (await store.ledger(0, 100)).filter((e) => e.eventId === 'ev-p-1');
    assert.equal(ledger.length, 1, 'in the ledger once');
  });

  void it('the same key with other content is a conflict with the original seq, dead-lettered with the reason, never applied', async () => {
    const [first] = await mode.publisher.publish([{ payload: patient('p-2', 'Bea') }], WAIT);
    assert.equal(first?.status, 'applied');
    const [waited] = await mode.publisher.publish([{ payload: patient('p-2', 'Bob') }], WAIT);
    assert.equal(waited?.status, 'rejected');
    assert.ok(waited?.error instanceof IdempotencyConflictError, `a conflict, not ${waited?.error?.name}`);
    assert.equal(waited.error.originalSeq, first?.seq);
    const [unwaited] = await mode.publisher.publish([{ payload: patient('p-2', 'Bud') }]);
    assert.equal(unwaited?.status, 'rejected');
    assert.ok(unwaited?.error instanceof IdempotencyConflictError);
    assert.equal(unwaited.error.originalSeq, first?.seq);
    const letters = await lettersOf('ev-p-2', 2);
    assert.deepEqual(letters.map((l) => l.reason), ['conflict', 'conflict']);
    assert.deepEqual(letters.map((l) => (JSON.parse(l.payload) as { data: { name: string } }).data.name).sort(), ['Bob', 'Bud'], 'each conflicting content kept once');
    assert.equal((await store.getNode('p-2'))?.properties.name, 'Bea', 'the graph keeps the original');
  });

  void it('another source may reuse the id: its own event', async () => {
    const [a] = await mode.publisher.publish([{ payload: patient('p-3', 'Cy', 'agent://a', 'shared-1') }], WAIT);
    const [b] = await mode.publisher.publish([{ payload: patient('p-4', 'Di', 'agent://b', 'shared-1') }], WAIT);
    assert.deepEqual([a?.status, b?.status], ['applied', 'applied']);
    assert.notEqual(a?.seq, b?.seq);
    assert.equal((await store.getNode('p-4'))?.properties.name, 'Di');
  });
});
