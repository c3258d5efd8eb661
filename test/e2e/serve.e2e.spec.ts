/* eslint-disable @typescript-eslint/no-explicit-any -- assertions on untyped JSON responses */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

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

void describe('trailgraph serve as a process', () => {
  let proc: ChildProcess;
  let base: string;
  let output = '';
  const dir = mkdtempSync(join(tmpdir(), 'tg-serve-'));
  before(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    proc = spawn(process.execPath, ['bin/trailgraph.js', 'serve', '--port', String(port), '--store', join(dir, 'graph.db')], {
      env: { ...process.env, TRAILGRAPH_MODE: 'development' },
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
  after(() => {
    if (proc.exitCode === null) proc.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  void test('prints where it listens and what to do next', () => {
    assert.match(output, new RegExp(`${base.replace(/[.]/g, '\\.')}/graphql`));
    assert.match(output, /POST .*\/events/);
  });

  void test('curl-style POST /events, then query the referral with its patient and history', async () => {
    const post = (e: unknown) =>
      fetch(`${base}/events`, { method: 'POST', headers: { 'content-type': 'application/cloudevents+json' }, body: JSON.stringify(e) });
    const patient = await post({
      specversion: '1.0', id: 'e2e-1', source: 'agent://intake', type: 'PatientRegistered', subject: 'Patient/p-1',
      data: { '@type': 'Patient', id: 'p-1', name: 'Ann Lee', birthDate: '1970-02-03', mrn: 'MRN-000001' },
    });
    assert.equal(patient.status, 201, await patient.clone().text());
    const referral = await post({
      specversion: '1.0', id: 'e2e-2', source: 'agent://intake', type: 'ReferralRequested', subject: 'Referral/r-1', time: '2026-11-21T09:00:00Z',
      data: {
        '@type': 'Referral', id: 'r-1', reason: 'Chest pain on exertion', triageLevel: 'urgent', status: 'requested', requestedAt: '2026-11-21T09:00:00Z',
        forPatient: 'p-1', referredBy: { '@type': 'GeneralPractitioner', id: 'gp-7', name: 'Dr Ada Moss' },
        requestedSpecialty: { '@type': 'Specialty', id: 'sp-card', code: 'CARD', name: 'Cardiology' },
      },
    });
    assert.equal(referral.status, 201, await referral.clone().text());
    const { seq } = (await referral.json()) as { seq: number };
    const res = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: `query($s: Int) { referral(id: "r-1", atLeastSeq: $s) { triageLevel forPatient { name referralsCount } referredBy { name } history { type source } } }`,
        variables: { s: seq },
      }),
    });
    const body = (await res.json()) as { data: { referral: any } };
    assert.deepEqual(body.data.referral, {
      triageLevel: 'urgent',
      forPatient: { name: 'Ann Lee', referralsCount: 1 },
      referredBy: { name: 'Dr Ada Moss' },
      history: [{ type: 'ReferralRequested', source: 'agent://intake' }],
    });
    const graphiql = await fetch(`${base}/graphql`, { headers: { accept: 'text/html' } });
    assert.match(await graphiql.text(), /graphiql/i);
    assert.equal((await fetch(`${base}/readyz`)).status, 200);
    const page = await fetch(`${base}/demo`);
    assert.equal(page.status, 200, 'the referral page is served beside GraphiQL');
    assert.match(await page.text(), /trailgraph/);
  });

  void test('SIGTERM stops it cleanly with exit code 0', async () => {
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    proc.kill('SIGTERM');
    assert.equal(await exited, 0, output);
    assert.match(output, /stopped/);
  });
});
