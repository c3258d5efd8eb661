/**
 * The subject is the ordering/partition key and the unit of NATS permissions, so an event whose type, aggregate or
 * domain disagrees with the subject it came on is dead-lettered, not applied — end to end: a plain NATS client
 * publishes straight onto a real JetStream stream and the service's own NATS mode projects it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { createSqliteStore, type SqliteGraphStore } from '../../src/adapters/sqlite/index.ts';
import { loadOntology } from '../../src/app/ontology/ontology-loader.ts';
import { startNatsMode, type NatsMode } from '../../src/service/nats-mode.ts';
import { startNatsServer, type NatsServer } from '../support/nats-server.ts';

const dir = mkdtempSync(join(tmpdir(), 'tg-nats-subject-'));
let server: NatsServer;
let store: SqliteGraphStore;
let mode: NatsMode;
let nc: NatsConnection;

before(async () => {
  server = await startNatsServer({ jetstream: true });
  const ontology = await loadOntology('ontology/referral');
  store = createSqliteStore({ path: join(dir, 'graph.db'), ontology });
  await store.init(ontology);
  mode = await startNatsMode({ url: server.url, ontology, store, ontologyDir: 'ontology/referral' });
  nc = await connect({ servers: server.url });
});
after(async () => {
  await nc?.close();
  await mode?.close();
  await store?.close();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const patient = (n: number): string => JSON.stringify({
  specversion: '1.0', id: `subj-${n}`, source: 'agent://intake', type: 'PatientRegistered', subject: `Patient/p-${n}`,
  data: { '@type': 'Patient', id: `p-${n}`, name: `Patient ${n}`, birthDate: '1970-02-03', mrn: `MRN-${String(n).padStart(6, '0')}` },
});

void test('events at odds with their subject are dead-lettered with the reason; the ones that match apply', { timeout: 120_000 }, async () => {
  const cases: { subject: string; n: number; detail: RegExp }[] = [
    { subject: 'tg.events.referral.ReferralRequested.p-1', n: 1, detail: /type is PatientRegistered/ },
    { subject: 'tg.events.referral.PatientRegistered.p-99', n: 2, detail: /aggregate is p-2, the subject's p-99/ },
    { subject: 'tg.events.billing.PatientRegistered.p-3', n: 3, detail: /domain is billing/ },
    { subject: 'tg.events.x', n: 4, detail: /not an event subject/ },
  ];
  for (const c of cases) nc.publish(c.subject, patient(c.n));
  nc.publish('tg.events.referral.PatientRegistered.p-5', patient(5));
  await nc.flush();

  // The matching event applies after the mismatched ones on the same stream: once it is in, they were decided.
  for (let i = 0; !(await store.getNode('p-5')); i++) {
    assert.ok(i < 600, 'the event on its own subject applied');
    await new Promise((r) => setTimeout(r, 100));
  }
  for (const c of cases) assert.equal(await store.getNode(`p-${c.n}`), undefined, `${c.subject} was not applied`);

  const letters = await mode.deadLetters.list({ limit: 100 });
  for (const c of cases) {
    const letter = letters.find((l) => l.eventId === `subj-${c.n}`);
    assert.ok(letter, `${c.subject} is dead-lettered`);
    assert.equal(letter.subject, c.subject, 'the letter keeps the subject it came on');
    assert.match(letter.message, /subject does not match the event/);
    assert.match(letter.message, c.detail);
    assert.equal(letter.payload, patient(c.n), 'the payload is kept exactly');
  }
  assert.equal(letters.filter((l) => l.eventId === 'subj-5').length, 0);
});
