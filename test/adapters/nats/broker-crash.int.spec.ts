/**
 * The broker dies: nats-server is `kill -9`ed twice in the middle of a 5,000-event publish load and restarted on
 * the same port and store dir. Publishers retry with the SAME msg ids (the bus's own retry, plus a client that
 * re-sends a tenth of its events as if it had never seen the ack); the in-process projector reconnects by itself.
 * Afterwards: the stream holds each event exactly once, the ledger has every event exactly once, nothing was
 * dead-lettered.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createNatsDeadLetters } from '../../../src/adapters/nats/dead-letters.ts';
import { createJetStreamBus, type JetStreamBus } from '../../../src/adapters/nats/jetstream-bus.ts';
import { createSqliteStore, type SqliteGraphStore } from '../../../src/adapters/sqlite/index.ts';
import { createIngestor } from '../../../src/app/ingest/ingest.ts';
import { createProjector, type Projector } from '../../../src/app/ingest/projector.ts';
import type { DeadLetterStore } from '../../../src/ports/dead-letters.ts';
import { clinicOntology } from '../../fixtures/clinic-ontology.ts';
import { startNatsServer, type NatsServer } from '../../support/nats-server.ts';
import { clinicWaves, ledgerEventIds, publishAll } from './fixtures.ts';

const TOTAL = 5000;
const CRASHES = 2;

void describe('broker crash (nats-server kill -9 mid-load)', () => {
  let server: NatsServer;
  let publisherBus: JetStreamBus;
  let projectorBus: JetStreamBus;
  let store: SqliteGraphStore;
  let dlq: DeadLetterStore;
  let projector: Projector;
  let dir: string;
  const ontology = clinicOntology();
  const log: string[] = [];

  void before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tg-broker-crash-'));
    server = await startNatsServer({ jetstream: true });
    // Two connections, as in production: publishers and the projector are different clients.
    publisherBus = await createJetStreamBus({ url: server.url, domain: 'clinic', ackWaitMs: 2000, publishTimeoutMs: 60_000, name: 'publisher' });
    projectorBus = await createJetStreamBus({ url: server.url, domain: 'clinic', ackWaitMs: 2000, name: 'projector' });
    store = createSqliteStore({ path: join(dir, 'graph.db'), ontology });
    await store.init(ontology);
    dlq = await createNatsDeadLetters({ js: projectorBus.js, jsm: projectorBus.jsm });
    const ingestor = createIngestor({ ontology, store, deadLetters: dlq });
    projector = createProjector({ bus: projectorBus, ingestor, store, deadLetters: dlq, batchSize: 200, log: (l) => log.push(l) });
    await projector.start();
  });
  void after(async () => {
    await projector?.stop();
    await publisherBus?.close();
    await projectorBus?.close();
    await store?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  void it(`stores and applies ${TOTAL} events exactly once across ${CRASHES} broker kill -9s`, { timeout: 240_000 }, async () => {
    const waves = clinicWaves(TOTAL, 'b');
    let published = 0;
    let duplicates = 0;
    let resent = 0;
    /** Outages [dead, restarted]; a publish in flight during one proves the retry path ran, not a quiet broker. */
    const outages: { from: number; to: number }[] = [];
    const spans: [number, number][] = [];
    const publishing = (async () => {
      for (const wave of waves) {
        await publishAll(wave, 32, async (e) => {
          const started = Date.now();
          const ack = await publisherBus.publish({ type: e.type, subject: e.subject }, e.payload, { msgId: e.id });
          const ended = Date.now();
          spans.push([started, ended]);
          if (ack.duplicate) duplicates++;
          published++;
          // A client that lost the ack re-sends under the same id: the broker must drop it.
          if (published % 10 === 0) {
            resent++;
            const again = await publisherBus.publish({ type: e.type, subject: e.subject }, e.payload, { msgId: e.id });
            assert.equal(again.duplicate, true, `re-send of ${e.id} was stored again`);
            assert.equal(again.streamSeq, ack.streamSeq, `re-send of ${e.id} reports the original position`);
          }
        });
      }
    })();

    for (let crash = 1; crash <= CRASHES; crash++) {
      const target = Math.floor((TOTAL * crash) / (CRASHES + 1));
      while (published < target) await new Promise((r) => setTimeout(r, 10));
      await server.kill9();
      const from = Date.now(); // the broker is dead from here on
      await new Promise((r) => setTimeout(r, 500 + Math.random() * 500)); // down for a while: publishes pile up
      await server.restart();
      outages.push({ from, to: Date.now() });
    }
    await publishing;
    assert.equal(published, TOTAL);
    assert.ok(resent >= TOTAL / 10 - 1);
    const spanned = outages.map((o) => spans.filter(([s, e]) => s < o.to && e > o.from).length);
    for (const [i, n] of spanned.entries()) assert.ok(n > 0, `crash ${i + 1} hit publishes in flight`);

    const info = await publisherBus.jsm.streams.info(publisherBus.streamName);
    assert.equal(info.state.messages, TOTAL, 'stream holds each event once (no extra copies from retries)');
    assert.equal(info.state.last_seq, TOTAL, 'no stream position was used by a duplicate');

    const deadline = Date.now() + 120_000;
    while (projector.position < TOTAL && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.equal(projector.position, TOTAL, `projector caught up after the restarts (log: ${log.slice(-5).join(' | ')})`);
    assert.equal(await store.getCheckpoint('nats:projector'), TOTAL, 'checkpoint committed at the stream end');

    const ids = await ledgerEventIds(store);
    assert.equal(ids.length, TOTAL, 'ledger rows');
    assert.equal(new Set(ids).size, TOTAL, 'no event applied twice');
    const expected = new Set(waves.flat().map((e) => e.id));
    assert.deepEqual(new Set(ids), expected, 'every published event is in the ledger');
    assert.equal(await dlq.count(), 0, 'nothing dead-lettered');
    // Bus-level retries after a lost ack are reported as duplicates, not stored twice.
    process.stdout.write(`# broker crash: ${duplicates} publish retries deduplicated by the broker, ${resent} client re-sends dropped, publishes across outages ${spanned.join('/')}\n`);
  });
});
