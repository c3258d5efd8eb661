import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { createMemoryStore, createSqliteDeadLetters, type SqliteGraphStore } from '../../src/adapters/sqlite/index.ts';
import { createIngestor, type Ingestor, type RawEvent } from '../../src/app/ingest/ingest.ts';
import type { LedgerEntry } from '../../src/ports/graph-store.ts';
import { clinicOntology } from '../fixtures/clinic-ontology.ts';

const ontology = clinicOntology();
const SETUP = pathToFileURL(join(import.meta.dirname, '../../bench/support/clinic-prepare-setup.ts')).href;

const referral = (i: number): Record<string, unknown> => ({
  specversion: '1.0', id: `e-${i}`, source: 'agent://intake', type: 'ReferralRequested', time: '2026-11-21T09:00:00Z',
  data: { '@type': 'Referral', id: `r-${i}`, reason: 'Chest pain', priority: 'urgent', forPatient: { '@type': 'Patient', id: `p-${i}`, name: `Patient ${i}` } },
});
const raw = (event: Record<string, unknown>): RawEvent => ({ payload: JSON.stringify(event), subject: `tg.events.clinic.${String(event.type)}` });

// The prepare worker sends its change sets as JSON text without the parsed event (prepare-wire.ts): what is
// committed, notified and stored must be the same as when the main thread prepares.
void describe('ingest with the prepare worker', () => {
  let store: SqliteGraphStore;
  let ingestor: Ingestor;

  before(async () => {
    store = createMemoryStore({ ontology });
    await store.init(ontology);
    ingestor = createIngestor({ ontology, store, deadLetters: createSqliteDeadLetters({ db: store.db }), prepareWorker: { module: SETUP } });
  });
  after(async () => {
    await ingestor.close();
    await store.close();
  });

  void it('applies worker-prepared events, rejects invalid ones, and commit listeners see each event as published', async () => {
    const events = [referral(1), referral(2), { ...referral(3), data: { '@type': 'Referral', id: 'r-3' } }, referral(4)];
    const raws = events.map(raw);
    const seen: LedgerEntry[] = [];
    const off = store.onCommit((entries) => seen.push(...entries));
    const prepared = ingestor.prepareBatch(raws);
    assert.ok(await prepared, 'the worker prepared the batch (no fallback to this thread)');
    const results = await ingestor.ingest(raws, { prepared });
    off();
    assert.deepEqual(results.map((r) => r.status), ['applied', 'applied', 'rejected', 'applied']);
    assert.deepEqual(seen.map((e) => e.eventId), ['e-1', 'e-2', 'e-4']);
    assert.deepEqual(seen.map((e) => e.event), [events[0], events[1], events[3]]);
    assert.deepEqual(JSON.parse(JSON.stringify(seen[0])).event, events[0]);
    assert.deepEqual((await store.findEvent('e-2'))?.event, events[1]);
    assert.equal((await store.getNode('p-4'))?.properties.name, 'Patient 4');
    assert.ok(seen[0]?.changes.some((c) => c.kind === 'relationship' && c.type === 'forPatient' && c.to.id === 'p-1'));
  });

  void it('hands over the same change sets as preparing on this thread, the received text as the very string sent', async () => {
    // The worker leaves out of its answer the payload texts the main thread still holds: they must come back as the
    // strings that were sent, and everything else as the planner made it. An event without a subject gets the one derived
    // from its data at validation, so its text is not the ledger's copy and its parsed event travels instead.
    const withSubject = { ...referral(11), subject: 'Referral/r-11' };
    const raws = [withSubject, referral(12)].map(raw);
    const batch = await ingestor.prepareBatch(raws);
    assert.ok(batch, 'the worker prepared the batch (no fallback to this thread)');
    const [kept, derived] = batch.results;
    assert.ok(kept?.ok && derived?.ok);
    assert.equal(kept.changeSet.eventJson, raws[0]?.payload);
    assert.deepEqual(kept.changeSet.event, withSubject);
    assert.equal(derived.changeSet.eventJson, undefined);
    assert.deepEqual(derived.changeSet.event, referral(12));
    for (const [i, r] of batch.results.entries()) assert.deepEqual(r.ok && { ...r.changeSet }, { ...ingestor.prepare(raws[i] as RawEvent) });
  });
});
