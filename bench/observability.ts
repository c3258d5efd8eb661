/**
 * What observability costs: the same `trailgraph serve --mode production` child three times over the same seeded
 * graph (each its own copy of the SQLite file), driven by wrk in rounds that interleave the three, so the drift of a
 * shared machine hits them alike:
 *
 *   off      — `TRAILGRAPH_METRICS=0`, no `OTEL_*`: no registry, the OpenTelemetry SDK never loaded
 *   metrics  — the default: Prometheus metrics on, tracing off
 *   tracing  — metrics on and tracing exporting every span over OTLP/HTTP (protobuf, batched) to a receiver in
 *              this process, which answers as a collector would and counts what arrives
 *
 * Two workloads: the 1-hop query of the query bench (GraphQL reads: metrics time every operation; tracing adds
 * the SDK's context manager, no span) and ingest — `publishEvent` mutations, each a new referral with an id of its
 * own (wrk-graphql.lua's `$SEQ`), committed before the answer (a GraphQL span, a publish span, the batch span with
 * its link, validate and commit spans per event while tracing). Each row is compared with `off` measured in the same
 * rounds; the server's CPU µs per request is the load-independent figure. Targets (the issue's): metrics on ≤ 5%
 * slower than off; the cost of exporting is stated, not bounded.
 *
 *   npm run bench -- observability --help
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { heading, measureRounds, querySpecs, type Row } from './query.ts';
import { seededStore, type SeedShape } from './support/query-seed.ts';
import { startServe, type ServerProcess } from './support/serve-process.ts';
import { loadArgs, loadOptions, processCpuSeconds, runWrk, type WrkBody, type WrkRun } from './support/wrk.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../test/support/otlp-receiver.ts';

const HELP = `usage: npm run bench -- observability [options]

Three \`trailgraph serve --mode production\` children on copies of one seeded store — metrics and tracing off,
metrics on (the default), metrics on + tracing exporting OTLP/HTTP — driven by wrk in interleaved rounds; one
table per workload with req/s, p50/p99, server CPU µs/request, each against "off".

  --nodes 100000           graph size (seeded once, cached under --data-dir)
  --workloads 1-hop,ingest which workloads (1-hop query, publishEvent ingest)
  --seconds 10             length of each wrk run
  --rounds 3               rounds; each measures every (workload, configuration) pair
  --connections 16         wrk connections (-c)
  --threads 1              wrk threads (-t)
  --fresh                  rebuild the seeded store
  --data-dir DIR           where seeded stores are cached (default bench/.data)
  --wrk PATH               the wrk binary (default: wrk on PATH)
`;

/** A server configuration under test. */
interface Configuration {
  readonly key: 'off' | 'metrics' | 'tracing';
  readonly label: string;
  readonly env: (receiver: OtlpReceiver) => Record<string, string>;
}

const CONFIGURATIONS: readonly Configuration[] = [
  { key: 'off', label: 'metrics off, tracing off', env: () => ({ TRAILGRAPH_METRICS: '0' }) },
  { key: 'metrics', label: 'metrics on, tracing off (default)', env: () => ({ TRAILGRAPH_METRICS: '1' }) },
  {
    key: 'tracing', label: 'metrics on, tracing exporting OTLP/HTTP',
    env: (r) => ({ TRAILGRAPH_METRICS: '1', OTEL_EXPORTER_OTLP_ENDPOINT: r.url, OTEL_SERVICE_NAME: 'trailgraph-bench' }),
  },
];

/** The publishEvent body: a new referral (its own id per request) for a random existing patient. */
export function ingestBody(shape: SeedShape): WrkBody {
  const event = {
    specversion: '1.0', id: 'bench-obs-$SEQ', source: 'agent://bench', type: 'ReferralRequested', subject: 'Referral/rb-$SEQ',
    data: {
      '@type': 'Referral', id: 'rb-$SEQ', reason: 'bench referral', triageLevel: 'routine', status: 'requested',
      requestedAt: '2026-11-21T09:00:00Z', forPatient: '$ID', referredBy: 'gp-0',
      requestedSpecialty: { '@type': 'Specialty', id: 'sp-card', code: 'CARD', name: 'Cardiology' },
    },
  };
  const query = 'mutation($e: JSON!) { publishEvent(event: $e) { status seq } }';
  return { template: JSON.stringify({ query, variables: { e: event } }), idPrefix: 'p-', ids: shape.patients };
}

/** The process environment without the caller's own OpenTelemetry settings. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('OTEL_') && !k.startsWith('TRAILGRAPH_')) env[k] = v;
  return { ...env, ...extra };
}

const ms = (us: number): string => (us / 1000).toFixed(1);
const rps = (r: WrkRun): number => r.requests / r.seconds;
const cpuPerRequest = (r: WrkRun): number => (1e6 * r.serverCpu) / r.requests;

/** The markdown table of one workload's rows against its `off` row. */
export function overheadTable(rows: readonly Row[], off: Row): string[] {
  return [
    '| configuration | req/s | × off | p50 ms | p99 ms | p99 × off | server CPU µs/req | CPU/req × off | errors |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(({ label, run: r }) =>
      `| ${label} | ${rps(r).toFixed(0)} | ${(rps(r) / rps(off.run)).toFixed(3)} | ${ms(r.p50)} | ${ms(r.p99)} | ${(r.p99 / off.run.p99).toFixed(2)} | ${cpuPerRequest(r).toFixed(0)} | ${(cpuPerRequest(r) / cpuPerRequest(off.run)).toFixed(3)} | ${r.errors} |`),
  ];
}

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      help: { type: 'boolean', default: false },
      ...loadArgs({ seconds: 10, rounds: 3, connections: 16 }),
      nodes: { type: 'string', default: '100000' },
      workloads: { type: 'string', default: '1-hop,ingest' },
      fresh: { type: 'boolean', default: false },
      'data-dir': { type: 'string', default: join(import.meta.dirname, '.data') },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const o = loadOptions(values);
  const nodes = Number(values.nodes);
  const { path, shape, seeded } = await seededStore(values['data-dir'], nodes, values.fresh);
  console.log(seeded ? `seeded ${nodes} nodes → ${path}` : `using cached ${path}`);
  const workloads = values.workloads.split(',').map((s) => s.trim());
  const bodies: Record<string, WrkBody> = { '1-hop': querySpecs(shape).find((q) => q.key === '1-hop')!.body, ingest: ingestBody(shape) };
  for (const w of workloads) if (!(w in bodies)) throw new Error(`--workloads: unknown "${w}" (use 1-hop, ingest)`);

  const dir = mkdtempSync(join(tmpdir(), 'tg-bench-obs-'));
  const receiver = await startOtlpReceiver();
  const servers: { config: Configuration; server: ServerProcess }[] = [];
  try {
    for (const config of CONFIGURATIONS) {
      // Each server writes (ingest), so each gets its own copy of the seeded graph.
      const copy = join(dir, `${config.key}.db`);
      for (const suffix of ['', '-wal', '-shm']) if (existsSync(`${path}${suffix}`)) copyFileSync(`${path}${suffix}`, `${copy}${suffix}`);
      servers.push({ config, server: await startServe({ store: copy, env: cleanEnv(config.env(receiver)) }) });
    }
    const pairs = workloads.flatMap((w) => servers.map(({ config, server }) => ({ label: `${w} — ${config.label}`, url: server.url, cpu: () => processCpuSeconds(server.pid), body: bodies[w]! })));
    const exportsBefore = receiver.requests.protobuf;
    // Warm-up: V8, prepared statements, the jit's compiled documents, the exporter's first connection.
    for (const p of pairs) await runWrk({ url: p.url, body: p.body, seconds: Math.min(2, o.seconds), connections: o.connections, threads: o.threads, wrk: o.wrk });
    const { rows, loads } = await measureRounds(pairs, o);
    // Reads make no span (only the context manager's work): exports are expected from the ingest rows, within the
    // SDK's schedule delay (5 s by default) of the last one.
    if (workloads.includes('ingest')) await receiver.waitFor(() => receiver.requests.protobuf > exportsBefore, 15_000, 'an OTLP export from the tracing server (else the comparison is void)');
    const exported = receiver.requests.protobuf - exportsBefore;
    const out = ['', heading(`Observability overhead, SQLite, ${nodes.toLocaleString('en')} nodes`, loads, o), ''];
    for (const [i, w] of workloads.entries()) {
      const mine = rows.slice(i * servers.length, (i + 1) * servers.length);
      out.push(`${w}:`, '', ...overheadTable(mine, mine[0]!), '');
    }
    out.push(`The tracing server sent ${exported} OTLP/HTTP export requests (protobuf, batched by the SDK) over the warm-up and the rounds.`);
    console.log(out.join('\n'));
  } finally {
    for (const { server } of servers) await server.stop();
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
