/**
 * Ingest throughput over NATS JetStream: events/s from publish to committed in the graph (SQLite store, the real
 * projector: validation, planning, one transaction per batch with the checkpoint, ack after commit), against the
 * raw JetStream rate of the SAME messages — publish with msg ids to a file stream, consume with a durable pull
 * consumer and ack, no projection — measured in the same run, against the same nats-server. Both sides get the
 * same publisher process (bench/support/ingest-publisher.ts: agents are other processes) and consume in this
 * process. Rounds alternate raw / ingest so shared-machine noise hits both. Also the end-to-end delay per event:
 * publish moment → commit (ingest) or → consumer receipt (raw).
 *
 * Topologies: a single nats-server, and a 3-node cluster with R3 streams (every client given all three URLs), both
 * the pinned release with the deployed JetStream config (sync_interval: always) — each with its own raw side.
 *
 *   node --import tsx bench/run.ts ingest --events 20000 --rounds 2 --topology single,cluster
 */
import { performance } from 'node:perf_hooks';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command } from 'commander';
import cliProgress from 'cli-progress';
import { AckPolicy, jetstream, jetstreamManager, StorageType } from '@nats-io/jetstream';
import { connect, nanos } from '@nats-io/transport-node';
import { createNatsDeadLetters } from '../src/adapters/nats/dead-letters.ts';
import { createJetStreamBus, projectorConsumerSettings } from '../src/adapters/nats/jetstream-bus.ts';
import { consumerConfig } from '../src/adapters/nats/pull-consumer.ts';
import { createSqliteStore } from '../src/adapters/sqlite/index.ts';
import { createIngestor } from '../src/app/ingest/ingest.ts';
import { runSqlite } from './projection.ts';
import { createProjector } from '../src/app/ingest/projector.ts';
import { clinicOntology } from '../test/fixtures/clinic-ontology.ts';
import { startNatsCluster } from '../test/support/nats-cluster.ts';
import { natsServerBinary, natsServerVersion, startNatsServer } from '../test/support/nats-server.ts';
import { natsServers } from '../src/adapters/nats/jetstream-bus.ts';

const ontology = clinicOntology();
const PUBLISHER = join(import.meta.dirname, 'support', 'ingest-publisher.ts');
const PREPARE_SETUP = pathToFileURL(join(import.meta.dirname, 'support', 'clinic-prepare-setup.ts')).href;

/** Runs the publisher process; resolves with its start time (epoch ms) once it began, and `done` when it exits. */
function spawnPublisher(url: string, mode: 'raw' | 'bus', stream: string, o: Options, round: number): { started: Promise<number>; done: Promise<void> } {
  const child = spawn(process.execPath, ['--import', 'tsx', PUBLISHER, url, mode, stream, String(o.events), String(round), String(o.window), String(o.rate)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let buf = '';
  let onStart: (t: number) => void = () => undefined;
  const started = new Promise<number>((resolve) => (onStart = resolve));
  child.stdout.on('data', (b: Buffer) => {
    buf += b.toString();
    const m = /start (\d+)/.exec(buf);
    if (m) onStart(Number(m[1]));
  });
  const done = new Promise<void>((resolve, reject) => child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`publisher exited with ${code}`)))));
  return { started, done };
}

interface RunResult {
  readonly seconds: number;
  readonly delaysMs: number[];
  /** CPU of this process (all its threads) per event while the round ran: the consumer's or the projector's cost. */
  readonly cpuUsPerEvent: number;
  readonly note: string;
}

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};

function bar(label: string, total: number): cliProgress.SingleBar {
  const b = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {value}/{total} events`, hideCursor: true, noTTYOutput: true, notTTYSchedule: 5000 },
    cliProgress.Presets.shades_classic,
  );
  b.start(total, 0);
  return b;
}

/** Raw JetStream: the same messages published with msg ids, consumed + acked, nothing else. */
/** Where a side runs: one server, or every node of a cluster (streams replicated on all of them). */
interface Target {
  readonly label: string;
  /** Comma-separated when a cluster: clients get every node. */
  readonly url: string;
  readonly replicas: number;
  stop(): Promise<void>;
}

async function startTarget(topology: string): Promise<Target> {
  if (topology === 'cluster') {
    const cluster = await startNatsCluster({ name: 'bench' });
    return { label: '3-node cluster, R3 streams', url: cluster.urls, replicas: 3, stop: () => cluster.stop() };
  }
  const server = await startNatsServer({ jetstream: true });
  return { label: 'single node, R1 streams', url: server.url, replicas: 1, stop: () => server.stop() };
}

async function runRaw(server: Target, round: number, o: Options): Promise<RunResult> {
  const nc = await connect({ servers: natsServers(server.url), name: 'bench-raw' });
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  const stream = `RAW_${round}`;
  await jsm.streams.add({ name: stream, subjects: [`raw_${round}.>`], storage: StorageType.File, duplicate_window: nanos(120_000), num_replicas: server.replicas });
  // Exactly the projector's consumer configuration (ack policy all, ack_wait/backoff, max_deliver, max_ack_pending),
  // and the same acking: with ack policy all, the last message of each batch-size run (and the very last) settles
  // everything before it; with explicit acks, each message.
  const config = consumerConfig({ ...projectorConsumerSettings({ maxAckPending: o.maxAckPending }), stream, durable: 'raw', filterSubject: `raw_${round}.>` });
  await jsm.consumers.add(stream, config);
  const ackAll = config.ack_policy === AckPolicy.All;
  const consumer = await js.consumers.get(stream, 'raw');
  const delays: number[] = [];
  const progress = bar(`raw    round ${round}`, o.events);
  const iter = await consumer.consume({ max_messages: Math.min(o.maxAckPending, 1000) });
  let end = 0;
  const consuming = (async () => {
    let n = 0;
    for await (const m of iter) {
      delays.push(Date.now() - Number(m.headers?.get('Tg-Sent')));
      ++n;
      if (!ackAll || n % o.batch === 0 || n >= o.events) m.ack();
      if (n % 500 === 0) progress.update(n);
      if (n >= o.events) break;
    }
    await nc.flush(); // the last acks reached the server
    end = Date.now();
  })();
  const publisher = spawnPublisher(server.url, 'raw', stream, o, round);
  const t0 = await publisher.started;
  const cpu0 = process.cpuUsage();
  await Promise.all([consuming, publisher.done]);
  const cpu = process.cpuUsage(cpu0);
  progress.update(o.events);
  progress.stop();
  iter.stop();
  await jsm.streams.delete(stream);
  await nc.close();
  return { seconds: (end - t0) / 1000, delaysMs: delays, cpuUsPerEvent: (cpu.user + cpu.system) / o.events, note: '' };
}

/** The real path: JetStream bus → projector → ingestor → SQLite, committed with the checkpoint, then acked. */
async function runIngest(server: Target, round: number, o: Options, dir: string): Promise<RunResult> {
  const path = join(dir, `ingest-${round}.db`);
  const store = createSqliteStore({ path, ontology });
  await store.init(ontology);
  const stream = `TG_BENCH_${round}`;
  const bus = await createJetStreamBus({ url: server.url, stream, domain: 'clinic', name: 'bench-projector', maxAckPending: o.maxAckPending, lingerMs: o.linger, replicas: server.replicas });
  const deadLetters = await createNatsDeadLetters({ js: bus.js, jsm: bus.jsm, replicas: server.replicas });
  const ingestor = createIngestor({ ontology, store, deadLetters, ...(o.worker && { prepareWorker: { module: PREPARE_SETUP } }) });
  const projector = createProjector({ bus, ingestor, store, deadLetters, batchSize: o.batch, idleWaitMs: 50, gatherMs: o.gather, log: () => undefined });
  await projector.start();
  const delays: number[] = [];
  const progress = bar(`ingest round ${round}`, o.events);
  let committed = 0;
  let commits = 0;
  const unsubscribe = store.onCommit((entries) => {
    const now = Date.now();
    for (const e of entries) delays.push(now - Date.parse(e.time)); // `time` = the publish moment (see the publisher)
    committed += entries.length;
    commits++;
    progress.update(committed);
  });
  const publisher = spawnPublisher(server.url, 'bus', stream, o, round);
  const t0 = await publisher.started;
  // How busy the projector's thread was while it ingested: below ~100% it waited (for the network or the worker).
  const elu0 = performance.eventLoopUtilization();
  const cpu0 = process.cpuUsage();
  await Promise.all([projector.reached(o.events), publisher.done]);
  const seconds = (Date.now() - t0) / 1000;
  const busy = performance.eventLoopUtilization(elu0).utilization;
  const cpu = process.cpuUsage(cpu0);
  progress.update(o.events);
  progress.stop();
  unsubscribe();
  const ledger = await store.headSeq();
  if (ledger !== o.events) throw new Error(`ingest round ${round}: ledger has ${ledger} events, expected ${o.events}`);
  await projector.stop();
  await ingestor.close();
  await bus.jsm.streams.delete(stream);
  await bus.close();
  await store.close();
  const cpuUsPerEvent = (cpu.user + cpu.system) / o.events;
  return { seconds, delaysMs: delays, cpuUsPerEvent, note: `${(committed / commits).toFixed(0)} events/commit, projector thread ${(busy * 100).toFixed(0)}% busy, process CPU ${cpuUsPerEvent.toFixed(0)} µs/event` };
}

interface Options {
  readonly events: number;
  readonly rounds: number;
  readonly batch: number;
  readonly maxAckPending: number;
  readonly window: number;
  readonly linger: number;
  /** Projector: under a backlog, keep fetching this long to fill a batch. */
  readonly gather: number;
  /** Publish pace in events/s (0 = flat out). */
  readonly rate: number;
  /** Validate + plan in the ingestor's worker thread, pipelined with the store. */
  readonly worker: boolean;
  /** Skip the raw side (profiling). */
  readonly ingestOnly: boolean;
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

export async function main(argv: string[]): Promise<void> {
  const raw = new Command('ingest')
    .description('events/s publish → committed in the graph over NATS JetStream vs raw JetStream publish → consume+ack')
    .option('--events <n>', 'events per round and side', '20000')
    .option('--rounds <n>', 'rounds (each runs raw then ingest, alternating the order)', '2')
    .option('--batch <n>', 'projector batch size (events per transaction)', '500')
    .option('--max-ack-pending <n>', 'consumer max_ack_pending (also the client buffer, capped at 1000)', '2000')
    .option('--linger <ms>', 'projector fetch waits up to this long for a batch to fill', '10')
    .option('--gather <ms>', 'under a backlog, the projector keeps fetching this long to fill a batch (ProjectorOptions.gatherMs)', '10')
    .option('--rate <n>', 'pace the publisher to this many events/s (0 = flat out: throughput; below capacity: delay)', '0')
    .option('--no-worker', 'validate + plan on the projector thread (no prepare worker)')
    .option('--ingest-only', 'skip the raw side (for profiling the projector: node --cpu-prof --import tsx bench/run.ts ingest --ingest-only)')
    .option('--window <n>', 'publishes in flight (awaiting their JetStream ack)', '256')
    .option('--topology <list>', 'single (one nats-server), cluster (3 nodes, R3 streams), or both: single,cluster', 'single')
    .parse(argv, { from: 'user' })
    .opts<Record<'events' | 'rounds' | 'batch' | 'maxAckPending' | 'window' | 'linger' | 'gather' | 'rate' | 'topology', string> & { worker: boolean; ingestOnly?: boolean }>();
  const o: Options = { events: Number(raw.events), rounds: Number(raw.rounds), batch: Number(raw.batch), maxAckPending: Number(raw.maxAckPending), window: Number(raw.window), linger: Number(raw.linger), gather: Number(raw.gather), rate: Number(raw.rate), worker: raw.worker, ingestOnly: raw.ingestOnly === true };
  const topologies = String(raw.topology).split(',').map((t) => t.trim());
  for (const t of topologies) if (t !== 'single' && t !== 'cluster') throw new Error(`--topology: ${t} is neither single nor cluster`);
  const { execSync } = await import('node:child_process');
  console.log(`nats-server ${natsServerVersion(natsServerBinary())}, deploy/nats/jetstream.conf (sync_interval: always); load average ${execSync('cat /proc/loadavg', { encoding: 'utf8' }).split(' ').slice(0, 3).join(' ')}`);
  console.log(`${fmt(o.events)} events per side per round; batch ${o.batch}, linger ${o.linger} ms, max_ack_pending ${o.maxAckPending}, ${o.window} publishes in flight, prepare worker ${o.worker ? 'on' : 'off'}${o.rate > 0 ? `, paced at ${fmt(o.rate)} events/s` : ''}`);
  for (const topology of topologies) await runTopology(topology, o);
  if (!o.ingestOnly) await sqliteFloor(o);
}

/** All rounds on one topology (its own server or cluster), then its table. */
async function runTopology(topology: string, o: Options): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tg-bench-ingest-'));
  const server = await startTarget(topology);
  console.log(`\n## ${server.label}`);
  const rows: string[] = [];
  const all = { raw: [] as RunResult[], ingest: [] as RunResult[] };
  try {
    for (let round = 1; round <= o.rounds; round++) {
      let r: RunResult;
      let g: RunResult;
      if (o.ingestOnly) {
        g = await runIngest(server, round, o, dir);
        r = { seconds: NaN, delaysMs: [], cpuUsPerEvent: NaN, note: '' };
      } else if (round % 2 === 1) {
        r = await runRaw(server, round, o);
        g = await runIngest(server, round, o, dir);
      } else {
        g = await runIngest(server, round, o, dir);
        r = await runRaw(server, round, o);
      }
      all.raw.push(r);
      all.ingest.push(g);
      const rr = o.events / r.seconds;
      const gr = o.events / g.seconds;
      const line = `| ${round} | ${fmt(o.events)} | ${fmt(gr)} | ${fmt(rr)} | ${(gr / rr).toFixed(2)}× | ${pct(g.delaysMs, 50).toFixed(0)} / ${pct(g.delaysMs, 99).toFixed(0)} | ${pct(r.delaysMs, 50).toFixed(0)} / ${pct(r.delaysMs, 99).toFixed(0)} |`;
      console.log(`round ${round}: ingest ${fmt(gr)} events/s vs raw ${fmt(rr)} events/s → ${(gr / rr).toFixed(2)}× (${g.note})`);
      rows.push(line);
    }
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const total = (rs: RunResult[]): number => (rs.length * o.events) / rs.reduce((s, r) => s + r.seconds, 0);
  const gAll = all.ingest.flatMap((r) => r.delaysMs);
  const rAll = all.raw.flatMap((r) => r.delaysMs);
  rows.push(`| all | ${fmt(o.events * o.rounds)} | ${fmt(total(all.ingest))} | ${fmt(total(all.raw))} | ${(total(all.ingest) / total(all.raw)).toFixed(2)}× | ${pct(gAll, 50).toFixed(0)} / ${pct(gAll, 99).toFixed(0)} | ${pct(rAll, 50).toFixed(0)} / ${pct(rAll, 99).toFixed(0)} |`);
  console.log(`\n${server.label}:`);
  console.log('| round | events | ingest events/s (publish → committed) | raw JetStream events/s (publish → consume+ack) | ingest/raw | ingest delay p50 / p99 ms | raw delay p50 / p99 ms |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) console.log(r);
  if (o.ingestOnly) return;
  const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  const g = all.ingest.map((r) => r.cpuUsPerEvent);
  const r = all.raw.map((x) => x.cpuUsPerEvent);
  console.log(`\nCPU per event, ${server.label} (this process, all threads, while the round ran; the publisher and nats-server are other processes):`);
  console.log('| round | ingest: projector µs/event | raw JetStream: consumer µs/event | projector − consumer |');
  console.log('|---|---:|---:|---:|');
  for (const [i, gi] of g.entries()) console.log(`| ${i + 1} | ${gi.toFixed(0)} | ${r[i]!.toFixed(0)} | ${(gi - r[i]!).toFixed(0)} |`);
  console.log(`| mean | ${mean(g).toFixed(0)} | ${mean(r).toFixed(0)} | ${(mean(g) - mean(r)).toFixed(0)} |`);
}

/**
 * The SQLite floor under the projector's CPU: the same ReferralRequested rows (2 nodes, 1 relationship, 1 ledger
 * row) applied in the same batches by the store and by a bare better-sqlite3 insert loop, in lockstep in this
 * process (bench/projection.ts), CPU time per side.
 */
async function sqliteFloor(o: Options): Promise<void> {
  const { store, raw } = await runSqlite(2 * o.events, o.batch);
  const us = (cpu: number): string => ((1e6 * cpu) / o.events).toFixed(1);
  console.log(`\nSQLite floor, ${fmt(o.events)} of the same events in batches of ${o.batch} (bench/projection.ts lockstep, CPU time per side): store applyBatch ${us(store.cpuSeconds)} µs/event, bare better-sqlite3 inserts of the same rows ${us(raw.cpuSeconds)} µs/event`);
}
