/**
 * Query throughput over real HTTP, driven by `wrk` (a C load generator in its own process), against a real
 * `trailgraph serve --mode production` child process on a seeded store of N nodes: the trivial `{ __typename }`,
 * a 1-hop relationship query, a typical 2-hop neighbourhood and a 2-hop neighbourhood through a hub (limit 50); on
 * request (`--queries …,search`) a ranked full-text search.
 * Each figure is compared with trivial measured on the same server in the same rounds. Targets: 1-hop and 2-hop
 * ≥ 0.8× trivial's req/s, p99 ≤ 2× trivial's p99.
 *
 * What the generator costs is measured, not assumed: wrk's own CPU time and the server's (from /proc) for every
 * run, and the 1-minute load average. On a 2-core machine a generator that takes a core's worth of CPU squeezes the
 * server; the server's CPU µs per request is the load-independent figure to read beside req/s.
 *
 * Page cache: a cold 1M-node store measures the disk, not the code. The bench drops this file's pages
 * (`dd iflag=nocache`), measures one cold round of the 1-hop query (printed on its own), reads the file through
 * once, and only then measures the rounds (`--no-cold` skips the cold round).
 *
 *   npm run bench -- query --help
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createReadStream, statSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { seededStore, type SeedShape } from './support/query-seed.ts';
import { seedNeo4j } from './support/query-seed-neo4j.ts';
import { startServe } from './support/serve-process.ts';
import { combineRuns, loadArgs, loadOptions, type LoadOptions, processCpuSeconds, runWrk, type WrkBody, type WrkRun } from './support/wrk.ts';
import neo4j from 'neo4j-driver';
import { startNeo4jServer, type Neo4jConnection } from '../test/support/neo4j-server.ts';

const HELP = `usage: npm run bench -- query [options]

Drives \`trailgraph serve --mode production\` (a child process) with wrk and prints one table per store and size:
req/s, × trivial, p50/p99 (wrk), p99 × trivial's, server CPU µs/request, wrk's CPU, errors, load average.

  --nodes 100000,1000000   graph sizes (seeded once, cached under --data-dir)
  --seconds 10             length of each wrk run
  --rounds 3               rounds; each measures trivial and every query back to back
  --connections 32         wrk connections (-c)
  --threads 1              wrk threads (-t); one thread keeps the generator cheap on a small machine
  --stores sqlite          sqlite and/or neo4j (NEO4J_URI/NEO4J_PASSWORD, or a test server started for the run)
  --queries trivial,1-hop,2-hop,hub   which rows to measure (also: node — one patient by id, the floor of any store
                           read; search — full-text search, ranked; search-rare — the same on a term one node has)
  --node PATH              the Node the server runs on (default: this one)
  --server-node-args "…"   extra Node flags for the server, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"
  --source                 run the server from src/ through tsx (default: the compiled package, as installed)
  --no-cold                skip the cold-page-cache round
  --fresh                  rebuild the seeded store
  --data-dir DIR           where seeded stores are cached (default bench/.data)
  --wrk PATH               the wrk binary (default: wrk on PATH)
`;

export interface QuerySpec {
  readonly key: string;
  readonly name: string;
  readonly body: WrkBody;
}

/** The 1-hop row's query: a patient, its first 10 referrals and each one's GP name. */
export const ONE_HOP_QUERY = 'query($id: ID!) { patient(id: $id) { name referrals(first: 10) { nodes { id triageLevel referredBy { name } } } } }';

/** The one-node row's query: a single read by id. */
export const ONE_NODE_QUERY = 'query($id: ID!) { patient(id: $id) { name } }';

/** The search row's query: ranked hits with their names (the node read beside the index). */
export const SEARCH_QUERY = 'query($text: String!) { search(text: $text, classes: ["Patient"], first: 10) { edges { score node { id ... on Patient { name } } } } }';

const NEIGHBOURS = '{ truncated nodes { distance node { id } } relationships { type fromId toId } }';
const gql = (query: string, idVar = false): string => JSON.stringify(idVar ? { query, variables: { id: '$ID' } } : { query });

/** The four query rows for a graph of this shape. */
export function querySpecs(shape: SeedShape): QuerySpec[] {
  return [
    { key: 'trivial', name: 'trivial `{ __typename }`', body: { template: gql('{ __typename }') } },
    {
      // One store read and nothing else: the floor under every query that touches the store, so the ratio a
      // relationship query can reach against trivial is bounded by this row's.
      key: 'node', name: 'one node: patient(id) { name }',
      body: { template: gql(ONE_NODE_QUERY, true), idPrefix: 'p-', ids: shape.patients },
    },
    {
      key: '1-hop', name: '1-hop: patient → referrals (first 10) → referredBy { name }',
      body: { template: gql(ONE_HOP_QUERY, true), idPrefix: 'p-', ids: shape.patients },
    },
    {
      key: '2-hop', name: 'typical 2-hop neighbourhood: patient → referrals → GPs (limit 50)',
      body: { template: gql(`query($id: ID!) { neighbourhood(id: $id, hops: 2, via: [forPatient, referredBy], limit: 50) ${NEIGHBOURS} }`, true), idPrefix: 'p-', ids: shape.patients },
    },
    {
      key: 'hub', name: `hub 2-hop neighbourhood: referral → Specialty → its ${shape.referrals.toLocaleString('en')} referrals (limit 50)`,
      body: { template: gql(`query($id: ID!) { neighbourhood(id: $id, hops: 2, via: [forPatient, requestedSpecialty], limit: 50) ${NEIGHBOURS} }`, true), idPrefix: 'r-', ids: shape.referrals },
    },
    {
      // Every patient is named "Patient <n>": one word every patient has, one only this patient has.
      key: 'search', name: `full-text search "patient <n>" over ${shape.patients.toLocaleString('en')} patients (ranked, first 10)`,
      body: { template: JSON.stringify({ query: SEARCH_QUERY, variables: { text: '$ID' } }), idPrefix: 'patient ', ids: shape.patients },
    },
    {
      // The patient's number alone: a term one node has. FTS5's bm25 counts the documents of every query term by
      // walking its whole posting list, so the row above pays for "patient" (every patient) and this one does not.
      key: 'search-rare', name: `full-text search "<n>" (one patient's number) over ${shape.patients.toLocaleString('en')} patients (ranked, first 10)`,
      body: { template: JSON.stringify({ query: SEARCH_QUERY, variables: { text: '$ID' } }), idPrefix: '', ids: shape.patients },
    },
  ];
}

/** One row of a result table: a query on one server, its rounds combined. */
export interface Row {
  readonly label: string;
  readonly run: WrkRun;
}

/**
 * Runs every (server, query) pair once per round, back to back in a fixed order, so the drift of a shared machine
 * hits every row alike; prints each run as it ends. Returns the rounds combined per pair, and the load averages seen.
 */
export async function measureRounds(pairs: readonly { label: string; url: string; cpu: () => number; body: WrkBody }[], o: LoadOptions): Promise<{ rows: Row[]; loads: number[] }> {
  const runs = pairs.map(() => [] as WrkRun[]);
  const loads = [loadavg()[0] ?? 0];
  for (let round = 1; round <= o.rounds; round++) {
    for (const [i, p] of pairs.entries()) {
      const r = await runWrk({ url: p.url, body: p.body, seconds: o.seconds, connections: o.connections, threads: o.threads, serverCpu: p.cpu, wrk: o.wrk });
      runs[i]!.push(r);
      loads.push(loadavg()[0] ?? 0);
      console.log(`round ${round}  ${p.label.slice(0, 64).padEnd(64)} ${(r.requests / r.seconds).toFixed(0).padStart(6)} req/s  p50 ${ms(r.p50)}  p99 ${ms(r.p99)} ms  server ${((1e6 * r.serverCpu) / r.requests).toFixed(0)} µs/req  wrk ${pct(r.generatorCpu, r.seconds)} CPU  errors ${r.errors}  load ${loads.at(-1)!.toFixed(1)}`);
    }
  }
  return { rows: pairs.map((p, i) => ({ label: p.label, run: combineRuns(runs[i]!) })), loads };
}

const ms = (us: number): string => (us / 1000).toFixed(1);
const pct = (cpu: number, seconds: number): string => `${((100 * cpu) / seconds).toFixed(0)}%`;

/** The markdown table of rows against a baseline row (× baseline req/s, p99 × baseline p99). */
export function table(rows: readonly Row[], base: Row): string[] {
  const rps = (r: WrkRun) => r.requests / r.seconds;
  return [
    '| Query | req/s | × trivial | p50 ms | p99 ms | p99 × trivial | server CPU µs/req | server CPU | wrk CPU | errors |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(({ label, run: r }) =>
      `| ${label} | ${rps(r).toFixed(0)} | ${(rps(r) / rps(base.run)).toFixed(2)} | ${ms(r.p50)} | ${ms(r.p99)} | ${(r.p99 / base.run.p99).toFixed(2)} | ${((1e6 * r.serverCpu) / r.requests).toFixed(0)} | ${pct(r.serverCpu, r.seconds)} | ${pct(r.generatorCpu, r.seconds)} | ${r.errors} |`),
  ];
}

/** One line describing the machine, the load and the method, for the table heading. */
export function heading(title: string, loads: readonly number[], o: LoadOptions): string {
  return `#### ${title} (${new Date().toISOString().slice(0, 16)}Z, wrk -t${o.threads} -c${o.connections}, ${o.rounds} rounds × ${o.seconds} s per row, ${cpus().length} cores, 1-min load average ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)})`;
}

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      help: { type: 'boolean', default: false },
      ...loadArgs({ seconds: 10, rounds: 3, connections: 32 }),
      nodes: { type: 'string', default: '100000' },
      stores: { type: 'string', default: 'sqlite' },
      queries: { type: 'string', default: 'trivial,1-hop,2-hop,hub' },
      node: { type: 'string', default: process.execPath },
      'server-node-args': { type: 'string', default: '' },
      source: { type: 'boolean', default: false },
      'no-cold': { type: 'boolean', default: false },
      fresh: { type: 'boolean', default: false },
      'data-dir': { type: 'string', default: join(import.meta.dirname, '.data') },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const o = loadOptions(values);
  const keys = values.queries.split(',').map((s) => s.trim());
  if (!keys.includes('trivial')) keys.unshift('trivial');
  const nodeArgs = values['server-node-args'].split(' ').filter(Boolean);
  const stores = values.stores.split(',').map((s) => s.trim());
  for (const nodes of values.nodes.split(',').map(Number)) {
    if (stores.includes('sqlite')) {
      const t0 = performance.now();
      const { path, shape, seeded } = await seededStore(values['data-dir'], nodes, values.fresh);
      console.log(seeded ? `seeded ${nodes} nodes in ${((performance.now() - t0) / 1000).toFixed(1)} s → ${path}` : `using cached ${path}`);
      await measure({ kind: 'sqlite', path }, nodes, shape, keys, { node: values.node, nodeArgs, compiled: !values.source }, !values['no-cold'], o);
    }
    if (stores.includes('neo4j')) await withNeo4j(async (c) => {
      const t0 = performance.now();
      const shape = await seedNeo4j(c, nodes);
      console.log(`seeded ${nodes} nodes into Neo4j (${c.uri}) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      await measure({ kind: 'neo4j', connection: c }, nodes, shape, keys, { node: values.node, nodeArgs, compiled: !values.source }, false, o);
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

/** What a query run serves: a SQLite file or a Neo4j server. */
export type Target = { kind: 'sqlite'; path: string } | { kind: 'neo4j'; connection: Neo4jConnection };

const nodeVersion = (node: string): string => execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();

/** What one bare neo4j-driver round trip costs the client, measured in this process. */
export interface BoltFloor {
  readonly cpuUs: number;
  readonly perSecond: number;
}

/**
 * The least a Neo4j-backed request can cost its server: one auto-commit `RETURN $id` (no data, no plan work) per
 * call of the bare driver, `inFlight` at once — the round trip every query that reads the store pays at least
 * once. CPU is this process's, which does nothing else meanwhile; the first half of the calls warm up.
 */
export async function boltFloor(c: Neo4jConnection, inFlight: number, calls = 20_000): Promise<BoltFloor> {
  const driver = neo4j.driver(c.uri, neo4j.auth.basic(c.user, c.password), { disableLosslessIntegers: true });
  const run = async (n: number): Promise<BoltFloor> => {
    let next = 0;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await Promise.all(Array.from({ length: inFlight }, async () => {
      while (next < n) {
        const id = `p-${next++}`;
        const session = driver.session({ defaultAccessMode: neo4j.session.READ });
        try {
          await session.run('RETURN $id AS id', { id });
        } finally {
          await session.close();
        }
      }
    }));
    const cpu = process.cpuUsage(cpu0);
    return { cpuUs: (cpu.user + cpu.system) / n, perSecond: n / ((performance.now() - t0) / 1000) };
  };
  try {
    await run(calls / 2);
    return await run(calls);
  } finally {
    await driver.close();
  }
}

/** The floor's note: a request that reads Neo4j once costs at least trivial's CPU plus one round trip. */
export function boltFloorNote(floor: BoltFloor, trivial: WrkRun): string {
  const trivialUs = (1e6 * trivial.serverCpu) / trivial.requests;
  return `Bare neo4j-driver round trip in this run (auto-commit \`RETURN $id\`, ${floor.perSecond.toFixed(0)} calls/s): ${floor.cpuUs.toFixed(0)} µs of client CPU per call, the JVM's not counted. A query that reads the store once costs at least trivial's ${trivialUs.toFixed(0)} µs + ${floor.cpuUs.toFixed(0)} µs, so by CPU it answers at most ${(trivialUs / (trivialUs + floor.cpuUs)).toFixed(2)}× trivial's rate whatever its Cypher.`;
}

/** Drops the page cache of `file` only (posix_fadvise DONTNEED through GNU dd); false when dd cannot. */
function dropPageCache(file: string): boolean {
  return spawnSync('dd', [`if=${file}`, 'iflag=nocache', 'count=0', 'status=none']).status === 0;
}

/** Reads `file` through once so its pages are in the page cache; seconds taken. */
export async function warmPageCache(file: string): Promise<number> {
  const t = performance.now();
  for await (const chunk of createReadStream(file, { highWaterMark: 4 << 20 })) void chunk;
  return (performance.now() - t) / 1000;
}

/**
 * Serves the store from a child process and measures `keys` (query rows of querySpecs; trivial first) in rounds;
 * prints each run and the table, and returns the table's lines (heading, table, notes).
 */
export async function measure(target: Target, nodes: number, shape: SeedShape, keys: readonly string[], runtime: { node: string; nodeArgs: readonly string[]; compiled?: boolean }, cold: boolean, o: LoadOptions): Promise<string[]> {
  const db = target.kind === 'sqlite' ? target.path : undefined;
  const dropped = cold && db !== undefined && dropPageCache(db);
  const env = target.kind === 'sqlite' ? process.env : { ...process.env, TRAILGRAPH_NEO4J_USER: target.connection.user, TRAILGRAPH_NEO4J_PASSWORD: target.connection.password };
  const server = await startServe({ store: target.kind === 'sqlite' ? target.path : target.connection.uri, env, ...runtime });
  const specs = querySpecs(shape).filter((s) => keys.includes(s.key));
  const oneHop = querySpecs(shape).find((s) => s.key === '1-hop')!;
  const notes: string[] = [];
  try {
    if (dropped) {
      const r = await runWrk({ url: server.url, body: oneHop.body, seconds: o.seconds, connections: o.connections, threads: o.threads, serverCpu: () => processCpuSeconds(server.pid), wrk: o.wrk });
      notes.push(`Cold page cache (this file's pages dropped first), one ${o.seconds}-s round of the 1-hop query: ${(r.requests / r.seconds).toFixed(0)} req/s, p50 ${ms(r.p50)} ms, p99 ${ms(r.p99)} ms.`);
      console.log(notes.at(-1));
    }
    if (db !== undefined) {
      const warmS = await warmPageCache(db);
      notes.push(`Page cache warmed before the rounds: read the ${(statSync(db).size / 1e9).toFixed(2)} GB store once in ${warmS.toFixed(1)} s.`);
      console.log(notes.at(-1));
    }
    // Warm-up: V8, prepared statements and the jit's compiled documents, for every query.
    for (const s of specs) await runWrk({ url: server.url, body: s.body, seconds: Math.min(2, o.seconds), connections: o.connections, threads: o.threads, wrk: o.wrk });
    const { rows, loads } = await measureRounds(specs.map((s) => ({ label: s.name, url: server.url, cpu: () => processCpuSeconds(server.pid), body: s.body })), o);
    const title = `${target.kind === 'sqlite' ? 'SQLite' : 'Neo4j'}, ${nodes.toLocaleString('en')} nodes, server on Node ${nodeVersion(runtime.node)} (${runtime.compiled ? 'compiled dist/' : 'src/ through tsx'})`;
    if (target.kind === 'neo4j') notes.push(boltFloorNote(await boltFloor(target.connection, o.connections), rows[0]!.run));
    const lines = [heading(title, loads, o), '', ...table(rows, rows[0]!), '', ...notes];
    console.log(['', ...lines, ''].join('\n'));
    return lines;
  } finally {
    await server.stop();
  }
}
