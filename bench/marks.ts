/**
 * Marks latency: publish → delivery at a subscriber, p50/p99, at an offered event rate with many subscribers.
 *
 * - embedded: the embedded publisher (validate → plan → one SQLite commit per batch) → in-process mark feed → N
 *   subscribers, all in this process (that is the embedded shape). Floor, same run: hand-over → committed.
 * - nats: the production path across replicas, three processes. A load generator (bench/support/marks-publisher.ts)
 *   publishes CloudEvents to JetStream; replica P (bench/support/marks-replica.ts) projects them into the shared
 *   SQLite file and fans each mark out over core NATS; replica S — this process, its own store handle and NATS
 *   connection — delivers them to N subscribers. Floor, same run: hand-over → JetStream ack, measured by the
 *   load generator per event.
 *
 * Both start with unmeasured warm-up events (JIT, connections, page cache). Open loop (bench/support/marks-pace.ts): event i is due at i/rate; every event due at a wake-up is handed over in
 * one batch, each with its own timestamp. Reported: offered vs achieved rate, the generator's lag behind schedule,
 * the floor, publish → subscriber and commit → subscriber percentiles, lost deliveries, the load average.
 * Timestamps are `performance.timeOrigin + performance.now()` (epoch ms, sub-ms) in every process.
 *
 * `node --import tsx bench/run.ts marks [--rate 1000] [--seconds 5] [--subscribers 100] [--mode embedded,nats]`
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Presets, SingleBar } from 'cli-progress';
import { connectNats } from '../src/adapters/nats/jetstream-bus.ts';
import { createNatsMarkSource } from '../src/adapters/nats/mark-fanout.ts';
import { createSqliteDeadLetters, createSqliteStore } from '../src/adapters/sqlite/index.ts';
import { createEmbeddedPublisher } from '../src/app/publish/embedded-publisher.ts';
import { createIngestor } from '../src/app/ingest/ingest.ts';
import { createMarkFeed } from '../src/app/marks/mark-feed.ts';
import { loadOntology } from '../src/app/ontology/ontology-loader.ts';
import type { MarkFeed } from '../src/ports/mark-feed.ts';
import { startNatsServer } from '../test/support/nats-server.ts';
import { indexOf, patientRegistered, warmupCount } from './support/marks-events.ts';
import { epochNow, pace, percentile } from './support/marks-pace.ts';

interface Options {
  rate: number;
  seconds: number;
  subscribers: number;
  modes: string[];
}

function parse(argv: string[]): Options {
  const get = (k: string, d: string): string => {
    const i = argv.indexOf(`--${k}`);
    return i >= 0 && argv[i + 1] ? (argv[i + 1] as string) : d;
  };
  return { rate: Number(get('rate', '1000')), seconds: Number(get('seconds', '5')), subscribers: Number(get('subscribers', '100')), modes: get('mode', 'embedded,nats').split(',') };
}

/** What the load generator measured. */
interface Sent {
  readonly sent: ArrayLike<number>;
  readonly outcomeMs: ArrayLike<number>;
  readonly lagMs: ArrayLike<number>;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly maxBatch: number;
}

/** N subscribers on `feed`; each records when it got event i (0 = never). Kept minimal: that is the measurement. */
function subscribeAll(feed: MarkFeed, n: number, total: number, run: string) {
  const delivered = Array.from({ length: n }, () => new Float64Array(total));
  const committed = new Float64Array(total);
  const subs = Array.from({ length: n }, () => feed.subscribe({ classes: ['Patient'] }, { queueLimit: 50_000 }));
  const done = Promise.all(
    subs.map(async (sub, s) => {
      const mine = delivered[s] as Float64Array;
      let got = 0;
      for await (const mark of sub) {
        const t = epochNow();
        const i = indexOf(run, mark.eventId);
        if (!(i >= 0 && i < total) || mine[i] !== 0) continue;
        mine[i] = t;
        if (committed[i] === 0) committed[i] = Date.parse(mark.committedAt);
        if (++got >= total) break;
      }
    }),
  );
  return { delivered, committed, done, stop: () => subs.forEach((s) => void s.return()) };
}

const ms = (x: number): string => (x < 10 ? x.toFixed(2) : x.toFixed(0));
const line = (xs: ArrayLike<number>): string => {
  const [p50, p99, max] = percentile(xs, [50, 99, 100]) as [number, number, number];
  return `p50 ${ms(p50)} ms, p99 ${ms(p99)} ms, max ${ms(max)} ms (n=${xs.length})`;
};

function report(label: string, floorName: string, o: Options, total: number, sent: Sent, subs: ReturnType<typeof subscribeAll>, load: [number, number]): void {
  const delivery: number[] = [];
  const fromSchedule: number[] = [];
  const fromCommit: number[] = [];
  const toCommit: number[] = [];
  for (let i = 0; i < total; i++) if (subs.committed[i] !== 0) toCommit.push((subs.committed[i] as number) - (sent.sent[i] as number));
  let lastDelivery = 0;
  for (const mine of subs.delivered) {
    for (let i = 0; i < total; i++) {
      const t = mine[i] as number;
      if (t === 0) continue;
      delivery.push(t - (sent.sent[i] as number));
      fromSchedule.push(t - (sent.sent[i] as number) + (sent.lagMs[i] as number));
      fromCommit.push(t - (subs.committed[i] as number));
      lastDelivery = Math.max(lastDelivery, t);
    }
  }
  const expected = total * o.subscribers;
  const handOver = ((sent.sent[total - 1] as number) - sent.startedAt) / 1000;
  console.log(`${label}: offered ${o.rate}/s for ${o.seconds} s (${total} events), ${o.subscribers} subscribers; load average ${load[0].toFixed(1)} → ${load[1].toFixed(1)}`);
  console.log(`  achieved  handed over ${(total / Math.max(handOver, 1 / o.rate)).toFixed(0)}/s, outcomes ${(total / ((sent.endedAt - sent.startedAt) / 1000)).toFixed(0)}/s, all delivered ${(total / ((lastDelivery - sent.startedAt) / 1000)).toFixed(0)}/s; largest batch ${sent.maxBatch}`);
  console.log(`  generator lag behind schedule     ${line(sent.lagMs)}`);
  console.log(`  floor  ${floorName.padEnd(27)}${line(sent.outcomeMs)}`);
  console.log(`  store  publish → commit          ${line(toCommit)}  (committedAt has ms resolution)`);
  console.log(`  marks  publish → subscriber      ${line(delivery)}`);
  console.log(`  marks  commit → subscriber       ${line(fromCommit)}  (committedAt has ms resolution)`);
  console.log(`  marks  scheduled → subscriber    ${line(fromSchedule)}  (adds the generator's lag)`);
  console.log(`  deliveries ${delivery.length}/${expected}${delivery.length < expected ? `  — ${expected - delivery.length} MISSING` : ''}`);
}

async function finish(subs: ReturnType<typeof subscribeAll>): Promise<void> {
  const timeout = setTimeout(() => subs.stop(), 15_000);
  await subs.done;
  clearTimeout(timeout);
}

async function embedded(o: Options, dir: string): Promise<void> {
  const ontology = await loadOntology('ontology/referral');
  const total = o.rate * o.seconds;
  const store = createSqliteStore({ path: join(dir, 'embedded.db'), ontology });
  await store.init(ontology);
  const publisher = createEmbeddedPublisher({ ingestor: createIngestor({ ontology, store, deadLetters: createSqliteDeadLetters({ db: store.db }) }) });
  const feed = await createMarkFeed({ store, ontology });
  const run = `e${process.pid}`;
  const events = Array.from({ length: total }, (_, i) => ({ payload: patientRegistered(run, i).payload }));
  const subs = subscribeAll(feed, o.subscribers, total, run);
  const bar = new SingleBar({ format: 'embedded {bar} {value}/{total} events', hideCursor: true }, Presets.shades_classic);
  bar.start(total, 0);
  const publish = (list: typeof events) => async (from: number, to: number) => {
    const outcomes = await publisher.publish(list.slice(from, to), { waitMs: 0 });
    const bad = outcomes.find((x) => x.status === 'rejected');
    if (bad) throw bad.error ?? new Error('rejected');
  };
  const warmup = Array.from({ length: warmupCount(o.rate) }, (_, i) => ({ payload: patientRegistered(`w${run}`, i).payload }));
  await pace({ rate: o.rate, total: warmup.length, window: 1000, publish: publish(warmup) });
  await new Promise((r) => setTimeout(r, 200));
  const load0 = loadavg()[0] as number;
  const sent = await pace({ rate: o.rate, total, window: 1000, publish: publish(events), onProgress: (d) => bar.update(d) });
  await finish(subs);
  bar.stop();
  report('embedded', 'hand-over → committed', o, total, sent, subs, [load0, loadavg()[0] as number]);
  await feed.close();
  await publisher.close();
  await store.close();
}

/** Spawns a bench/support script; resolves with its stdout lines reader. */
function child(script: string, args: string[]) {
  const p = spawn(process.execPath, ['--import', 'tsx', join('bench/support', script), ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: p.stdout });
  const next = (): Promise<string> =>
    new Promise((resolve, reject) => {
      lines.once('line', resolve);
      p.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
    });
  return { p, next };
}

async function nats(o: Options, dir: string): Promise<void> {
  const ontology = await loadOntology('ontology/referral');
  const total = o.rate * o.seconds;
  const server = await startNatsServer({ jetstream: true });
  const path = join(dir, 'nats.db');
  const replica = child('marks-replica.ts', [server.url, path]);
  try {
    if ((await replica.next()) !== 'ready') throw new Error('replica P did not start');
    const store = createSqliteStore({ path, ontology });
    const source = createNatsMarkSource({ nc: await connectNats(server.url, 'bench-replica-s'), store, ownsConnection: true });
    const feed = await createMarkFeed({ store, ontology, source });
    const run = `n${process.pid}`;
    const subs = subscribeAll(feed, o.subscribers, total, run);
    console.log(`nats: load generator running in its own process (${warmupCount(o.rate)} warm-up events first)…`);
    const load0 = loadavg()[0] as number;
    const gen = child('marks-publisher.ts', [server.url, String(o.rate), String(total), '512', run]);
    const sent = JSON.parse(await gen.next()) as Sent;
    await finish(subs);
    report('nats', 'hand-over → JetStream ack', o, total, sent, subs, [load0, loadavg()[0] as number]);
    await feed.close();
    await store.close();
  } finally {
    replica.p.stdin.end();
    await once(replica.p, 'exit');
    await server.stop();
  }
}

export async function main(argv: string[]): Promise<void> {
  const o = parse(argv);
  const dir = mkdtempSync(join(tmpdir(), 'tg-bench-marks-'));
  console.log(`marks bench: offered ${o.rate} events/s for ${o.seconds} s, ${o.subscribers} subscribers (filter classes: [Patient]); load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  try {
    if (o.modes.includes('embedded')) await embedded(o, dir);
    if (o.modes.includes('nats')) await nats(o, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
