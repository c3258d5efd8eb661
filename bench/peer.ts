/**
 * trailgraph beside a mature GraphQL server on the same data, in one run: PostGraphile 5 (Amber preset) on a private
 * PostgreSQL 15 cluster holding the same referral graph (specialty, practitioner, patient and referral tables with
 * foreign keys and their indexes; the same ids), and `trailgraph serve --mode production` on its seeded SQLite store
 * of the same size. Both servers run on the same Node, are driven by the same wrk with the same connections, and
 * answer the same four questions as bench/query.ts — trivial `{ __typename }`, 1-hop (a patient, its first 10
 * referrals and each one's GP), a typical 2-hop and a hub 2-hop. Rounds alternate the rows so load drift hits both
 * servers alike. Before measuring, both servers answer the same patients and the bench checks they name the same
 * referrals and GPs.
 *
 * PostGraphile's CPU is its Node process plus the PostgreSQL backends (postmaster and children). Target: trailgraph
 * ≥ 2× PostGraphile's throughput on the relationship query, with a lower p99.
 *
 * PostGraphile 5 is a devDependency; it needs Node ≥ 22, so on Node 20 both servers run on Node 24 (.ci's
 * node-from-npm.sh), trailgraph's with the better-sqlite3 binding built for that Node.
 *
 *   npm run bench -- peer --help
 */
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { heading, measureRounds, ONE_HOP_QUERY, querySpecs, warmPageCache, type Row } from './query.ts';
import { startPostgres } from './support/postgres-cluster.ts';
import { PG_ONE_HOP, peerQuerySpecs, seedSql, startPostGraphile } from './support/postgraphile.ts';
import { seededStore, type SeedShape } from './support/query-seed.ts';
import { startServe, type ServerProcess } from './support/serve-process.ts';
import { loadArgs, loadOptions, processCpuSeconds, processTreeCpuSeconds, runWrk } from './support/wrk.ts';

const HELP = `usage: npm run bench -- peer [options]

trailgraph (SQLite) beside PostGraphile 5 on PostgreSQL 15, same graph, same Node, same wrk, one table.

  --nodes 100000        graph size (trailgraph's store is seeded once and cached; PostgreSQL is seeded each run)
  --seconds 10          length of each wrk run
  --rounds 3            rounds; each measures every row back to back
  --connections 32      wrk connections (-c)
  --threads 1           wrk threads (-t)
  --queries trivial,1-hop,2-hop,hub   which rows to measure on each server (also: node — one patient by id)
  --node PATH           the Node both servers run on (default: this one if ≥ 22, else Node 24 from
                        .ci/node-from-npm.sh 24 — PostGraphile 5 needs Node ≥ 22)
  --server-node-args "…"  extra Node flags for both servers, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"
  --source              run trailgraph from src/ through tsx (default: the compiled package, as installed)
  --wrk PATH            the wrk binary (default: wrk on PATH)
  --data-dir DIR        where trailgraph's seeded stores are cached (default bench/.data)
Environment: PG_BIN (default /usr/lib/postgresql/15/bin).
`;

/** This Node when PostGraphile 5 runs on it (≥ 22), else Node 24 from the npm registry's node package (.ci's script). */
function defaultNode(): string {
  if (Number(process.versions.node.split('.')[0]) >= 22) return process.execPath;
  const dir = execFileSync('bash', [join(import.meta.dirname, '..', '.ci', 'node-from-npm.sh'), '24'], { encoding: 'utf8' }).trim();
  return join(dir, 'bin', 'node');
}

async function post(url: string, query: string, id: string): Promise<unknown> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables: { id } }) });
  return res.json();
}

type TgAnswer = { data?: { patient?: { referrals: { nodes: { id: string; referredBy: { name: string } | null }[] } } } };
type PgAnswer = { data?: { patientByRowId?: { referralsByPatientId: { nodes: { rowId: string; practitionerByReferredById: { name: string } | null }[] } } } };

/** Both servers name the same referrals and GPs for sample patients (as sets: neither promises an order), or the comparison is void. */
export async function checkSameAnswers(tg: string, peer: string, s: SeedShape): Promise<void> {
  for (const n of [0, 1, Math.floor(s.patients / 2), s.patients - 1]) {
    const id = `p-${n}`;
    const a = (await post(tg, ONE_HOP_QUERY, id)) as TgAnswer;
    const b = (await post(peer, PG_ONE_HOP, id)) as PgAnswer;
    const left = a.data?.patient?.referrals.nodes.map((r) => `${r.id}:${r.referredBy?.name}`).sort();
    const right = b.data?.patientByRowId?.referralsByPatientId.nodes.map((r) => `${r.rowId}:${r.practitionerByReferredById?.name}`).sort();
    if (!left?.length || JSON.stringify(left) !== JSON.stringify(right)) {
      throw new Error(`the two servers answer ${id} differently:\ntrailgraph ${JSON.stringify(a)}\nPostGraphile ${JSON.stringify(b)}`);
    }
  }
}

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      help: { type: 'boolean', default: false },
      ...loadArgs({ seconds: 10, rounds: 3, connections: 32 }),
      nodes: { type: 'string', default: '100000' },
      queries: { type: 'string', default: 'trivial,1-hop,2-hop,hub' },
      node: { type: 'string' },
      'server-node-args': { type: 'string', default: '' },
      source: { type: 'boolean', default: false },
      'data-dir': { type: 'string', default: join(import.meta.dirname, '.data') },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const o = loadOptions(values);
  const nodes = Number(values.nodes);
  const keys = values.queries.split(',');
  const nodeArgs = values['server-node-args'].split(' ').filter(Boolean);
  const node = values.node ?? defaultNode();
  const nodeVersion = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
  const { path, shape } = await seededStore(values['data-dir'], nodes);
  const pg = await startPostgres();
  const started: ServerProcess[] = [];
  try {
    let t = performance.now();
    pg.psql(seedSql(shape));
    console.log(`PostgreSQL ${pg.psql('SHOW server_version;').trim()} on port ${pg.port}: seeded ${nodes.toLocaleString('en')} nodes (${shape.patients.toLocaleString('en')} patients, ${shape.referrals.toLocaleString('en')} referrals) in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    console.log(`trailgraph's store read through once (page cache warm) in ${(await warmPageCache(path)).toFixed(1)} s`);
    t = performance.now();
    const tg = await startServe({ store: path, node, nodeArgs, compiled: !values.source });
    started.push(tg);
    const peer = await startPostGraphile(pg, node, nodeArgs);
    started.push(peer);
    console.log(`servers up in ${((performance.now() - t) / 1000).toFixed(1)} s on Node ${nodeVersion}: trailgraph ${tg.url}, PostGraphile ${peer.url}`);
    await checkSameAnswers(tg.url, peer.url, shape);
    console.log('both servers name the same referrals and GPs for the sample patients');
    const tgCpu = () => processCpuSeconds(tg.pid);
    const peerCpu = () => processCpuSeconds(peer.pid) + processTreeCpuSeconds(pg.pid);
    const pairs = [
      ...querySpecs(shape).filter((q) => keys.includes(q.key)).map((q) => ({ label: `trailgraph (SQLite) | ${q.key} | ${q.name}`, url: tg.url, cpu: tgCpu, body: q.body })),
      ...peerQuerySpecs(shape).filter((q) => keys.includes(q.key)).map((q) => ({ label: `PostGraphile 5 (PostgreSQL 15) | ${q.key} | ${q.name}`, url: peer.url, cpu: peerCpu, body: q.body })),
    ];
    // Warm-up: V8, prepared statements, both servers' compiled plans, PostgreSQL's buffers.
    for (const p of pairs) await runWrk({ url: p.url, body: p.body, seconds: Math.min(3, o.seconds), connections: o.connections, threads: o.threads, wrk: o.wrk });
    const { rows, loads } = await measureRounds(pairs, o);
    loads.push(loadavg()[0] ?? 0);
    console.log(['', heading(`trailgraph beside PostGraphile 5, ${nodes.toLocaleString('en')} nodes, both on Node ${nodeVersion}, trailgraph ${values.source ? 'from src/ through tsx' : 'compiled'}`, loads, o), '', ...peerTable(rows), ''].join('\n'));
  } finally {
    for (const s of started) await s.stop();
    pg.stop();
  }
}

const rps = (r: Row): number => r.run.requests / r.run.seconds;

/** One table: each server's rows (× its own trivial), then trailgraph ÷ PostGraphile per query. */
export function peerTable(rows: readonly Row[]): string[] {
  const parsed = rows.map((r) => {
    const [server = '', key = '', query = ''] = r.label.split(' | ');
    return { server, key, query, row: r };
  });
  const trivialOf = (server: string) => parsed.find((p) => p.server === server && p.key === 'trivial')?.row;
  const line = ({ server, query, row: r }: (typeof parsed)[number]) => {
    const base = trivialOf(server);
    return `| ${server} | ${query} | ${rps(r).toFixed(0)} | ${base ? (rps(r) / rps(base)).toFixed(2) : '–'} | ${(r.run.p50 / 1000).toFixed(1)} | ${(r.run.p99 / 1000).toFixed(1)} | ${((1e6 * r.run.serverCpu) / r.run.requests).toFixed(0)} | ${((100 * r.run.serverCpu) / r.run.seconds).toFixed(0)}% | ${((100 * r.run.generatorCpu) / r.run.seconds).toFixed(0)}% | ${r.run.errors} |`;
  };
  const ratios = parsed.filter((p) => p.server.startsWith('trailgraph')).flatMap((t) => {
    const peer = parsed.find((p) => p.key === t.key && !p.server.startsWith('trailgraph'));
    if (!peer) return [];
    return [`| ${t.key} | **${(rps(t.row) / rps(peer.row)).toFixed(2)}×** | ${(t.row.run.p99 / 1000).toFixed(1)} vs ${(peer.row.run.p99 / 1000).toFixed(1)} | ${((1e6 * t.row.run.serverCpu) / t.row.run.requests).toFixed(0)} vs ${((1e6 * peer.row.run.serverCpu) / peer.row.run.requests).toFixed(0)} |`];
  });
  return [
    '| Server | Query | req/s | × own trivial | p50 ms | p99 ms | server CPU µs/req | server CPU | wrk CPU | errors |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...parsed.map(line),
    '',
    '| Query | trailgraph ÷ PostGraphile req/s | p99 ms (trailgraph vs PostGraphile) | server CPU µs/req (PostGraphile\'s includes its PostgreSQL backends) |',
    '|---|---:|---|---|',
    ...ratios,
  ];
}
