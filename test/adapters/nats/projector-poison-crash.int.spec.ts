/**
 * A message that crashes the projector PROCESS (not a thrown error) must not loop forever: the child projector
 * exits abruptly whenever a batch holding event `c-4` is applied. After max_deliver crashes of that range the
 * projector applies it one message at a time, the message that crashes alone twice is dead-lettered as `poison`
 * on the next start, and every other event is applied exactly once.
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
import { POISON_CONFIRMATIONS } from '../../../src/app/ingest/crash-guard.ts';
import { clinicOntology } from '../../fixtures/clinic-ontology.ts';
import { startNatsServer, type NatsServer } from '../../support/nats-server.ts';
import { ledgerEventIds } from './fixtures.ts';

const MAX_DELIVER = 3;
const EVENTS = 6;
const POISON = 'c-4';

void describe('projector crash loop (child process exits on one message)', () => {
  let server: NatsServer;
  let bus: JetStreamBus;
  let dir: string;
  let child: ChildProcess | undefined;

  /** Runs the projector until it exits on its own or reaches `EVENTS`; returns the exit code (null: reached). */
  const runChild = (dbPath: string): Promise<number | null> =>
    new Promise((resolve, reject) => {
      const proc = spawn(process.execPath, ['--import', 'tsx', 'test/support/projector-process.ts', server.url, dbPath], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, TG_TEST_CRASH_ON: POISON, TG_TEST_MAX_DELIVER: String(MAX_DELIVER) },
      });
      child = proc;
      let buf = '';
      let reached = false;
      proc.stdout?.on('data', (b: Buffer) => {
        buf += b.toString();
        if (!reached && buf.includes(`position ${EVENTS}\n`)) {
          reached = true;
          proc.kill('SIGTERM');
        }
      });
      proc.stderr?.resume();
      proc.once('exit', (code) => resolve(reached ? null : code));
      proc.once('error', reject);
    });

  void before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tg-poison-crash-'));
    server = await startNatsServer({ jetstream: true });
    bus = await createJetStreamBus({ url: server.url, domain: 'clinic', ackWaitMs: 2000 });
  });
  void after(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await bus?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  void it(`dead-letters the message after ${MAX_DELIVER} crashes and applies the rest once`, { timeout: 120_000 }, async () => {
    for (let i = 1; i <= EVENTS; i++) {
      const payload = JSON.stringify({ specversion: '1.0', id: `c-${i}`, source: 'agent://test', type: 'PatientRegistered', time: '2026-11-21T09:00:00Z', data: { '@type': 'Patient', id: `p-${i}`, name: `Patient ${i}` } });
      await bus.publish({ type: 'PatientRegistered', subject: `Patient/p-${i}` }, payload, { msgId: `c-${i}` });
    }
    const dbPath = join(dir, 'graph.db');
    const exits: (number | null)[] = [];
    for (let run = 0; run < MAX_DELIVER + 4; run++) {
      const code = await runChild(dbPath);
      exits.push(code);
      if (code === null) break;
    }
    // max_deliver crashes as a batch, two more when applied alone, then the run that dead-letters it and finishes.
    assert.deepEqual(exits, [...Array<number>(MAX_DELIVER + POISON_CONFIRMATIONS).fill(70), null]);

    const ontology = clinicOntology();
    const store = createSqliteStore({ path: dbPath, ontology });
    await store.init(ontology);
    assert.deepEqual((await ledgerEventIds(store)).sort(), ['c-1', 'c-2', 'c-3', 'c-5', 'c-6']);
    assert.equal(await store.getCheckpoint('nats:projector'), EVENTS);
    await store.close();
    const letters = await (await createNatsDeadLetters({ js: bus.js, jsm: bus.jsm })).list();
    assert.equal(letters.length, 1);
    assert.equal(letters[0]?.eventId, POISON);
    assert.equal(letters[0]?.reason, 'poison');
    assert.match(letters[0]?.message ?? '', /crashed the projector process/);
  });
});
