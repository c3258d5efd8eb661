/**
 * The embedded publisher's group commit: publishes that arrive while a store transaction runs share the next
 * one, yet every caller gets its own outcomes (seq for read-your-writes, its own rejection), in arrival order.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createMemoryStore, createSqliteDeadLetters, type SqliteGraphStore } from '../../src/adapters/sqlite/index.ts';
import { createEmbeddedPublisher } from '../../src/app/publish/embedded-publisher.ts';
import { createIngestor } from '../../src/app/ingest/ingest.ts';
import type { Publisher } from '../../src/app/publish/publisher.ts';
import { clinicOntology } from '../fixtures/clinic-ontology.ts';

const patient = (id: string, name: unknown = `Patient ${id}`) => ({
  payload: { specversion: '1.0', id: `evt-${id}`, source: 'agent://test', type: 'PatientRegistered', subject: `Patient/${id}`, data: { '@type': 'Patient', id, name } },
});

void describe('embedded publisher (group commit)', () => {
  let store: SqliteGraphStore;
  let publisher: Publisher;
  let transactions = 0;

  before(async () => {
    const ontology = clinicOntology();
    store = createMemoryStore({ ontology });
    await store.init(ontology);
    const ingestor = createIngestor({ ontology, store, deadLetters: createSqliteDeadLetters({ db: store.db }) });
    // Counts store transactions through the port the publisher uses.
    publisher = createEmbeddedPublisher({
      ingestor: { ingest: (raws, options) => (transactions++, ingestor.ingest(raws, options)) },
    });
  });

  after(async () => {
    await publisher.close();
    await store.close();
  });

  void it('concurrent publishes share transactions; each caller gets its own seqs and rejections, in arrival order', async () => {
    const before = transactions;
    const calls = Array.from({ length: 40 }, (_, i) =>
      // Every 10th publish carries an invalid event (name is required) next to a valid one.
      i % 10 === 9 ? publisher.publish([patient(`gc-${i}`), patient(`gc-${i}-bad`, null)]) : publisher.publish([patient(`gc-${i}`)]),
    );
    const outcomes = await Promise.all(calls);
    assert.ok(transactions - before < 40, `40 publishes took ${transactions - before} store calls`);
    const seqs: number[] = [];
    for (const [i, o] of outcomes.entries()) {
      assert.equal(o[0]?.status, 'applied', `publish ${i}`);
      assert.equal(o[0]?.eventId, `evt-gc-${i}`);
      seqs.push(o[0]?.seq ?? -1);
      if (i % 10 === 9) {
        assert.equal(o.length, 2);
        assert.equal(o[1]?.status, 'rejected');
        assert.equal(o[1]?.eventId, `evt-gc-${i}-bad`);
      } else assert.equal(o.length, 1);
    }
    // Arrival order = apply order, and each seq is readable at once (read-your-writes).
    assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b));
    assert.equal(new Set(seqs).size, 40);
    const last = await store.getNode('gc-39');
    assert.equal(last?.properties.name, 'Patient gc-39');
    assert.ok((await store.headSeq()) >= (seqs.at(-1) ?? 0));
  });

  void it('an idle publisher applies a single publish at once, and a duplicate keeps its original seq', async () => {
    const [first] = await publisher.publish([patient('solo')]);
    assert.equal(first?.status, 'applied');
    const [again] = await publisher.publish([patient('solo')]);
    assert.equal(again?.status, 'duplicate');
    assert.equal(again?.seq, first?.seq);
  });
});
