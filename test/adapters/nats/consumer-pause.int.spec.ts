/**
 * Pausing projection while a migration runs (consumer pause, nats-server ≥ 2.11): a running projector gets nothing
 * while the pause holds — also after it restarts its consumer — and everything published meanwhile is applied,
 * in order, once resumed. The pause is a lease with a bounded end.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { pauseConsumer } from '../../../src/adapters/nats/consumer-pause.ts';
import { createNatsDeadLetters } from '../../../src/adapters/nats/dead-letters.ts';
import { createJetStreamBus, type JetStreamBus } from '../../../src/adapters/nats/jetstream-bus.ts';
import { createSqliteStore, type SqliteGraphStore } from '../../../src/adapters/sqlite/index.ts';
import { createIngestor } from '../../../src/app/ingest/ingest.ts';
import { createProjector, type Projector } from '../../../src/app/ingest/projector.ts';
import { clinicOntology } from '../../fixtures/clinic-ontology.ts';
import { startNatsServer, type NatsServer } from '../../support/nats-server.ts';
import { clinicWaves, ledgerEventIds, type TestEvent } from './fixtures.ts';

void describe('projector consumer paused while a migration runs', () => {
  let server: NatsServer;
  let bus: JetStreamBus;
  let store: SqliteGraphStore;
  let dir: string;
  const ontology = clinicOntology();
  const projectors: Projector[] = [];

  const startProjector = async (): Promise<Projector> => {
    const dlq = await createNatsDeadLetters({ js: bus.js, jsm: bus.jsm });
    const p = createProjector({ bus, ingestor: createIngestor({ ontology, store, deadLetters: dlq }), store, deadLetters: dlq, batchSize: 50, idleWaitMs: 200, log: () => undefined });
    await p.start();
    projectors.push(p);
    return p;
  };
  const publish = (events: readonly TestEvent[]): Promise<unknown> =>
    Promise.all(events.map((e) => bus.publish({ type: e.type, subject: e.subject }, e.payload, { msgId: e.id })));

  void before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tg-pause-'));
    server = await startNatsServer({ jetstream: true });
    bus = await createJetStreamBus({ url: server.url, domain: 'clinic', ackWaitMs: 2000 });
    store = createSqliteStore({ path: join(dir, 'graph.db'), ontology });
    await store.init(ontology);
  });
  void after(async () => {
    for (const p of projectors) await p.stop();
    await bus?.close();
    await store?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  void it('delivers nothing while paused (across a projector restart), everything in order once resumed', { timeout: 60_000 }, async () => {
    const [patients = [], referrals = []] = clinicWaves(200, 'm');
    let projector = await startProjector();
    await publish(patients);
    await projector.reached(patients.length);

    const pause = await pauseConsumer({ url: server.url, leaseMs: 30_000 });
    assert.equal(pause.paused, true);
    const info = await bus.jsm.consumers.info(bus.streamName, bus.consumerSettings.durable);
    assert.equal(info.paused, true);
    const remainingMs = Number(info.pause_remaining) / 1e6;
    assert.ok(remainingMs > 0 && remainingMs <= 30_000, `a bounded lease: ${remainingMs} ms left`);

    await publish(referrals);
    await sleep(1500);
    assert.equal(projector.position, patients.length, 'nothing delivered while paused');
    // Re-created meanwhile (a reset to a position: fresh or restored store): the pause is carried over.
    await projector.stop();
    await (await bus.consumer({ startSeq: patients.length + 1 })).close();
    assert.equal((await bus.jsm.consumers.info(bus.streamName, bus.consumerSettings.durable)).paused, true, 'paused after a re-create');
    // A projector (re)starting meanwhile updates its consumer: still paused, still nothing delivered.
    projector = await startProjector();
    await sleep(1000);
    assert.equal(projector.position, patients.length, 'still nothing after a projector restart');
    assert.equal((await bus.jsm.consumers.info(bus.streamName, bus.consumerSettings.durable)).paused, true);

    await pause.resume();
    const last = await bus.lastSeq();
    assert.equal(last, patients.length + referrals.length);
    await projector.reached(last);
    const ids = await ledgerEventIds(store);
    assert.equal(ids.length, last, 'every event once');
    assert.deepEqual(new Set(ids.slice(0, patients.length)), new Set(patients.map((e) => e.id)), 'the patients first');
    assert.deepEqual(new Set(ids.slice(patients.length)), new Set(referrals.map((e) => e.id)), 'then the referrals published while paused');
  });

  void it('has nothing to pause before any projector ran', async () => {
    const pause = await pauseConsumer({ url: server.url, durable: 'no-such-projector' });
    assert.equal(pause.paused, false);
    await pause.resume();
  });
});

void describe('trailgraph migrate --nats', () => {
  void it('pauses the projector consumer for the migration and resumes it after', { timeout: 120_000 }, async () => {
    const { spawn } = await import('node:child_process');
    const server = await startNatsServer({ jetstream: true });
    const dir = mkdtempSync(join(tmpdir(), 'tg-pause-cli-'));
    const bus = await createJetStreamBus({ url: server.url, domain: 'referral' });
    try {
      await (await bus.consumer()).close(); // the projector's durable exists, as once a projector ran
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'migrate', '--store', join(dir, 'graph.db'), '--ontology', 'ontology/referral',
        '--from', '1.0.0', '--nats', server.url], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const code = await new Promise((r) => child.on('exit', r));
      assert.equal(code, 0, out);
      assert.match(out, /paused consumer TG_EVENTS\/trailgraph-projector while migrating/);
      assert.match(out, /migrated 1\.0\.0 → 2\.0\.0/);
      assert.match(out, /resumed consumer TG_EVENTS\/trailgraph-projector/);
      assert.equal((await bus.jsm.consumers.info(bus.streamName, bus.consumerSettings.durable)).paused ?? false, false);
    } finally {
      await bus.close();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
