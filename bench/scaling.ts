/**
 * Scale-out on paper, checked by a simulation (docs/scaling.md). First measures, in this run, the per-event costs
 * of the pieces a projector is made of — nats-server work per event (publish stored + delivered + acked, from its
 * /proc CPU time), the projector's NATS client work, validate + plan, the SQLite store's apply (split into the
 * per-event part, the ledger append, and the per-batch commit) — then feeds them to a discrete-event simulation
 * (bench/support/scaling-sim.ts) of 1, 2, 4, 8 partitions on 2 and 8 cores, for three designs: one SQLite file,
 * a concurrent-writer store with one gap-free global seq, and the same with per-partition positions.
 *
 *   node --import tsx bench/run.ts scaling --events 10000
 */
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { AckPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { createJetStreamBus, projectorConsumerSettings } from '../src/adapters/nats/jetstream-bus.ts';
import { consumerConfig } from '../src/adapters/nats/pull-consumer.ts';
import { openDatabase } from '../src/adapters/sqlite/open.ts';
import { createSqliteStore } from '../src/adapters/sqlite/index.ts';
import { createSqliteDeadLetters } from '../src/adapters/sqlite/dead-letters.ts';
import { createIngestor } from '../src/app/ingest/ingest.ts';
import type { ChangeSet } from '../src/core/projection/change-set.ts';
import { clinicOntology } from '../test/fixtures/clinic-ontology.ts';
import { natsServerBinary, natsServerVersion, startNatsServer } from '../test/support/nats-server.ts';
import { bound, simulate, type Costs, type Design } from './support/scaling-sim.ts';

const ontology = clinicOntology();
const PRIORITIES = ['routine', 'urgent', 'emergency'] as const;

/** The ingest bench's event: a ReferralRequested with a nested new Patient (2 nodes, 1 relationship, 1 ledger row). */
function payload(i: number): string {
  const r = `r-${i}`;
  return JSON.stringify({
    specversion: '1.0', id: `sc-${i}`, source: 'agent://bench', type: 'ReferralRequested', subject: `Referral/${r}`, time: new Date(Date.UTC(2026, 0, 1, 0, 0, i % 60)).toISOString(),
    data: { '@type': 'Referral', id: r, reason: `Reason ${i % 97}`, priority: PRIORITIES[i % 3], forPatient: { '@type': 'Patient', id: `p-${i}`, name: `Patient ${i}` } },
  });
}

const cpuUs = (): number => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
/** utime + stime of a process, µs (clock ticks are 100 Hz on Linux). */
const procCpuUs = (pid: number): number => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
};

/** Validate + plan, the store apply at two batch sizes (per-event and per-commit parts), the raw ledger append. */
async function measureStore(events: number, batch: number, dir: string): Promise<Pick<Costs, 'prepareUs' | 'storeUs' | 'ledgerUs' | 'commitMs'>> {
  const store = createSqliteStore({ path: join(dir, 'store.db'), ontology });
  await store.init(ontology);
  const dlq = createSqliteDeadLetters({ path: join(dir, 'dlq.db') });
  const ingestor = createIngestor({ ontology, store, deadLetters: dlq });
  const raws = Array.from({ length: events }, (_, i) => ({ payload: payload(i) }));
  let t = cpuUs();
  const sets: ChangeSet[] = raws.map((r) => ingestor.prepare(r));
  const prepareUs = (cpuUs() - t) / events;
  let position = 0;
  /** CPU µs per batch of `size` over the given change sets. */
  const perBatch = async (css: ChangeSet[], size: number): Promise<number> => {
    const t0 = cpuUs();
    for (let i = 0; i < css.length; i += size) {
      const chunk = css.slice(i, i + size);
      await store.applyBatch(chunk, { checkpoint: { name: 'bench', position: (position += chunk.length) } });
    }
    return (cpuUs() - t0) / Math.ceil(css.length / size);
  };
  // The commit alone (wall time: it may wait for the disk): an empty batch that only moves the checkpoint.
  const commits = 200;
  const c0 = performance.now();
  for (let i = 0; i < commits; i++) await store.applyBatch([], { checkpoint: { name: 'bench', position } });
  const commitMs = (performance.now() - c0) / commits;
  const large = await perBatch(sets, batch);
  const storeUs = Math.max(0, large - commitMs * 1000) / batch;
  await ingestor.close();
  await store.close();
  // The ledger rows alone, as the store writes them (one transaction per batch): the part a global seq serialises.
  const db = openDatabase({ path: join(dir, 'store.db') });
  const ledger = db.prepare('INSERT INTO ledger (seq, event_id, kind, type, source, time, committed_at, subject, traceparent, correlationid, causationid, changes, event) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const touched = db.prepare('INSERT INTO ledger_nodes (node_id, seq) VALUES (?, ?)');
  let seq = (db.prepare('SELECT max(seq) AS s FROM ledger').get() as { s: number }).s;
  const tx = db.transaction((css: ChangeSet[]) => {
    for (const cs of css) {
      seq++;
      ledger.run(seq, `${cs.eventId}-again`, 'event', cs.type, cs.source, cs.time, new Date().toISOString(), cs.subject ?? null, null, null, null, '[]', JSON.stringify(cs.event));
      touched.run(`${cs.aggregate ?? ''}`, seq);
      touched.run(`${cs.aggregate ?? ''}-p`, seq);
    }
  });
  t = cpuUs();
  for (let i = 0; i < sets.length; i += batch) tx(sets.slice(i, i + batch));
  const ledgerUs = (cpuUs() - t) / sets.length;
  db.close();
  return { prepareUs, storeUs, ledgerUs, commitMs };
}

/** nats-server CPU per event (publish stored, delivered, acked) and the client CPU of publishing and of consuming. */
async function measureNats(events: number, batch: number): Promise<Pick<Costs, 'brokerUs' | 'clientUs' | 'publisherUs' | 'streamMaxPerSec'>> {
  const server = await startNatsServer({ jetstream: true });
  const pid = server.pid;
  if (pid === undefined) throw new Error('no nats-server pid');
  const bus = await createJetStreamBus({ url: server.url, stream: 'SCALING', domain: 'clinic', name: 'scaling' });
  try {
    const s0 = procCpuUs(pid);
    let t = cpuUs();
    const wall0 = performance.now();
    let next = 0;
    await Promise.all(Array.from({ length: 256 }, async () => {
      while (next < events) {
        const i = next++;
        await bus.publish({ type: 'ReferralRequested', subject: `Referral/r-${i}` }, payload(i), { msgId: `sc-${i}` });
      }
    }));
    const publisherUs = (cpuUs() - t) / events;
    // 256 publishes in flight on one stream: its write rate (fsync-bound with sync_interval: always).
    const streamMaxPerSec = events / ((performance.now() - wall0) / 1000);
    const nc = await connect({ servers: server.url, name: 'scaling-consumer' });
    const config = consumerConfig({ ...projectorConsumerSettings({}), stream: 'SCALING', durable: 'scaling', filterSubject: 'tg.events.>' });
    await jetstreamManager(nc).then((jsm) => jsm.consumers.add('SCALING', config));
    const consumer = await jetstream(nc).consumers.get('SCALING', 'scaling');
    t = cpuUs();
    const iter = await consumer.consume({ max_messages: 1000 });
    let n = 0;
    for await (const m of iter) {
      m.string();
      if (config.ack_policy !== AckPolicy.All || ++n % batch === 0 || n >= events) m.ack();
      if (n >= events) break;
    }
    await nc.flush();
    const clientUs = (cpuUs() - t) / events;
    const brokerUs = (procCpuUs(pid) - s0) / events;
    iter.stop();
    await nc.close();
    return { brokerUs, clientUs, publisherUs, streamMaxPerSec };
  } finally {
    await bus.close();
    await server.stop();
  }
}

const fmt = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '∞');

export async function main(argv: string[]): Promise<void> {
  const opts = new Command('scaling')
    .description('projected events/s for 1, 2, 4, 8 partitions from per-event costs measured in this run')
    .option('--events <n>', 'events measured per cost', '10000')
    .option('--batch <n>', 'events per batch (commit)', '500')
    .option('--cores <list>', 'core counts to simulate', `2,8`)
    .parse(argv, { from: 'user' })
    .opts<{ events: string; batch: string; cores: string }>();
  const events = Number(opts.events);
  const batch = Number(opts.batch);
  const dir = mkdtempSync(join(tmpdir(), 'tg-bench-scaling-'));
  try {
    console.log(`nats-server ${natsServerVersion(natsServerBinary())}; ${cpus().length} cores here; load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
    const store = await measureStore(events, batch, dir);
    const nats = await measureNats(events, batch);
    const costs: Costs = { ...store, ...nats, batch };
    console.log('\nmeasured per event (µs of CPU; commit ms per batch of ' + String(batch) + '):');
    console.log(`| nats-server | projector NATS client | validate + plan | store apply | of which ledger append | commit / batch | publisher client | one stream's publish rate |`);
    console.log('|---:|---:|---:|---:|---:|---:|---:|---:|');
    console.log(`| ${costs.brokerUs.toFixed(1)} | ${costs.clientUs.toFixed(1)} | ${costs.prepareUs.toFixed(1)} | ${costs.storeUs.toFixed(1)} | ${costs.ledgerUs.toFixed(1)} | ${costs.commitMs.toFixed(2)} ms | ${costs.publisherUs.toFixed(1)} | ${fmt(costs.streamMaxPerSec)}/s |`);
    const designs: [Design, string][] = [
      ['sqlite', 'one SQLite file (one writer)'],
      ['global-seq', 'concurrent-writer store, one global seq'],
      ['per-partition', 'concurrent-writer store, per-partition positions'],
    ];
    const table = (title: string, cores: number, c: Costs): void => {
      console.log(`\n${title}:`);
      console.log(`| design | 1 partition | 2 | 4 | 8 |`);
      console.log('|---|---:|---:|---:|---:|');
      for (const [design, label] of designs) {
        const cells = [1, 2, 4, 8].map((p) => `${fmt(simulate(c, design, p, cores))} / ${fmt(bound(c, design, p, cores))}`);
        console.log(`| ${label} | ${cells.join(' | ')} |`);
      }
    };
    const coreCounts = opts.cores.split(',').map(Number);
    for (const cores of coreCounts) {
      table(`projected events/s on ${cores} cores, one stream per partition at the measured stream rate (publishers elsewhere; simulation / bottleneck bound)`, cores, { ...costs, publisherUs: 0 });
    }
    const most = Math.max(...coreCounts);
    table(`the same on ${most} cores without the per-stream fsync bound (a disk whose sync is cheap, or lazy fsync)`, most, { ...costs, publisherUs: 0, streamMaxPerSec: 0 });
    // A networked store commits in milliseconds, not the local WAL's fraction of one: the global seq's mutex is held
    // for every commit, so its ceiling is batch / (commit + batch × ledger append) whatever the partition count.
    console.log('\nthe global seq against per-partition positions when commits take longer (8 partitions, 8 cores, no per-stream fsync bound; simulation):');
    console.log('| commit per batch | batch | one global seq | per-partition positions |');
    console.log('|---:|---:|---:|---:|');
    for (const commitMs of [costs.commitMs, 2, 5]) {
      for (const b of [500, 50]) {
        const c = { ...costs, publisherUs: 0, commitMs, batch: b, streamMaxPerSec: 0 };
        console.log(`| ${commitMs.toFixed(2)} ms | ${b} | ${fmt(simulate(c, 'global-seq', 8, 8))} | ${fmt(simulate(c, 'per-partition', 8, 8))} |`);
      }
    }
    const here = simulate(costs, 'sqlite', 1, 2);
    console.log(`\ncalibration: 1 partition, SQLite, 2 cores, publisher on the same machine (the ingest bench's shape): ${fmt(here)} events/s`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
