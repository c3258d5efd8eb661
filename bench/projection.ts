/**
 * Projection throughput: change sets applied in batches to the SQLite GraphStore, against a raw better-sqlite3
 * insert loop writing the same rows into the same tables (same schema, pragmas and indexes, same batching, one
 * transaction per batch) measured in the same run. Each event is a ReferralRequested: a new Referral (4
 * properties), a new Patient, and the forPatient relationship → 2 nodes, 1 relationship, 1 ledger row, and the
 * history rows of as-of reads (2 node versions, 2 label versions, 1 relationship version) on both sides.
 *
 *   node --import tsx bench/run.ts projection --nodes 10000,1000000 --batch 500
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import cliProgress from 'cli-progress';
import { createSqliteStore } from '../src/adapters/sqlite/index.ts';
import { createIndexes } from '../src/adapters/sqlite/indexes.ts';
import { openDatabase } from '../src/adapters/sqlite/open.ts';
import { labelsOf } from '../src/core/ontology/model.ts';
import type { ChangeSet } from '../src/core/projection/change-set.ts';
import { clinicOntology } from '../test/fixtures/clinic-ontology.ts';

const ontology = clinicOntology();
const DATA = join(import.meta.dirname, '.data');
const PRIORITIES = ['routine', 'urgent', 'emergency'] as const;
const T0 = Date.parse('2026-01-01T00:00:00Z');

/** The i-th benchmark change set (shared with projection-neo4j.ts). */
export function projectionEvent(i: number): ChangeSet {
  const r = `r-${i}`;
  const p = `p-${i}`;
  const time = new Date(T0 + i * 1000).toISOString();
  const set = { reason: `Reason ${i % 97}`, priority: PRIORITIES[i % 3] ?? 'routine', score: (i % 1000) / 1000, requestedAt: time };
  return {
    eventId: `evt-${i}`,
    source: 'agent://bench',
    time,
    type: 'ReferralRequested',
    subject: `Referral/${r}`,
    aggregate: r,
    ontologyVersion: ontology.version,
    ops: [
      { op: 'upsertNode', node: { id: r, class: 'Referral' }, labels: labelsOf(ontology, 'Referral'), set, add: {}, unset: [], pointer: '/data' },
      { op: 'upsertNode', node: { id: p, class: 'Patient' }, labels: labelsOf(ontology, 'Patient'), set: { name: `Patient ${i}` }, add: {}, unset: [], pointer: '/data/forPatient' },
      { op: 'addRelationship', type: 'forPatient', from: { id: r, class: 'Referral' }, to: { id: p, class: 'Patient' }, functional: true, pointer: '/data/forPatient' },
    ],
    event: { specversion: '1.0', id: `evt-${i}`, source: 'agent://bench', type: 'ReferralRequested', subject: `Referral/${r}`, time, data: { '@type': 'Referral', id: r, ...set, forPatient: { '@type': 'Patient', id: p, name: `Patient ${i}` } } },
  };
}

export interface Result {
  seconds: number;
  /** CPU seconds (this process, user + system) spent inside the apply calls: better-sqlite3 is synchronous, so this is the side's own cost. */
  cpuSeconds: number;
  tailSeconds: number;
  tailEvents: number;
}

export type Apply = (cs: ChangeSet[]) => Promise<void> | void;

async function time(apply: Apply, css: ChangeSet[]): Promise<{ seconds: number; cpu: number }> {
  const t = process.hrtime.bigint();
  const c = process.cpuUsage();
  await apply(css);
  const cpu = process.cpuUsage(c);
  return { seconds: Number(process.hrtime.bigint() - t) / 1e9, cpu: (cpu.user + cpu.system) / 1e6 };
}

/**
 * Builds both graphs in lockstep, batch by batch, alternating which goes first, so that the CPU noise of a
 * shared machine hits both sides alike. Only the apply calls are timed; the last 10% of batches is the
 * "at size" tail.
 */
export async function lockstep(events: number, batch: number, store: Apply, raw: Apply, event: (i: number) => ChangeSet = projectionEvent): Promise<{ store: Result; raw: Result }> {
  const progress = new cliProgress.SingleBar(
    { format: 'build [{bar}] {percentage}% | {value}/{total} events | {eta_formatted} left', hideCursor: true, noTTYOutput: true, notTTYSchedule: 10_000 },
    cliProgress.Presets.shades_classic,
  );
  progress.start(events, 0);
  const tailFrom = Math.floor(events * 0.9);
  const res = { store: { seconds: 0, cpuSeconds: 0, tailSeconds: 0, tailEvents: 0 }, raw: { seconds: 0, cpuSeconds: 0, tailSeconds: 0, tailEvents: 0 } };
  const add = (r: Result, { seconds: dt, cpu }: { seconds: number; cpu: number }, n: number, tail: boolean): void => {
    r.seconds += dt;
    r.cpuSeconds += cpu;
    if (tail) {
      r.tailSeconds += dt;
      r.tailEvents += n;
    }
  };
  for (let start = 0, k = 0; start < events; start += batch, k++) {
    const css: ChangeSet[] = [];
    for (let i = start; i < Math.min(events, start + batch); i++) css.push(event(i));
    const tail = start >= tailFrom;
    if (k % 2 === 0) {
      add(res.raw, await time(raw, css), css.length, tail);
      add(res.store, await time(store, css), css.length, tail);
    } else {
      add(res.store, await time(store, css), css.length, tail);
      add(res.raw, await time(raw, css), css.length, tail);
    }
    progress.update(start + css.length);
  }
  progress.stop();
  return res;
}

/** The store side: applyBatch with a checkpoint, as the ingest loop calls it. */
async function openStore(path: string): Promise<{ apply: Apply; close(): Promise<void> }> {
  const store = createSqliteStore({ path, ontology });
  await store.init(ontology);
  let position = 0;
  return {
    apply: async (css) => {
      await store.applyBatch(css, { checkpoint: { name: 'bench', position: (position += css.length) } });
    },
    close: () => store.close(),
  };
}

/** The same rows with no reads and no change computation: the floor the store is compared with (shared with search-index.ts). */
export function openRaw(path: string): { apply: Apply; close(): void } {
  const db = openDatabase({ path });
  createIndexes(db, ontology);
  const node = db.prepare('INSERT INTO nodes (id, class, labels, props, event_id, source, time, seq, created_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const label = db.prepare('INSERT INTO node_labels (label, id) VALUES (?, ?)');
  const rel = db.prepare('INSERT INTO rels (type, from_id, to_id, event_id, source, time, seq, created_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const ledger = db.prepare(
    'INSERT INTO ledger (seq, event_id, kind, type, source, time, committed_at, subject, traceparent, correlationid, causationid, changes, event) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const touched = db.prepare('INSERT INTO ledger_nodes (node_id, seq) VALUES (?, ?)');
  // The store keeps the history of every node, label and relationship (as-of reads): the same rows here.
  const nodeVersion = db.prepare('INSERT INTO node_versions (id, seq, class, labels, props, event_id, source, time, created_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const labelVersion = db.prepare('INSERT INTO label_versions (label, id, seq) VALUES (?, ?, ?)');
  const relVersion = db.prepare('INSERT INTO rel_versions (type, from_id, to_id, seq, event_id, source, time, created_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const checkpoint = db.prepare('INSERT INTO checkpoints (name, position) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET position = excluded.position');
  let seq = 0;
  const tx = db.transaction((css: ChangeSet[]) => {
    for (const cs of css) {
      seq++;
      const changes: unknown[] = [];
      for (const op of cs.ops) {
        if (op.op === 'upsertNode') {
          const labels = JSON.stringify(op.labels);
          const props = JSON.stringify(op.set);
          node.run(op.node.id, op.node.class, labels, props, cs.eventId, cs.source, cs.time, seq, seq);
          nodeVersion.run(op.node.id, seq, op.node.class, labels, props, cs.eventId, cs.source, cs.time, seq);
          for (const l of op.labels) {
            label.run(l, op.node.id);
            labelVersion.run(l, op.node.id, seq);
          }
          touched.run(op.node.id, seq);
          changes.push({ kind: 'node', change: 'created', id: op.node.id, class: op.node.class, properties: Object.keys(op.set) });
        } else if (op.op === 'addRelationship') {
          rel.run(op.type, op.from.id, op.to.id, cs.eventId, cs.source, cs.time, seq, seq);
          relVersion.run(op.type, op.from.id, op.to.id, seq, cs.eventId, cs.source, cs.time, seq);
          changes.push({ kind: 'relationship', change: 'created', type: op.type, from: op.from, to: op.to });
        }
      }
      ledger.run(seq, cs.eventId, 'event', cs.type, cs.source, cs.time, new Date().toISOString(), cs.subject ?? null, null, null, null, JSON.stringify(changes), JSON.stringify(cs.event));
    }
    checkpoint.run('bench', seq);
  });
  return { apply: (css) => void tx.immediate(css), close: () => db.close() };
}

function clean(path: string): void {
  for (const f of [path, `${path}-wal`, `${path}-shm`]) rmSync(f, { force: true });
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/** Builds `nodes` nodes in the SQLite store and with the raw loop, in lockstep; the files are removed after. */
export async function runSqlite(nodes: number, batch: number): Promise<{ store: Result; raw: Result }> {
  const storePath = join(DATA, `projection-store-${nodes}.db`);
  const rawPath = join(DATA, `projection-raw-${nodes}.db`);
  clean(storePath);
  clean(rawPath);
  const storeSide = await openStore(storePath);
  const rawSide = openRaw(rawPath);
  try {
    return await lockstep(Math.ceil(nodes / 2), batch, storeSide.apply, rawSide.apply);
  } finally {
    await storeSide.close();
    rawSide.close();
    clean(storePath);
    clean(rawPath);
  }
}

export async function main(argv: string[]): Promise<void> {
  const opts = new Command('projection')
    .description('events/s applying change sets to the SQLite store vs a raw insert loop of the same rows')
    .option('--nodes <list>', 'graph sizes to build, comma-separated', '10000,1000000')
    .option('--batch <n>', 'change sets per batch (one transaction)', '500')
    .parse(argv, { from: 'user' })
    .opts<{ nodes: string; batch: string }>();
  const sizes = opts.nodes.split(',').map((s) => Number(s.trim())).filter((n) => n > 0);
  const batch = Number(opts.batch);
  const rows: string[] = [];
  for (const nodes of sizes) {
    const events = Math.ceil(nodes / 2);
    console.log(`\n${fmt(nodes)} nodes = ${fmt(events)} events (2 nodes + 1 relationship + 1 ledger row each), batches of ${batch}`);
    const { store, raw } = await runSqlite(nodes, batch);
    const rate = (r: Result) => events / r.seconds;
    const tail = (r: Result) => r.tailEvents / r.tailSeconds;
    const line = `| ${fmt(nodes)} | ${batch} | ${fmt(rate(store))} | ${fmt(rate(raw))} | ${(rate(store) / rate(raw)).toFixed(2)}× | ${fmt(tail(store))} | ${fmt(tail(raw))} | ${(tail(store) / tail(raw)).toFixed(2)}× |`;
    console.log(`store ${fmt(rate(store))} events/s (last 10%: ${fmt(tail(store))}) | raw ${fmt(rate(raw))} events/s (last 10%: ${fmt(tail(raw))}) | ratio ${(rate(store) / rate(raw)).toFixed(2)}× | CPU µs/event: store ${((1e6 * store.cpuSeconds) / events).toFixed(1)}, raw ${((1e6 * raw.cpuSeconds) / events).toFixed(1)}`);
    rows.push(line);
  }
  console.log('\n| nodes | batch | store events/s | raw events/s | store/raw | store last 10% | raw last 10% | store/raw last 10% |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of rows) console.log(r);
}
