/**
 * `trailgraph serve --nats <url>` as a process against a real nats-server: HTTP publishes go through JetStream and
 * are projected by the serve process; a plain NATS client's CloudEvent (no msg id) becomes queryable; the CLI's
 * `publish --nats` validates before sending and only reports a seq the serve process projected; a poison event
 * shows up in `dlq list --nats`; SIGTERM exits 0.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- assertions on untyped JSON responses */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { createSqliteStore } from '../../src/adapters/sqlite/index.ts';
import { loadOntology } from '../../src/app/ontology/ontology-loader.ts';
import { startNatsServer, type NatsServer } from '../support/nats-server.ts';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Runs the CLI to completion. */
function cli(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['bin/trailgraph.js', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TRAILGRAPH_NATS_URL: '' } });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (out += d.toString()));
    p.once('exit', (code) => resolve({ code, out }));
  });
}

const patient = (id: string, pid: string, name: string): Record<string, unknown> => ({
  specversion: '1.0', id, source: 'agent://intake', type: 'PatientRegistered', subject: `Patient/${pid}`,
  data: { '@type': 'Patient', id: pid, name, birthDate: '1970-02-03', mrn: `MRN-${pid.replace(/\D/g, '').padStart(6, '0')}` },
});

void describe('trailgraph serve --nats as a process', () => {
  let nats: NatsServer;
  let nc: NatsConnection;
  let proc: ChildProcess;
  let base: string;
  let output = '';
  const dir = mkdtempSync(join(tmpdir(), 'tg-serve-nats-'));
  const store = join(dir, 'graph.db');

  const query = async (q: string, variables: Record<string, unknown> = {}): Promise<any> => {
    const res = await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: q, variables }) });
    return ((await res.json()) as { data: any }).data;
  };

  before(async () => {
    nats = await startNatsServer({ jetstream: true });
    nc = await connect({ servers: nats.url });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    proc = spawn(process.execPath, ['bin/trailgraph.js', 'serve', '--nats', nats.url, '--store', store, '--port', String(port)], {
      env: { ...process.env, TRAILGRAPH_MODE: 'development', TRAILGRAPH_NATS_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    proc.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    proc.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const deadline = Date.now() + 30_000;
    while (!output.includes('/graphql')) {
      if (Date.now() > deadline || proc.exitCode !== null) throw new Error(`serve did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  });
  after(async () => {
    if (proc.exitCode === null) proc.kill('SIGKILL');
    await nc?.close();
    await nats?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  void test('says it runs in nats mode', () => {
    assert.match(output, /nats mode/);
  });

  void test('POST /events?wait=5000 returns applied with its seq, and the patient is queryable', async () => {
    const res = await fetch(`${base}/events?wait=5000`, {
      method: 'POST', headers: { 'content-type': 'application/cloudevents+json' }, body: JSON.stringify(patient('n-1', 'p-1', 'Ann Lee')),
    });
    const body = (await res.json()) as { status: string; seq: number };
    assert.equal(res.status, 201, JSON.stringify(body));
    assert.equal(body.status, 'applied');
    assert.ok(Number.isInteger(body.seq) && body.seq > 0);
    const data = await query('query($s: Int) { patient(id: "p-1", atLeastSeq: $s) { name } }', { s: body.seq });
    assert.deepEqual(data.patient, { name: 'Ann Lee' });
  });

  void test('an event published by a plain NATS client (no msg id) is projected and queryable', async () => {
    const event = patient('n-plain', 'p-2', 'Bo Diaz');
    // Any CloudEvents producer with a NATS client: core publish on a tg.events.* subject, no headers at all.
    nc.publish('tg.events.referral.PatientRegistered.p-2', JSON.stringify(event));
    await nc.flush();
    const deadline = Date.now() + 10_000;
    let found: any;
    while (!found && Date.now() < deadline) {
      found = (await query('{ patient(id: "p-2") { name history { type source } } }')).patient;
      if (!found) await new Promise((r) => setTimeout(r, 100));
    }
    assert.deepEqual(found, { name: 'Bo Diaz', history: [{ type: 'PatientRegistered', source: 'agent://intake' }] });
  });

  void test('trailgraph publish --nats: valid events get the seq the serve process projected; invalid ones exit 1 with the pointer', async () => {
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify(patient('n-cli', 'p-3', 'Cy Ng')));
    const ok = await cli(['publish', '--nats', nats.url, '--store', store, '--wait', '5000', good]);
    assert.equal(ok.code, 0, ok.out);
    assert.match(ok.out, /✓ n-cli applied seq \d+/);
    assert.deepEqual((await query('{ patient(id: "p-3") { name } }')).patient, { name: 'Cy Ng' });

    const bad = join(dir, 'bad.json');
    const invalid = patient('n-bad', 'p-4', 'Di Roe');
    (invalid.data as Record<string, unknown>).birthDate = 42;
    writeFileSync(bad, JSON.stringify(invalid));
    const no = await cli(['publish', '--nats', nats.url, '--store', join(dir, 'cli.db'), bad]);
    assert.equal(no.code, 1, no.out);
    assert.match(no.out, /✗ n-bad rejected: .*\/data\/birthDate/);
    // Rejected at the edge: it never reached the stream.
    assert.equal((await query('{ patient(id: "p-4") { name } }')).patient, null);
    // The CLI only publishes: no projector of its own consumed the stream into its store.
    const cliStore = createSqliteStore({ path: join(dir, 'cli.db'), ontology: await loadOntology('ontology/referral') });
    try {
      assert.equal(await cliStore.headSeq(), 0, 'the CLI process projected events into its own store');
    } finally {
      await cliStore.close();
    }
  });

  void test('a poison event sent past validation, and the one publish rejected, are listed by trailgraph dlq list --nats', async () => {
    const poison = patient('n-poison', 'p-5', 'Ed Poe');
    (poison.data as Record<string, unknown>).birthDate = 'not a date';
    nc.publish('tg.events.referral.PatientRegistered.p-5', JSON.stringify(poison));
    await nc.flush();
    const deadline = Date.now() + 15_000;
    let listed = '';
    while (Date.now() < deadline) {
      const r = await cli(['dlq', 'list', '--nats', nats.url, '--store', join(dir, 'cli.db')]);
      assert.equal(r.code, 0, r.out);
      listed = r.out;
      if (listed.includes('n-poison')) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.match(listed, /\tinvalid\tn-poison\t\/data\/birthDate\t/);
    // The event `publish --nats` rejected at the edge earlier is kept too: nothing is lost.
    assert.match(listed, /\tinvalid\tn-bad\t\/data\/birthDate\t/);
    assert.match(listed, /2 shown, 2 in total/);
  });

  void test('SIGTERM stops it cleanly with exit code 0', async () => {
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    proc.kill('SIGTERM');
    assert.equal(await exited, 0, output);
    assert.match(output, /stopped/);
  });
});
