/**
 * The 3-node cluster tests' rig: a real cluster (test/support/nats-cluster.ts) with R3 event and dead-letter
 * streams, publisher connections and a projector that each know all three URLs, a load of concurrent publishers
 * that retry with the same ids (the bus's own retry), and the exactly-once assertions every disruption test makes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createNatsDeadLetters } from '../../../src/adapters/nats/dead-letters.ts';
import { createJetStreamBus, type JetStreamBus } from '../../../src/adapters/nats/jetstream-bus.ts';
import { createSqliteStore, type SqliteGraphStore } from '../../../src/adapters/sqlite/index.ts';
import { createIngestor } from '../../../src/app/ingest/ingest.ts';
import type { DeadLetterStore } from '../../../src/ports/dead-letters.ts';
import { clinicOntology } from '../../fixtures/clinic-ontology.ts';
import { startNatsCluster, type NatsCluster } from '../../support/nats-cluster.ts';
import { dumpGraph, ledgerEventIds, type TestEvent } from './fixtures.ts';

export const ontology = clinicOntology();

export interface ClusterRig {
  readonly cluster: NatsCluster;
  readonly publishers: readonly JetStreamBus[];
  readonly dir: string;
  close(): Promise<void>;
}

/** Starts the cluster and `publishers` publisher connections; the first one creates both streams with 3 replicas. */
export async function startClusterRig(publishers = 4): Promise<ClusterRig> {
  const cluster = await startNatsCluster();
  const dir = mkdtempSync(join(tmpdir(), 'tg-cluster-'));
  const buses: JetStreamBus[] = [];
  const open = (i: number): Promise<JetStreamBus> =>
    createJetStreamBus({ url: cluster.urls, domain: 'clinic', replicas: 3, publishTimeoutMs: 180_000, name: `publisher-${i}` });
  try {
    const first = await open(1);
    buses.push(first);
    await createNatsDeadLetters({ js: first.js, jsm: first.jsm, replicas: 3 });
    for (let i = 2; i <= publishers; i++) buses.push(await open(i));
  } catch (err) {
    for (const b of buses) await b.close();
    await cluster.stop();
    throw err;
  }
  return {
    cluster,
    publishers: buses,
    dir,
    async close() {
      for (const b of buses) await b.close().catch(() => undefined);
      await cluster.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The projector's side: its own connection (all three URLs), a SQLite store, the R3 dead-letter stream. */
export async function projectorParts(rig: ClusterRig, name = 'graph'): Promise<{ bus: JetStreamBus; store: SqliteGraphStore; dlq: DeadLetterStore }> {
  const bus = await createJetStreamBus({ url: rig.cluster.urls, domain: 'clinic', ackWaitMs: 5000, name: 'projector' });
  const store = createSqliteStore({ path: join(rig.dir, `${name}.db`), ontology });
  await store.init(ontology);
  const dlq = await createNatsDeadLetters({ js: bus.js, jsm: bus.jsm });
  return { bus, store, dlq };
}

/** What the publishers saw. */
export interface LoadResult {
  /** Event ids whose publish was acknowledged. */
  readonly acked: Set<string>;
  /** Acks that said `duplicate`: a retry after a lost ack, dropped by the stream's dedupe. */
  readonly duplicateAcks: number;
  /** The longest single publish, first attempt to ack (retries included). */
  readonly longestPublishMs: number;
  /** The longest time in which no publisher got any ack. */
  readonly longestAckGapMs: number;
  readonly seconds: number;
}

/**
 * Publishes the waves in order (a wave's events touch distinct aggregates), each wave spread over every publisher
 * connection with `perPublisher` publishes in flight each. `acked()` can be polled by a disruptor meanwhile.
 */
export function startLoad(rig: ClusterRig, waves: readonly TestEvent[][], perPublisher = 16): { acked: () => number; done: Promise<LoadResult> } {
  const acked = new Set<string>();
  const ackTimes: number[] = [];
  let duplicateAcks = 0;
  let longestPublishMs = 0;
  const started = Date.now();
  const done = (async (): Promise<LoadResult> => {
    for (const wave of waves) {
      let next = 0;
      const workers = rig.publishers.flatMap((bus) => Array.from({ length: perPublisher }, async () => {
        while (next < wave.length) {
          const e = wave[next++] as TestEvent;
          const t0 = Date.now();
          const ack = await bus.publish({ type: e.type, subject: e.subject }, e.payload, { msgId: e.id });
          const t1 = Date.now();
          longestPublishMs = Math.max(longestPublishMs, t1 - t0);
          ackTimes.push(t1);
          if (ack.duplicate) duplicateAcks++;
          acked.add(e.id);
        }
      }));
      await Promise.all(workers);
    }
    let longestAckGapMs = 0;
    for (let i = 1; i < ackTimes.length; i++) longestAckGapMs = Math.max(longestAckGapMs, (ackTimes[i] ?? 0) - (ackTimes[i - 1] ?? 0));
    return { acked, duplicateAcks, longestPublishMs, longestAckGapMs, seconds: (Date.now() - started) / 1000 };
  })();
  return { acked: () => acked.size, done };
}

/** Waits (bounded) until `count()` reaches `target`. */
export async function until(count: () => number, target: number, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (count() < target) {
    if (Date.now() > deadline) throw new Error(`${what}: ${count()} of ${target} after ${timeoutMs} ms`);
    await sleep(20);
  }
}

/** The stream leader's server name, asked through `bus` (retried: during an election there is none). */
export async function streamLeader(bus: JetStreamBus, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const leader = (await bus.jsm.streams.info(bus.streamName)).cluster?.leader;
      if (leader) return leader;
    } catch {
      // no leader yet, or the node we asked is the one that went away
    }
    if (Date.now() > deadline) throw new Error(`no leader for ${bus.streamName} after ${timeoutMs} ms`);
    await sleep(200);
  }
}

/** Stream counts, asked with retries (a node may have just come back). */
async function streamState(bus: JetStreamBus): Promise<{ messages: number; lastSeq: number; replicas: number }> {
  for (let attempt = 0; ; attempt++) {
    try {
      const info = await bus.jsm.streams.info(bus.streamName);
      return { messages: info.state.messages, lastSeq: info.state.last_seq, replicas: info.config.num_replicas };
    } catch (err) {
      if (attempt >= 50) throw err;
      await sleep(200);
    }
  }
}

/** What the exactly-once check found. */
export interface ExactlyOnce {
  readonly acked: number;
  readonly stored: number;
  readonly projected: number;
  readonly duplicates: number;
}

/**
 * The assertions every disruption test makes: the stream holds each event once (3 replicas), the projector reaches
 * the stream's end, the ledger holds every acknowledged event exactly once and nothing else, nothing was
 * dead-lettered, and the graph equals a clean replay of the stream into a fresh store.
 */
export async function assertExactlyOnce(
  rig: ClusterRig,
  parts: { bus: JetStreamBus; store: SqliteGraphStore; dlq: DeadLetterStore },
  projected: () => number,
  load: LoadResult,
  total: number,
): Promise<ExactlyOnce> {
  assert.equal(load.acked.size, total, 'every publish was acknowledged');
  const stream = await streamState(parts.bus);
  assert.equal(stream.replicas, 3);
  assert.equal(stream.messages, total, 'the stream holds each event once: retries after a lost ack were deduplicated');
  await until(projected, stream.lastSeq, 240_000, 'projector position');
  const ids = await ledgerEventIds(parts.store);
  const unique = new Set(ids);
  const result = { acked: load.acked.size, stored: stream.messages, projected: unique.size, duplicates: ids.length - unique.size };
  assert.equal(result.duplicates, 0, 'no event applied twice');
  assert.deepEqual(unique, load.acked, 'the graph holds exactly the acknowledged events');
  assert.equal(await parts.dlq.count(), 0, 'nothing dead-lettered');
  assert.deepEqual(await dumpGraph(parts.store), await cleanReplay(rig, parts.bus), 'the graph equals a clean replay of the stream');
  return result;
}

/** Applies the stream, in stream order, to a fresh store with no broker in the loop; returns its dump. */
async function cleanReplay(rig: ClusterRig, bus: JetStreamBus): Promise<string[]> {
  const store = createSqliteStore({ path: join(rig.dir, 'replay.db'), ontology });
  await store.init(ontology);
  const dlq = await createNatsDeadLetters({ js: bus.js, jsm: bus.jsm });
  const ingestor = createIngestor({ ontology, store, deadLetters: dlq });
  try {
    let batch: { payload: string; subject: string; headers: Record<string, string>; deliveries: number }[] = [];
    let position = 0;
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return;
      const results = await ingestor.ingest(batch, { checkpoint: { name: 'replay', position } });
      for (const r of results) assert.notEqual(r.status, 'rejected', `clean replay rejected ${r.eventId}`);
      batch = [];
    };
    for await (const m of bus.read({ seq: 1 })) {
      batch.push({ payload: m.data, subject: m.subject, headers: m.headers, deliveries: 1 });
      position = m.streamSeq;
      if (batch.length >= 500) await flush();
    }
    await flush();
    return await dumpGraph(store);
  } finally {
    await ingestor.close();
    await store.close();
  }
}
