import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AckPolicy, DeliverPolicy } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { createNatsDeadLetters } from '../../../src/adapters/nats/dead-letters.ts';
import { createJetStreamBus, type JetStreamBus } from '../../../src/adapters/nats/jetstream-bus.ts';
import { createSqliteStore, type SqliteGraphStore } from '../../../src/adapters/sqlite/index.ts';
import { createIngestor } from '../../../src/app/ingest/ingest.ts';
import { createProjector } from '../../../src/app/ingest/projector.ts';
import type { DeadLetterStore } from '../../../src/ports/dead-letters.ts';
import { clinicOntology } from '../../fixtures/clinic-ontology.ts';
import { startNatsServer, type NatsServer } from '../../support/nats-server.ts';
import { clinicWaves, ledgerEventIds, publishAll, type TestEvent } from './fixtures.ts';

const ACK_WAIT_MS = 1000;

/** One ack per committed batch (AckPolicy All): invalid events mid-batch are still dead-lettered once, nothing is redelivered. */
void describe('projector with an ack-all consumer', () => {
  let server: NatsServer;
  let bus: JetStreamBus;
  let store: SqliteGraphStore;
  let dlq: DeadLetterStore;
  let dir: string;
  const ontology = clinicOntology();

  void before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tg-ackall-'));
    server = await startNatsServer({ jetstream: true });
    bus = await createJetStreamBus({ url: server.url, domain: 'clinic', ackWaitMs: ACK_WAIT_MS, maxDeliver: 3 });
    store = createSqliteStore({ path: join(dir, 'graph.db'), ontology });
    await store.init(ontology);
    dlq = await createNatsDeadLetters({ js: bus.js, jsm: bus.jsm });
  });
  void after(async () => {
    await bus?.close();
    await store?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  void it('replaces an explicit-ack consumer of an older version, then settles batches with invalid events inside: no loss, no redelivery', async () => {
    // A durable left by a version that acked each message: ack policy cannot be updated in place.
    const settings = bus.consumerSettings;
    await bus.jsm.consumers.add(bus.streamName, {
      durable_name: settings.durable, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All,
      filter_subject: settings.filterSubject, ack_wait: nanos(ACK_WAIT_MS), max_deliver: settings.maxDeliver,
    });

    const all = clinicWaves(600, 'k').flat();
    const items: TestEvent[] = [];
    let invalid = 0;
    for (const [i, e] of all.entries()) {
      items.push(e);
      if (i % 97 === 50) {
        const id = `bad-${i}`;
        invalid++;
        items.push({ id, type: 'ReferralRequested', subject: `Referral/x-${id}`, payload: JSON.stringify({
          specversion: '1.0', id, source: 'agent://test', type: 'ReferralRequested', subject: `Referral/x-${id}`,
          data: { '@type': 'Referral', id: `x-${id}`, reason: 'r', priority: 'whenever', forPatient: 'p-0' } }) });
      }
    }
    // in order (the waves depend on each other), a few in flight
    for (const e of items) await publishAll([e], 1, (x) => bus.publish({ type: x.type, subject: x.subject }, x.payload, { msgId: x.id }));
    const last = await bus.lastSeq();
    assert.equal(last, items.length);

    const ingestor = createIngestor({ ontology, store, deadLetters: dlq });
    const projector = createProjector({ bus, ingestor, store, deadLetters: dlq, batchSize: 64, idleWaitMs: 50, log: () => undefined });
    await projector.start();
    try {
      const info = await bus.jsm.consumers.info(bus.streamName, settings.durable);
      assert.equal(info.config.ack_policy, AckPolicy.All, 'the consumer was recreated with ack policy all');
      await projector.reached(last);
      // Longer than ack_wait (and its first backoff step): anything left unsettled would be redelivered by now.
      await new Promise((r) => setTimeout(r, ACK_WAIT_MS * 2.5));
      const after = await bus.jsm.consumers.info(bus.streamName, settings.durable);
      assert.equal(after.ack_floor.stream_seq, last, 'the broker saw every message settled');
      assert.equal(after.num_ack_pending, 0);
      assert.equal(after.num_redelivered, 0, 'nothing was redelivered');
    } finally {
      await projector.stop();
      await ingestor.close();
    }
    const ids = await ledgerEventIds(store);
    assert.equal(ids.length, all.length, 'every valid event applied');
    assert.equal(new Set(ids).size, all.length, 'and only once');
    assert.equal(await dlq.count(), invalid, 'each invalid event dead-lettered once');
  });
});
