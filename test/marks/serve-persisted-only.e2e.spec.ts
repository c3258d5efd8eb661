/**
 * `trailgraph serve` with TRAILGRAPH_PERSISTED_ONLY=1 as a real process: the WebSocket transport obeys the
 * locked-down rule too (an ad-hoc subscription is refused), and the persisted referral-marks subscription from
 * queries/ delivers a mark for an event posted to /events.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { take } from './fixtures.ts';

void describe('serve --persisted-only over graphql-ws', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tg-serve-pq-'));
  let proc: ChildProcess;
  let base = '';
  let output = '';
  before(async () => {
    proc = spawn(process.execPath, ['bin/trailgraph.js', 'serve', '--port', '0', '--store', join(dir, 'graph.db')], {
      env: { ...process.env, TRAILGRAPH_PERSISTED_ONLY: '1', TRAILGRAPH_MODE: 'production', TRAILGRAPH_INSECURE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    proc.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    proc.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const deadline = Date.now() + 30_000;
    const url = (): string => /(http:\/\/[\d.]+:\d+)\/graphql/.exec(output)?.[1] ?? '';
    while (!url()) {
      if (Date.now() > deadline || proc.exitCode !== null) throw new Error(`serve did not start:\n${output}`);
      await sleep(100);
    }
    base = url();
  });
  after(() => {
    if (proc.exitCode === null) proc.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  const ws = () => createClient({ url: `${base.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, lazyCloseTimeout: 0 });

  void it('refuses an ad-hoc subscription', async () => {
    const client = ws();
    let errors: unknown;
    try {
      await take(client.iterate({ query: 'subscription { marks { seq } }' }), 1);
    } catch (err) {
      errors = err;
    }
    await client.dispose();
    assert.match(JSON.stringify(errors), /CANNOT_SEND_PQ_ID_AND_BODY/);
  });

  void it('runs queries/referral-marks.graphql by name and delivers the mark of a posted event', async () => {
    const client = ws();
    const sub = client.iterate<{ marks: { seq: number; type: string; nodes: { id: string; status?: string }[] } }>({
      query: '',
      variables: { where: { ids: ['r-pq-1'] } },
      extensions: { persistedQuery: { version: 1, sha256Hash: 'referral-marks' } },
    });
    const got = take(sub, 1);
    await sleep(200);
    const res = await fetch(`${base}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/cloudevents+json' },
      body: JSON.stringify({
        specversion: '1.0', id: 'pq-e2e-1', source: 'agent://intake', type: 'ReferralRequested', subject: 'Referral/r-pq-1',
        data: {
          '@type': 'Referral', id: 'r-pq-1', reason: 'Chest pain on exertion', triageLevel: 'urgent', status: 'requested',
          requestedAt: '2026-11-21T09:00:00Z', forPatient: { '@type': 'Patient', id: 'p-pq-1', name: 'Ann Lee', birthDate: '1970-02-03', mrn: 'MRN-000009' },
          referredBy: { '@type': 'GeneralPractitioner', id: 'gp-pq', name: 'Dr Ada Moss' },
          requestedSpecialty: { '@type': 'Specialty', id: 'sp-card', code: 'CARD', name: 'Cardiology' },
        },
      }),
    });
    assert.equal(res.status, 201, await res.text());
    const [r] = await got;
    await client.dispose();
    assert.equal(r?.errors, undefined, JSON.stringify(r));
    assert.equal(r?.data?.marks.type, 'ReferralRequested');
    assert.equal(r?.data?.marks.nodes.find((n) => n.id === 'r-pq-1')?.status, 'requested');
  });
});
