/**
 * Query throughput over real HTTP against a real `trailgraph serve` process, on a graph of N nodes: a 1-hop
 * relationship query, a typical 2-hop neighbourhood and a 2-hop neighbourhood through a hub node (with a limit),
 * each compared with a trivial `{ __typename }` measured on the same server in the same run (before and after;
 * the baseline is their mean). Target: relationship throughput ≥ 0.6× trivial. The seeded store is cached under
 * bench/.data/ (see support/query-seed.ts); `--fresh` rebuilds it.
 *
 * Page cache: a 1M-node store is 2.4 GB, and the first minute of random reads on a cold file measures the disk,
 * not the code. So the bench first drops this file's pages (`dd iflag=nocache`, this file only) and measures one
 * cold round of the 1-hop query (reported on its own, never in the summary), then reads the file through once
 * to warm the page cache, and only then measures the rounds. `--no-cold` skips the cold round.
 *
 * `--stores sqlite,neo4j` runs the same queries against `serve --store neo4j://…` too (NEO4J_URI / NEO4J_PASSWORD, or
 * a Neo4j test server started for the run; its graph is bulk-written in the store's own format, see
 * support/query-seed-neo4j.ts), the SQLite figures of the same run beside them.
 *
 *   npm run bench -- query --nodes 100000,1000000 [--seconds 10] [--concurrency 32] [--rounds 3] [--fresh] [--no-cold] [--stores sqlite,neo4j]
 */
import { spawn, spawnSync } from 'node:child_process';
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { seededStore } from './support/query-seed.ts';
import { seedNeo4j } from './support/query-seed-neo4j.ts';
import { startNeo4jServer, type Neo4jConnection } from '../test/support/neo4j-server.ts';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

interface Result { name: string; rps: number; p50: number; p99: number; errors: number }

/** `concurrency` clients in a closed loop for `seconds`: every latency (ms), the elapsed time, failed answers. */
async function load(url: string, name: string, body: () => string, seconds: number, concurrency: number): Promise<{ lat: number[]; seconds: number; errors: number }> {
  const lat: number[] = [];
  let errors = 0;
  const end = performance.now() + seconds * 1000;
  const worker = async () => {
    while (performance.now() < end) {
      const t = performance.now();
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body() });
      const json = (await res.json()) as { errors?: unknown };
      if (!res.ok || json.errors) errors++;
      lat.push(performance.now() - t);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { lat, seconds: (performance.now() - started) / 1000, errors };
}

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      nodes: { type: 'string', default: '100000' },
      seconds: { type: 'string', default: '10' },
      concurrency: { type: 'string', default: '32' },
      rounds: { type: 'string', default: '3' },
      fresh: { type: 'boolean', default: false },
      'no-cold': { type: 'boolean', default: false },
      'data-dir': { type: 'string', default: join(import.meta.dirname, '.data') },
      stores: { type: 'string', default: 'sqlite' },
    },
  });
  const stores = values.stores.split(',').map((s) => s.trim());
  const seconds = Number(values.seconds);
  const concurrency = Number(values.concurrency);
  const rounds = Number(values.rounds);
  for (const nodes of values.nodes.split(',').map(Number)) {
    if (stores.includes('sqlite')) {
      const t0 = performance.now();
      const { path, shape, seeded } = await seededStore(values['data-dir'], nodes, values.fresh);
      console.log(seeded ? `seeded ${nodes} nodes in ${((performance.now() - t0) / 1000).toFixed(1)} s → ${path}` : `using cached ${path}`);
      await measure({ kind: 'sqlite', path }, nodes, shape, { seconds, concurrency, rounds, cold: !values['no-cold'] });
    }
    if (stores.includes('neo4j')) await withNeo4j(async (c) => {
      const t0 = performance.now();
      const shape = await seedNeo4j(c, nodes);
      console.log(`seeded ${nodes} nodes into Neo4j (${c.uri}) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      await measure({ kind: 'neo4j', connection: c }, nodes, shape, { seconds, concurrency, rounds, cold: false });
    });
  }
}

/** The Neo4j from NEO4J_URI / NEO4J_PASSWORD, or a test server started for the run (test/support/neo4j-server.ts). */
async function withNeo4j(body: (c: Neo4jConnection) => Promise<void>): Promise<void> {
  const server = process.env.NEO4J_URI ? undefined : await startNeo4jServer();
  try {
    await body(server ?? { uri: process.env.NEO4J_URI!, user: process.env.NEO4J_USER ?? 'neo4j', password: process.env.NEO4J_PASSWORD ?? '' });
  } finally {
    await server?.stop();
  }
}

type Target = { kind: 'sqlite'; path: string } | { kind: 'neo4j'; connection: Neo4jConnection };

async function startServe(target: Target): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const store = target.kind === 'sqlite' ? target.path : target.connection.uri;
  const env = target.kind === 'sqlite' ? process.env : { ...process.env, TRAILGRAPH_NEO4J_USER: target.connection.user, TRAILGRAPH_NEO4J_PASSWORD: target.connection.password };
  // The service in its own process: the load below comes from this one, so the two do not share an event loop.
  const proc = spawn(process.execPath, ['bin/trailgraph.js', 'serve', '--port', String(port), '--store', store, '--mode', 'production', '--insecure'], { stdio: ['ignore', 'pipe', 'inherit'], env });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('/graphql')) resolve();
    });
    proc.once('exit', (c) => reject(new Error(`serve exited ${c}`)));
  });
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    stop: async () => {
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
    },
  };
}

const NEIGHBOURS = '{ truncated nodes { distance node { id } } relationships { type fromId toId } }';

/** Drops the page cache of `file` only (posix_fadvise DONTNEED through GNU dd); false when dd cannot. */
function dropPageCache(file: string): boolean {
  return spawnSync('dd', [`if=${file}`, 'iflag=nocache', 'count=0', 'status=none']).status === 0;
}

/** Reads `file` through once so its pages are in the page cache; seconds taken. */
async function warmPageCache(file: string): Promise<number> {
  const t = performance.now();
  for await (const chunk of createReadStream(file, { highWaterMark: 4 << 20 })) void chunk;
  return (performance.now() - t) / 1000;
}

async function measure(target: Target, nodes: number, shape: { patients: number; referrals: number }, { seconds, concurrency, rounds, cold }: { seconds: number; concurrency: number; rounds: number; cold: boolean }): Promise<void> {
  const db = target.kind === 'sqlite' ? target.path : undefined;
  const dropped = cold && db !== undefined && dropPageCache(db);
  const server = await startServe(target);
  const pick = (n: number) => Math.floor(Math.random() * n);
  const gql = (query: string, variables?: Record<string, unknown>) => () => JSON.stringify({ query, variables });
  const trivial = gql('{ __typename }');
  const queries: [string, () => string][] = [
    ['1-hop: patient → referrals (first 10) → GP', () => gql('query($id: ID!) { patient(id: $id) { name referrals(first: 10) { nodes { id triageLevel referredBy { name } } } } }', { id: `p-${pick(shape.patients)}` })()],
    ['typical 2-hop neighbourhood: patient → referrals → GPs (limit 50)', () => gql(`query($id: ID!) { neighbourhood(id: $id, hops: 2, via: [forPatient, referredBy], limit: 50) ${NEIGHBOURS} }`, { id: `p-${pick(shape.patients)}` })()],
    [`hub 2-hop neighbourhood: referral → Specialty → its ${shape.referrals.toLocaleString('en')} referrals (limit 50)`, () => gql(`query($id: ID!) { neighbourhood(id: $id, hops: 2, via: [forPatient, requestedSpecialty], limit: 50) ${NEIGHBOURS} }`, { id: `r-${pick(shape.referrals)}` })()],
  ];
  const loads: number[] = [loadavg()[0] ?? 0];
  let coldLine = '';
  try {
    if (dropped) {
      const r = await load(server.url, 'cold', queries[0]![1], seconds, concurrency);
      const sorted = [...r.lat].sort((a, b) => a - b);
      coldLine = `Cold page cache (this file's pages dropped first), one ${seconds}-s round of the 1-hop query: ${(r.lat.length / r.seconds).toFixed(0)} req/s, p50 ${q(sorted, 0.5).toFixed(1)} ms, p99 ${q(sorted, 0.99).toFixed(1)} ms.`;
      console.log(coldLine);
    }
    if (db !== undefined) {
      const warmS = await warmPageCache(db);
      const warmLine = `Page cache warmed before the rounds: read the ${(statSync(db).size / 1e9).toFixed(2)} GB store once in ${warmS.toFixed(1)} s.`;
      console.log(warmLine);
      coldLine = [coldLine, warmLine].filter(Boolean).join(' ');
    }
    await load(server.url, 'warm-up', queries[0]![1], 2, concurrency);
    // The machine is shared and its load drifts, so each round measures trivial and every query back to back and
    // the figures are summed over the rounds: drift hits the baseline and the queries alike.
    const all: [string, () => string][] = [['trivial { __typename }', trivial], ...queries];
    const samples = all.map(() => ({ lat: [] as number[], seconds: 0, errors: 0 }));
    for (let round = 0; round < rounds; round++) {
      for (const [i, [name, body]] of all.entries()) {
        const r = await load(server.url, name, body, seconds, concurrency);
        const s = samples[i]!;
        s.lat.push(...r.lat);
        s.seconds += r.seconds;
        s.errors += r.errors;
        loads.push(loadavg()[0] ?? 0);
        report(`${name} (round ${round + 1})`, r.lat.length / r.seconds, r.lat, r.errors);
      }
    }
    const results = all.map(([name], i) => summarise(name, samples[i]!));
    const base = results[0]!.rps;
    const lines = [
      '',
      `#### ${target.kind === 'sqlite' ? 'SQLite' : 'Neo4j'}, ${nodes.toLocaleString('en')} nodes (${new Date().toISOString().slice(0, 16)}Z, ${concurrency} concurrent clients, ${rounds} rounds × ${seconds} s per query, ${cpus().length} cores, 1-min load average ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)})`,
      '',
      '| Query | req/s | × trivial | p50 ms | p99 ms | errors |',
      '|---|---:|---:|---:|---:|---:|',
      ...results.map((r) => `| ${r.name} | ${r.rps.toFixed(0)} | ${(r.rps / base).toFixed(2)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.errors} |`),
      '',
      coldLine,
      '',
    ];
    console.log(lines.join('\n'));
  } finally {
    await server.stop();
  }
}

function report(name: string, rps: number, lat: readonly number[], errors: number): void {
  const sorted = [...lat].sort((a, b) => a - b);
  console.log(`${name.padEnd(60)} ${rps.toFixed(0).padStart(7)} req/s  p50 ${q(sorted, 0.5).toFixed(1)} ms  p99 ${q(sorted, 0.99).toFixed(1)} ms  errors ${errors}`);
}

const q = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

function summarise(name: string, s: { lat: number[]; seconds: number; errors: number }): Result {
  const sorted = [...s.lat].sort((a, b) => a - b);
  return { name, rps: sorted.length / s.seconds, p50: q(sorted, 0.5), p99: q(sorted, 0.99), errors: s.errors };
}
