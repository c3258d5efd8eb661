import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createNatsDeadLetters } from '../../../src/adapters/nats/dead-letters.ts';
import { createJetStreamBus, type JetStreamBus } from '../../../src/adapters/nats/jetstream-bus.ts';
import { createSqliteStore, type SqliteGraphStore } from '../../../src/adapters/sqlite/index.ts';
import { createIngestor } from '../../../src/app/ingest/ingest.ts';
import { createNatsPublisher, REPLAY_HEADER } from '../../../src/app/publish/nats-publisher.ts';
import { createProjector, type Projector } from '../../../src/app/ingest/projector.ts';
import type { DeadLetterStore } from '../../../src/ports/dead-letters.ts';
import { clinicOntology } from '../../fixtures/clinic-ontology.ts';
import { startNatsServer, type NatsServer } from '../../support/nats-server.ts';
import { clinicWaves, ledgerEventIds, publishAll, STATUSES, type TestEvent } from './fixtures.ts';

void describe('projector over JetStream (in-process)', () => {
  let server: NatsServer;
  let bus: JetStreamBus;
  let store: SqliteGraphStore;
  let dlq: DeadLetterStore;
  let projector: Projector;
  let dir: string;
  const ontology = clinicOntology();

  void before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tg-proj-'));
    server = await startNatsServer({ jetstream: true });
    bus = await createJetStreamBus({ url: server.url, domain: 'clinic', ackWaitMs: 2000 });
    store = createSqliteStore({ path: join(dir, 'graph.db'), ontology });
    await store.init(ontology);
    dlq = await createNatsDeadLetters({ js: bus.js, jsm: bus.jsm });
    const ingestor = createIngestor({ ontology, store, deadLetters: dlq });
    projector = createProjector({ bus, ingestor, store, deadLetters: dlq, batchSize: 100, log: () => undefined });
    await projector.start();
  });
  void after(async () => {
    await projector?.stop();
    await bus?.close();
    await store?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  void it('applies each event once despite duplicate publishes, dead-letters 1% poison exactly, keeps per-aggregate order', async () => {
    const waves = clinicWaves(3000, 'a');
    const all = waves.flat();
    // Every TERM carries its reason into the consumer's MSG_TERMINATED advisory (nats-server ≥ 2.11).
    const terminated: { stream_seq: number; reason?: string }[] = [];
    const advisories = bus.nc.subscribe(`$JS.EVENT.ADVISORY.CONSUMER.MSG_TERMINATED.${bus.streamName}.${bus.consumerSettings.durable}`, {
      callback: (_err, msg) => {
        terminated.push(msg.json());
      },
    });
    // 1% invalid: a priority outside sh:in, each with its own id
    const poisonEvery = 100;
    let poisonCount = 0;
    for (const [w, wave] of waves.entries()) {
      const items: TestEvent[] = [];
      for (const [i, e] of wave.entries()) {
        items.push(e);
        if ((w * 10_000 + i) % poisonEvery === 0) {
          poisonCount++;
          const id = `bad-${w}-${i}`;
          items.push({ id, type: 'ReferralRequested', subject: `Referral/x-${id}`, payload: JSON.stringify({
            specversion: '1.0', id, source: 'agent://test', type: 'ReferralRequested', subject: `Referral/x-${id}`,
            data: { '@type': 'Referral', id: `x-${id}`, reason: 'r', priority: 'whenever', forPatient: 'p-0' } }) });
        }
      }
      await publishAll(items, 50, (e) => bus.publish({ type: e.type, subject: e.subject }, e.payload, { msgId: e.id }));
      // the same ids again: the bus drops them as duplicates
      await publishAll(items.slice(0, 50), 10, (e) => bus.publish({ type: e.type, subject: e.subject }, e.payload, { msgId: e.id }));
    }
    // a plain NATS client publish without msg id of an already-applied event: the ledger dedupes it
    const first = all[0]!;
    bus.nc.publish(`tg.events.clinic.${first.type}.p-0`, first.payload);
    // Fire-and-forget: the stream stores it after an fsync (sync_interval: always); wait for it, bounded.
    let last = await bus.lastSeq();
    for (let i = 0; i < 100 && last < all.length + poisonCount + 1; i++) {
      await new Promise((r) => setTimeout(r, 50));
      last = await bus.lastSeq();
    }
    assert.equal(last, all.length + poisonCount + 1);
    await projector.reached(last);

    const ids = await ledgerEventIds(store);
    assert.equal(ids.length, all.length, 'every valid event exactly once');
    assert.equal(new Set(ids).size, all.length);
    assert.equal(await dlq.count(), poisonCount);
    const letters = await dlq.list({ limit: 1000 });
    for (const l of letters) {
      assert.equal(l.reason, 'invalid');
      assert.equal(l.issues[0]?.pointer, '/data/priority');
      assert.match(l.subject ?? '', /^tg\.events\.clinic\.ReferralRequested\./u);
    }
    for (let i = 0; i < 200 && terminated.length < poisonCount; i++) await new Promise((r) => setTimeout(r, 50));
    advisories.unsubscribe();
    assert.equal(terminated.length, poisonCount, 'one TERM advisory per dead-lettered event');
    const letterIds = new Set(letters.map((l) => l.id));
    for (const t of terminated) {
      const m = /^dead-lettered as (\d+): (.*)$/u.exec(t.reason ?? '');
      assert.ok(m, `TERM of stream seq ${t.stream_seq} gives its reason: ${t.reason}`);
      assert.ok(letterIds.has(m[1]!), `the reason names the dead letter (${m[1]})`);
      assert.match(m[2]!, /\/data\/priority/u, 'and the located problem');
    }
    // per-aggregate order: the ledger order per referral equals publish order, and the last status wins
    const byAggregate = new Map<string, string[]>();
    for (const e of all) byAggregate.set(e.subject, [...(byAggregate.get(e.subject) ?? []), e.id]);
    const positions = new Map(ids.map((id, i) => [id, i]));
    for (const [subject, published] of byAggregate) {
      const order = published.map((id) => positions.get(id) ?? -1);
      assert.deepEqual(order, [...order].sort((a, b) => a - b), `ledger order of ${subject}`);
    }
    const updates = waves.length - 2;
    const r0 = await store.getNode('r-0');
    assert.equal(r0?.properties.status, STATUSES[(updates - 1) % STATUSES.length]);

    // replaying a fixed dead letter projects it
    const letter = letters[0]!;
    const fixed = JSON.parse(letter.payload) as { data: { priority: string } };
    fixed.data.priority = 'urgent';
    const publisher = createNatsPublisher({ bus, ingestor: createIngestor({ ontology, store, deadLetters: dlq }), store, deadLetters: dlq });
    const [outcome] = await publisher.publish([{ payload: JSON.stringify(fixed), headers: { [REPLAY_HEADER]: letter.id } }], { waitMs: 10_000 });
    assert.equal(outcome?.status, 'applied');
    assert.ok((outcome?.seq ?? 0) > 0);
    await dlq.remove(letter.id);
    assert.equal(await dlq.count(), poisonCount - 1);
    // an invalid publish is rejected at once, never reaches the bus, and is kept in dead letters with its reason
    const before = await bus.lastSeq();
    const [bad] = await publisher.publish([{ payload: letter.payload.replace(letter.eventId ?? '', 'bad-again') }]);
    assert.equal(bad?.status, 'rejected');
    assert.equal(await bus.lastSeq(), before);
    assert.ok(bad?.deadLetterId, 'rejected at the edge, still kept');
    const kept = await dlq.get(bad.deadLetterId);
    assert.equal(kept?.eventId, 'bad-again');
    assert.equal(kept?.reason, 'invalid');
    assert.match(kept?.issues[0]?.pointer ?? '', /^\/data\//);
    await publisher.close();
  });
});
