/**
 * Marks latency: publish → delivery at a subscriber, p50/p99, at a steady event rate with many subscribers.
 *
 * - embedded: the embedded publisher (validate → plan → one SQLite commit) → in-process mark feed → N subscribers.
 *   Floor, same run: the publish call alone (publish → committed).
 * - nats: the production path across replicas. Replica P publishes to JetStream, its projector commits to the
 *   shared SQLite file and fans the mark out over NATS; replica S (own store handle, own NATS connection) delivers
 *   it to N subscribers. Floor, same run: the publish → JetStream-ack round trip (the publish call with no wait).
 *
 * `node --import tsx bench/run.ts marks [--rate 1000] [--seconds 5] [--subscribers 100] [--mode embedded,nats]`
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SingleBar, Presets } from 'cli-progress';
import { createSqliteDeadLetters, createSqliteStore } from '../src/adapters/sqlite/index.ts';
import { connectNats } from '../src/adapters/nats/jetstream-bus.ts';
import { createNatsMarkSource } from '../src/adapters/nats/mark-fanout.ts';
import { createEmbeddedPublisher } from '../src/app/embedded-publisher.ts';
import { createIngestor } from '../src/app/ingest.ts';
import { createMarkFeed } from '../src/app/mark-feed.ts';
import { startNatsMode } from '../src/app/nats-mode.ts';
import { loadOntology } from '../src/app/ontology-loader.ts';
import type { Publisher } from '../src/app/publisher.ts';
import type { MarkFeed } from '../src/ports/mark-feed.ts';
import { startNatsServer } from '../test/support/nats-server.ts';

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

const pct = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const fmt = (xs: number[]): string => {
  const s = [...xs].sort((a, b) => a - b);
  return `p50 ${pct(s, 50).toFixed(2)} ms, p99 ${pct(s, 99).toFixed(2)} ms, max ${(s.at(-1) ?? NaN).toFixed(2)} ms (n=${s.length})`;
};

let counter = 0;
function patientRegistered(): { event: Record<string, unknown>; id: string } {
  const n = ++counter;
  const id = `evt-bench-${process.pid}-${n}`;
  return {
    id,
    event: {
      specversion: '1.0', id, source: 'agent://bench', type: 'PatientRegistered', subject: `Patient/bp-${n}`, time: new Date().toISOString(),
      data: { '@type': 'Patient', id: `bp-${n}`, name: 'Bench Patient', birthDate: '1980-01-01', mrn: `MRN-${String(n % 1_000_000).padStart(6, '0')}` },
    },
  };
}

/** Publishes at `rate` for `seconds` while N subscribers record delivery latency. */
async function drive(label: string, publisher: Publisher, feed: MarkFeed, o: Options): Promise<{ delivery: number[]; floor: number[]; fromCommit: number[] }> {
  const sentAt = new Map<string, number>();
  const delivery: number[] = [];
  const floor: number[] = [];
  // The marks layer's own share: commit (the store's committedAt, ms resolution, same clock) → subscriber.
  const fromCommit: number[] = [];
  const total = o.rate * o.seconds;
  const subs = Array.from({ length: o.subscribers }, () => feed.subscribe({ classes: ['Patient'] }, { queueLimit: 10_000 }));
  const consumers = subs.map(async (sub) => {
    let mine = 0;
    for await (const mark of sub) {
      const t = sentAt.get(mark.eventId);
      if (t !== undefined) delivery.push(performance.now() - t);
      fromCommit.push(Date.now() - Date.parse(mark.committedAt));
      if (++mine >= total) break;
    }
  });
  const bar = new SingleBar({ format: `${label} {bar} {value}/{total} events`, hideCursor: true }, Presets.shades_classic);
  bar.start(total, 0);
  const start = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / o.rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const { event, id } = patientRegistered();
    const t0 = performance.now();
    sentAt.set(id, t0);
    inflight.push(
      publisher.publish([{ payload: event }], { waitMs: 0 }).then(([out]) => {
        if (out?.status === 'rejected') throw out.error ?? new Error('rejected');
        floor.push(performance.now() - t0);
      }),
    );
    if (i % 100 === 0) bar.update(i);
  }
  await Promise.all(inflight);
  const achieved = (total / ((performance.now() - start) / 1000)).toFixed(0);
  bar.update(total);
  const timeout = setTimeout(() => subs.forEach((s) => void s.return()), 10_000);
  await Promise.all(consumers);
  clearTimeout(timeout);
  bar.stop();
  console.log(`${label}: ${total} events at ~${achieved}/s achieved, ${o.subscribers} subscribers, ${delivery.length}/${total * o.subscribers} deliveries`);
  return { delivery, floor, fromCommit };
}

export async function main(argv: string[]): Promise<void> {
  const o = parse(argv);
  const ontology = await loadOntology('ontology/referral');
  const dir = mkdtempSync(join(tmpdir(), 'tg-bench-marks-'));
  console.log(`marks bench: ${o.rate} events/s for ${o.seconds} s, ${o.subscribers} subscribers (filter classes: [Patient])`);
  try {
    if (o.modes.includes('embedded')) {
      const store = createSqliteStore({ path: join(dir, 'embedded.db'), ontology });
      await store.init(ontology);
      const publisher = createEmbeddedPublisher({ ingestor: createIngestor({ ontology, store, deadLetters: createSqliteDeadLetters({ db: store.db }) }) });
      const feed = await createMarkFeed({ store, ontology });
      const r = await drive('embedded', publisher, feed, o);
      console.log(`  floor  publish → committed        ${fmt(r.floor)}`);
      console.log(`  marks  publish → subscriber      ${fmt(r.delivery)}`);
      console.log(`  marks  commit → subscriber       ${fmt(r.fromCommit)}`);
      await feed.close();
      await store.close();
    }
    if (o.modes.includes('nats')) {
      const nats = await startNatsServer({ jetstream: true });
      const path = join(dir, 'nats.db');
      const storeP = createSqliteStore({ path, ontology });
      await storeP.init(ontology);
      const storeS = createSqliteStore({ path, ontology });
      const mode = await startNatsMode({ url: nats.url, ontology, store: storeP, ontologyDir: 'ontology/referral' });
      const sourceP = createNatsMarkSource({ nc: await connectNats(nats.url, 'bench-p'), store: storeP, ownsConnection: true });
      const sourceS = createNatsMarkSource({ nc: await connectNats(nats.url, 'bench-s'), store: storeS, ownsConnection: true });
      const feed = await createMarkFeed({ store: storeS, ontology, source: sourceS });
      const r = await drive('nats', mode.publisher, feed, o);
      console.log(`  floor  publish → JetStream ack    ${fmt(r.floor)}`);
      console.log(`  marks  publish → subscriber on another replica  ${fmt(r.delivery)}`);
      console.log(`  marks  commit → subscriber on another replica   ${fmt(r.fromCommit)}`);
      await feed.close();
      await sourceP.close();
      await mode.close();
      await storeS.close();
      await storeP.close();
      await nats.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
