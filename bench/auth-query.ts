/**
 * The cost of a row rule on the query path: the 1-hop query of bench/query.ts (patient → referrals (first 10) →
 * GP) served by two `trailgraph serve` processes on the same seeded store in the same run — one open (auth off),
 * one with auth on, called by a GP token whose row rule (policy role `gp`: referrals it made, and their
 * patients) is compiled into every SQL read. Rounds alternate open/auth so load drift hits both. Target: auth-on
 * throughput ≥ 0.8× auth-off (the anchors' weakness: neo4j/graphql @authorization rules turning lookups into scans).
 * The GP asks about patients it referred, so the answers are not empty; each answer shows only that GP's
 * referrals of the patient (about 2 referrals per patient in this graph, from different GPs).
 *
 *   npm run bench -- auth-query --nodes 100000 [--seconds 10] [--concurrency 32] [--rounds 3]
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { issueToken } from '../src/adapters/jose/issue.ts';
import { seededStore } from './support/query-seed.ts';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function startServe(db: string, env: Record<string, string>): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const proc = spawn(process.execPath, ['bin/trailgraph.js', 'serve', '--port', String(port), '--store', db], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
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

/** `concurrency` clients in a closed loop for `seconds`; throughput, p50/p99 (ms), failed answers, referrals seen. */
async function load(url: string, headers: Record<string, string>, body: () => string, seconds: number, concurrency: number) {
  const lat: number[] = [];
  let errors = 0;
  let referrals = 0;
  const end = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (performance.now() < end) {
      const t = performance.now();
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: body() });
      const json = (await res.json()) as { errors?: unknown; data?: { patient?: { referrals: { nodes: unknown[] } } | null } };
      if (!res.ok || json.errors || !json.data?.patient) errors++;
      else referrals += json.data.patient.referrals.nodes.length;
      lat.push(performance.now() - t);
    }
  }));
  const s = (performance.now() - started) / 1000;
  lat.sort((a, b) => a - b);
  const q = (p: number): number => lat[Math.min(lat.length - 1, Math.floor(lat.length * p))] ?? 0;
  return { rps: lat.length / s, n: lat.length, seconds: s, p50: q(0.5), p99: q(0.99), errors, referrals };
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
      'data-dir': { type: 'string', default: join(import.meta.dirname, '.data') },
    },
  });
  const [seconds, concurrency, rounds, nodes] = [Number(values.seconds), Number(values.concurrency), Number(values.rounds), Number(values.nodes)];
  const { path, shape, seeded } = await seededStore(values['data-dir'], nodes, values.fresh);
  console.log(seeded ? `seeded ${nodes} nodes → ${path}` : `using cached ${path}`);
  const secret = randomBytes(32).toString('hex');
  const gp = 7 % shape.gps;
  const token = await issueToken({ secret, agent: `agent://gp-${gp}`, roles: ['gp'], issuer: 'trailgraph', audience: 'trailgraph', attributes: { node: `gp-${gp}` }, ttlSec: 24 * 3600 });
  // Patients this GP referred: referral r is by gp r % gps and for patient r % patients.
  const patients: string[] = [];
  for (let r = gp; r < shape.referrals && patients.length < 5000; r += shape.gps) patients.push(`p-${r % shape.patients}`);
  const pick = (): string => patients[Math.floor(Math.random() * patients.length)] as string;
  const body = () => JSON.stringify({ query: 'query($id: ID!) { patient(id: $id) { name referrals(first: 10) { nodes { id triageLevel referredBy { name } } } } }', variables: { id: pick() } });

  const open = await startServe(path, { TRAILGRAPH_AUTH_SECRET: '' });
  const auth = await startServe(path, { TRAILGRAPH_AUTH_SECRET: secret });
  const loads = [loadavg()[0] ?? 0];
  const sum = { open: { n: 0, s: 0, errors: 0, refs: 0, p50: [] as number[] }, auth: { n: 0, s: 0, errors: 0, refs: 0, p50: [] as number[] } };
  try {
    await load(open.url, {}, body, 2, concurrency);
    await load(auth.url, { authorization: `Bearer ${token}` }, body, 2, concurrency);
    for (let round = 1; round <= rounds; round++) {
      for (const [name, server, headers] of [['open', open, {}], ['auth', auth, { authorization: `Bearer ${token}` }]] as const) {
        const r = await load(server.url, headers, body, seconds, concurrency);
        const s = sum[name];
        s.n += r.n;
        s.s += r.seconds;
        s.errors += r.errors;
        s.refs += r.referrals;
        s.p50.push(r.p50);
        loads.push(loadavg()[0] ?? 0);
        console.log(`round ${round} ${name.padEnd(5)} ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.p50.toFixed(1)} ms  p99 ${r.p99.toFixed(1)} ms  errors ${r.errors}  referrals/answer ${(r.referrals / Math.max(1, r.n - r.errors)).toFixed(2)}`);
      }
    }
  } finally {
    await open.stop();
    await auth.stop();
  }
  const rps = (s: { n: number; s: number }): number => s.n / s.s;
  console.log([
    '',
    `#### Row rule on the 1-hop query, ${nodes.toLocaleString('en')} nodes (${new Date().toISOString().slice(0, 16)}Z, ${concurrency} concurrent clients, ${rounds} rounds × ${seconds} s each side, ${cpus().length} cores, 1-min load average ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)})`,
    '',
    '| Server | req/s | × auth off | errors | referrals per answer |',
    '|---|---:|---:|---:|---:|',
    `| auth off | ${rps(sum.open).toFixed(0)} | 1.00 | ${sum.open.errors} | ${(sum.open.refs / Math.max(1, sum.open.n - sum.open.errors)).toFixed(2)} |`,
    `| auth on, GP row rule (token verified per request) | ${rps(sum.auth).toFixed(0)} | ${(rps(sum.auth) / rps(sum.open)).toFixed(2)} | ${sum.auth.errors} | ${(sum.auth.refs / Math.max(1, sum.auth.n - sum.auth.errors)).toFixed(2)} |`,
    '',
  ].join('\n'));
}
