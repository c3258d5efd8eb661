/**
 * The projector as a child process, kill -9'd at random points while 20,000 events stream in, restarted each time,
 * projecting into each store (a SQLite file; the real Neo4j): afterwards every event is in the ledger exactly once
 * and the graph equals a clean replay of the stream into a fresh SQLite store.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createNatsDeadLetters } from '../../../src/adapters/nats/dead-letters.ts';
import { createJetStreamBus, type JetStreamBus } from '../../../src/adapters/nats/jetstream-bus.ts';
import { createSqliteStore } from '../../../src/adapters/sqlite/index.ts';
import { createIngestor } from '../../../src/app/ingest/ingest.ts';
import { busSource, replay } from '../../../src/app/ingest/replay.ts';
import { clinicOntology } from '../../fixtures/clinic-ontology.ts';
import { startNatsServer, type NatsServer } from '../../support/nats-server.ts';
import { storesUnderTest, type FreshStore } from '../../support/stores.ts';
import { clinicWaves, dumpGraph, ledgerEventIds, publishAll } from './fixtures.ts';

const TOTAL = 20_000;
const KILLS = 6;

for (const s of await storesUnderTest()) void describe(`projector crash recovery (child process, kill -9, ${s.kind})`, { ...(s.skip && { skip: s.skip }) }, () => {
  let server: NatsServer;
  let target: FreshStore | undefined;
  let bus: JetStreamBus;
  let dir: string;
  let child: ChildProcess | undefined;
  let position = 0;
  let childErr = '';

  /** Resolves when the child printed its starting position: it is consuming. */
  let started: Promise<void> = Promise.resolve();
  const startChild = (dbPath: string): ChildProcess => {
    const proc = spawn(process.execPath, ['--import', 'tsx', 'test/support/projector-process.ts', server.url, dbPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    let buf = '';
    let onStart: () => void = () => {};
    started = new Promise((r) => (onStart = r));
    proc.once('exit', () => onStart());
    proc.stdout?.on('data', (b: Buffer) => {
      buf += b.toString();
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      for (const l of lines) {
        if (!l.startsWith('position ')) continue;
        position = Math.max(position, Number(l.slice(9)));
        onStart();
      }
    });
    // Kept (the tail) so a projector that dies says why in the assertion message.
    proc.stderr?.on('data', (b: Buffer) => {
      childErr = (childErr + b.toString()).slice(-4000);
      if (process.env.TG_TEST_CHILD_STDERR) process.stderr.write(b);
    });
    return proc;
  };
  const exited = (p: ChildProcess): Promise<void> =>
    p.exitCode !== null || p.signalCode !== null ? Promise.resolve() : new Promise((r) => p.once('exit', () => r()));

  void before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tg-crash-'));
    server = await startNatsServer({ jetstream: true });
    bus = await createJetStreamBus({ url: server.url, domain: 'clinic', ackWaitMs: 2000 });
  });
  void after(async () => {
    if (child) {
      child.kill('SIGKILL');
      await exited(child);
    }
    await bus?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
    target?.cleanup();
  });

  void it(`loses and duplicates nothing across ${KILLS} kill -9s`, { timeout: 900_000 }, async () => {
    target = await s.fresh();
    const dbPath = target.locator;
    const waves = clinicWaves(TOTAL, 'c');
    const publishing = (async () => {
      for (const wave of waves) await publishAll(wave, 64, (e) => bus.publish({ type: e.type, subject: e.subject }, e.payload, { msgId: e.id }));
    })();
    child = startChild(dbPath);
    let kills = 0;
    while (kills < KILLS) {
      // Killed while it works, at a random point of its batches: a kill during start-up (loading modules, the
      // store's init) tests nothing, and on a slow machine start-up alone can outlast a fixed delay.
      await started;
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 1500));
      const victim = child;
      victim.kill('SIGKILL');
      await exited(victim);
      kills++;
      child = startChild(dbPath);
    }
    await publishing;
    const last = await bus.lastSeq();
    assert.equal(last, TOTAL);
    // Catching up may be slow on a loaded machine; what fails the test is a projector that stops moving.
    let seen = position;
    let movedAt = Date.now();
    while (position < last && Date.now() - movedAt < 120_000) {
      await new Promise((r) => setTimeout(r, 100));
      if (position !== seen) [seen, movedAt] = [position, Date.now()];
    }
    assert.equal(position, last, `the projector caught up (it stopped moving at ${position} for 2 minutes); its stderr ended with:\n${childErr}`);
    child.kill('SIGTERM');
    await exited(child);
    child = undefined;

    const ontology = clinicOntology();
    const store = target.open(ontology);
    await store.init(ontology);
    const ids = await ledgerEventIds(store);
    assert.equal(ids.length, TOTAL, 'ledger rows');
    assert.equal(new Set(ids).size, TOTAL, 'distinct event ids');

    // A clean replay of the stream into a fresh store gives the same graph.
    const fresh = createSqliteStore({ path: join(dir, 'replay.db'), ontology });
    await fresh.init(ontology);
    const dlq = await createNatsDeadLetters({ js: bus.js, jsm: bus.jsm });
    const report = await replay({ source: busSource(bus.read({ seq: 1 })), ingestor: createIngestor({ ontology, store: fresh, deadLetters: dlq }) });
    assert.equal(report.applied, TOTAL);
    const [a, b] = [await dumpGraph(store), await dumpGraph(fresh)];
    assert.ok(a.length > TOTAL / 2);
    assert.deepEqual(a, b);
    assert.equal(await dlq.count(), 0);
    await store.close();
    await fresh.close();
  });
});
