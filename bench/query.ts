/**
 * Query throughput over real HTTP against a real `trailgraph serve` process, on a graph of N nodes:
 * a 1-hop relationship query and a 2-hop neighbourhood, each compared with a trivial `{ __typename }` measured on the
 * same server in the same run. Target: relationship throughput ≥ 0.6× trivial.
 *
 *   npm run bench -- query --nodes 100000 [--seconds 10] [--concurrency 32] [--keep]
 */
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { createSqliteDeadLetters, createSqliteStore } from '../src/adapters/sqlite/index.ts';
import { createIngestor } from '../src/app/ingest.ts';
import { loadOntology } from '../src/app/ontology-loader.ts';

const pad = (n: number, w = 6) => String(n).padStart(w, '0');

/** Seeds ~`nodes` nodes: 1 specialty, GPs, patients (1/3), referrals (2/3) each → patient, GP, specialty. */
async function seed(path: string, nodes: number): Promise<{ patients: number }> {
  const ontology = await loadOntology('ontology/referral');
  const store = createSqliteStore({ path, ontology, synchronous: 'NORMAL' });
  await store.init(ontology);
  const ingestor = createIngestor({ ontology, store, deadLetters: createSqliteDeadLetters({ db: store.db }) });
  const gps = Math.max(1, Math.floor(nodes / 1000));
  const patients = Math.floor((nodes - gps - 1) / 3);
  const referrals = nodes - gps - 1 - patients;
  const ev = (id: string, type: string, subject: string, data: Record<string, unknown>) => ({
    payload: { specversion: '1.0', id, source: 'agent://bench', type, subject, time: '2026-11-21T09:00:00Z', data },
  });
  const all = function* () {
    for (let g = 0; g < gps; g++) {
      yield ev(`gp-${g}`, 'PractitionerRegistered', `Practitioner/gp-${g}`, { '@type': 'GeneralPractitioner', id: `gp-${g}`, name: `Dr ${g}` });
    }
    for (let p = 0; p < patients; p++) {
      yield ev(`pat-${p}`, 'PatientRegistered', `Patient/p-${p}`, { '@type': 'Patient', id: `p-${p}`, name: `Patient ${p}`, birthDate: '1970-01-01', mrn: `MRN-${pad(p % 1_000_000)}` });
    }
    for (let r = 0; r < referrals; r++) {
      yield ev(`ref-${r}`, 'ReferralRequested', `Referral/r-${r}`, {
        '@type': 'Referral', id: `r-${r}`, reason: 'bench referral', triageLevel: r % 7 === 0 ? 'urgent' : 'routine', status: 'requested',
        requestedAt: '2026-11-21T09:00:00Z', forPatient: `p-${r % patients}`, referredBy: `gp-${r % gps}`,
        requestedSpecialty: { '@type': 'Specialty', id: 'sp-card', code: 'CARD', name: 'Cardiology' },
      });
    }
  };
  const total = gps + patients + referrals;
  const bar = new cliProgress.SingleBar({ format: 'seeding [{bar}] {value}/{total} events {eta_formatted}' }, cliProgress.Presets.shades_classic);
  bar.start(total, 0);
  let batch: { payload: unknown }[] = [];
  let done = 0;
  const flush = async () => {
    const res = await ingestor.ingest(batch);
    const bad = res.find((r) => r.status === 'rejected');
    if (bad && 'error' in bad) throw new Error(`seed event rejected: ${bad.error.message}`);
    done += batch.length;
    bar.update(done);
    batch = [];
  };
  for (const e of all()) {
    batch.push(e);
    if (batch.length === 1000) await flush();
  }
  if (batch.length) await flush();
  bar.stop();
  await store.close();
  return { patients };
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

interface Result { name: string; rps: number; p50: number; p99: number; errors: number }

async function load(url: string, name: string, body: () => string, seconds: number, concurrency: number): Promise<Result> {
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
  const elapsed = (performance.now() - started) / 1000;
  lat.sort((a, b) => a - b);
  const q = (p: number) => lat[Math.min(lat.length - 1, Math.floor(lat.length * p))] ?? 0;
  return { name, rps: lat.length / elapsed, p50: q(0.5), p99: q(0.99), errors };
}

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { nodes: { type: 'string', default: '100000' }, seconds: { type: 'string', default: '10' }, concurrency: { type: 'string', default: '32' }, keep: { type: 'boolean', default: false } } });
  const nodes = Number(values.nodes);
  const seconds = Number(values.seconds);
  const concurrency = Number(values.concurrency);
  const dir = mkdtempSync(join(tmpdir(), 'tg-bench-query-'));
  const db = join(dir, 'graph.db');
  const t0 = performance.now();
  const { patients } = await seed(db, nodes);
  console.log(`seeded ${nodes} nodes in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const port = await freePort();
  const proc = spawn(process.execPath, ['bin/trailgraph.js', 'serve', '--port', String(port), '--store', db, '--mode', 'production'], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('/graphql')) resolve();
    });
    proc.once('exit', (c) => reject(new Error(`serve exited ${c}`)));
  });
  const url = `http://127.0.0.1:${port}/graphql`;
  const rnd = () => `p-${Math.floor(Math.random() * patients)}`;
  const trivial = () => JSON.stringify({ query: '{ __typename }' });
  const oneHop = () => JSON.stringify({ query: 'query($id: ID!) { patient(id: $id) { name referrals(first: 10) { nodes { id triageLevel referredBy { name } } } } }', variables: { id: rnd() } });
  const twoHop = () => JSON.stringify({ query: 'query($id: ID!) { neighbourhood(id: $id, hops: 2, via: [forPatient, referredBy], limit: 50) { nodes { distance node { id } } } }', variables: { id: rnd() } });
  try {
    await load(url, 'warm-up', oneHop, 2, concurrency);
    const results: Result[] = [];
    for (const [name, body] of [['trivial { __typename }', trivial], ['1-hop: patient → referrals → GP', oneHop], ['2-hop neighbourhood patient → referrals → GPs (limit 50)', twoHop]] as const) {
      const r = await load(url, name, body, seconds, concurrency);
      results.push(r);
      console.log(`${name.padEnd(34)} ${r.rps.toFixed(0).padStart(7)} req/s  p50 ${r.p50.toFixed(1)} ms  p99 ${r.p99.toFixed(1)} ms  errors ${r.errors}`);
    }
    const base = results[0]!.rps;
    const lines = [
      '',
      `### Query (${new Date().toISOString().slice(0, 10)}, ${nodes.toLocaleString('en')} nodes, ${concurrency} concurrent clients, ${seconds} s each)`,
      '',
      `Command: \`npm run bench -- query --nodes ${nodes} --seconds ${seconds} --concurrency ${concurrency}\` — a real \`trailgraph serve\` (production mode, SQLite) over HTTP keep-alive, same run.`,
      '',
      '| Query | req/s | × trivial | p50 ms | p99 ms | errors |',
      '|---|---:|---:|---:|---:|---:|',
      ...results.map((r) => `| ${r.name} | ${r.rps.toFixed(0)} | ${(r.rps / base).toFixed(2)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.errors} |`),
      '',
    ];
    appendFileSync('bench/RESULTS.md', lines.join('\n'));
    console.log(lines.join('\n'));
  } finally {
    proc.kill('SIGTERM');
    await new Promise((r) => proc.once('exit', r));
    if (!values.keep) rmSync(dir, { recursive: true, force: true });
  }
}
